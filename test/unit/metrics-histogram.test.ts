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

  it('sums exactly in whole ns: the mean does not depend on the order values arrive in', () => {
    // Values whose float sum depends on the order (0.1 + 0.2 + 0.3 ≠ 0.3 + 0.2 + 0.1 in doubles),
    // large ones beyond 2^52 ns (52 days) and many that push the low word over its carry point.
    const values = [0.1, 0.2, 0.3, 51.889185930780941, 1e-7, 1e12, 7.3e10, 123.456789];
    for (let i = 0; i < 2000; i++) values.push(4e9 + i * 0.001); // ≈ 4.6 days each: 2000 of them pass 2^52 ns
    const forward = new LatencyHistogram();
    const backward = new LatencyHistogram();
    values.forEach((v) => forward.record(v));
    [...values].reverse().forEach((v) => backward.record(v));
    expect(backward.summary().mean).toBe(forward.summary().mean);
    // The exact integer sum, checked with BigInt arithmetic.
    const exactNs = values.reduce((s, v) => s + BigInt(Math.round(v * 1e6)), 0n);
    expect(BigInt(forward.sumHigh) * 4294967296n + BigInt(forward.sumLow)).toBe(exactNs);
    expect(forward.summary().mean).toBe(Number(exactNs) / (values.length * 1e6));
    // Merging shards in either order gives the same sum.
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    values.forEach((v, i) => (i % 3 === 0 ? a : b).record(v));
    const ab = new LatencyHistogram();
    ab.merge(a);
    ab.merge(b);
    const ba = new LatencyHistogram();
    ba.merge(b);
    ba.merge(a);
    expect(BigInt(ab.sumHigh) * 4294967296n + BigInt(ab.sumLow)).toBe(exactNs);
    expect(ba.summary().mean).toBe(ab.summary().mean);
  });
});
