/**
 * Seeded, named random streams.
 *
 * Every random draw in failsim comes from a stream derived from (seed, stream name). Streams are
 * independent: adding draws to one never shifts another, which is what gives common random numbers
 * across parameter choices (DESIGN.md principle 3).
 *
 * Generator: seedrandom's Alea. Measured fastest of seedrandom's generators on this machine
 * (experiments/perf/random.md: ~130 M draws/s vs ~75 M for xor128). Each Alea output is an exact
 * multiple of 2^-32, so `uint32()` is an exact 32-bit integer and integer draws such as Envoy's
 * `random() % n` are exact. Envoy's own generator returns uint64; for `% n` with n far below 2^32
 * the two agree in distribution, and where a value's bits matter (EDF seeds are truncated to
 * uint32 by Envoy) 32 bits are exactly what is used.
 */
import seedrandom from 'seedrandom';
import { uintMod } from './int-math.ts';

/** The minimal interface the Envoy modules take: a source of non-negative integers. */
export interface IntegerSource {
  /** A uniformly distributed integer in [0, 2^32). Stands for Envoy's `random()`. */
  next(): number;
}

export class RandomStream implements IntegerSource {
  // Alea's state, stepped here rather than through seedrandom's closure: every stream has its own
  // closure, so a shared call site such as uniform() saw many targets and could not inline the
  // step. Seeding still comes from seedrandom, and the step is Alea's to the bit (test/unit/random).
  private s0: number;
  private s1: number;
  private s2: number;
  private c: number;

  constructor(readonly seedKey: string) {
    const state = seedrandom.alea(seedKey, { state: true }).state() as { s0: number; s1: number; s2: number; c: number };
    this.s0 = state.s0;
    this.s1 = state.s1;
    this.s2 = state.s2;
    this.c = state.c;
  }

  /**
   * Alea's step: a uniform double in [0, 1), a multiple of 2^-32. Alea computes
   * t = 2091639·s0 + c·2^-32, then c' = ⌊t⌋ and s2' = t − c'. Every term is an exact multiple of
   * 2^-32 below 2^21 (s0 < 1 and c < 2091639), so each sum and difference here is exact and the
   * result is Alea's to the bit; but ⌊t⌋ is taken as ⌊2091639·s0⌋ plus a carry when the fraction
   * and c·2^-32 reach 1 (about once in 4 000 steps). Then c' does not wait for the previous step's
   * c: the steps no longer form one long chain of dependent operations, which made a run of draws
   * (a forced host pick consumes a dozen per retry, envoy/lb/cluster-lb.ts) cost ≈ 6 ns each.
   * test/unit/random.test.ts checks it against seedrandom's Alea.
   */
  private step(): number {
    const p = 2091639 * this.s0;
    let c = p | 0;
    let s2 = p - c + this.c * 2.3283064365386963e-10; // 2^-32
    if (s2 >= 1) {
      c++;
      s2 -= 1;
    }
    this.s0 = this.s1;
    this.s1 = this.s2;
    this.c = c;
    this.s2 = s2;
    return s2;
  }

  /**
   * Advances the stream by `n` draws, as `n` calls of next() whose values are dropped would: the
   * same steps (step()'s arithmetic), with the state in locals rather than stored and reloaded per
   * step. A forced host pick consumes a dozen or more draws per retry (envoy/lb/cluster-lb.ts);
   * measured 2.1 ns a step here against 4.4 through step() (experiments/perf/simulation.md).
   */
  skip(n: number): void {
    let s0 = this.s0;
    let s1 = this.s1;
    let s2 = this.s2;
    let c = this.c;
    for (let i = 0; i < n; i++) {
      const p = 2091639 * s0;
      let c1 = p | 0;
      let x = p - c1 + c * 2.3283064365386963e-10; // 2^-32
      if (x >= 1) {
        c1++;
        x -= 1;
      }
      s0 = s1;
      s1 = s2;
      c = c1;
      s2 = x;
    }
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.c = c;
  }

  /** Uniform integer in [0, 2^32). */
  next(): number {
    return this.step() * 4294967296;
  }

  /** Uniform double in [0, 1) with 32 bits of resolution (fast path). */
  uniform(): number {
    return this.step();
  }

  /** Uniform double in [0, 1) with 53 bits of resolution (seedrandom's prng.double()). */
  uniform53(): number {
    const hi = this.step();
    return hi + ((this.step() * 0x200000) | 0) * 1.1102230246251565e-16; // 2^-53
  }

  /** Uniform double in (0, 1]: safe for -log(u). */
  uniformOpen0(): number {
    return 1 - this.step();
  }

  /** Uniform integer in [0, n) for integer n in [1, 2^32], computed as Envoy does: random() % n. */
  below(n: number): number {
    return uintMod(this.next(), n);
  }

  /** Exponential variate with the given mean. */
  exponential(mean: number): number {
    return -Math.log(1 - this.step()) * mean;
  }

  /** Standard normal variate (Box–Muller; one of the pair is discarded to keep the stream stateless). */
  normal(): number {
    const u1 = 1 - this.step();
    const u2 = this.step();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** An independent stream derived from this one's key and a name. */
  fork(name: string): RandomStream {
    return new RandomStream(`${this.seedKey}/${name}`);
  }
}

/** Drops the next `n` draws of `source` (RandomStream.skip when it is one). */
export function skipDraws(source: IntegerSource, n: number): void {
  if (source instanceof RandomStream) source.skip(n);
  else for (let i = 0; i < n; i++) source.next();
}

/** The root of all streams of one run. */
export function rootStream(seed: number | string): RandomStream {
  return new RandomStream(`failsim:${seed}`);
}

/** An IntegerSource that replays given values (conformance vectors), then a fallback. */
export class ScriptedIntegers implements IntegerSource {
  private index = 0;
  constructor(private readonly values: readonly number[], private readonly fallback = 0) {}
  next(): number {
    return this.index < this.values.length ? this.values[this.index++] : this.fallback;
  }
  get consumed(): number {
    return this.index;
  }
}
