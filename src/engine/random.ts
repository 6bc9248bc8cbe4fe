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
  private readonly prng: seedrandom.PRNG;

  constructor(readonly seedKey: string) {
    this.prng = seedrandom.alea(seedKey);
  }

  /** Uniform integer in [0, 2^32). */
  next(): number {
    return this.prng() * 4294967296;
  }

  /** Uniform double in [0, 1) with 32 bits of resolution (fast path). */
  uniform(): number {
    return this.prng();
  }

  /** Uniform double in [0, 1) with 53 bits of resolution. */
  uniform53(): number {
    return this.prng.double();
  }

  /** Uniform double in (0, 1]: safe for -log(u). */
  uniformOpen0(): number {
    return 1 - this.prng();
  }

  /** Uniform integer in [0, n) for integer n in [1, 2^32], computed as Envoy does: random() % n. */
  below(n: number): number {
    return uintMod(this.next(), n);
  }

  /** Exponential variate with the given mean. */
  exponential(mean: number): number {
    return -Math.log(1 - this.prng()) * mean;
  }

  /** Standard normal variate (Box–Muller; one of the pair is discarded to keep the stream stateless). */
  normal(): number {
    const u1 = 1 - this.prng();
    const u2 = this.prng();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** An independent stream derived from this one's key and a name. */
  fork(name: string): RandomStream {
    return new RandomStream(`${this.seedKey}/${name}`);
  }
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
