/**
 * One sweep run (one point × one replication): the scenario with the point's overrides and the
 * replication's seed, simulated and summarised like `failsim run --json`, flattened to columns.
 * Runs inside a worker thread (worker-entry.mjs) or inline; the result depends only on the job.
 */
import { simulate } from '../api.ts';
import { readScenarioFiles } from '../node/files.ts';
import { flatten, type FlatRecord } from './flatten.ts';

export interface RunJob {
  /** Absolute path of the scenario file. */
  scenarioPath: string;
  /** `--set` texts of the point's parameter values. */
  overrides: string[];
  seed: number;
}

export function executeRun(job: RunJob): FlatRecord {
  const { effectiveConfig: _config, ...summary } = simulate({
    ...readScenarioFiles(job.scenarioPath, { sets: job.overrides, seed: job.seed }),
    // Every point's size was checked (or --force given) when the experiment was loaded.
    limits: 'none',
  });
  return flatten(summary);
}

export default executeRun;
