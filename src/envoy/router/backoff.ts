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
import { uintMod } from '../../engine/int-math.ts';

export type BackoffAlgorithm = 'doubling' | 'legacy';

/** Envoy's runtime default `upstream.base_retry_backoff_ms`. */
export const DEFAULT_BASE_INTERVAL_MS = 25;
/** max_interval defaults to 10 × base_interval. */
export const DEFAULT_MAX_INTERVAL_FACTOR = 10;

/*
 * The arithmetic as functions of one number of state per request, so that the table of requests
 * (retry-state.ts) keeps one number per row. The state is the next interval (doubling) or
 * current_retry (legacy).
 */

/** The state of a request that has not retried yet. */
export function initialBackoffState(algorithm: BackoffAlgorithm, baseIntervalMs: number): number {
  return algorithm === 'doubling' ? baseIntervalMs : 1;
}

/** The interval the next retry draws from (exclusive upper bound, before the legacy clamp). */
export function backoffBound(algorithm: BackoffAlgorithm, state: number, baseIntervalMs: number): number {
  return algorithm === 'doubling' ? state : (2 ** state - 1) * baseIntervalMs;
}

/** The state after one retry. */
export function nextBackoffState(algorithm: BackoffAlgorithm, state: number, baseIntervalMs: number, maxIntervalMs: number): number {
  if (algorithm === 'doubling') return state < Math.floor(maxIntervalMs / 2) ? state * 2 : maxIntervalMs;
  return (2 ** state - 1) * baseIntervalMs <= maxIntervalMs ? state + 1 : state;
}

/** The back-off for a random draw `random` (an integer below 2^32) and the bound of this retry. */
export function backoffFromDraw(algorithm: BackoffAlgorithm, random: number, bound: number, maxIntervalMs: number): number {
  const backoff = uintMod(random, bound);
  return algorithm === 'doubling' ? backoff : Math.min(backoff, maxIntervalMs);
}
