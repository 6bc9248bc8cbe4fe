/**
 * `failsim tune --budget N` is a hard bound on the runs (one battery cell at one seed for one
 * setting) the search executes, and the current settings are always scored with the full
 * replications. The search runs through a recording JobRunner that answers each job with metrics
 * derived from a hash of its cell, seed and settings (no simulation), so many configs, field
 * selections, replications and budgets can be tried.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { planBattery, type BatteryJob } from '../../src/advise/battery.ts';
import type { JobRunner, RunMetrics } from '../../src/advise/job.ts';
import { DEFAULT_SLO } from '../../src/advise/slo.ts';
import { minimumBudget, planBudget, spaceFillingSubset } from '../../src/advise/tune-budget.ts';
import { TUNED_FIELDS, tune, type Settings, type TunedField } from '../../src/advise/tune.ts';
import { DEFAULT_WORLD } from '../../src/advise/world.ts';
import { UserError } from '../../src/config/errors.ts';
import { buildMesh } from '../../src/mesh/build.ts';

const fixtures = fileURLToPath(new URL('../fixtures/mesh/', import.meta.url));
const seedConfig = fileURLToPath(new URL('../../models/dynamodb-failover/istio.yaml', import.meta.url));

const CONFIGS = [
  { files: [seedConfig], clients: ['us-east1/us-east1-b'] },
  { files: [join(fixtures, 'retries-2zones.yaml')], clients: ['us-east1/us-east1-b'] },
  { files: [join(fixtures, 'retries-second-route.yaml')], clients: ['us-east1/us-east1-b', 'us-east1/us-east1-c'] },
  { files: [join(fixtures, 'k8s-3zones.yaml'), join(fixtures, 'dr-reviews.yaml')], clients: undefined },
];

function setup(config: (typeof CONFIGS)[number], replications: number) {
  const mesh = buildMesh(config.files.map((f) => ({ file: f, text: readFileSync(f, 'utf8') })));
  const plan = planBattery(mesh, { clientLocalities: config.clients, versions: { istio: '1.28' }, world: DEFAULT_WORLD, slo: DEFAULT_SLO, replications });
  return { mesh, plan };
}

/** The settings a job's --sets give (field name → value text). */
function settingsOfJob(job: BatteryJob): string {
  const pairs = job.sets.map((s) => {
    const [path, value] = s.split('=');
    return `${path.slice(path.lastIndexOf('.') + 1)}=${value}`;
  });
  return pairs.sort().join(',');
}

