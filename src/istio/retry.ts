/**
 * The route retry policy Istio gives an outbound HTTP route (outlier spec §13.4, LB spec §9.3;
 * pilot/pkg/networking/core/route/retry/retry.go): Istio's default per version, or the
 * VirtualService's `retries` laid over that default.
 */
import type { RetryPolicyConfig } from '../envoy/cluster.ts';
import { parseDurationMs } from '../config/durations.ts';
import type { HttpRetry } from './schema.ts';
import { DEFAULT_BASE_INTERVAL_MS, DEFAULT_MAX_INTERVAL_FACTOR } from '../envoy/router/backoff.ts';

export const ISTIO_PREVIOUS_PRIORITIES_UPDATE_FREQUENCY = 2;

/** Istio's default retry policy for Istio 1.`istioMinor` (DefaultPolicy). */
export function defaultRetryPolicy(istioMinor: number, consistentHash = false): RetryPolicyConfig {
  const retryOn = ['connect-failure', 'refused-stream', 'unavailable', 'cancelled'];
  // ≤ 1.5 also retried resource-exhausted (removed in 1.6).
  if (istioMinor <= 5) retryOn.push('resource-exhausted');
  retryOn.push('retriable-status-codes');
  return {
    num_retries: 2,
    retry_on: retryOn,
    // EXCLUDE_UNSAFE_503_FROM_DEFAULT_RETRY (default true since 1.24; compatibility profiles ≤ 1.23 set false).
    retriable_status_codes: istioMinor <= 23 ? [503] : [],
    per_try_timeout_ms: 0,
    // Consistent-hash routes drop the previous_hosts predicate (Istio ≥ 1.23).
    previous_hosts_predicate: !(consistentHash && istioMinor >= 23),
    // Istio 1.1 used 3; 5 since 1.2.
    host_selection_retry_max_attempts: istioMinor <= 1 ? 3 : 5,
    backoff_base_interval_ms: DEFAULT_BASE_INTERVAL_MS,
    backoff_max_interval_ms: DEFAULT_BASE_INTERVAL_MS * DEFAULT_MAX_INTERVAL_FACTOR,
  };
}

/** The codes Go's net/http StatusText knows (net/http/status.go): Istio's test for "a status code". */
export const HTTP_STATUS_CODES: ReadonlySet<number> = new Set([
  100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 306, 307, 308,
  400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418, 421, 422, 423, 424,
  425, 426, 428, 429, 431, 451, 500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511,
]);

/** Go's strconv.Atoi on a retryOn part: an optional sign and decimal digits, else undefined. */
export function atoi(text: string): number | undefined {
  return /^[+-]?\d+$/.test(text) ? Number(text) : undefined;
}

/** Whether Istio reads a retryOn part as a status code: an integer http.StatusText knows. */
export function isRetryStatusCode(part: string): boolean {
  const n = atoi(part);
  return n !== undefined && HTTP_STATUS_CODES.has(n);
}

/**
 * retryOn text → (conditions, status codes) (route/retry/retry.go parseRetryOn, 1.28.0): parts are
 * trimmed; an integer is a status code only if http.StatusText knows it, otherwise it stays a
 * retry_on condition (which Envoy then ignores).
 */
export function parseRetryOn(text: string): { retryOn: string[]; codes: number[] } {
  const retryOn: string[] = [];
  const codes: number[] = [];
  for (const raw of text.split(',')) {
    const s = raw.trim();
    if (s === '') continue;
    if (isRetryStatusCode(s)) codes.push(atoi(s)!);
    else retryOn.push(s);
  }
  return { retryOn, codes };
}

export interface RetryTranslation {
  /** undefined: no retry policy (attempts ≤ 0). */
  policy: RetryPolicyConfig | undefined;
  ignored: { field: string; why: string }[];
}

/** ConvertPolicy: `retries` absent → default; attempts ≤ 0 → none; else overrides on the default. */
export function translateRetries(retries: HttpRetry | undefined, istioMinor: number, consistentHash = false): RetryTranslation {
  const ignored: { field: string; why: string }[] = [];
  if (!retries) return { policy: defaultRetryPolicy(istioMinor, consistentHash), ignored };
  const attempts = retries.attempts ?? 0;
  if (attempts <= 0) return { policy: undefined, ignored };
  const p = defaultRetryPolicy(istioMinor, consistentHash);
  p.num_retries = attempts;
  if (retries.retryOn !== undefined && retries.retryOn.trim() !== '') {
    const { retryOn, codes } = parseRetryOn(retries.retryOn);
    // retry.go adds it unless the joined text already contains the substring.
    if (codes.length > 0 && !retryOn.join(',').includes('retriable-status-codes')) retryOn.push('retriable-status-codes');
    p.retry_on = retryOn;
    p.retriable_status_codes = codes;
  }
  if (retries.perTryTimeout !== undefined) p.per_try_timeout_ms = parseDurationMs(retries.perTryTimeout)!;
  if (retries.retryRemoteLocalities !== undefined) {
    // retry.go ConvertPolicy reads it since 1.6.0 (absent from route/retry/retry.go at 1.5.0).
    if (istioMinor < 6) ignored.push({ field: 'retryRemoteLocalities', why: 'exists only since Istio 1.6' });
    else if (retries.retryRemoteLocalities) p.previous_priorities_update_frequency = ISTIO_PREVIOUS_PRIORITIES_UPDATE_FREQUENCY;
  }
  if (retries.retryIgnorePreviousHosts !== undefined) {
    // Set explicitly, it decides the predicate, also on consistent-hash routes (retry.go, 1.26.0).
    if (istioMinor >= 26) p.previous_hosts_predicate = retries.retryIgnorePreviousHosts;
    else ignored.push({ field: 'retryIgnorePreviousHosts', why: 'exists only since Istio 1.26' });
  }
  if (retries.backoff !== undefined) {
    if (istioMinor >= 26) {
      p.backoff_base_interval_ms = parseDurationMs(retries.backoff)!;
      p.backoff_max_interval_ms = p.backoff_base_interval_ms * DEFAULT_MAX_INTERVAL_FACTOR;
    } else {
      ignored.push({ field: 'backoff', why: 'exists only since Istio 1.26' });
    }
  }
  return { policy: p, ignored };
}
