/**
 * runSweep (src/sweep/sweep.ts) in-process, without the CLI: every row is the run job of its planned
 * (point, replication); the files do not depend on the worker count; shards of it merge into it; a
 * resumed sweep runs exactly the runs its journal lacks; a directory is never reused for another
 * sweep or another shard. (test/sweep/sweep.test.ts checks the same through `failsim sweep`.)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { UserError } from '../../src/config/errors.ts';
import { loadExperiment, type Experiment } from '../../src/sweep/experiment.ts';
import { JOURNAL_FILE } from '../../src/sweep/journal.ts';
import { mergeSweeps } from '../../src/sweep/merge.ts';
import { buildPlan, plannedRun, shardRuns } from '../../src/sweep/plan.ts';
import { executeRun } from '../../src/sweep/run-job.ts';
import { runSweep, SHARD_FILE, type SweepReport } from '../../src/sweep/sweep.ts';
import { fixture, OUTPUT_FILES, tempDir } from './helpers.ts';

const files = (dir: string): string[] => OUTPUT_FILES.map((f) => readFileSync(join(dir, f), 'utf8'));

describe('runSweep', () => {
  let exp: Experiment;
  let whole: SweepReport;
  let wholeDir: string;
  const progress: Array<[number, number]> = [];

  beforeAll(async () => {
    exp = loadExperiment(fixture('small.yaml'));
    wholeDir = tempDir();
    whole = await runSweep(exp, { outDir: wholeDir, workers: 1, resume: false, onProgress: (d, t) => progress.push([d, t]) });
  });

  test('one row per planned run, in run order, each exactly the run job of its point and replication', () => {
    const plan = buildPlan(exp);
    expect(plan.runs).toBe(4 * 2); // two parameters of two values, two replications
    expect([whole.owned, whole.resumed, whole.ran]).toEqual([8, 0, 8]);
    expect(progress).toEqual([[0, 8], [1, 8], [2, 8], [3, 8], [4, 8], [5, 8], [6, 8], [7, 8], [8, 8]]);
    expect(whole.rows).toHaveLength(8);
    whole.rows.forEach((row, run) => {
      const job = plannedRun(plan, run);
      expect([row.point, row.replication, row.seed]).toEqual([job.point, job.replication, job.seed]);
      expect(row.metrics).toEqual(executeRun({ scenarioPath: exp.scenarioPath, overrides: job.overrides, seed: job.seed }));
    });
    expect(whole.summaries).toHaveLength(4);
  });

  test('two workers write the same bytes as one', async () => {
    const dir = tempDir();
    const two = await runSweep(exp, { outDir: dir, workers: 2, resume: false });
    expect(two.rows).toEqual(whole.rows);
    expect(files(dir)).toEqual(files(wholeDir));
  });

  test('shards 0/2 and 1/2 own disjoint runs and merge into the whole sweep', async () => {
    const plan = buildPlan(exp);
    const dirs = [tempDir(), tempDir()];
    for (const index of [0, 1]) {
      const shard = { index, count: 2 };
      const r = await runSweep(exp, { outDir: dirs[index], workers: 1, resume: false, shard });
      expect(r.owned).toBe(shardRuns(plan, shard).length);
      expect(r.summaries).toBeUndefined();
      expect(JSON.parse(readFileSync(join(dirs[index], SHARD_FILE), 'utf8'))).toEqual({ shard: `${index}/2` });
    }
    const out = tempDir();
    mergeSweeps(dirs, out);
    expect(files(out)).toEqual(files(wholeDir));
  });

  test('resume runs exactly the runs missing from the journal, and gives the same files', async () => {
    const dir = tempDir();
    await runSweep(exp, { outDir: dir, workers: 1, resume: false });
    const journal = join(dir, JOURNAL_FILE);
    const lines = readFileSync(journal, 'utf8').trim().split('\n');
    // Keep 5 finished runs; the last of them torn mid-line, as an interrupted write leaves it.
    writeFileSync(journal, `${lines.slice(0, 5).join('\n')}\n${lines[5].slice(0, 20)}`);
    await expect(runSweep(exp, { outDir: dir, workers: 1, resume: false })).rejects.toThrow(/already holds a sweep .*--resume/);
    const resumed = await runSweep(exp, { outDir: dir, workers: 2, resume: true });
    expect([resumed.owned, resumed.resumed, resumed.ran]).toEqual([8, 5, 3]);
    expect(files(dir)).toEqual(files(wholeDir));
  });

  test('a directory is not resumed as another shard, nor by another sweep', async () => {
    const dir = tempDir();
    await runSweep(exp, { outDir: dir, workers: 1, resume: false, shard: { index: 0, count: 2 } });
    const asOther = runSweep(exp, { outDir: dir, workers: 1, resume: true, shard: { index: 1, count: 2 } });
    await expect(asOther).rejects.toThrow(UserError);
    await expect(runSweep(exp, { outDir: dir, workers: 1, resume: true })).rejects.toThrow(/holds shard 0\/2 of this sweep, not the whole sweep/);
    const changed: Experiment = { ...exp, replications: 3 };
    await expect(runSweep(changed, { outDir: dir, workers: 1, resume: true, shard: { index: 0, count: 2 } })).rejects.toThrow(/holds a different sweep/);
  });
});