const settingsText = (s: Settings): string =>
  Object.entries(s)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${v}`)
    .sort()
    .join(',');

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return h;
}

/** Deterministic made-up metrics: some settings pass, some fail, some eject on the quiet day. */
function recordingRunner(): { run: JobRunner; jobs: BatteryJob[] } {
  const jobs: BatteryJob[] = [];
  const run: JobRunner = async (batch, onDone) => {
    const out: RunMetrics[] = batch.map((job) => {
      jobs.push(job);
      const point = hash(settingsOfJob(job));
      const h = hash(`${job.cell}/${job.seed}/${point}`);
      const failed = point % 3 === 0 ? 30_000 + (h % 1000) : h % 500;
      return {
        cell: job.cell,
        replication: job.replication,
        requests: 100_000,
        failed,
        incident: { requests: 90_000, errors: failed, detectionMs: h % 5000, mitigationMs: h % 7000, failbackMs: null },
        attempts: 100_000,
        localAttempts: 100_000 - (h % 60_000),
        ejectionsEnforced: point % 5 === 0 ? 1 + (h % 3) : 0,
        noHealthyUpstream: 0,
        latencyMeanMs: 5,
      };
    });
    onDone?.(batch.length, batch.length);
    return out;
  };
  return { run, jobs };
}

describe('failsim tune --budget', () => {
  test('the runs executed never exceed the budget; the current settings and every reported point are scored by runs that used them', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...CONFIGS.keys()),
        fc.integer({ min: 1, max: 6 }),
        fc.oneof(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 3000 })),
        fc.option(fc.subarray([...TUNED_FIELDS] as TunedField[], { minLength: 1 }), { nil: undefined }),
        async (configIndex, replications, extra, asked) => {
          const { mesh, plan } = setup(CONFIGS[configIndex], replications);
          const minimum = minimumBudget(plan.cells.length, replications);
          const budget = minimum + extra;
          // Retry fields only where the config has them (otherwise tune refuses, tested elsewhere).
          const fields = asked?.filter((f) => configIndex === 1 || configIndex === 2 || !['attempts', 'perTryTimeout', 'retryRemoteLocalities'].includes(f));
          if (fields?.length === 0) return;
          if (configIndex === 1 && fields?.includes('perTryTimeout')) return; // that route sets no perTryTimeout
          const { run, jobs } = recordingRunner();
          const r = await tune(plan, mesh, run, { budget, replications, fields });
          expect(jobs.length).toBe(r.runs);
          expect(r.runs).toBeLessThanOrEqual(budget);
          const byPoint = new Map<string, number>();
          for (const j of jobs) byPoint.set(settingsOfJob(j), (byPoint.get(settingsOfJob(j)) ?? 0) + 1);
          // The current settings: full replications, every cell, the settings the user has.
          expect(r.current.replications).toBe(replications);
          expect(byPoint.get(settingsText(r.current.settings))).toBe(plan.cells.length * replications);
          expect(r.current.scorecard.incidents.length + 1).toBeLessThanOrEqual(plan.cells.length);
          for (const p of r.points) expect(byPoint.get(settingsText(p.settings))).toBe(plan.cells.length * p.replications);
          if (r.recommended) expect(r.recommended.replications).toBe(replications);
          // Only the fields asked for move.
          const fixed = TUNED_FIELDS.filter((f) => fields !== undefined && !fields.includes(f));
          for (const p of r.points) for (const f of fixed) expect(p.settings[f]).toBe(r.current.settings[f]);
        },
      ),
      { seed: 14, numRuns: 60 },
    );
  }, 120_000);

  test('a budget too small to score the current settings is a user error naming the minimum', async () => {
    const { mesh, plan } = setup(CONFIGS[3], 4);
    expect(plan.cells.length).toBe(21); // 3 client zones × (6 incidents on their own zone + the quiet day)
    const { run, jobs } = recordingRunner();
    const call = tune(plan, mesh, run, { budget: 83, replications: 4 });
    await expect(call).rejects.toThrow(UserError);
    await expect(call).rejects.toThrow('--budget 83: too small to score even the current settings, which takes 84 runs (21 per replication');
    await expect(call).rejects.toThrow('Give --budget 84 or more, or fewer --replications');
    expect(jobs).toHaveLength(0);
    const exact = await tune(plan, mesh, run, { budget: 84, replications: 4 });
    expect(exact.runs).toBe(84);
    expect(exact.points).toHaveLength(1); // only the current settings fit
  });

  test('the phases split the budget so that the current settings always reach the full replications', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 5000 }), (cells, reps, extra) => {
        const b = planBudget(cells * reps + extra, cells, reps);
        const coarse = cells * b.coarseReplications;
        expect(b.coarseLimit).toBeGreaterThanOrEqual(coarse);
        expect(b.exploreLimit).toBeGreaterThanOrEqual(b.coarseLimit);
        expect(b.budget - b.exploreLimit).toBeGreaterThanOrEqual(cells * reps - coarse);
      }),
      { seed: 14, numRuns: 300 },
    );
  });

  test('the coarse grid thinned: a space-filling subset, deterministic, away from the current point first', () => {
    const grid: number[][] = [];
    for (let x = 0; x < 4; x++) for (let y = 0; y < 3; y++) grid.push([x / 3, y / 2]);
    const pick = (n: number) => spaceFillingSubset(grid, (p) => p, [0, 0], n);
    expect(pick(1)).toEqual([[1, 1]]); // the far corner
    // Then the farthest from both: [0, 1] and [1, 0] tie, the earlier grid point wins; returned in grid order.
    expect(pick(2)).toEqual([[0, 1], [1, 1]]);
    expect(pick(12)).toEqual(grid);
    // Every grid point is near a picked one or the current settings (which tune scores anyway).
    for (let n = 3; n < 12; n++) {
      const chosen = pick(n);
      expect(chosen).toHaveLength(n);
      for (const p of grid) expect(Math.min(...[[0, 0], ...chosen].map((c) => Math.hypot(c[0] - p[0], c[1] - p[1])))).toBeLessThanOrEqual(0.75);
    }
  });
});
