import { describe, expect, it } from 'vitest';
import { RandomStream } from '../../src/engine/random.ts';
import { compileLatency, latencyQuantileMs, sampleLatencyMs, Z_099 } from '../../src/world/latency.ts';

const N = 40_000;

function samples(spec: Parameters<typeof compileLatency>[0], seed = 'latency-test'): Float64Array {
  const model = compileLatency(spec);
  const rng = new RandomStream(seed);
  const out = new Float64Array(N);
  for (let i = 0; i < N; i++) out[i] = sampleLatencyMs(model, rng);
  return out.sort();
}

/** Sample quantile by nearest rank. */
function quantile(sorted: Float64Array, q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
}

/** Standard error of the sample q-quantile: sqrt(q(1−q)/n) / density at the quantile. */
function quantileSe(q: number, density: number): number {
  return Math.sqrt((q * (1 - q)) / N) / density;
}

describe('latency samplers', () => {
  it('lognormal hits its median and p99 within 4 standard errors', () => {
    const median = 8;
    const p99 = 40;
    const s = samples({ kind: 'lognormal', medianMs: median, p99Ms: p99 });
    const sigma = (Math.log(p99) - Math.log(median)) / Z_099;
    const phi = (z: number) => Math.exp(-z * z / 2) / Math.sqrt(2 * Math.PI);
    const density = (x: number, z: number) => phi(z) / (x * sigma);
    expect(Math.abs(quantile(s, 0.5) - median)).toBeLessThan(4 * quantileSe(0.5, density(median, 0)));
    expect(Math.abs(quantile(s, 0.99) - p99)).toBeLessThan(4 * quantileSe(0.99, density(p99, Z_099)));
    const model = compileLatency({ kind: 'lognormal', medianMs: median, p99Ms: p99 });
    expect(latencyQuantileMs(model, 0.5)).toBeCloseTo(8, 9);
    expect(latencyQuantileMs(model, 0.99)).toBeCloseTo(40, 6);
  });

  it('empirical follows the piecewise-linear inverse CDF from (0, first value)', () => {
    const spec = { kind: 'empirical' as const, quantiles: [[0.5, 10], [0.99, 40], [1, 80]] as Array<[number, number]> };
    const model = compileLatency(spec);
    expect(latencyQuantileMs(model, 0.25)).toBe(10);
    expect(latencyQuantileMs(model, 0.745)).toBeCloseTo(25, 9);
    expect(latencyQuantileMs(model, 0.995)).toBeCloseTo(60, 9);
    expect(latencyQuantileMs(model, 1)).toBe(80);
    const s = samples(spec);
    expect(s[0]).toBeGreaterThanOrEqual(10);
    expect(s[N - 1]).toBeLessThanOrEqual(80);
    // Between 0.5 and 0.99 the density is 0.49/30 per ms.
    expect(Math.abs(quantile(s, 0.745) - 25)).toBeLessThan(4 * quantileSe(0.745, 0.49 / 30));
    // P(X <= 10) = 0.5 exactly (a flat start), binomial tolerance.
    const atMost10 = s.filter((v) => v <= 10).length / N;
    expect(Math.abs(atMost10 - 0.5)).toBeLessThan(4 * Math.sqrt(0.25 / N));
  });

  it('empirical with an explicit q = 0 point starts there', () => {
    const model = compileLatency({ kind: 'empirical', quantiles: [[0, 2], [1, 4]] });
    expect(latencyQuantileMs(model, 0.5)).toBe(3);
  });

  it('constant, uniform and exponential have the right means', () => {
    expect(samples({ kind: 'constant', valueMs: 5 }).every((v) => v === 5)).toBe(true);
    const mean = (a: Float64Array) => a.reduce((x, y) => x + y, 0) / a.length;
    const u = samples({ kind: 'uniform', minMs: 2, maxMs: 6 });
    expect(u[0]).toBeGreaterThanOrEqual(2);
    expect(u[N - 1]).toBeLessThan(6);
    expect(Math.abs(mean(u) - 4)).toBeLessThan(4 * (4 / Math.sqrt(12)) / Math.sqrt(N));
    const e = samples({ kind: 'exponential', meanMs: 3 });
    expect(Math.abs(mean(e) - 3)).toBeLessThan((4 * 3) / Math.sqrt(N));
  });

  it('is deterministic for a given stream', () => {
    const spec = { kind: 'lognormal' as const, medianMs: 8, p99Ms: 40 };
    const a = samples(spec, 'x');
    const b = samples(spec, 'x');
    expect(a.every((v, i) => v === b[i])).toBe(true);
  });
});
