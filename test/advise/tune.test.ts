import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { describe, expect, test } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { paretoFront, recommend, type PointResult } from '../../src/advise/tune.ts';

const models = fileURLToPath(new URL('../../models/dynamodb-failover/', import.meta.url));
const fixtures = fileURLToPath(new URL('../fixtures/mesh/', import.meta.url));

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['node', 'failsim', ...args], { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

describe('failsim tune', () => {
  // experiments/dynamodb-tuning swept these four fields by hand (3,240 runs) and chose
  // consecutive5xxErrors 2, interval 1s, baseEjectionTime 30s, maxEjectionPercent 50 (and named
  // baseEjectionTime 2m as the alternative with fewer errors and more cross-region traffic). With the
  // default 10 replications the battery tells them apart as the hand experiment did: 2m fails about
  // half as many requests (within the rule's factor 2), 30s keeps more traffic in us-east-1.
  test('on the seed configuration it lands where experiments/dynamodb-tuning landed by hand, and the recommendation passes', { timeout: 600_000 }, async () => {
    const out = mkdtempSync(join(tmpdir(), 'failsim-tune-'));
    const r = await cli([
      'tune', join(models, 'istio.yaml'), '--client-locality', 'us-east1/us-east1-b', '--istio', '1.28',
      '--world', join(fixtures, 'world-seed.yaml'), '--fields', 'consecutive5xxErrors,interval,baseEjectionTime,maxEjectionPercent',
      '--replications', '10', '--budget', '600', '--json', '--no-progress', '--out', out,
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.current.settings).toEqual({ consecutive5xxErrors: 1, interval: '15s', baseEjectionTime: '1m', maxEjectionPercent: 10 });
    expect(doc.current.scorecard.verdict).toBe('fail');
    expect(doc.recommended.settings).toEqual({ consecutive5xxErrors: 2, interval: '1s', baseEjectionTime: '30s', maxEjectionPercent: 50 });
    const card = doc.recommended.scorecard;
    expect(card.verdict).toBe('pass');
    expect(card.quietDay.falseEjections).toBe(0);
    const byName = Object.fromEntries(card.incidents.map((i: { name: string }) => [i.name, i]));
    // The hand experiment's detection times at consecutive5xxErrors 2 (README, finding 3): the hard
    // down within 8–32 ms, the 20% brownout in a few hundred ms (k=1: ~50 ms, k=3: over a second).
    expect(byName['hard-down'].detectionMs).toBeGreaterThanOrEqual(5);
    expect(byName['hard-down'].detectionMs).toBeLessThanOrEqual(32);
    expect(byName.brownout.detectionMs).toBeGreaterThan(50);
    expect(byName.brownout.detectionMs).toBeLessThan(1000);
    expect(doc.runs).toBeLessThanOrEqual(600);
    expect(doc.budget).toBe(600);
    // The patch is the user's DestinationRule with the new outlierDetection.
    const patch = YAML.parse(doc.patch);
    expect(patch.kind).toBe('DestinationRule');
    expect(patch.metadata.name).toBe('mydynamodb');
    expect(patch.spec.trafficPolicy.outlierDetection).toMatchObject({ consecutive5xxErrors: 2, interval: '1s', baseEjectionTime: '30s', maxEjectionPercent: 50 });
    expect(readFileSync(join(out, 'pareto.svg'), 'utf8')).toContain('<svg');
    expect(readFileSync(join(out, 'destinationrule-patch.yaml'), 'utf8')).toBe(doc.patch);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('Trade-off');
  });

  // The route's retries stay in the failed zone (attempts 1, no retryRemoteLocalities): with a
  // cap of 10 % the zone is never ejected, so only retries that leave it (previous_priorities,
  // Istio ≥ 1.6: route/retry/retry.go) save the hard-down incident.
  test('varies the retries of a VirtualService route that has them, and its multi-document patch, re-checked, gives the recommended scorecard', { timeout: 600_000 }, async () => {
    const config = join(fixtures, 'retries-2zones.yaml');
    const common = ['--client-locality', 'us-east1/us-east1-b', '--istio', '1.28', '--replications', '2', '--json', '--no-progress'];
    const r = await cli(['tune', config, ...common, '--fields', 'attempts,retryRemoteLocalities', '--budget', '120']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(Object.keys(doc)).toEqual(expect.arrayContaining(['current', 'recommended', 'patch', 'front']));
    expect(doc.current.settings).toEqual({ consecutive5xxErrors: 5, interval: '10s', baseEjectionTime: '30s', maxEjectionPercent: 10, attempts: 1, retryRemoteLocalities: false });
    expect(doc.current.scorecard.verdict).toBe('fail');
    // Only the selected fields moved; both values of retryRemoteLocalities and several attempts were run.
    const tried = doc.points.map((p: { settings: Record<string, unknown> }) => p.settings);
    for (const s of tried) expect(s).toMatchObject({ consecutive5xxErrors: 5, interval: '10s', baseEjectionTime: '30s', maxEjectionPercent: 10 });
    expect(new Set(tried.map((s: { retryRemoteLocalities: boolean }) => s.retryRemoteLocalities))).toEqual(new Set([false, true]));
    expect(new Set(tried.map((s: { attempts: number }) => s.attempts)).size).toBeGreaterThanOrEqual(3);
    expect(doc.runs).toBeLessThanOrEqual(120);
    expect(doc.recommended.settings.retryRemoteLocalities).toBe(true);
    expect(doc.recommended.scorecard.verdict).toBe('pass');
    // The patch: the DestinationRule, then the VirtualService with the new retries.
    const [dr, vs] = YAML.parseAllDocuments(doc.patch).map((d) => d.toJS());
    expect(dr.kind).toBe('DestinationRule');
    expect(vs.kind).toBe('VirtualService');
    expect(vs.spec.http[0].retries).toEqual({
      attempts: doc.recommended.settings.attempts,
      retryOn: 'connect-failure,refused-stream,5xx',
      retryRemoteLocalities: true,
    });
    // Applied over the user's config (the ServiceEntry kept), check gives the recommended scorecard.
    const serviceEntry = readFileSync(config, 'utf8').split(/^---$/m)[0];
    const dir = mkdtempSync(join(tmpdir(), 'failsim-tune-retries-'));
    const patched = join(dir, 'patched.yaml');
    writeFileSync(patched, `${serviceEntry}---\n${doc.patch}`);
    const checked = await cli(['check', patched, ...common]);
    expect(checked.err).toBe('');
    expect(checked.code).toBe(0);
    const card = JSON.parse(checked.out);
    expect(card.incidents).toEqual(doc.recommended.scorecard.incidents);
    expect(card.quietDay).toEqual(doc.recommended.scorecard.quietDay);
  });

  test('--fields with a retry field on a config without a retries block is refused (exit 2)', async () => {
    const r = await cli(['tune', join(fixtures, 'static-3zones.yaml'), join(fixtures, 'dr-reviews.yaml'), '--client-locality', 'us-east1/us-east1-b', '--fields', 'attempts', '--budget', '10', '--no-progress']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/failsim: .*--fields attempts: reviews\.shop\.svc\.cluster\.local has no VirtualService http route with a retries block/);
  });

  test('a --budget below the current settings\' battery is exit 2 naming the minimum, before any run', async () => {
    const r = await cli(['tune', join(models, 'istio.yaml'), '--client-locality', 'us-east1/us-east1-b', '--replications', '3', '--budget', '20', '--no-progress']);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe(
      'failsim: --budget 20: too small to score even the current settings, which takes 21 runs (7 per replication: each incident against each target from each client locality, and the quiet day; × 3 replications). Give --budget 21 or more, or fewer --replications\n',
    );
    const byDefault = await cli(['tune', join(models, 'istio.yaml'), '--client-locality', 'us-east1/us-east1-b', '--replications', '1000', '--no-progress']);
    expect(byDefault.code).toBe(2);
    expect(byDefault.err).toContain('--budget 3000 (the default): too small to score even the current settings, which takes 7000 runs');
  });

  const point = (failed: number, cross: number, fe: number, pass = true, extra: Partial<PointResult['settings']> = {}): PointResult => ({
    settings: { consecutive5xxErrors: failed, ...extra },
    scorecard: { quietDay: { noHealthyUpstream: 0 } } as PointResult['scorecard'],
    failedRequests: failed,
    crossLocalityShare: cross,
    falseEjections: fe,
    pass,
    replications: 1,
  });

  test('the recommendation: no false ejections, failures within 2x of the fewest, then the most local traffic', () => {
    const a = point(10, 0.5, 0); // fewest failures
    const b = point(18, 0.38, 0); // within 2x, more local: chosen
    const c = point(25, 0.3, 0); // more than 2x the fewest
    const d = point(5, 0.2, 3); // false ejections on the quiet day
    const e = point(4, 0.1, 0, false); // fails the SLO
    expect(recommend([a, b, c, d, e], {}, 2)).toBe(b);
    expect(recommend([e], {}, 2)).toBeNull();
    expect(paretoFront([a, b, c, d, e])).toEqual([e]);
    expect(paretoFront([a, b, c, d])).toEqual([a, b, c, d]);
    expect(paretoFront([a, point(11, 0.6, 0)])).toEqual([a]);
    // Equal scores and as many changes: the lower cap.
    const cap100 = point(18, 0.38, 0, true, { maxEjectionPercent: 100 });
    const cap50 = point(18, 0.38, 0, true, { maxEjectionPercent: 50 });
    expect(recommend([a, cap100, cap50], { maxEjectionPercent: 10 }, 2)).toBe(cap50);
  });
});
