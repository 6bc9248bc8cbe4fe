/**
 * src/sweep/ module by module, without the CLI: the plan (points, seeds, shards, fingerprint), the
 * output tables as pure functions of the rows, the journal's torn-line handling, merge's checks, and
 * one run job against the public API. Fixed seeds for the property tests.
 */
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { simulate } from '../../src/api.ts';
import { UserError } from '../../src/config/errors.ts';
import { readScenarioFiles } from '../../src/node/files.ts';
import { enumeratePoints, loadExperiment, replicationSeed, type Experiment, type Parameter } from '../../src/sweep/experiment.ts';
import { flatten } from '../../src/sweep/flatten.ts';
import { appendRow, JOURNAL_FILE, readRows } from '../../src/sweep/journal.ts';
import { mergeSweeps } from '../../src/sweep/merge.ts';
import { buildPlan, planJson, plannedRun, pointValueIndexes, shardRuns, type SweepPlan } from '../../src/sweep/plan.ts';
import { metricColumns, resultsCsv, resultsJsonl, summarizePoints, type RunRow } from '../../src/sweep/results.ts';
import { executeRun } from '../../src/sweep/run-job.ts';
import { PLAN_FILE, writeSweepOutputs } from '../../src/sweep/sweep.ts';
import { fixture, tempDir } from './helpers.ts';

const RUNS = { seed: 20261204, numRuns: 100 };

function parameters(sizes: readonly number[]): Parameter[] {
  return sizes.map((n, p) => ({
    address: `p${p}`,
    target: 'scenario' as const,
    values: Array.from({ length: n }, (_, v) => ({ label: `v${v}`, value: v, override: `p${p}=${v}` })),
  }));
}

function experiment(sizes: readonly number[], replications: number, inputsText = 'scenario\n---mesh---\nmesh'): Experiment {
  return {
    file: 'exp.yaml',
    name: 'unit',
    scenarioRef: 'scenario.yaml',
    scenarioPath: '/nowhere/scenario.yaml',
    parameters: parameters(sizes),
    replications,
    seed: 11,
    metrics: [{ written: 'requests.errorRate', column: 'requests.errorRate' }],
    inputsText,
  };
}

/** A run row whose metric depends on point and replication only (so tables can be checked). */
function row(plan: SweepPlan, run: number): RunRow {
  const r = plannedRun(plan, run);
  const params: Record<string, unknown> = {};
  plan.parameters.forEach((p, pi) => (params[p.address] = pointValueIndexes(plan, r.point)[pi]));
  return { point: r.point, replication: r.replication, seed: r.seed, params, metrics: { 'requests.errorRate': (r.point + 1) / (r.replication + 2), seed: r.seed } };
}

const sizesArb = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 3 });

