/**
 * What check, tune and init share: CONFIG... read as a mesh (src/mesh), the world (defaults or
 * --world FILE), the SLO, versions, client localities, and the battery plan built from them.
 */
import { planBattery, type BatteryPlan } from '../advise/battery.ts';
import { parseSlo } from '../advise/slo.ts';
import { DEFAULT_WORLD, readWorld, type World } from '../advise/world.ts';
import { UserError } from '../config/errors.ts';
import { parseSingleYamlDocument } from '../config/yaml.ts';
import type { Mesh } from '../mesh/build.ts';
import { readText } from '../node/files.ts';
import { loadMesh } from '../node/mesh-files.ts';
import type { AdviseOpts } from './advise-options.ts';

export function positiveInt(text: string | undefined, fallback: number, flag: string, max = 10_000): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new UserError(`${flag} ${text}: expected an integer from 1 to ${max}`);
  return n;
}

export function readWorldFile(file: string | undefined): World {
  if (file === undefined) return DEFAULT_WORLD;
  const doc = parseSingleYamlDocument(readText(file, { label: file }), file);
  return readWorld(doc.toJS(), file);
}

export interface AdviseInputs {
  mesh: Mesh;
  world: World;
  plan: BatteryPlan;
}

export function readAdviseInputs(configs: string[], opts: AdviseOpts, defaultReplications = 10): AdviseInputs {
  if (opts.istio !== undefined && opts.envoy !== undefined) throw new UserError('give at most one of --istio and --envoy');
  const mesh = loadMesh(configs, opts.endpoints);
  const world = readWorldFile(opts.world);
  const plan = planBattery(mesh, {
    clientLocalities: opts.clientLocality,
    versions: { istio: opts.istio, envoy: opts.envoy },
    world,
    slo: parseSlo(opts.slo ?? []),
    replications: positiveInt(opts.replications, defaultReplications, '--replications', 1000),
    host: opts.host,
  });
  return { mesh, world, plan };
}
