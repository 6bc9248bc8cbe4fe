/**
 * One sweep run (one point × one replication): the scenario with the point's overrides and the
 * replication's seed, simulated and summarised like `failsim run --json`, flattened to columns.
 * Runs inside a worker thread (worker-entry.mjs) or inline; the result depends only on the job.
 */
import { loadScenario } from '../config/load-scenario.ts';
import { parseOverrides, type ScenarioOverride } from '../config/overrides.ts';
import { buildRunModel } from '../sim/model.ts';
import { Simulation } from '../sim/simulation.ts';
import { summarize } from '../sim/summary.ts';
import { flatten, type FlatRecord } from './flatten.ts';

export interface RunJob {
  /** Absolute path of the scenario file. */
  scenarioPath: string;
  /** `--set` texts of the point's parameter values. */
  overrides: string[];
  seed: number;
}

export function executeRun(job: RunJob): FlatRecord {
  const { scenario, resources } = parseOverrides(job.overrides);
  const seed: ScenarioOverride = { target: 'scenario', path: ['seed'], value: job.seed, text: `seed=${job.seed}` };
  const loaded = loadScenario(job.scenarioPath, { overrides: [...scenario, seed] });
  const model = buildRunModel(loaded, resources, job.scenarioPath);
  const sim = new Simulation(model, loaded.scenario);
  sim.run();
  const { effectiveConfig: _config, ...summary } = summarize(sim);
  return flatten(summary);
}

export default executeRun;
