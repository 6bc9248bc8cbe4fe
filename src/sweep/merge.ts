/**
 * `failsim merge`: shard directories of one sweep → the files an unsharded sweep writes. Every
 * directory must hold the same plan (fingerprint); together they must cover every run exactly once
 * (a run found twice must be identical).
 */
import { existsSync, mkdirSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from '../config/errors.ts';
import { JOURNAL_FILE, readRows } from './journal.ts';
import { rowJson, runIndex, sortRows, type PointSummary, type RunRow } from './results.ts';
import { PLAN_FILE, readPlan, writeSweepOutputs } from './sweep.ts';
import type { SweepPlan } from './plan.ts';

export interface MergeReport {
  plan: SweepPlan;
  runs: number;
  files: string[];
  rows: RunRow[];
  summaries: PointSummary[];
}

/** The canonical path of a directory (symbolic links resolved) when it exists, else its absolute path. */
function canonical(dir: string): string {
  try {
    return realpathSync(resolve(dir));
  } catch {
    return resolve(dir);
  }
}

/**
 * Merges shard directories into `outDir`. `prepareOut` (default: create it) runs once every input
 * has been read and checked, before anything is written.
 */
export function mergeSweeps(
  dirs: readonly string[],
  outDir: string,
  prepareOut: () => void = () => mkdirSync(outDir, { recursive: true }),
): MergeReport {
  if (dirs.length === 0) throw new UserError('merge: give at least one sweep directory');
  // Writing into an input would replace the shard's own results with the merge of all of them.
  const outPath = canonical(outDir);
  const clash = dirs.find((d) => canonical(d) === outPath);
  if (clash !== undefined) throw new UserError(`merge: --out ${outDir} is one of the directories to merge (${clash}); choose another output directory`);
  let plan: SweepPlan | undefined;
  const rows = new Map<number, RunRow>();
  for (const dir of dirs) {
    const p = readPlan(dir);
    if (p === undefined) throw new UserError(`${dir}: no ${PLAN_FILE}: not a sweep output directory`);
    if (plan === undefined) plan = p;
    else if (p.fingerprint !== plan.fingerprint) {
      throw new UserError(`${dir}: a different sweep (${p.name}, fingerprint ${p.fingerprint.slice(0, 12)}) than ${dirs[0]} (${plan.name}, ${plan.fingerprint.slice(0, 12)})`);
    }
    const results = join(dir, 'results.jsonl');
    const source = existsSync(results) ? results : join(dir, JOURNAL_FILE);
    for (const row of readRows(source)) {
      const run = runIndex(plan, row);
      if (row.point >= plan.points || row.replication >= plan.replications) throw new UserError(`${source}: run ${run} is outside the plan`);
      const prev = rows.get(run);
      if (prev !== undefined && rowJson(prev) !== rowJson(row)) {
        throw new UserError(`${source}: point ${row.point} replication ${row.replication} differs from the same run in another directory`);
      }
      rows.set(run, row);
    }
  }
  const missing: number[] = [];
  for (let r = 0; r < plan!.runs; r++) if (!rows.has(r)) missing.push(r);
  if (missing.length > 0) {
    throw new UserError(
      `merge: ${missing.length} of ${plan!.runs} runs missing (first: ${missing.slice(0, 5).join(', ')}); ` +
        'merge every shard, and finish interrupted ones with --resume',
    );
  }
  prepareOut();
  const all = sortRows([...rows.values()]);
  const out = writeSweepOutputs(outDir, plan!, all);
  return { plan: plan!, runs: rows.size, files: out.files, rows: all, summaries: out.summaries! };
}
