import { describe, expect, it } from 'vitest';
import {
  choosePriority,
  isHostSetInPanic,
  panicThresholdPercent,
  PriorityLoadState,
  priorityAvailability,
} from '../../src/envoy/lb/priority-load.ts';
import { loadsFor } from './lb-helpers.ts';

const hl = (s: PriorityLoadState) => Array.from(s.healthyLoad);
const dl = (s: PriorityLoadState) => Array.from(s.degradedLoad);

describe("Envoy's documented priority-load table (two priorities, P1 100% healthy)", () => {
  // envoyproxy.io intro/arch_overview/upstream/load_balancing/priority; 100 hosts per priority so the
  // percentages are exact host fractions.
  const table: [number, number, number][] = [
    [100, 100, 0],
    [72, 100, 0],
    [71, 99, 1],
    [50, 70, 30],
    [25, 35, 65],
    [0, 0, 100],
  ];
  for (const [healthyPct, p0, p1] of table) {
    it(`P0 ${healthyPct}% healthy → ${p0}% / ${p1}%`, () => {
      const s = loadsFor([{ hosts: 100, healthy: healthyPct }, { hosts: 100, healthy: 100 }]);
      expect(hl(s)).toEqual([p0, p1]);
      expect(dl(s)).toEqual([0, 0]);
    });
  }
});

describe('three priorities: integer rounding, not floating point', () => {
  it('25/25/100 → 35/35/30 (NTA 100: no panic)', () => {
    expect(hl(loadsFor([{ hosts: 4, healthy: 1 }, { hosts: 4, healthy: 1 }, { hosts: 4, healthy: 4 }]))).toEqual([35, 35, 30]);
  });

  it('25/25/20 healthy: health 35/35/28, NTA 98, integer shares 35/35/28 and the leftover 2 to P0 → 37/35/28', () => {
    // Envoy's docs table prints 36/36/28 for this row (35.7/35.7/28.6 rounded); Envoy's code
    // (recalculatePerPriorityState: integer shares, leftover to the first available priority) gives
    // 37/35/28. failsim reproduces the code. Floating point would give 35.7/35.7/28.6.
    // The docs table ignores panic: run with panic disabled (threshold 0).
    const s = loadsFor([{ hosts: 4, healthy: 1 }, { hosts: 4, healthy: 1 }, { hosts: 5, healthy: 1 }], 0);
    expect(Array.from(s.health)).toEqual([35, 35, 28]);
    expect(s.normalizedTotalAvailability).toBe(98);
    expect(hl(s)).toEqual([37, 35, 28]);
  });

  it('with the default panic threshold (50) the same hosts are in total panic: split by host count 4/4/5', () => {
    const s = loadsFor([{ hosts: 4, healthy: 1 }, { hosts: 4, healthy: 1 }, { hosts: 5, healthy: 1 }], 50);
    expect(s.totalPanic).toBe(true);
    expect(hl(s)).toEqual([32, 30, 38]);
  });

  it('36/36/28 is what Envoy gives when P0 and P1 have health 36 (9 of 35 hosts, 25.7%) and P2 28', () => {
    const s = loadsFor([{ hosts: 35, healthy: 9 }, { hosts: 35, healthy: 9 }, { hosts: 5, healthy: 1 }], 0);
    expect(Array.from(s.health)).toEqual([36, 36, 28]);
    expect(hl(s)).toEqual([36, 36, 28]);
  });
});

describe('per-priority availability', () => {
  const out = new Int32Array(2);
  const counts = (hosts: number, healthy: number, degraded = 0, excluded = 0) => ({
    hosts, healthy, degraded, excluded, hostsWeight: hosts, healthyWeight: healthy, degradedWeight: degraded, excludedWeight: excluded,
  });
  it('multiplies the raw ratio before rounding: 2 of 3 healthy is 93, not 92', () => {
    priorityAvailability(140, false, counts(3, 2), out);
    expect(out[0]).toBe(93);
  });
  it('caps at 100 and drops excluded hosts from the denominator', () => {
    priorityAvailability(140, false, counts(5, 4), out);
    expect(out[0]).toBe(100);
    priorityAvailability(140, false, counts(4, 1, 0, 3), out);
    expect(out[0]).toBe(100);
  });
  it('an empty (or all-excluded) priority has no availability', () => {
    priorityAvailability(140, false, counts(0, 0), out);
    expect([out[0], out[1]]).toEqual([0, 0]);
    priorityAvailability(140, false, counts(2, 0, 0, 2), out);
    expect([out[0], out[1]]).toEqual([0, 0]);
  });
  it('weighted_priority_health uses weight sums', () => {
    priorityAvailability(100, true, { hosts: 4, healthy: 2, degraded: 0, excluded: 0, hostsWeight: 10, healthyWeight: 6, degradedWeight: 0, excludedWeight: 0 }, out);
    expect(out[0]).toBe(60);
  });
});

