/**
 * The control plane's schedules: kubelet readiness (Kubernetes probe defaults: periodSeconds 10,
 * timeoutSeconds 1, failureThreshold 3, successThreshold 1), istiod's debounce
 * (pilot/pkg/xds/discovery.go `debounce` at istio 1.28.0, PILOT_DEBOUNCE_AFTER 100ms /
 * PILOT_DEBOUNCE_MAX 10s in pilot/pkg/features/tuning.go) and Envoy active health checks
 * (health_checker_base_impl.cc, envoyproxy/envoy at 1204f55de6d2673562b16b6d4c40c2eab434c72c).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_READINESS, type FaultSpec, type HealthCheckSpec, type ReadinessSpec } from '../../src/config/scenario.ts';
import { rootStream } from '../../src/engine/random.ts';
import { debouncedPushTimes, edsChanges, readinessChanges } from '../../src/world/control-plane.ts';
import { FaultSchedule } from '../../src/world/faults.ts';
import { healthCheckChanges } from '../../src/world/health-check.ts';

const loc = { region: 'r', zone: 'z', subzone: '' };
const ENDPOINTS = [
  { address: 'a', locality: loc },
  { address: 'b', locality: loc },
];
const SEED = 7;

function schedule(faults: FaultSpec[]): FaultSchedule {
  return new FaultSchedule(faults, ENDPOINTS, rootStream(SEED));
}

/** The probe phase the schedule uses for endpoint e: the first draw of its named stream. */
function phaseOf(e: number, periodMs: number): number {
  return rootStream(SEED).fork(`world/endpoint/${e}/readiness-probe`).uniform() * periodMs;
}

/** The first probe time ≥ t on a ticker with this phase and period. */
function probeAtOrAfter(t: number, phase: number, period: number): number {
  return phase + Math.ceil((t - phase) / period) * period;
}

describe('kubelet readiness', () => {
  const refused: FaultSpec = { kind: 'connect-refused', target: { endpoint: 'a' }, fromMs: 30_000, untilMs: 150_000 };

  it('NotReady at the failureThreshold-th failing probe, Ready at the first passing one (defaults)', () => {
    const changes = readinessChanges(DEFAULT_READINESS, schedule([refused]), 2, 180_000, rootStream(SEED));
    const phase = phaseOf(0, 10_000);
    const firstFail = probeAtOrAfter(30_000, phase, 10_000);
    expect(changes).toEqual([
      { atMs: firstFail + 20_000, endpoint: 0, ready: false },
      { atMs: probeAtOrAfter(150_000, phase, 10_000), endpoint: 0, ready: true },
    ]);
  });

  it('a probe that times out fails when its timeout ends', () => {
    const blackhole: FaultSpec = { ...refused, kind: 'blackhole' };
    const spec: ReadinessSpec = { ...DEFAULT_READINESS, timeoutMs: 2000, failureThreshold: 1 };
    const [down] = readinessChanges(spec, schedule([blackhole]), 2, 180_000, rootStream(SEED));
    expect(down.atMs).toBe(probeAtOrAfter(30_000, phaseOf(0, 10_000), 10_000) + 2000);
  });

  it('a fault shorter than failureThreshold probes never makes the pod unready', () => {
    const short: FaultSpec = { ...refused, untilMs: 30_000 + 15_000 };
    expect(readinessChanges(DEFAULT_READINESS, schedule([short]), 2, 180_000, rootStream(SEED))).toEqual([]);
  });

  it('latency fails a probe only when its added delay reaches the probe timeout', () => {
    const slow = (addMs: number): FaultSpec => ({ kind: 'latency', factor: 1, addMs, target: { endpoint: 'b' }, fromMs: 10_000, untilMs: 100_000 });
    expect(readinessChanges(DEFAULT_READINESS, schedule([slow(999)]), 2, 180_000, rootStream(SEED))).toEqual([]);
    expect(readinessChanges(DEFAULT_READINESS, schedule([slow(1000)]), 2, 180_000, rootStream(SEED)).map((c) => c.ready)).toEqual([false, true]);
  });

  it('matches a probe-by-probe replay for random faults and settings (skipping calm stretches changes nothing)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1000, max: 20_000 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 170_000 }), fc.integer({ min: 1, max: 60_000 })), { maxLength: 4 }),
        (period, failures, successes, windows) => {
          const faults: FaultSpec[] = [];
          let t = 0;
          for (const [gap, len] of windows) {
            const from = t + gap;
            if (from + len > 180_000) break;
            faults.push({ kind: 'connect-refused', target: { endpoint: 'a' }, fromMs: from, untilMs: from + len });
            t = from + len;
          }
          const spec: ReadinessSpec = { ...DEFAULT_READINESS, periodMs: period, timeoutMs: Math.min(1000, period), failureThreshold: failures, successThreshold: successes };
          const fs = schedule(faults);
          const got = readinessChanges(spec, fs, 2, 180_000, rootStream(SEED)).filter((c) => c.endpoint === 0);
          // Replay: every probe, no skipping.
          const want: { atMs: number; endpoint: number; ready: boolean }[] = [];
          let ready = true;
          let run = 0;
          for (let p = phaseOf(0, period); p < 180_000; p += period) {
            const ok = fs.faultAt(0, p) === null;
            if (ok === ready) run = 0;
            else if (++run >= (ready ? failures : successes)) {
              ready = ok;
              run = 0;
              want.push({ atMs: p, endpoint: 0, ready });
            }
          }
          expect(got).toEqual(want);
        },
      ),
      { seed: 42, numRuns: 200 },
    );
  });
});

