/**
 * Runs a sweep: every (point, replication) of the plan that this shard owns and the journal does not
 * already hold, in a worker pool; each finished run is appended to the journal at once; at the end
 * the output files are written from the journal, sorted, so they do not depend on the worker count,
 * on the order runs finished in, or on how many times the sweep was resumed.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import { UserError } from '../config/errors.ts';
import { issueMessages } from '../config/issues.ts';
import type { Experiment } from './experiment.ts';
import { appendRow, JOURNAL_FILE, readRows } from './journal.ts';
import { SWEEP_FORMAT, buildPlan, planJson, plannedRun, shardRuns, type Shard, type SweepPlan } from './plan.ts';
import { createRunPool } from './pool.ts';
import { resultsCsv, resultsJsonl, runIndex, sortRows, summarizePoints, summaryCsv, type PointSummary, type RunRow } from './results.ts';

export const PLAN_FILE = 'sweep.json';
/** Written by a sharded sweep: which shard the directory holds (`{"shard": "1/4"}`); absent for a whole sweep. */
export const SHARD_FILE = 'shard.json';

function shardText(shard: Shard | undefined): string {
  return shard === undefined ? 'the whole sweep' : `shard ${shard.index}/${shard.count}`;
}

/** The shard a sweep directory records: a Shard, undefined for a whole sweep. */
function readShard(dir: string): Shard | undefined {
  const path = join(dir, SHARD_FILE);
  if (!existsSync(path)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UserError(`${path}: not a shard record (${(e as Error).message})`);
  }
  const m = /^(\d+)\/(\d+)$/.exec(String((value as { shard?: unknown } | null)?.shard));
  if (!m || Number(m[1]) >= Number(m[2])) throw new UserError(`${path}: not a shard record (expected {"shard": "i/N"})`);
  return { index: Number(m[1]), count: Number(m[2]) };
}

/**
 * A directory holds one shard (or the whole sweep) for good: resuming it as another shard would mix
 * two shards' runs, which the merge then counts twice or misses.
 */
function checkSameShard(dir: string, shard: Shard | undefined): void {
  const recorded = readShard(dir);
  if (recorded?.index === shard?.index && recorded?.count === shard?.count) return;
  throw new UserError(
    `${dir} holds ${shardText(recorded)} of this sweep, not ${shardText(shard)}: resume it with ` +
      `${recorded === undefined ? 'no --shard' : `--shard ${recorded.index}/${recorded.count}`}, or give ${shardText(shard)} another --out`,
  );
}

export interface SweepOptions {
  outDir: string;
  workers: number;
  resume: boolean;
  shard?: Shard;
  /** Called once with the already-done count, then after every finished run. */
  onProgress?: (done: number, total: number) => void;
}

export interface SweepReport {
  plan: SweepPlan;
  /** Runs this invocation owns (the shard's share, or all). */
  owned: number;
  /** Of those, already in the journal (resume). */
  resumed: number;
  ran: number;
  files: string[];
  /** The owned runs, sorted; for a whole sweep every run (the CLI draws charts from them). */
  rows: RunRow[];
  /** Per point, when the sweep is whole (not a shard). */
  summaries: PointSummary[] | undefined;
}

function writeAtomically(path: string, text: string | Buffer): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** The shape of sweep.json that merge, resume and chart rely on (a file edited or from elsewhere is refused). */
const count = z.number().int().nonnegative();
const planSchema = z.looseObject({
  format: z.literal(SWEEP_FORMAT),
  name: z.string(),
  scenario: z.string(),
  parameters: z.array(
    z.looseObject({
      address: z.string(),
      target: z.enum(['scenario', 'resource']),
      values: z.array(z.looseObject({ label: z.string(), override: z.string() })).min(1),
    }),
  ),
  replications: count.min(1),
  seed: count,
  metrics: z.array(z.looseObject({ written: z.string(), column: z.string() })),
  points: count.min(1),
  runs: count.min(1),
  fingerprint: z.string(),
});

export function readPlan(dir: string): SweepPlan | undefined {
  const path = join(dir, PLAN_FILE);
  if (!existsSync(path)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UserError(`${path}: not a sweep plan (${(e as Error).message})`);
  }
  const parsed = planSchema.safeParse(value, { reportInput: true });
  if (!parsed.success) {
    throw new UserError(`${path}: not a sweep plan written by this failsim (${issueMessages(parsed.error.issues).slice(0, 3).join('; ')})`);
  }
  // The file as written (zod's output reorders keys, and the plan is rewritten byte for byte).
  const plan = value as SweepPlan;
  const points = plan.parameters.reduce((n, p) => n * p.values.length, 1);
  if (plan.points !== points || plan.runs !== points * plan.replications) {
    throw new UserError(`${path}: not a sweep plan written by this failsim (points and runs do not match its parameters)`);
  }
  return plan;
}