describe('panic', () => {
  it('uses plain percentages with a strict <: exactly half healthy is not panic', () => {
    expect(isHostSetInPanic(4, 2, 0, 0, 50)).toBe(false);
    expect(isHostSetInPanic(3, 1, 0, 0, 50)).toBe(true);
    expect(isHostSetInPanic(0, 0, 0, 0, 1)).toBe(true);
    expect(isHostSetInPanic(0, 0, 0, 0, 0)).toBe(false);
  });
  it('no priority panics when NTA is 100, however bad one is', () => {
    const s = loadsFor([{ hosts: 10, healthy: 1 }, { hosts: 2, healthy: 2 }]);
    expect(s.normalizedTotalAvailability).toBe(100);
    expect(Array.from(s.panic)).toEqual([0, 0]);
  });
  it('total panic splits by raw host count (excluded included), leftover to the first non-empty', () => {
    const s = loadsFor([{ hosts: 0, healthy: 0 }, { hosts: 4, healthy: 0, excluded: 1 }, { hosts: 2, healthy: 0 }]);
    expect(s.totalPanic).toBe(true);
    expect(hl(s)).toEqual([0, 67, 33]);
  });
  it('threshold 0 and nothing available: P0 gets 100, other entries keep their previous values', () => {
    const s = loadsFor([{ hosts: 2, healthy: 2 }, { hosts: 2, healthy: 2 }], 0);
    // Make P1 the only available priority, then take everything down.
    s.updatePriority(0, { hosts: 2, healthy: 0, degraded: 0, excluded: 0, hostsWeight: 2, healthyWeight: 0, degradedWeight: 0, excludedWeight: 0 });
    s.recalculatePanic(0);
    expect(hl(s)).toEqual([0, 100]);
    s.updatePriority(1, { hosts: 2, healthy: 0, degraded: 0, excluded: 0, hostsWeight: 2, healthyWeight: 0, degradedWeight: 0, excludedWeight: 0 });
    s.recalculatePanic(0);
    expect(hl(s)).toEqual([100, 100]); // the documented stale corner: loads no longer sum to 100
    expect(Array.from(s.panic)).toEqual([0, 0]);
    const code = choosePriority(57, s.healthyLoad, s.degradedLoad);
    expect(code >> 1).toBe(0);
  });
  it('rounds a fractional threshold and caps it at 100', () => {
    expect(panicThresholdPercent(49.5)).toBe(50);
    expect(panicThresholdPercent(250)).toBe(100);
  });
});

describe('choosePriority', () => {
  it('uses bucket = hash % 100 + 1 over cumulative healthy then degraded loads', () => {
    const h = Int32Array.from([0, 0, 28]);
    const d = Int32Array.from([28, 44, 0]);
    const pick = (hash: number) => {
      const c = choosePriority(hash, h, d);
      return [c >> 1, c & 1];
    };
    expect(pick(27)).toEqual([2, 0]);
    expect(pick(28)).toEqual([0, 1]);
    expect(pick(56)).toEqual([1, 1]);
    expect(pick(4294967295)).toEqual([1, 1]); // 95 + 1
  });
  it('healthy load at a lower priority beats degraded load at a higher one', () => {
    const s = loadsFor([{ hosts: 5, healthy: 0, degraded: 5 }, { hosts: 5, healthy: 2, degraded: 2 }, { hosts: 5, healthy: 2 }]);
    expect(hl(s)).toEqual([0, 56, 44]);
    expect(dl(s)).toEqual([0, 0, 0]);
  });
});