describe('plan', () => {
  test('points are every combination once, the last parameter fastest, and pointValueIndexes inverts the order', () => {
    fc.assert(
      fc.property(sizesArb, (sizes) => {
        const params = parameters(sizes);
        const points = enumeratePoints(params);
        expect(points.length).toBe(sizes.reduce((a, b) => a * b, 1));
        expect(new Set(points.map((p) => p.join(','))).size).toBe(points.length);
        points.forEach((p, i) => expect(pointValueIndexes({ parameters: params }, i)).toEqual(p));
        if (sizes.length > 0 && sizes[sizes.length - 1] > 1) expect(points[1][sizes.length - 1]).toBe(1);
      }),
      RUNS,
    );
  });

  test('a run is point × replications + replication; every point gets the same replication seeds', () => {
    fc.assert(
      fc.property(sizesArb, fc.integer({ min: 1, max: 5 }), (sizes, replications) => {
        const plan = buildPlan(experiment(sizes, replications));
        expect(plan.runs).toBe(plan.points * replications);
        for (let run = 0; run < plan.runs; run++) {
          const r = plannedRun(plan, run);
          expect(r.point * replications + r.replication).toBe(run);
          expect(r.seed).toBe(replicationSeed(plan.seed, r.replication));
          expect(r.overrides).toEqual(pointValueIndexes(plan, r.point).map((v, p) => `p${p}=${v}`));
        }
      }),
      RUNS,
    );
  });

  test('shards partition the runs: disjoint, together every run, each in run order', () => {
    fc.assert(
      fc.property(sizesArb, fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 7 }), (sizes, replications, count) => {
        const plan = buildPlan(experiment(sizes, replications));
        const shards = Array.from({ length: count }, (_, index) => shardRuns(plan, { index, count }));
        const all = shards.flat().sort((a, b) => a - b);
        expect(all).toEqual(shardRuns(plan, undefined));
        for (const s of shards) expect(s).toEqual([...s].sort((a, b) => a - b));
      }),
      RUNS,
    );
  });

  test('the fingerprint follows the inputs and the grid, not the paths', () => {
    const base = buildPlan(experiment([2, 3], 2));
    expect(buildPlan({ ...experiment([2, 3], 2), scenarioPath: '/elsewhere/s.yaml', file: 'other.yaml' }).fingerprint).toBe(base.fingerprint);
    expect(buildPlan(experiment([2, 3], 2, 'scenario changed')).fingerprint).not.toBe(base.fingerprint);
    expect(buildPlan(experiment([2, 3], 3)).fingerprint).not.toBe(base.fingerprint);
    expect(buildPlan(experiment([3, 2], 2)).fingerprint).not.toBe(base.fingerprint);
    expect(planJson(base)).not.toContain('/nowhere');
  });

  test('loadExperiment reads the fixture: parameters in file order, overrides as --set texts, the inputs it fingerprints', () => {
    const exp = loadExperiment(fixture('small.yaml'));
    expect(exp.parameters.map((p) => [p.target, p.values.map((v) => v.label)])).toEqual([
      ['resource', ['1', '3']],
      ['scenario', ['1.10', '1.28']],
    ]);
    expect(exp.parameters[1].values[0].override).toBe('versions.istio=1.10');
    expect(exp.inputsText).toBe(`${readFileSync(fixture('short.yaml'), 'utf8')}\n---mesh---\n${readFileSync(fixture('istio.yaml'), 'utf8')}`);
    expect(exp.metrics.map((m) => m.column)).toEqual(['requests.errorRate', 'incidents.0.detectionMs.median', 'attempts.byLocality.us-west']);
  });
});

describe('results tables', () => {
  const plan = buildPlan(experiment([2, 2], 3));
  const rows = Array.from({ length: plan.runs }, (_, run) => row(plan, run));

  test('are the same bytes whatever order the runs finished in', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(rows, { minLength: rows.length, maxLength: rows.length }), (shuffled) => {
        expect(resultsJsonl(shuffled)).toBe(resultsJsonl(rows));
        expect(resultsCsv(plan, shuffled)).toBe(resultsCsv(plan, rows));
        expect(summarizePoints(plan, shuffled)).toEqual(summarizePoints(plan, rows));
      }),
      RUNS,
    );
  });

  test('one CSV row per run, in run order, the run seed once; a cell with a comma is quoted', () => {
    const csv = resultsCsv(plan, rows).trimEnd().split('\n');
    expect(csv[0]).toBe('point,replication,seed,p0,p1,requests.errorRate');
    expect(csv.length).toBe(plan.runs + 1);
    expect(csv[4]).toBe(`1,0,${replicationSeed(plan.seed, 0)},v0,v1,${2 / 2}`);
    expect(metricColumns(rows)).toEqual(['requests.errorRate']);
    const odd = { ...rows[0], metrics: { ...rows[0].metrics, 'x.note': 'a,"b"' } };
    expect(resultsCsv(plan, [odd]).split('\n')[1]).toMatch(/,"a,""b"""$/);
  });

  test('summaries: the mean of each point over its replications', () => {
    const s = summarizePoints(plan, rows);
    expect(s.map((p) => p.runs)).toEqual([3, 3, 3, 3]);
    s.forEach((p) => expect(p.metrics['requests.errorRate'].mean).toBeCloseTo(((p.point + 1) * (1 / 2 + 1 / 3 + 1 / 4)) / 3, 12));
  });
});

