import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { FaultSpec } from '../../src/config/scenario.ts';
import { RandomStream, rootStream } from '../../src/engine/random.ts';
import { AttemptOutcome } from '../../src/envoy/router/outcomes.ts';
import { newAttemptDecision, EndpointWorld, reachesServer } from '../../src/world/attempt.ts';
import { FAULT_CONNECT_REFUSED, FAULT_HTTP_ERROR, FaultSchedule, FlappingPhases } from '../../src/world/faults.ts';
import { compileLatency } from '../../src/world/latency.ts';

const loc = (region: string, zone = '', subzone = '') => ({ region, zone, subzone });
const ENDPOINTS = [
  { address: 'east-a', locality: loc('us-east1', 'b') },
  { address: 'east-b', locality: loc('us-east1', 'c') },
  { address: 'west', locality: loc('us-west1', 'a') },
];

describe('fault windows', () => {
  const faults: FaultSpec[] = [
    { kind: 'connect-refused', target: { endpoint: 'west' }, fromMs: 1000, untilMs: 2000 },
    { kind: 'http-error', code: 500, rate: 1, target: { locality: loc('us-east1'), localityText: 'us-east1' }, fromMs: 5000, untilMs: 9000 },
    { kind: 'blackhole', target: { locality: loc('us-east1', 'c'), localityText: 'us-east1/c' }, fromMs: 9000, untilMs: 10_000 },
  ];
  const schedule = new FaultSchedule(faults, ENDPOINTS, rootStream(1));

  it('exposes each fault with the endpoints it covers', () => {
    expect(schedule.windows.map((w) => [w.index, w.kind, Array.from(w.endpoints), w.fromMs, w.untilMs])).toEqual([
      [0, 'connect-refused', [2], 1000, 2000],
      [1, 'http-error', [0, 1], 5000, 9000],
      [2, 'blackhole', [1], 9000, 10_000],
    ]);
  });

  it('says when no window touches a closed interval (quietThrough)', () => {
    // west: [1000, 2000). Touching at the start counts, the window's exclusive end does not.
    expect(schedule.quietThrough(2, 0, 999.9)).toBe(true);
    expect(schedule.quietThrough(2, 0, 1000)).toBe(false);
    expect(schedule.quietThrough(2, 1999.9, 2500)).toBe(false);
    expect(schedule.quietThrough(2, 2000, 2500)).toBe(true);
    expect(schedule.quietThrough(2, 500, 3000)).toBe(false);
    // east-b: [5000, 9000) then [9000, 10000): the gap between them is empty, the second one counts.
    expect(schedule.quietThrough(1, 2000, 4999)).toBe(true);
    expect(schedule.quietThrough(1, 9500, 9600)).toBe(false);
    expect(schedule.quietThrough(1, 10_000, 20_000)).toBe(true);
    expect(schedule.quietThrough(0, 9000, 20_000)).toBe(true);
  });

  it('answers faultAt on half-open windows', () => {
    expect(schedule.faultAt(2, 999)).toBeNull();
    expect(schedule.faultAt(2, 1000)?.kind).toBe(FAULT_CONNECT_REFUSED);
    expect(schedule.faultAt(2, 2000)).toBeNull();
    expect(schedule.faultAt(0, 5000)).toMatchObject({ kind: FAULT_HTTP_ERROR, httpCode: 500 });
    expect(schedule.faultAt(1, 8999.5)?.kind).toBe(FAULT_HTTP_ERROR);
    expect(schedule.windowIndexAt(1, 9000)).toBe(2);
    expect(schedule.windowIndexAt(0, 9000)).toBe(-1);
  });

  it('rejects overlapping faults on one endpoint', () => {
    const overlapping: FaultSpec[] = [
      { kind: 'reset', target: { endpoint: 'east-a' }, fromMs: 0, untilMs: 5000 },
      { kind: 'blackhole', target: { locality: loc('us-east1'), localityText: 'us-east1' }, fromMs: 4000, untilMs: 6000 },
    ];
    expect(() => new FaultSchedule(overlapping, ENDPOINTS, rootStream(1), 'scenario.yaml')).toThrow(
      'scenario.yaml: faults[1]: overlaps faults[0] on endpoint "east-a"',
    );
  });
});