function rowFor(plan: SweepPlan, run: number, metrics: RunRow['metrics']): RunRow {
  const r = plannedRun(plan, run);
  const params: Record<string, unknown> = {};
  plan.parameters.forEach((p, pi) => {
    const o = r.overrides[pi];
    params[p.address] = p.values.find((v) => v.override === o)!.value;
  });
  return { point: r.point, replication: r.replication, seed: r.seed, params, metrics };
}

export async function runSweep(exp: Experiment, opts: SweepOptions): Promise<SweepReport> {
  const plan = buildPlan(exp);
  const dir = opts.outDir;
  mkdirSync(dir, { recursive: true });
  const journal = join(dir, JOURNAL_FILE);
  const existing = readPlan(dir);
  if (existing !== undefined || existsSync(journal)) {
    if (!opts.resume) {
      throw new UserError(`${dir} already holds a sweep (${existing ? PLAN_FILE : JOURNAL_FILE}); pass --resume to continue it, or choose another --out`);
    }
    if (existing === undefined) throw new UserError(`${dir}: ${JOURNAL_FILE} without ${PLAN_FILE}: cannot tell which sweep it belongs to`);
    if (existing.fingerprint !== plan.fingerprint) {
      throw new UserError(`${dir} holds a different sweep (${existing.name}; the experiment, scenario or mesh file changed since): cannot resume it`);
    }
    checkSameShard(dir, opts.shard);
  }
  writeAtomically(join(dir, PLAN_FILE), planJson(plan));
  if (opts.shard !== undefined) writeAtomically(join(dir, SHARD_FILE), `${JSON.stringify({ shard: `${opts.shard.index}/${opts.shard.count}` })}\n`);

  const owned = shardRuns(plan, opts.shard);
  const ownedSet = new Set(owned);
  const done = new Map<number, RunRow>();
  for (const row of readRows(journal, { repair: true })) {
    const run = runIndex(plan, row);
    if (ownedSet.has(run) && row.point < plan.points && row.replication < plan.replications) done.set(run, row);
  }
  const resumed = done.size;
  const todo = owned.filter((r) => !done.has(r));
  opts.onProgress?.(done.size, owned.length);

  if (todo.length > 0) {
    const pool = createRunPool(Math.max(1, Math.min(opts.workers, todo.length)));
    try {
      await Promise.all(
        todo.map(async (run) => {
          const job = plannedRun(plan, run);
          let metrics;
          try {
            metrics = await pool.run({ scenarioPath: exp.scenarioPath, overrides: job.overrides, seed: job.seed });
          } catch (e) {
            throw new UserError(`run ${run} (point ${job.point}, replication ${job.replication}, ${job.overrides.join(' ') || 'no overrides'}, seed ${job.seed}) failed: ${(e as Error).message}`);
          }
          const row = rowFor(plan, run, metrics);
          appendRow(journal, row);
          done.set(run, row);
          opts.onProgress?.(done.size, owned.length);
        }),
      );
    } finally {
      await pool.close();
    }
  }

  const rows = owned.map((r) => done.get(r)!);
  const out = writeSweepOutputs(dir, plan, rows, { partial: opts.shard !== undefined });
  return { plan, owned: owned.length, resumed, ran: todo.length, files: out.files, rows: sortRows(rows), summaries: out.summaries };
}

/**
 * Writes results.jsonl/results.csv, and for a whole sweep summary.csv (charts are drawn by the
 * caller, src/report being the layer above). A pure function of (plan, rows): the same rows give the
 * same bytes whatever produced them.
 */
export function writeSweepOutputs(
  dir: string,
  plan: SweepPlan,
  rows: readonly RunRow[],
  { partial = false }: { partial?: boolean } = {},
): { files: string[]; summaries: PointSummary[] | undefined } {
  const files: string[] = [];
  const put = (name: string, text: string) => {
    writeAtomically(join(dir, name), text);
    files.push(name);
  };
  put(PLAN_FILE, planJson(plan));
  put('results.jsonl', resultsJsonl(rows));
  put('results.csv', resultsCsv(plan, rows));
  if (partial) return { files, summaries: undefined };
  const summaries = summarizePoints(plan, rows);
  put('summary.csv', summaryCsv(plan, summaries));
  return { files, summaries };
}
