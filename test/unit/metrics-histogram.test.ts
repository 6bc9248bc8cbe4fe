import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../../src/metrics/histogram.ts';

describe('LatencyHistogram', () => {
  it('gives nearest-rank percentiles on known data within the bucket resolution', () => {
    const h = new LatencyHistogram();
    for (let v = 1; v <= 1000; v++) h.record(v); // 1..1000 ms
    const s = h.summary();
    expect(s.count).toBe(1000);
    expect(s.min).toBe(1);
    expect(s.max).toBe(1000);
    expect(s.mean).toBeCloseTo(500.5, 9);
    for (const [q, exact] of [[0.5, 500], [0.9, 900], [0.99, 990], [0.999, 999]] as const) {
      expect(Math.abs(h.percentile(q)! - exact) / exact).toBeLessThanOrEqual(1 / 256);
    }
  });

  it('is exact below 256 µs and clamps to the recorded range', () => {
    const h = new LatencyHistogram();
    [0.1, 0.2, 0.2, 0.25].forEach((v) => h.record(v));
    expect(h.percentile(0.5)).toBe(0.2);
    expect(h.percentile(1)).toBe(0.25);
    expect(h.percentile(0)).toBe(0.1);
  });

  it('handles empty, Infinity and merging', () => {
    const empty = new LatencyHistogram().summary();
    expect(empty).toMatchObject({ count: 0, p50: null, p999: null, mean: null });
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    for (let i = 0; i < 99; i++) a.record(10);
    b.record(Infinity);
    a.merge(b);
    expect(a.count).toBe(100);
    expect(a.percentile(0.99)).toBeCloseTo(10, 1);
    expect(a.percentile(0.999)).toBe(Infinity);
    expect(a.summary().max).toBe(Infinity);
  });

  it('keeps relative error under 1/256 across magnitudes', () => {
    for (const v of [0.3, 1.7, 12.345, 999.9, 60_000, 3_600_000]) {
      const h = new LatencyHistogram();
      h.record(v);
      h.record(v * 1.5); // so min/max clamping does not hide the bucket midpoint
      expect(Math.abs(h.percentile(0.5)! - v) / v).toBeLessThanOrEqual(1 / 256 + 1e-9);
    }
  });
});
