/**
 * tune's retry search on a VirtualService whose checked route is not its first one
 * (test/fixtures/mesh/retries-second-route.yaml: http[0] is a header-match route to subset v2,
 * http[1] the default route), and its perTryTimeout search. Real runs, in-process.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { describe, expect, test } from 'vitest';
import { prepareRun } from '../../src/api.ts';
import { batteryJobs, planBattery, type BatteryJob } from '../../src/advise/battery.ts';
import { runJobsInProcess, type JobRunner } from '../../src/advise/job.ts';
import { scoreBattery } from '../../src/advise/scorecard.ts';
import { DEFAULT_SLO } from '../../src/advise/slo.ts';
import { tune } from '../../src/advise/tune.ts';
import { DEFAULT_WORLD } from '../../src/advise/world.ts';
import { parseDurationMs } from '../../src/config/durations.ts';
import type { RetryPolicyConfig } from '../../src/envoy/cluster.ts';
import { buildMesh } from '../../src/mesh/build.ts';

const file = fileURLToPath(new URL('../fixtures/mesh/retries-second-route.yaml', import.meta.url));
const text = readFileSync(file, 'utf8');
const inputVs = YAML.parseAllDocuments(text).map((d) => d.toJS())[2];

function setup(configText: string) {
  const mesh = buildMesh([{ file: 'cart.yaml', text: configText }]);
  const plan = planBattery(mesh, { clientLocalities: ['us-east1/us-east1-b'], versions: { istio: '1.28' }, world: DEFAULT_WORLD, slo: DEFAULT_SLO, replications: 1 });
  return { mesh, plan };
}

function recording(): { run: JobRunner; jobs: BatteryJob[] } {
  const jobs: BatteryJob[] = [];
  return {
    jobs,
    run: (batch, onDone) => {
      jobs.push(...batch);
      return runJobsInProcess(batch, onDone);
    },
  };
}

/** The retry policy the sidecars of a job's run got (its model built from the same inputs, not run). */
function retryPolicyOf(job: BatteryJob): RetryPolicyConfig {
  const { model } = prepareRun({ scenario: job.scenario, istio: job.istio, seed: job.seed, sets: job.sets });
  return model.groups[0].cluster.retry_policy!;
}

const setValue = (job: BatteryJob, field: string): string | undefined => job.sets.find((s) => s.includes(`.retries.${field}=`))?.split('=')[1];

describe('failsim tune: retries on a route that is not the first', () => {
  test('varies http[1] (the route the checked traffic takes), its patch edits http[1] only, and re-checked it scores as recommended', { timeout: 300_000 }, async () => {
    const { mesh, plan } = setup(text);
    const { run, jobs } = recording();
    const r = await tune(plan, mesh, run, { budget: 84, replications: 1, fields: ['attempts', 'perTryTimeout', 'retryRemoteLocalities'] });
    expect(r.runs).toBeLessThanOrEqual(84);
    expect(r.virtualService).toBe('cart');
    expect(r.current.settings).toMatchObject({ attempts: 1, perTryTimeout: '1s', retryRemoteLocalities: false });

    // Every run's retry settings went to http[1], never to the subset route http[0].
    const retrySets = jobs.flatMap((j) => j.sets.filter((s) => s.startsWith('VirtualService/')));
    expect(retrySets.length).toBeGreaterThan(0);
    for (const s of retrySets) expect(s).toMatch(/^VirtualService\/cart:spec\.http\[1\]\.retries\.(attempts|perTryTimeout|retryRemoteLocalities)=/);
    // The candidates vary the three fields of that route.
    const tried = r.points.map((p) => p.settings);
    expect(new Set(tried.map((s) => s.perTryTimeout)).size).toBeGreaterThanOrEqual(3);
    expect(new Set(tried.map((s) => s.attempts)).size).toBeGreaterThanOrEqual(2);
    expect(new Set(tried.map((s) => s.retryRemoteLocalities))).toEqual(new Set([false, true]));

    // The runs used them: the cluster each run's sidecars got has that route's retries.
    const seen = new Set<string>();
    for (const job of jobs) {
      const key = `${setValue(job, 'attempts')}|${setValue(job, 'perTryTimeout')}|${setValue(job, 'retryRemoteLocalities')}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const policy = retryPolicyOf(job);
      expect(policy.num_retries).toBe(Number(setValue(job, 'attempts')));
      expect(policy.per_try_timeout_ms).toBe(parseDurationMs(setValue(job, 'perTryTimeout')!));
      expect(policy.previous_priorities_update_frequency !== undefined).toBe(setValue(job, 'retryRemoteLocalities') === 'true');
    }
    expect(seen.size).toBeGreaterThanOrEqual(6);

    // Only retries that leave the failed zone save the hard down (the 10 % cap ejects nothing).
    expect(r.current.scorecard.verdict).toBe('fail');
    const rec = r.recommended!;
    expect(rec.settings.retryRemoteLocalities).toBe(true);
    expect(rec.scorecard.verdict).toBe('pass');

    // The patch: the user's VirtualService with http[1]'s retries changed, http[0] as it was.
    const [dr, vs] = YAML.parseAllDocuments(r.patch!).map((d) => d.toJS());
    expect(dr.kind).toBe('DestinationRule');
    expect(vs.spec.http[0]).toEqual(inputVs.spec.http[0]);
    expect(vs.spec.http[1].retries).toEqual({
      attempts: rec.settings.attempts,
      perTryTimeout: rec.settings.perTryTimeout,
      retryOn: 'connect-failure,refused-stream,5xx',
      retryRemoteLocalities: true,
    });

    // Applied over the ServiceEntry, the battery scores exactly the recommended scorecard.
    const patched = setup(`${text.split(/^---$/m)[0]}---\n${r.patch}`);
    const checkJobs = batteryJobs(patched.plan);
    expect(checkJobs.every((j) => j.sets.length === 0)).toBe(true);
    const card = scoreBattery(patched.plan, await runJobsInProcess(checkJobs));
    expect(card.incidents).toEqual(rec.scorecard.incidents);
    expect(card.quietDay).toEqual(rec.scorecard.quietDay);
  });

  test('--fields perTryTimeout alone searches it even when no setting passes: round after round around the front', { timeout: 300_000 }, async () => {
    const { mesh, plan } = setup(text);
    const { run, jobs } = recording();
    const r = await tune(plan, mesh, run, { budget: 70, replications: 1, fields: ['perTryTimeout'] });
    expect(jobs.length).toBe(r.runs);
    expect(r.runs).toBeLessThanOrEqual(70);
    expect(r.points.every((p) => !p.pass)).toBe(true); // the hard down keeps failing whatever the per-try timeout
    for (const p of r.points) expect({ ...p.settings, perTryTimeout: '1s' }).toEqual(r.current.settings);
    const values = r.points.map((p) => parseDurationMs(String(p.settings.perTryTimeout))!).sort((a, b) => a - b);
    // The coarse grid has 500ms, 1s, 2s; the refinement goes on from the front's ends.
    expect(values.length).toBeGreaterThanOrEqual(4);
    expect(values.some((v) => v < 500 || v > 2000)).toBe(true);
    for (const job of jobs) {
      expect(job.sets.filter((s) => s.startsWith('VirtualService/')).sort()).toEqual([
        'VirtualService/cart:spec.http[1].retries.attempts=1',
        `VirtualService/cart:spec.http[1].retries.perTryTimeout=${setValue(job, 'perTryTimeout')}`,
        'VirtualService/cart:spec.http[1].retries.retryRemoteLocalities=false',
      ]);
    }
  });
});