describe('flapping', () => {
  it('fixed phases alternate down then up from the fault start', () => {
    const p = new FlappingPhases(1000, 20_000, 2000, 3000, false, new RandomStream('f'));
    expect(p.isDown(999)).toBe(false);
    expect(p.isDown(1000)).toBe(true);
    expect(p.isDown(2999)).toBe(true);
    expect(p.isDown(3000)).toBe(false);
    expect(p.isDown(5999)).toBe(false);
    expect(p.isDown(6000)).toBe(true);
    expect(p.downIntervals()).toEqual([[1000, 3000], [6000, 8000], [11_000, 13_000], [16_000, 18_000]]);
  });

  it('exponential phases are deterministic, independent of query order, alternating, with the right means', () => {
    const make = () => new FlappingPhases(0, 4_000_000, 1000, 4000, true, new RandomStream('flap'));
    const a = make();
    const intervals = a.downIntervals();
    expect(make().downIntervals()).toEqual(intervals);
    // Alternating: disjoint, ascending, starting down at from.
    expect(intervals[0][0]).toBe(0);
    for (let i = 1; i < intervals.length; i++) expect(intervals[i][0]).toBeGreaterThan(intervals[i - 1][1]);
    const downs = intervals.slice(0, -1).map(([s, e]) => e - s);
    const ups = intervals.slice(1).map(([s], i) => s - intervals[i][1]);
    const mean = (x: number[]) => x.reduce((p, q) => p + q, 0) / x.length;
    expect(Math.abs(mean(downs) - 1000)).toBeLessThan((4 * 1000) / Math.sqrt(downs.length));
    expect(Math.abs(mean(ups) - 4000)).toBeLessThan((4 * 4000) / Math.sqrt(ups.length));
    // Query order does not change the answers (lazy generation only extends the same sequence).
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 3_999_999, noNaN: true }), { minLength: 1, maxLength: 50 }), (times) => {
        const fresh = make();
        for (const t of times) {
          const inDown = intervals.some(([s, e]) => s <= t && t < e);
          if (fresh.isDown(t) !== inDown) return false;
        }
        return true;
      }),
      { seed: 42, numRuns: 50 },
    );
  });

  it('a flapping fault is active only in its down phases', () => {
    const faults: FaultSpec[] = [
      { kind: 'flapping', upMs: 1000, downMs: 500, distribution: 'fixed', of: { kind: 'http-error', code: 503, rate: 1 }, target: { endpoint: 'west' }, fromMs: 0, untilMs: 10_000 },
    ];
    const s = new FaultSchedule(faults, ENDPOINTS, rootStream(1));
    expect(s.faultAt(2, 100)?.kind).toBe(FAULT_HTTP_ERROR);
    expect(s.faultAt(2, 700)).toBeNull();
    expect(s.faultAt(2, 1600)?.kind).toBe(FAULT_HTTP_ERROR);
    expect(s.windowIndexAt(2, 700)).toBe(0);
  });
});

describe('decideAttempt', () => {
  const faults: FaultSpec[] = [
    { kind: 'connect-refused', target: { endpoint: 'east-a' }, fromMs: 0, untilMs: 1000 },
    { kind: 'connect-timeout', target: { endpoint: 'east-a' }, fromMs: 1000, untilMs: 2000 },
    { kind: 'blackhole', target: { endpoint: 'east-a' }, fromMs: 2000, untilMs: 3000 },
    { kind: 'reset', target: { endpoint: 'east-a' }, fromMs: 3000, untilMs: 4000 },
    { kind: 'latency', factor: 2, addMs: 5, target: { endpoint: 'east-a' }, fromMs: 4000, untilMs: 5000 },
    { kind: 'http-error', code: 502, rate: 1, target: { endpoint: 'east-a' }, fromMs: 5000, untilMs: 6000 },
    { kind: 'http-error', code: 503, rate: 0.25, target: { endpoint: 'east-b' }, fromMs: 0, untilMs: 6000 },
  ];
  const world = new EndpointWorld(
    ENDPOINTS.map(() => compileLatency({ kind: 'constant', valueMs: 10 })),
    Float64Array.of(1, 1, 70),
    new FaultSchedule(faults, ENDPOINTS, rootStream(1)),
  );
  const out = newAttemptDecision();
  const rng = new RandomStream('attempts');
  const decide = (e: number, t: number) => {
    world.decideAttempt(e, t, rng, 250, out);
    return { ...out };
  };
  it('maps each fault kind to its outcome and delay', () => {
    expect(decide(0, 500)).toEqual({ outcome: AttemptOutcome.CONNECT_FAILURE, status: 0, latencyMs: 1 });
    expect(decide(0, 1500)).toEqual({ outcome: AttemptOutcome.CONNECT_TIMEOUT, status: 0, latencyMs: 250 });
    expect(decide(0, 2500)).toEqual({ outcome: AttemptOutcome.PER_TRY_TIMEOUT, status: 0, latencyMs: Infinity });
    expect(decide(0, 3500)).toEqual({ outcome: AttemptOutcome.RESET_BEFORE_HEADERS, status: 0, latencyMs: 5 });
    expect(decide(0, 4500)).toEqual({ outcome: AttemptOutcome.RESPONSE, status: 200, latencyMs: 25 });
    expect(decide(0, 5500)).toEqual({ outcome: AttemptOutcome.RESPONSE, status: 502, latencyMs: 10 });
    expect(decide(0, 6500)).toEqual({ outcome: AttemptOutcome.RESPONSE, status: 200, latencyMs: 10 });
  });
  it('a request reaches the server when connected and delivered: not refused, timed out or blackholed', () => {
    const reaches = [500, 1500, 2500, 3500, 4500, 5500].map((t) => {
      world.decideAttempt(0, t, rng, 250, out);
      return reachesServer(out);
    });
    expect(reaches).toEqual([false, false, false, true, true, true]);
  });
  it('draws partial http errors per attempt at the configured rate', () => {
    let errors = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) if (decide(1, 100).status === 503) errors++;
    expect(Math.abs(errors / n - 0.25)).toBeLessThan(4 * Math.sqrt((0.25 * 0.75) / n));
  });
});
