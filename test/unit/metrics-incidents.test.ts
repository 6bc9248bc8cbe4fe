import { describe, expect, it } from 'vitest';
import { computeIncidents, EjectionLog, type IncidentWindow } from '../../src/metrics/incidents.ts';
import { RunSeries } from '../../src/metrics/time-series.ts';

const SETTINGS = { mitigation: { windowMs: 3000, threshold: 0.1 }, failback: { toleranceShare: 0.05, windowMs: 3000 } };

/** A 30 s run, 1 s buckets, 2 endpoints, filled per bucket from hand-written series. */
function series(requests: number[], failures: number[], attempts0: number[], attempts1: number[]): RunSeries {
  const s = new RunSeries(30_000, 1000, 2);
  for (let b = 0; b < 30; b++) {
    const t = b * 1000 + 500;
    for (let i = 0; i < requests[b]; i++) s.recordRequest(t, i < failures[b], 5);
    for (let i = 0; i < attempts0[b]; i++) s.recordAttempt(t, 0);
    for (let i = 0; i < attempts1[b]; i++) s.recordAttempt(t, 1);
  }
  s.finish();
  return s;
}

const fill = (n: number, v: number) => Array.from({ length: n }, () => v);
const FAULT: IncidentWindow = { index: 0, kind: 'connect-refused', endpoints: [0], fromMs: 10_000, untilMs: 20_000 };

describe('incident metrics', () => {
  // 100 requests per bucket; errors 50 % for buckets 10..12, then none (ejection at 13 s).
  const failures = [...fill(10, 0), 50, 50, 50, ...fill(17, 0)];
  // Endpoint 0 gets 80 % of attempts before, 0 % during 13..19, back to 80 % from bucket 22.
  const a0 = [...fill(13, 80), ...fill(9, 0), ...fill(8, 80)];
  const a1 = [...fill(13, 20), ...fill(9, 100), ...fill(8, 20)];
  const s = series(fill(30, 100), failures, a0, a1);

  it('computes detection, mitigation, failback and errors on a hand-built series', () => {
    const log = EjectionLog.fromEvents([FAULT], 3, [
      { timeMs: 11_000, proxy: 0, endpoint: 0 },
      { timeMs: 12_500, proxy: 1, endpoint: 0 },
      { timeMs: 13_000, proxy: 2, endpoint: 0 },
      { timeMs: 14_000, proxy: 2, endpoint: 0 }, // a later one does not change the first
      { timeMs: 25_000, proxy: 0, endpoint: 1 }, // no fault on endpoint 1: false
      { timeMs: 5_000, proxy: 0, endpoint: 0 }, // before the fault: false
    ]);
    const report = computeIncidents(s, log, SETTINGS);
    expect(report.ejections).toBe(6);
    expect(report.falseEjections).toBe(2);
    const inc = report.incidents[0];
    expect(inc.detectionMs).toEqual({ median: 2500, max: 3000, proxiesDetected: 3, proxies: 3 });
    // Window error rate (3 buckets): at boundary 13: 150/300; 14: 100/300; 15: 50/300 = 0.167; 16: 0.
    expect(inc.mitigationMs).toBe(6000);
    expect(inc.preFaultShare).toBeCloseTo(0.8, 12);
    // After 20 s: buckets 20, 21 have share 0, bucket 22 onward 0.8: every window starting at 22 s
    // or later is within tolerance, and none starting earlier is.
    expect(inc.failbackMs).toBe(2000);
    expect(inc.requests).toBe(1000);
    expect(inc.errors).toBe(150);
    expect(inc.errorRate).toBeCloseTo(0.15, 12);
  });

  it('requires the share to stay back: a later dip moves failback past it', () => {
    const dip0 = [...fill(13, 80), ...fill(9, 0), ...fill(5, 80), 0, 80, 80];
    const dip1 = [...fill(13, 20), ...fill(9, 100), ...fill(5, 20), 100, 20, 20];
    const dipped = series(fill(30, 100), failures, dip0, dip1);
    expect(computeIncidents(dipped, new EjectionLog([FAULT], 1), SETTINGS).incidents[0].failbackMs).toBe(8000);
  });

  it('is null when things never happen', () => {
    // Errors never stop; traffic never returns; one proxy never detects.
    const never = series(fill(30, 100), [...fill(10, 0), ...fill(20, 50)], [...fill(10, 80), ...fill(20, 0)], [...fill(10, 20), ...fill(20, 100)]);
    const log = EjectionLog.fromEvents([FAULT], 2, [{ timeMs: 10_500, proxy: 0, endpoint: 0 }]);
    const inc = computeIncidents(never, log, SETTINGS).incidents[0];
    expect(inc.mitigationMs).toBeNull();
    expect(inc.failbackMs).toBeNull();
    expect(inc.detectionMs.max).toBeNull();
    // Two proxies, one never: median of {500, ∞} is ∞ → null.
    expect(inc.detectionMs.median).toBeNull();
    expect(inc.detectionMs.proxiesDetected).toBe(1);
  });

  it('has no failback for a fault lasting to the end, nor a baseline for one starting at 0', () => {
    const log0 = new EjectionLog([{ ...FAULT, untilMs: 30_000 }], 1);
    expect(computeIncidents(s, log0, SETTINGS).incidents[0].failbackMs).toBeNull();
    const logStart = new EjectionLog([{ ...FAULT, fromMs: 0 }], 1);
    const inc = computeIncidents(s, logStart, SETTINGS).incidents[0];
    expect(inc.preFaultShare).toBeNull();
    expect(inc.failbackMs).toBeNull();
  });

  it('counts ejections within the grace after the fault as detections', () => {
    const strict = EjectionLog.fromEvents([FAULT], 1, [{ timeMs: 20_500, proxy: 0, endpoint: 0 }]);
    expect(strict.falseEjections).toBe(1);
    const graced = EjectionLog.fromEvents([FAULT], 1, [{ timeMs: 20_500, proxy: 0, endpoint: 0 }], 1000);
    expect(graced.falseEjections).toBe(0);
    expect(computeIncidents(s, graced, SETTINGS).incidents[0].detectionMs.median).toBe(10_500);
  });
});

describe('RunSeries', () => {
  it('tracks ejected counts per bucket, carrying levels across quiet buckets', () => {
    const s = new RunSeries(10_000, 1000, 2);
    s.recordEjection(1500, 0);
    s.recordEjection(1700, 0);
    s.recordUnejection(1800, 0);
    s.recordEjection(3200, 1);
    s.recordUnejection(6100, 0);
    s.finish();
    const e0 = Array.from({ length: 10 }, (_, b) => s.ejectedProxiesMax[b * 2]);
    expect(e0).toEqual([0, 2, 1, 1, 1, 1, 1, 0, 0, 0]);
    expect(Array.from(s.ejectedHostsMax)).toEqual([0, 2, 1, 2, 2, 2, 2, 1, 1, 1]);
  });
  it('sizes arrays from duration / bucket and clamps times', () => {
    const s = new RunSeries(2500, 1000, 3);
    expect(s.bucketCount).toBe(3);
    expect(s.attempts.length).toBe(9);
    s.recordRequest(99_999, true, 1);
    s.recordAttempt(-5, 2);
    s.recordAttemptFailure(-5, 2);
    expect(s.failures[2]).toBe(1);
    expect(s.attemptsAt(0, 2)).toBe(1);
    expect(s.attemptFailures[2]).toBe(1);
  });
});
