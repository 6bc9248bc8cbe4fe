import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { paretoFront } from '../../src/report/sweep-charts.ts';
import { flatten } from '../../src/sweep/flatten.ts';
import { summarizeValues, tQuantile975 } from '../../src/sweep/stats.ts';

describe('95% t interval', () => {
  test('known case: 1..5 → mean 3 ± t(4)·s/√5', () => {
    const s = summarizeValues([1, 2, 3, 4, 5]);
    // s = √2.5, t(0.975, 4) = 2.776445105, half-width = 2.776445105 · √2.5 / √5 = 1.963243161
    expect(s.mean).toBe(3);
    expect(s.n).toBe(5);
    expect(s.nulls).toBe(0);
    expect(s.low).toBeCloseTo(3 - 1.963243161, 8);
    expect(s.high).toBeCloseTo(3 + 1.963243161, 8);
  });
  test('nulls are counted, not averaged; one value has no interval', () => {
    expect(summarizeValues([null, 4, null])).toEqual({ n: 1, nulls: 2, mean: 4, low: null, high: null });
    expect(summarizeValues([null, 'x'])).toEqual({ n: 0, nulls: 2, mean: null, low: null, high: null });
  });
  test('t quantiles: table and expansion against published values', () => {
    expect(tQuantile975(1)).toBeCloseTo(12.7062, 4);
    expect(tQuantile975(10)).toBeCloseTo(2.2281, 4);
    expect(tQuantile975(40)).toBeCloseTo(2.021075, 5);
    expect(tQuantile975(60)).toBeCloseTo(2.000298, 5);
    expect(tQuantile975(120)).toBeCloseTo(1.979930, 5);
    expect(tQuantile975(100000)).toBeCloseTo(1.9599877, 6); // just above the normal 1.959964
  });
  test('property: the interval contains the mean and shrinks as the same data is repeated', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 2, maxLength: 30 }), (xs) => {
        const a = summarizeValues(xs);
        const b = summarizeValues([...xs, ...xs]);
        expect(a.low!).toBeLessThanOrEqual(a.mean! + 1e-9);
        expect(a.high!).toBeGreaterThanOrEqual(a.mean! - 1e-9);
        expect(b.high! - b.low!).toBeLessThanOrEqual(a.high! - a.low! + 1e-6);
      }),
      { seed: 42, numRuns: 200 },
    );
  });
});

describe('flatten and Pareto front', () => {
  test('arrays by index, nested keys dotted, non-finite numbers null', () => {
    expect(flatten({ a: { b: 1 }, incidents: [{ d: { m: 2 } }], x: null, y: Infinity, s: 'k' })).toEqual({
      'a.b': 1,
      'incidents.0.d.m': 2,
      x: null,
      y: null,
      s: 'k',
    });
  });
  test('front of (min, min) and (min, max)', () => {
    const pts = [
      { a: 1, b: 5 },
      { a: 2, b: 2 },
      { a: 3, b: 3 }, // dominated by (2,2) when minimising both
      { a: 4, b: 1 },
      { a: 2, b: 2 }, // a tie is not domination
    ];
    expect([...paretoFront(pts, 'min', 'min')].sort()).toEqual([0, 1, 3, 4]);
    expect([...paretoFront(pts, 'min', 'max')].sort()).toEqual([0]);
  });
});
