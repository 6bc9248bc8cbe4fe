/**
 * The plan of a sweep, as written to `sweep.json`: parameters and their values, points (every
 * combination, last parameter fastest), replications and their seeds, metrics, and a fingerprint of
 * all of that plus the scenario and mesh text. Resume and merge refuse directories whose
 * fingerprint differs. Nothing machine-specific (paths, worker count, shard) is in it, so a sharded
 * sweep merged gives the same file as an unsharded one.
 */
import { createHash } from 'node:crypto';
import { enumeratePoints, replicationSeed, type Experiment, type Metric, type Parameter } from './experiment.ts';

export const SWEEP_FORMAT = 'failsim-sweep/1';

export interface SweepPlan {
  format: typeof SWEEP_FORMAT;
  name: string;
  /** The experiment's `scenario:` as written. */
  scenario: string;
  parameters: Parameter[];
  replications: number;
  seed: number;
  metrics: Metric[];
  points: number;
  runs: number;
  fingerprint: string;
}

export interface PlannedRun {
  /** point × replications + replication: the order of every output file. */
  run: number;
  point: number;
  replication: number;
  seed: number;
  overrides: string[];
}

export function buildPlan(exp: Experiment): SweepPlan {
  const points = enumeratePoints(exp.parameters).length;
  const identity = {
    format: SWEEP_FORMAT,
    parameters: exp.parameters,
    replications: exp.replications,
    seed: exp.seed,
    metrics: exp.metrics,
    inputs: exp.inputsText,
  };
  const fingerprint = createHash('sha256').update(JSON.stringify(identity)).digest('hex');
  return {
    format: SWEEP_FORMAT,
    name: exp.name,
    scenario: exp.scenarioRef,
    parameters: exp.parameters,
    replications: exp.replications,
    seed: exp.seed,
    metrics: exp.metrics,
    points,
    runs: points * exp.replications,
    fingerprint,
  };
}

/** Value index of each parameter at a point (row-major, last parameter fastest). */
export function pointValueIndexes(plan: Pick<SweepPlan, 'parameters'>, point: number): number[] {
  const idx = new Array<number>(plan.parameters.length);
  let rest = point;
  for (let p = plan.parameters.length - 1; p >= 0; p--) {
    const n = plan.parameters[p].values.length;
    idx[p] = rest % n;
    rest = Math.floor(rest / n);
  }
  return idx;
}

export function plannedRun(plan: SweepPlan, run: number): PlannedRun {
  const point = Math.floor(run / plan.replications);
  const replication = run % plan.replications;
  const idx = pointValueIndexes(plan, point);
  return {
    run,
    point,
    replication,
    seed: replicationSeed(plan.seed, replication),
    overrides: idx.map((vi, pi) => plan.parameters[pi].values[vi].override),
  };
}

export interface Shard {
  index: number;
  count: number;
}

/** Runs a shard owns: run index mod count = index (Kubernetes JOB_COMPLETION_INDEX counts from 0). */
export function shardRuns(plan: SweepPlan, shard: Shard | undefined): number[] {
  const out: number[] = [];
  for (let r = 0; r < plan.runs; r++) if (shard === undefined || r % shard.count === shard.index) out.push(r);
  return out;
}

export function planJson(plan: SweepPlan): string {
  return `${JSON.stringify(plan, null, 2)}\n`;
}