describe('journal', () => {
  const plan = buildPlan(experiment([2], 2));

  test('a torn last line is dropped, and cut off with repair so appends start clean', () => {
    const path = join(tempDir(), JOURNAL_FILE);
    appendRow(path, row(plan, 0));
    appendRow(path, row(plan, 1));
    appendFileSync(path, '{"point":1,"repl');
    expect(readRows(path)).toEqual([row(plan, 0), row(plan, 1)]);
    expect(readFileSync(path, 'utf8')).toMatch(/"repl$/);
    readRows(path, { repair: true });
    appendRow(path, row(plan, 2));
    expect(readRows(path)).toEqual([row(plan, 0), row(plan, 1), row(plan, 2)]);
  });

  test('a bad line before the last is not ours: an error naming file and line', () => {
    const path = join(tempDir(), JOURNAL_FILE);
    writeFileSync(path, `not json\n${JSON.stringify(row(plan, 0))}\n`);
    expect(() => readRows(path)).toThrow(UserError);
    expect(() => readRows(path)).toThrow(`${path}:1: not a sweep run record`);
  });
});

describe('merge', () => {
  const plan = buildPlan(experiment([3], 2));
  const all = Array.from({ length: plan.runs }, (_, run) => row(plan, run));
  /** A shard directory as `failsim sweep --shard` leaves it: the plan and its runs' journal. */
  const shardDir = (runs: readonly RunRow[], p: SweepPlan = plan): string => {
    const dir = tempDir();
    writeFileSync(join(dir, PLAN_FILE), planJson(p));
    for (const r of runs) appendRow(join(dir, JOURNAL_FILE), r);
    return dir;
  };

  test('shards merge into the files an unsharded sweep writes', () => {
    const whole = tempDir();
    writeSweepOutputs(whole, plan, all);
    const out = tempDir();
    // Overlapping shards are fine when the shared run is identical.
    mergeSweeps([shardDir(all.filter((_, i) => i % 2 === 0)), shardDir(all.filter((_, i) => i % 2 === 1 || i === 0))], out);
    for (const f of [PLAN_FILE, 'results.jsonl', 'results.csv', 'summary.csv']) {
      expect(readFileSync(join(out, f), 'utf8')).toBe(readFileSync(join(whole, f), 'utf8'));
    }
  });

  test('refuses a different sweep, a missing run and a run that differs between shards', () => {
    const other = buildPlan(experiment([3], 2, 'another scenario'));
    expect(() => mergeSweeps([shardDir(all), shardDir([], other)], tempDir())).toThrow(/a different sweep/);
    expect(() => mergeSweeps([shardDir(all.slice(1))], tempDir())).toThrow(/1 of 6 runs missing \(first: 0\)/);
    const changed = { ...all[0], metrics: { ...all[0].metrics, 'requests.errorRate': 0.125 } };
    expect(() => mergeSweeps([shardDir(all), shardDir([changed])], tempDir())).toThrow(/point 0 replication 0 differs/);
    const empty = tempDir();
    mkdirSync(join(empty, 'x'));
    expect(() => mergeSweeps([empty], tempDir())).toThrow(/not a sweep output directory/);
  });
});

describe('run job', () => {
  test("one run is the API's run document with the point's overrides and the replication's seed, flattened, without effectiveConfig", () => {
    const exp = loadExperiment(fixture('small.yaml'));
    const job = plannedRun(buildPlan(exp), 3);
    const record = executeRun({ scenarioPath: exp.scenarioPath, overrides: job.overrides, seed: job.seed });
    expect(record.seed).toBe(job.seed);
    expect(record['profile.istio']).toBe('1.28');
    expect(Object.keys(record).some((k) => k.startsWith('effectiveConfig'))).toBe(false);
    const { effectiveConfig, ...rest } = simulate(readScenarioFiles(exp.scenarioPath, { sets: job.overrides, seed: job.seed }));
    expect(effectiveConfig.length).toBeGreaterThan(0);
    expect(record).toEqual(flatten(rest));
    // Another replication's seed gives another run.
    expect(executeRun({ scenarioPath: exp.scenarioPath, overrides: job.overrides, seed: job.seed + 1 })).not.toEqual(record);
  });
});
