import { describe, expect, it } from 'vitest';
import { RandomStream, ScriptedIntegers, rootStream, skipDraws } from '../../src/engine/random.ts';
import seedrandom from 'seedrandom';

describe('random streams', () => {
  it('is deterministic for the same key', () => {
    const a = rootStream(42).fork('arrivals');
    const b = rootStream(42).fork('arrivals');
    const xs = Array.from({ length: 100 }, () => a.next());
    const ys = Array.from({ length: 100 }, () => b.next());
    expect(xs).toEqual(ys);
  });

  it('gives different sequences for different seeds and names', () => {
    const a = rootStream(1).fork('x');
    const b = rootStream(2).fork('x');
    const c = rootStream(1).fork('y');
    const xa = Array.from({ length: 8 }, () => a.next());
    expect(xa).not.toEqual(Array.from({ length: 8 }, () => b.next()));
    expect(xa).not.toEqual(Array.from({ length: 8 }, () => c.next()));
  });

  it('forked streams do not disturb each other', () => {
    const root = rootStream(7);
    const a1 = root.fork('a');
    const first = [a1.next(), a1.next()];
    const root2 = rootStream(7);
    const b = root2.fork('b');
    for (let i = 0; i < 1000; i++) b.next();
    const a2 = root2.fork('a');
    expect([a2.next(), a2.next()]).toEqual(first);
  });

  it('next() returns exact uint32 integers', () => {
    const s = new RandomStream('ints');
    for (let i = 0; i < 10_000; i++) {
      const v = s.next();
      expect(Number.isInteger(v)).toBe(true);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(2 ** 32);
    }
  });

  it('below(n) is uniform (chi-square, fixed seed)', () => {
    const s = new RandomStream('chi');
    const n = 10;
    const counts = new Array(n).fill(0);
    const draws = 100_000;
    for (let i = 0; i < draws; i++) counts[s.below(n)]++;
    const expected = draws / n;
    const chi2 = counts.reduce((acc, c) => acc + (c - expected) ** 2 / expected, 0);
    // 9 degrees of freedom: P(chi2 > 27.88) = 0.001.
    expect(chi2).toBeLessThan(27.88);
  });

  it('exponential has the requested mean (within 4 standard errors)', () => {
    const s = new RandomStream('exp');
    const n = 200_000;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += s.exponential(5);
    const se = 5 / Math.sqrt(n);
    expect(Math.abs(sum / n - 5)).toBeLessThan(4 * se);
  });

  it('is stable across releases (golden prefix)', () => {
    // Guards determinism across machines and refactors: changing the generator or key derivation
    // changes every simulation result, so it must be a deliberate, visible change.
    const s = rootStream(1).fork('golden');
    expect([s.next(), s.next(), s.next()]).toEqual([2808736219, 1274136763, 2681275794]);
  });

  it('skip(n) leaves the stream where n calls of next() would (carries included)', () => {
    for (const n of [0, 1, 2, 3, 7, 12, 100, 20_000]) {
      const stepped = rootStream(9).fork('lb');
      const skipped = rootStream(9).fork('lb');
      for (let i = 0; i < n; i++) stepped.next();
      skipped.skip(n);
      expect(Array.from({ length: 5 }, () => skipped.next())).toEqual(Array.from({ length: 5 }, () => stepped.next()));
    }
  });

  it('skipDraws drops draws of any integer source', () => {
    const scripted = new ScriptedIntegers([1, 2, 3, 4, 5]);
    skipDraws(scripted, 3);
    expect(scripted.next()).toBe(4);
    const stream = rootStream(3);
    const reference = rootStream(3);
    skipDraws(stream, 4);
    for (let i = 0; i < 4; i++) reference.next();
    expect(stream.next()).toBe(reference.next());
  });

  it('ScriptedIntegers replays then falls back', () => {
    const s = new ScriptedIntegers([5, 6], 0);
    expect([s.next(), s.next(), s.next()]).toEqual([5, 6, 0]);
    expect(s.consumed).toBe(2);
  });
});

describe('RandomStream steps Alea itself', () => {
  it('draws exactly what seedrandom.alea draws for the same key (uniform, next, uniform53)', () => {
    for (const key of ['failsim:1', 'failsim:1/world/endpoint/0/attempts', 'x']) {
      const ours = new RandomStream(key);
      const theirs = seedrandom.alea(key);
      for (let i = 0; i < 10_000; i++) {
        const kind = i % 3;
        const want = kind === 0 ? theirs() : kind === 1 ? theirs() * 4294967296 : theirs.double();
        const got = kind === 0 ? ours.uniform() : kind === 1 ? ours.next() : ours.uniform53();
        if (got !== want) throw new Error(`${key}: draw ${i} differs: ${got} vs ${want}`);
      }
    }
  });

  it('matches Alea over a million steps, carries included (RandomStream.step computes the floor ahead)', () => {
    // Alea's own formula, stepped here, against next(): 1 M steps cross the carry case ≈ 250 times.
    const key = 'failsim:1/proxy/0/lb';
    const ours = new RandomStream(key);
    const st = seedrandom.alea(key, { state: true }).state() as { s0: number; s1: number; s2: number; c: number };
    let { s0, s1, s2, c } = st;
    let carries = 0;
    for (let i = 0; i < 1_000_000; i++) {
      const t = 2091639 * s0 + c * 2.3283064365386963e-10;
      if ((2091639 * s0) % 1 + c * 2.3283064365386963e-10 >= 1) carries++;
      s0 = s1;
      s1 = s2;
      c = t | 0;
      s2 = t - c;
      const got = ours.next();
      if (got !== s2 * 4294967296) throw new Error(`step ${i} differs: ${got} vs ${s2 * 4294967296}`);
    }
    expect(carries).toBeGreaterThan(100);
  });
});
