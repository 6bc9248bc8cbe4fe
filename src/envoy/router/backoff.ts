/**
 * Envoy's fully jittered exponential retry back-off, with Envoy's integer arithmetic.
 *
 * Current Envoy (source/common/common/backoff_strategy.cc, JitteredExponentialBackOffStrategy):
 *
 *     backoff = next_interval                      // starts at base
 *     next_interval = next_interval < max/2 ? next_interval*2 : max   (max/2 integer division)
 *     return random() % backoff
 *
 * so with base 25, max 250 the intervals are 25, 50, 100, 200, 250, 250… and the n-th retry waits
 * uniform in [0, interval). One random draw per retry; none for the first attempt.
 *
 * Older Envoy (JitteredBackOffStrategy, from 2018; `legacy` here):
 *
 *     base_backoff = ((1 << current_retry) - 1) * base   // current_retry starts at 1
 *     if (base_backoff <= max) current_retry++
 *     return min(random() % base_backoff, max)
 *
 * giving intervals B, 3B, 7B, 15B… with the result clamped at max. Which release switched is not
 * pinned down (see docs/router.md); `doubling` is the default.
 *
 * `random()` is IntegerSource.next(): a uniform integer below 2^32, so `%` is exact in doubles.
 */
import type { IntegerSource } from '../../engine/random.ts';

export type BackoffAlgorithm = 'doubling' | 'legacy';

/** Envoy's runtime default `upstream.base_retry_backoff_ms`. */
export const DEFAULT_BASE_INTERVAL_MS = 25;
/** max_interval defaults to 10 × base_interval. */
export const DEFAULT_MAX_INTERVAL_FACTOR = 10;

export class JitteredExponentialBackoff {
  private nextInterval: number;
  private currentRetry = 1;
  private readonly doublingLimit: number;

  constructor(
    readonly baseIntervalMs: number,
    readonly maxIntervalMs: number,
    readonly algorithm: BackoffAlgorithm = 'doubling',
  ) {
    if (!(baseIntervalMs >= 1) || !Number.isInteger(baseIntervalMs)) {
      throw new RangeError(`retry back-off base interval must be a positive integer of ms, got ${baseIntervalMs}`);
    }
    if (!(maxIntervalMs >= baseIntervalMs) || !Number.isInteger(maxIntervalMs)) {
      throw new RangeError(
        `retry back-off max interval must be an integer ≥ the base interval (${baseIntervalMs} ms), got ${maxIntervalMs}`,
      );
    }
    this.nextInterval = baseIntervalMs;
    this.doublingLimit = Math.floor(maxIntervalMs / 2);
  }

  /** Back-off before the next retry, in ms. Draws one random number. */
  nextBackoffMs(random: IntegerSource): number {
    if (this.algorithm === 'doubling') {
      const backoff = this.nextInterval;
      this.nextInterval = this.nextInterval < this.doublingLimit ? this.nextInterval * 2 : this.maxIntervalMs;
      return random.next() % backoff;
    }
    const baseBackoff = (2 ** this.currentRetry - 1) * this.baseIntervalMs;
    if (baseBackoff <= this.maxIntervalMs) this.currentRetry++;
    return Math.min(random.next() % baseBackoff, this.maxIntervalMs);
  }

  /** The interval the next call draws from (exclusive upper bound before any clamp). */
  peekIntervalMs(): number {
    return this.algorithm === 'doubling' ? this.nextInterval : (2 ** this.currentRetry - 1) * this.baseIntervalMs;
  }

  /** Back to the first retry's interval (a new request). */
  reset(): void {
    this.nextInterval = this.baseIntervalMs;
    this.currentRetry = 1;
  }
}
