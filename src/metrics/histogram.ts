/**
 * A log-linear latency histogram on one Float64Array (HDR-style), constant memory whatever the
 * number of values. Choice measured against hdr-histogram-js in experiments/perf/histogram.md.
 *
 * Values are milliseconds, recorded at 1 µs resolution: x = ⌊ms·1000⌋ µs.
 * - x < 256: one bucket per microsecond (exact).
 * - x ≥ 256: with m = ⌊log₂ x⌋, 128 buckets per power of two, bucket width 2^(m−7); the relative
 *   width is at most 1/128, and the midpoint reported is within 1/256 (0.4 %) of every value in it.
 * - x ≥ 2^32 µs (≈ 71.6 min) or Infinity: an overflow bucket (percentiles landing there are Infinity).
 * Exact count, sum, min and max are kept alongside. The sum is kept in whole nanoseconds as an
 * exact integer (two doubles, see `addNs`), so it does not depend on the order values arrive in: a
 * float sum would, in its last digits, and completions may be accounted out of time order
 * (sim/completion-shortcut.ts) or merged from shards in any order.
 */

const LINEAR_LIMIT = 256; // µs values below this are their own bucket
const SUB_BUCKETS = 128; // per power of two above it
const TOP_BIT_MIN = 8; // log2(LINEAR_LIMIT)
const TOP_BIT_MAX = 31;
const BUCKETS = LINEAR_LIMIT + (TOP_BIT_MAX - TOP_BIT_MIN + 1) * SUB_BUCKETS; // 3328
const OVERFLOW = BUCKETS;
const MAX_TRACKED_US = 4294967296; // 2^32
/** The exact sum is sumHigh·2^32 + sumLow ns; sumLow is carried into sumHigh once it reaches 2^52. */
const TWO_32 = 4294967296;
const CARRY_AT = 4503599627370496; // 2^52: sumLow + a value below 2^52 stays below 2^53, exact

/** Bucket index of a value in µs (integer ≥ 0). */
function bucketOf(us: number): number {
  if (us < LINEAR_LIMIT) return us;
  if (us >= MAX_TRACKED_US) return OVERFLOW;
  const top = 31 - Math.clz32(us);
  const sub = us >>> (top - 7); // in [128, 255]
  return LINEAR_LIMIT + (top - TOP_BIT_MIN) * SUB_BUCKETS + (sub - SUB_BUCKETS);
}

/** Lowest µs value of a bucket and its width in µs. */
function bucketLowUs(index: number): number {
  if (index < LINEAR_LIMIT) return index;
  const k = index - LINEAR_LIMIT;
  const top = TOP_BIT_MIN + Math.floor(k / SUB_BUCKETS);
  const sub = SUB_BUCKETS + (k % SUB_BUCKETS);
  return sub * 2 ** (top - 7);
}

function bucketWidthUs(index: number): number {
  if (index < LINEAR_LIMIT) return 1;
  const top = TOP_BIT_MIN + Math.floor((index - LINEAR_LIMIT) / SUB_BUCKETS);
  return 2 ** (top - 7);
}

export interface LatencySummary {
  count: number;
  /** null when nothing was recorded. Infinity when the value lies beyond the tracked range (≈71 min). */
  mean: number | null;
  min: number | null;
  max: number | null;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  p999: number | null;
}

export class LatencyHistogram {
  readonly counts = new Float64Array(BUCKETS + 1);
  count = 0;
  /** Exact sum of finite values in ns (rounded each): sumHigh·2^32 + sumLow. */
  sumHigh = 0;
  sumLow = 0;
  min = Infinity;
  max = -Infinity;

  /** Records one value in ms. Negative values count as 0; NaN is ignored. Allocation-free. */
  record(ms: number): void {
    // The common case in few bytecodes, so the simulator's completion path can inline it: a finite
    // value below ≈ 11.6 days (its ns fit 2^50, so one addition to sumLow is exact until the carry).
    if (ms >= 0 && ms < 1e9) {
      const us = Math.floor(ms * 1000);
      this.counts[us < LINEAR_LIMIT ? us : bucketOf(us)]++;
      this.count++;
      const ns = Math.round(ms * 1e6);
      const low = this.sumLow + ns;
      if (low < CARRY_AT) this.sumLow = low;
      else this.addNs(ns);
      if (ms < this.min) this.min = ms;
      if (ms > this.max) this.max = ms;
      return;
    }
    this.recordOther(ms);
  }

  /** record() for NaN, negative, infinite and very large values. */
  private recordOther(ms: number): void {
    if (!(ms >= 0)) {
      if (ms !== ms) return; // NaN
      ms = 0;
    }
    const us = Math.floor(ms * 1000);
    this.counts[bucketOf(us)]++;
    this.count++;
    if (ms !== 1 / 0) this.addNs(Math.round(ms * 1e6)); // +∞ as a literal: hot-path conventions, docs/architecture.md
    if (ms < this.min) this.min = ms;
    if (ms > this.max) this.max = ms;
  }

  /** Adds a non-negative integer number of ns to the exact sum. */
  private addNs(ns: number): void {
    if (ns >= CARRY_AT) {
      // Beyond 52 days: split it so each part adds exactly.
      const high = Math.floor(ns / TWO_32);
      this.sumHigh += high;
      ns -= high * TWO_32;
    }
    const low = this.sumLow + ns;
    if (low >= CARRY_AT) {
      const carry = Math.floor(low / TWO_32);
      this.sumHigh += carry;
      this.sumLow = low - carry * TWO_32;
    } else {
      this.sumLow = low;
    }
  }

  /**
   * The q-quantile (q in [0, 1]) by nearest rank: the value of rank ⌈q·n⌉ (at least 1), reported as
   * the midpoint of its bucket clamped to [min, max]. null when empty.
   */
  percentile(q: number): number | null {
    if (this.count === 0) return null;
    const rank = Math.max(1, Math.ceil(q * this.count - 1e-9));
    let seen = 0;
    for (let i = 0; i <= BUCKETS; i++) {
      seen += this.counts[i];
      if (seen >= rank) {
        if (i === OVERFLOW) return this.max === Infinity ? Infinity : this.max;
        const mid = (bucketLowUs(i) + bucketWidthUs(i) / 2) / 1000;
        const value = i < LINEAR_LIMIT ? bucketLowUs(i) / 1000 : mid;
        return Math.min(this.max, Math.max(this.min, value));
      }
    }
    return this.max;
  }

  /** Adds another histogram's counts (shards, replications). */
  merge(other: LatencyHistogram): void {
    for (let i = 0; i <= BUCKETS; i++) this.counts[i] += other.counts[i];
    this.count += other.count;
    this.sumHigh += other.sumHigh;
    this.addNs(other.sumLow);
    if (other.min < this.min) this.min = other.min;
    if (other.max > this.max) this.max = other.max;
  }

  summary(): LatencySummary {
    const empty = this.count === 0;
    return {
      count: this.count,
      mean: empty ? null : this.max === Infinity ? Infinity : (this.sumHigh * TWO_32 + this.sumLow) / (this.count * 1e6),
      min: empty ? null : this.min,
      max: empty ? null : this.max,
      p50: this.percentile(0.5),
      p90: this.percentile(0.9),
      p99: this.percentile(0.99),
      p999: this.percentile(0.999),
    };
  }
}
