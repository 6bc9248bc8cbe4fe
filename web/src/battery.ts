/**
 * The whole battery, as `failsim check` runs it (src/cli/check-command.ts): the Istio configuration
 * read as a mesh (src/mesh), the battery planned around it with the default world and SLO, every
 * job run in this worker one after another, scored. Returns the `failsim check --json` document.
 */
import { batteryJobs, planBattery } from '../../src/advise/battery.ts';
import { scorecardDocument } from '../../src/advise/format.ts';
import { runBatteryJob, type RunMetrics } from '../../src/advise/job.ts';
import { scoreBattery } from '../../src/advise/scorecard.ts';
import { DEFAULT_SLO } from '../../src/advise/slo.ts';
import { DEFAULT_WORLD } from '../../src/advise/world.ts';
import { buildMesh } from '../../src/mesh/build.ts';

export interface BatteryInput {
  /** Istio (and Kubernetes) YAML, and the name messages give it. */
  config: string;
  configName: string;
  /** Client sidecar localities (`--client-locality`); empty: every locality of the endpoints. */
  clientLocalities: string[];
  versions: { istio?: string; envoy?: string };
  replications: number;
}

export function runCheck(input: BatteryInput, onProgress: (done: number, total: number) => void): Record<string, unknown> {
  const mesh = buildMesh([{ file: input.configName, text: input.config }]);
  const plan = planBattery(mesh, {
    clientLocalities: input.clientLocalities.length > 0 ? input.clientLocalities : undefined,
    versions: input.versions,
    world: DEFAULT_WORLD,
    slo: DEFAULT_SLO,
    replications: input.replications,
  });
  const jobs = batteryJobs(plan);
  const results: RunMetrics[] = [];
  for (const job of jobs) {
    results.push(runBatteryJob(job));
    onProgress(results.length, jobs.length);
  }
  return scorecardDocument(plan, scoreBattery(plan, results));
}
