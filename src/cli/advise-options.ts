/**
 * What check, tune and init share: CONFIG... read as a mesh (src/mesh), the world (defaults or
 * --world FILE), the SLO, versions, client localities, and the battery plan built from them.
 */
import type { Command } from 'commander';
import { planBattery, type BatteryPlan } from '../advise/battery.ts';
import { parseSlo } from '../advise/slo.ts';
import { DEFAULT_WORLD, readWorld, type World } from '../advise/world.ts';
import { UserError } from '../config/errors.ts';
import { parseSingleYamlDocument } from '../config/yaml.ts';
import type { Mesh } from '../mesh/build.ts';
import { readText } from '../node/files.ts';
import { loadMesh } from '../node/mesh-files.ts';

export interface AdviseOpts {
  clientLocality?: string[];
  istio?: string;
  envoy?: string;
  slo?: string[];
  world?: string;
  replications?: string;
  workers?: string;
  host?: string;
  endpoints?: string[];
  json?: boolean;
  out?: string;
  progress?: boolean;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** The options every advise command takes. */
export function addAdviseOptions(cmd: Command, withRuns = true): Command {
  cmd
    .argument('<configs...>', 'Kubernetes and Istio YAML: files or directories (kubectl get svc,endpointslices,destinationrules,... -o yaml)')
    .option('--client-locality <region/zone/subzone>', 'client sidecars here (repeatable; default: every locality of the endpoints)', collect)
    .option('--istio <version>', 'Istio release to reproduce, e.g. 1.28 (default: the newest)')
    .option('--envoy <version>', 'Envoy release (instead of --istio)')
    .option('--host <host>', 'check this service only (default: the hosts the DestinationRules name)')
    .option('--endpoints <host=region/zone:count,...>', 'endpoints for a host the files give none for (repeatable)', collect)
    .option('--world <file>', 'latency by distance, clients and per-endpoint models (docs/check.md)');
  if (withRuns) {
    cmd
      .option('--slo <errorRate=P%[,window=D]>', 'the objective incidents are judged against (default errorRate=0.1%,window=1d)', collect)
      .option('--replications <n>', 'runs per incident, with seeds 1..n (default 10)')
      .option('--workers <n>', 'worker threads (default: available parallelism)')
      .option('--json', 'one JSON document on stdout')
      .option('--out <dir>', 'write the runs, the scenarios and an HTML report here')
      .option('--no-progress', 'no progress bar on stderr');
  }
  return cmd;
}

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
