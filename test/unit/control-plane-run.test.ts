/**
 * The control plane inside a run: with Istio ≥ 1.20's strict ejection cap (Envoy ≥ 1.28) a
 * three-pod service ejects nothing, yet a pod that fails its readiness probe leaves every sidecar's
 * EDS (pilot/pkg/xds/endpoints/endpoint_builder.go at istio 1.28.0 filters not-ready endpoints) and
 * traffic stops reaching it; an Envoy active health check does the same for a plain Envoy cluster.
 * Off unless the scenario turns it on: the same scenario without `controlPlane` runs as before.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { simulateRun } from '../../src/api.ts';

const dir = 'test/fixtures/control-plane';
const read = (f: string) => readFileSync(`${dir}/${f}`, 'utf8');
const ISTIO = read('istio.yaml');
const ENVOY = read('envoy.yaml');
const SCENARIO = read('scenario.yaml');
const ENVOY_SCENARIO = read('envoy-scenario.yaml');

/** Attempts that reached endpoint e in buckets [from, until) (bucket = 1 s). */
function attemptsBetween(run: ReturnType<typeof simulateRun>, e: number, fromMs: number, untilMs: number): number {
  const s = run.result.series;
  let n = 0;
  for (let b = s.bucketOf(fromMs); b < s.bucketOf(untilMs); b++) n += s.attemptsAt(b, e);
  return n;
}

describe('readiness → istiod → EDS in a run', () => {
  const off = simulateRun({ scenario: SCENARIO, istio: ISTIO });
  const on = simulateRun({ scenario: SCENARIO, istio: ISTIO, sets: ['controlPlane.readiness.period=10s'] });

  it('the cap ejects nothing either way; without readiness the refusing pod gets traffic all along', () => {
    expect(off.summary.ejections.enforced).toBe(0);
    expect(on.summary.ejections.enforced).toBe(0);
    expect(off.summary.controlPlane).toBeUndefined();
    expect(attemptsBetween(off, 0, 60_000, 150_000)).toBeGreaterThan(1000);
  });

  it('with readiness the pod leaves EDS 3 probes into the fault (+100 ms debounce) and no attempt reaches it until it is back', () => {
    const changes = on.summary.controlPlane!.changes;
    expect(changes.map((c) => [c.mechanism, c.endpoint, c.down, c.sidecar])).toEqual([
      ['eds', '10.0.1.1', true, null],
      ['eds', '10.0.1.1', false, null],
    ]);
    const [out, back] = changes.map((c) => c.atMs);
    expect(out).toBeGreaterThanOrEqual(30_000 + 20_000 + 100);
    expect(out).toBeLessThan(30_000 + 30_000 + 100);
    expect(back).toBeGreaterThanOrEqual(150_000 + 100);
    expect(back).toBeLessThan(160_000 + 100);
    expect(attemptsBetween(on, 0, Math.ceil(out / 1000) * 1000 + 1000, Math.floor(back / 1000) * 1000)).toBe(0);
    expect(attemptsBetween(on, 0, Math.ceil(back / 1000) * 1000 + 1000, 180_000)).toBeGreaterThan(0);
    expect(on.summary.attempts.failed).toBeLessThan(off.summary.attempts.failed / 2);
  });

  it('is deterministic', () => {
    const again = simulateRun({ scenario: SCENARIO, istio: ISTIO, sets: ['controlPlane.readiness.period=10s'] });
    expect(JSON.stringify(again.summary)).toBe(JSON.stringify(on.summary));
  });
});

describe('Envoy active health checks in a run', () => {
  it('each sidecar marks the refusing host after 3 network failures and stops sending to it', () => {
    const off = simulateRun({ scenario: ENVOY_SCENARIO, envoy: ENVOY });
    const on = simulateRun({
      scenario: ENVOY_SCENARIO,
      envoy: ENVOY,
      sets: ['controlPlane.healthCheck.interval=5s', 'controlPlane.healthCheck.timeout=1s', 'controlPlane.healthCheck.unhealthyThreshold=3', 'controlPlane.healthCheck.healthyThreshold=2'],
    });
    expect(off.summary.ejections.enforced).toBe(0);
    const changes = on.summary.controlPlane!.changes;
    expect(changes.filter((c) => c.down).map((c) => [c.sidecar, c.atMs])).toEqual([
      ['clients0-sidecar0', 40_003],
      ['clients0-sidecar1', 40_003],
    ]);
    expect(attemptsBetween(on, 0, 42_000, 150_000)).toBe(0);
    expect(attemptsBetween(off, 0, 42_000, 150_000)).toBeGreaterThan(1000);
  });
});