describe("istiod's debounce", () => {
  it('one event: a push debounceAfter later', () => {
    expect(debouncedPushTimes([5000], 100, 10_000)).toEqual([5100]);
  });

  it('events closer than debounceAfter keep delaying the push until quiet', () => {
    expect(debouncedPushTimes([0, 50, 120, 200], 100, 10_000)).toEqual([300]);
  });

  it('a steady stream of events is pushed when the timer first fires after debounceMax', () => {
    const events = Array.from({ length: 400 }, (_, i) => i * 50); // every 50 ms for 20 s
    const pushes = debouncedPushTimes(events, 100, 10_000);
    // The timer fires at 100, 150, 200, ... (each time 50 ms after the last event: not quiet) until
    // the first firing at or after start + 10 s; the event at that instant opens the next batch.
    expect(pushes[0]).toBe(10_000);
    expect(pushes[1]).toBe(20_000);
    expect(pushes).toHaveLength(2);
  });

  it('an event exactly when the timer fires starts the next batch', () => {
    expect(debouncedPushTimes([0, 100], 100, 10_000)).toEqual([100, 200]);
  });
});

describe('EDS changes at the sidecars', () => {
  const spec: ReadinessSpec = { ...DEFAULT_READINESS, propagationMs: 300, pushDelayMs: 50 };

  it('readiness reaches every sidecar after propagation, debounce and push delay', () => {
    expect(edsChanges(spec, [{ atMs: 1000, endpoint: 1, ready: false }, { atMs: 9000, endpoint: 1, ready: true }], 60_000)).toEqual([
      { atMs: 1000 + 300 + 100 + 50, endpoint: 1, ready: false },
      { atMs: 9000 + 300 + 100 + 50, endpoint: 1, ready: true },
    ]);
  });

  it('a flip and flop inside one debounce batch never reaches the sidecars', () => {
    expect(edsChanges(spec, [{ atMs: 1000, endpoint: 0, ready: false }, { atMs: 1040, endpoint: 0, ready: true }], 60_000)).toEqual([]);
  });

  it('two endpoints changing together go out in one push', () => {
    const got = edsChanges(DEFAULT_READINESS, [{ atMs: 1000, endpoint: 1, ready: false }, { atMs: 1060, endpoint: 0, ready: false }], 60_000);
    expect(got).toEqual([
      { atMs: 1160, endpoint: 0, ready: false },
      { atMs: 1160, endpoint: 1, ready: false },
    ]);
  });
});

describe('Envoy active health checks', () => {
  const hc: HealthCheckSpec = {
    type: 'http',
    intervalMs: 5000,
    timeoutMs: 1000,
    unhealthyThreshold: 3,
    healthyThreshold: 2,
    unhealthyIntervalMs: 5000,
    unhealthyEdgeIntervalMs: 5000,
    healthyEdgeIntervalMs: 5000,
    intervalJitterMs: 0,
    initialJitterMs: 0,
  };
  const proxies = [{ hostToEndpoint: [0, 1], connectTimeoutMs: 10_000 }];
  const refusedDelay = [1, 1];

  it('refused: the third failure marks the host; the next interval starts when the answer arrives', () => {
    const fs = schedule([{ kind: 'connect-refused', target: { endpoint: 'a' }, fromMs: 30_000, untilMs: 150_000 }]);
    const got = healthCheckChanges(hc, proxies, fs, refusedDelay, 2, 180_000, rootStream(SEED));
    // Checks at 0, 5 s, ..., 30 s (fails at 30.001), 35.001 (→ 35.002), 40.002 (→ 40.003: third).
    expect(got[0]).toEqual({ atMs: 40_003, sidecar: 0, host: 0, failed: true });
    // Failing checks start every 5.001 s from 45.003 s; the first at or after 150 s passes (answering
    // at once), the next one, 5 s later, clears the flag (healthy_threshold 2).
    const firstPass = 45_003 + Math.ceil((150_000 - 45_003) / 5001) * 5001;
    expect(got[1]).toEqual({ atMs: firstPass + 5000, sidecar: 0, host: 0, failed: false });
    expect(got).toHaveLength(2);
  });

  it('an HTTP error status marks the host at the first check; a TCP check does not see it', () => {
    const fs = schedule([{ kind: 'http-error', code: 500, rate: 1, target: { endpoint: 'b' }, fromMs: 12_000, untilMs: 60_000 }]);
    const http = healthCheckChanges(hc, proxies, fs, refusedDelay, 2, 180_000, rootStream(SEED));
    expect(http[0]).toEqual({ atMs: 15_000, sidecar: 0, host: 1, failed: true });
    expect(healthCheckChanges({ ...hc, type: 'tcp' }, proxies, fs, refusedDelay, 2, 180_000, rootStream(SEED))).toEqual([]);
  });

  it('a blackholed host fails by timeout, each check taking the timeout', () => {
    const fs = schedule([{ kind: 'blackhole', target: { endpoint: 'a' }, fromMs: 30_000, untilMs: 150_000 }]);
    const [down] = healthCheckChanges(hc, proxies, fs, refusedDelay, 2, 180_000, rootStream(SEED));
    expect(down.atMs).toBe(30_000 + 1000 + 6000 + 6000); // checks at 30, 36, 42 s; each answers at +1 s
  });
});
