import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { uintMod } from '../../src/engine/int-math.ts';

describe('uintMod', () => {
  it('equals % for random draws and every divisor the simulator uses', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 1, max: 2 ** 32 }), (x, n) => uintMod(x, n) === x % n),
      { seed: 20261126, numRuns: 20_000 },
    );
  });

  it('equals % up to 2^53 (round-robin counters), including quotients just below an integer', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), fc.integer({ min: 1, max: 1_000_000 }), (x, n) => uintMod(x, n) === x % n),
      { seed: 7, numRuns: 20_000 },
    );
    // x = k·n − 1: the exact quotient is just below k, where a rounded division could reach k.
    for (const n of [3, 7, 100, 10_000, 999_983]) {
      for (const k of [1, 2 ** 20, 2 ** 32 + 1, Math.floor((2 ** 53 - 1) / n)]) {
        const x = k * n - 1;
        expect(uintMod(x, n)).toBe(x % n);
      }
    }
  });
});
