import { describe, expect, it } from 'vitest';
import { EdfScheduler, type WeightSource } from '../../src/envoy/lb/edf.ts';
import { effectiveLocalityWeight, LocalityScheduler } from '../../src/envoy/lb/locality-wrr.ts';

class Weights implements WeightSource {
  constructor(public w: number[]) {}
  weightOf(id: number): number {
    return this.w[id];
  }
}

const ids = (n: number) => Array.from({ length: n }, (_, i) => i);
const picks = (s: EdfScheduler, w: WeightSource, n: number) => Array.from({ length: n }, () => s.pickAndAdd(w));

describe('EdfScheduler', () => {
  it('serves equal deadlines FIFO (insertion order)', () => {
    const w = new Weights([1, 1, 1]);
    const s = new EdfScheduler();
    s.buildWithPicks(ids(3), 3, w, 0);
    expect(picks(s, w, 6)).toEqual([0, 1, 2, 0, 1, 2]);
  });

  it('gives picks in proportion to weight', () => {
    const w = new Weights([1, 3, 6]);
    const s = new EdfScheduler();
    s.buildWithPicks(ids(3), 3, w, 12345);
    const counts = [0, 0, 0];
    for (const h of picks(s, w, 1000)) counts[h]++;
    expect(counts).toEqual([100, 300, 600]);
  });

  it('reads weights again only when an entry is re-inserted', () => {
    const w = new Weights([1, 2]);
    const s = new EdfScheduler();
    s.buildWithPicks(ids(2), 2, w, 0);
    expect(picks(s, w, 6)).toEqual([1, 0, 1, 1, 0, 1]);
    w.w = [2, 1];
    // The queued deadlines still carry the old weights; the change shows one pick at a time.
    expect(picks(s, w, 8)).toEqual([1, 0, 0, 1, 0, 0, 1, 0]);
  });

  it('legacy start: entries in order at time 0, then seed % n picks', () => {
    const w = new Weights([1, 2]);
    const s = new EdfScheduler();
    s.buildLegacy(ids(2), 2, w, 1);
    expect(picks(s, w, 6)).toEqual([0, 1, 1, 0, 1, 1]);
    s.buildLegacy(ids(2), 2, w, 2); // 2 % 2 = 0 pre-picks
    expect(picks(s, w, 3)).toEqual([1, 0, 1]);
  });

  it('createWithPicks(S) continues like S one-by-one picks from an empty schedule (weights without ties)', () => {
    const w = new Weights([1.37, 2.71, 4.13, 0.93]);
    for (const seed of [0, 1, 7, 23, 101, 999, 4242]) {
      const fast = new EdfScheduler();
      fast.buildWithPicks(ids(4), 4, w, seed);
      const slow = new EdfScheduler();
      slow.buildInOrder(ids(4), 4, w);
      picks(slow, w, seed);
      expect(picks(fast, w, 40)).toEqual(picks(slow, w, 40));
    }
  });

  it('limits pre-picks to (seed mod 2^32) mod 429496729', () => {
    const w = new Weights([1, 2]);
    const a = new EdfScheduler();
    a.buildWithPicks(ids(2), 2, w, 429496729 + 1);
    const b = new EdfScheduler();
    b.buildWithPicks(ids(2), 2, w, 1);
    expect(picks(a, w, 10)).toEqual(picks(b, w, 10));
  });

  it('an empty scheduler returns -1', () => {
    const s = new EdfScheduler();
    s.buildWithPicks([], 0, new Weights([]), 5);
    expect(s.pickAndAdd(new Weights([]))).toBe(-1);
  });
});

describe('locality effective weight and scheduler', () => {
  it('keeps full weight down to 1/1.4 of the hosts eligible, then falls linearly', () => {
    expect(effectiveLocalityWeight(1, 5, 0, 4, 140)).toBe(1);
    expect(effectiveLocalityWeight(1, 5, 0, 3, 140)).toBeCloseTo(0.84, 12);
    expect(effectiveLocalityWeight(2, 4, 2, 1, 140)).toBe(1.4);
    expect(effectiveLocalityWeight(3, 2, 2, 0, 140)).toBe(0);
  });

  it('never picks a zero-weight locality and has no scheduler without eligible hosts', () => {
    const s = new LocalityScheduler(3);
    s.rebuild(3, [0, 1, 1], [1, 1, 1], [0, 0, 0], [1, 1, 1], 140, 0, 'createWithPicks');
    const got = Array.from({ length: 6 }, () => s.choose());
    expect(got).not.toContain(0);
    s.rebuild(3, [1, 1, 1], [1, 1, 1], [0, 0, 0], [0, 0, 0], 140, 0, 'createWithPicks');
    expect(s.hasScheduler).toBe(false);
    expect(s.choose()).toBe(-1);
    s.rebuild(3, null, [1, 1, 1], [0, 0, 0], [1, 1, 1], 140, 0, 'createWithPicks');
    expect(s.choose()).toBe(-1);
  });

  it('legacy locality scheduler starts with no pre-picks: first pick is the earliest deadline', () => {
    const s = new LocalityScheduler(3);
    for (const seed of [0, 1, 2, 3]) {
      s.rebuild(3, [1, 6, 3], [1, 1, 1], [0, 0, 0], [1, 1, 1], 140, seed, 'legacy');
      expect(s.choose()).toBe(1);
    }
  });
});
