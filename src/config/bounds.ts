/**
 * Sane bounds on the values a scenario gives, documented in docs/limits.md. They are not Envoy's or
 * Istio's rules (those are checked where the resources are read): they keep a typo such as
 * `duration: 8760000h` or `latency: { constant: 10000000000000000h }` from turning into a crash, a run
 * that never ends or a run in which no request completes and every metric is silently empty.
 * These bounds hold whatever `--force` says; the run-size limits (src/sim/limits.ts) are the ones
 * `--force` lifts.
 */

const HOUR_MS = 3_600_000;

/** Longest simulated duration (and so any time inside a run): 365 days. */
export const MAX_DURATION_MS = 8760 * HOUR_MS;

/** Longest latency an endpoint model may give (constant, uniform, mean, median, p99, quantile values, added latency). */
export const MAX_LATENCY_MS = HOUR_MS;

/** Largest factor a latency fault may multiply latencies by. */
export const MAX_LATENCY_FACTOR = 1000;

/** Shortest metrics bucket: the timeline's resolution; finer buckets only cost memory. */
export const MIN_BUCKET_MS = 1;

/** Most metrics buckets in one run (duration / bucket): each costs memory per endpoint. */
export const MAX_BUCKETS = 10_000_000;

/** `8760h (365 days)` style text for messages. */
export function describeBoundMs(ms: number): string {
  if (ms >= HOUR_MS && ms % HOUR_MS === 0) {
    const h = ms / HOUR_MS;
    return h >= 48 && h % 24 === 0 ? `${h}h (${h / 24} days)` : `${h}h`;
  }
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
