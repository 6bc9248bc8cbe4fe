/**
 * A route's retry policy, compiled once from `RetryPolicyConfig` into bits and numbers, and the
 * pure "would Envoy retry this attempt outcome?" predicates (RetryStateImpl::wouldRetryFromHeaders
 * and wouldRetryFromReset, current Envoy).
 *
 * Only plain HTTP is modelled: the gRPC classes (`cancelled`, `unavailable`, `resource-exhausted`,
 * `deadline-exceeded`, `internal`) are parsed and kept, but they match only a `grpc-status` header,
 * which plain HTTP responses do not carry, so for the simulator they never trigger a retry.
 */
import type { RetryPolicyConfig } from '../cluster.ts';
import {
  type BackoffAlgorithm,
  DEFAULT_BASE_INTERVAL_MS,
  DEFAULT_MAX_INTERVAL_FACTOR,
} from './backoff.ts';
import { AttemptOutcome } from './outcomes.ts';

/** retry_on classes as bits (names as in Envoy's x-envoy-retry-on / x-envoy-retry-grpc-on). */
export const RetryOn = {
  FIVE_XX: 1 << 0,
  GATEWAY_ERROR: 1 << 1,
  CONNECT_FAILURE: 1 << 2,
  RETRIABLE_4XX: 1 << 3,
  REFUSED_STREAM: 1 << 4,
  RETRIABLE_STATUS_CODES: 1 << 5,
  RETRIABLE_HEADERS: 1 << 6,
  RESET: 1 << 7,
  RESET_BEFORE_REQUEST: 1 << 8,
  ENVOY_RATE_LIMITED: 1 << 9,
  HTTP3_POST_CONNECT_FAILURE: 1 << 10,
  GRPC_CANCELLED: 1 << 11,
  GRPC_DEADLINE_EXCEEDED: 1 << 12,
  GRPC_RESOURCE_EXHAUSTED: 1 << 13,
  GRPC_UNAVAILABLE: 1 << 14,
  GRPC_INTERNAL: 1 << 15,
} as const;

const RETRY_ON_BY_NAME: Readonly<Record<string, number>> = {
  '5xx': RetryOn.FIVE_XX,
  'gateway-error': RetryOn.GATEWAY_ERROR,
  'connect-failure': RetryOn.CONNECT_FAILURE,
  'retriable-4xx': RetryOn.RETRIABLE_4XX,
  'refused-stream': RetryOn.REFUSED_STREAM,
  'retriable-status-codes': RetryOn.RETRIABLE_STATUS_CODES,
  'retriable-headers': RetryOn.RETRIABLE_HEADERS,
  reset: RetryOn.RESET,
  'reset-before-request': RetryOn.RESET_BEFORE_REQUEST,
  'envoy-ratelimited': RetryOn.ENVOY_RATE_LIMITED,
  'http3-post-connect-failure': RetryOn.HTTP3_POST_CONNECT_FAILURE,
  cancelled: RetryOn.GRPC_CANCELLED,
  'deadline-exceeded': RetryOn.GRPC_DEADLINE_EXCEEDED,
  'resource-exhausted': RetryOn.GRPC_RESOURCE_EXHAUSTED,
  unavailable: RetryOn.GRPC_UNAVAILABLE,
  internal: RetryOn.GRPC_INTERNAL,
};

export interface ParsedRetryOn {
  bits: number;
  /** Names Envoy would not recognise (it rejects such a route config; we report them). */
  unknown: string[];
}

/** Parses retry_on names (entries may themselves be comma-separated, as in Envoy's string form). */
export function parseRetryOn(names: readonly string[]): ParsedRetryOn {
  let bits = 0;
  const unknown: string[] = [];
  for (const entry of names) {
    for (const raw of entry.split(',')) {
      const name = raw.trim();
      if (name === '') continue;
      const bit = RETRY_ON_BY_NAME[name];
      if (bit === undefined) unknown.push(name);
      else bits |= bit;
    }
  }
  return { bits, unknown };
}

/** How retries choose hosts and priorities (consumed by the load balancer's chooseHost). */
export interface RetryHostSelection {
  /** retry_host_predicate: `previous_hosts` rejects hosts already attempted for this request. */
  previousHosts: boolean;
  /** host_selection_retry_max_attempts on retries (≥ 1); the LB makes this + 1 picks at most. */
  hostSelectionMaxAttempts: number;
  /** previous_priorities retry-priority plugin's update_frequency; 0 = no retry-priority plugin. */
  previousPrioritiesUpdateFrequency: number;
}

/** A compiled retry policy. Immutable; shared by every request on the route. */
export interface RetryPolicy extends RetryHostSelection {
  retryOn: number;
  numRetries: number;
  /** Sorted, deduplicated. */
  retriableStatusCodes: Int32Array;
  /** 0 = no per-try timeout. */
  perTryTimeoutMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  backoffAlgorithm: BackoffAlgorithm;
  /** retry_on names that were not recognised (ignored). */
  unknownRetryOn: readonly string[];
}

/** RetryPolicy.num_retries when unset (route.proto). */
const ENVOY_DEFAULT_NUM_RETRIES = 1;
/** RetryPolicy.host_selection_retry_max_attempts when unset (route.proto). */
const ENVOY_DEFAULT_HOST_SELECTION_ATTEMPTS = 1;

/**
 * A RetryPolicy as Envoy reads one whose fields are all unset (route.proto): one retry, no retry_on
 * condition (so nothing is retried until one is given), no per-try timeout, no host predicate or
 * retry-priority plugin, one host selection attempt, back-off 25 ms base and 10 × base max. The
 * Envoy file reader, the router's no-retry policy and the router conformance replay start from
 * this (a fresh object each call).
 */
export function envoyRetryPolicyDefaults(): RetryPolicyConfig {
  return {
    num_retries: ENVOY_DEFAULT_NUM_RETRIES,
    retry_on: [],
    retriable_status_codes: [],
    per_try_timeout_ms: 0,
    previous_hosts_predicate: false,
    host_selection_retry_max_attempts: ENVOY_DEFAULT_HOST_SELECTION_ATTEMPTS,
    backoff_base_interval_ms: DEFAULT_BASE_INTERVAL_MS,
    backoff_max_interval_ms: DEFAULT_BASE_INTERVAL_MS * DEFAULT_MAX_INTERVAL_FACTOR,
  };
}

export interface CompileOptions {
  /** Back-off arithmetic; see backoff.ts. Default 'doubling' (current Envoy). */
  backoffAlgorithm?: BackoffAlgorithm;
}

/**
 * Compiles a config. Unset/zero back-off fields take Envoy's defaults (base 25 ms, max 10 × base);
 * host_selection_retry_max_attempts 0 means 1 (Envoy's default).
 */
export function compileRetryPolicy(cfg: RetryPolicyConfig, options: CompileOptions = {}): RetryPolicy {
  const parsed = parseRetryOn(cfg.retry_on);
  const base = cfg.backoff_base_interval_ms > 0 ? Math.max(1, Math.round(cfg.backoff_base_interval_ms)) : DEFAULT_BASE_INTERVAL_MS;
  const max =
    cfg.backoff_max_interval_ms > 0 ? Math.round(cfg.backoff_max_interval_ms) : base * DEFAULT_MAX_INTERVAL_FACTOR;
  if (max < base) {
    throw new RangeError(`retry back-off max interval (${max} ms) is below the base interval (${base} ms)`);
  }
  if (!Number.isInteger(cfg.num_retries) || cfg.num_retries < 0) {
    throw new RangeError(`num_retries must be a non-negative integer, got ${cfg.num_retries}`);
  }
  const codes = Int32Array.from(new Set(cfg.retriable_status_codes)).sort();
  return {
    retryOn: parsed.bits,
    numRetries: cfg.num_retries,
    retriableStatusCodes: codes,
    perTryTimeoutMs: cfg.per_try_timeout_ms > 0 ? cfg.per_try_timeout_ms : 0,
    backoffBaseMs: base,
    backoffMaxMs: max,
    backoffAlgorithm: options.backoffAlgorithm ?? 'doubling',
    previousHosts: cfg.previous_hosts_predicate,
    hostSelectionMaxAttempts: cfg.host_selection_retry_max_attempts > 0 ? cfg.host_selection_retry_max_attempts : 1,
    previousPrioritiesUpdateFrequency: cfg.previous_priorities_update_frequency ?? 0,
    unknownRetryOn: parsed.unknown,
  };
}

function hasCode(codes: Int32Array, code: number): boolean {
  for (let i = 0; i < codes.length; i++) if (codes[i] === code) return true;
  return false;
}

/**
 * wouldRetryFromHeaders for a plain HTTP response. `envoyRateLimited`: the response carries
 * `x-envoy-ratelimited` (from an upstream Envoy); then only `envoy-ratelimited` decides.
 */
/** The per-try deadline of an attempt whose connection became ready at `connectedAt` (+∞ without a per-try timeout). */
export function perTryDeadlineOf(policy: RetryPolicy, connectedAt: number): number {
  const t = policy.perTryTimeoutMs;
  return t > 0 ? connectedAt + t : 1 / 0;
}

export function wouldRetryFromHeaders(policy: RetryPolicy, status: number, envoyRateLimited = false): boolean {
  const on = policy.retryOn;
  if (envoyRateLimited) return (on & RetryOn.ENVOY_RATE_LIMITED) !== 0;
  if (on & RetryOn.FIVE_XX && status >= 500 && status <= 599) return true;
  if (on & RetryOn.GATEWAY_ERROR && status >= 502 && status <= 504) return true;
  if (on & RetryOn.RETRIABLE_4XX && status === 409) return true;
  if (on & RetryOn.RETRIABLE_STATUS_CODES && hasCode(policy.retriableStatusCodes, status)) return true;
  // retriable-headers (no header matchers modelled) and the gRPC classes (no grpc-status on plain
  // HTTP) match nothing here.
  return false;
}

/**
 * wouldRetryFromReset for an outcome that Envoy turns into a stream reset. `upstreamRequestStarted`
 * is the router's sticky flag (some attempt that ended in a reset had already sent bytes upstream),
 * already updated with the current attempt. HTTP/3 paths are not modelled.
 */
export function wouldRetryFromReset(policy: RetryPolicy, outcome: number, upstreamRequestStarted: boolean): boolean {
  const on = policy.retryOn;
  // Overflow is never retried.
  if (outcome === AttemptOutcome.OVERFLOW) return false;
  // Local/remote connection failure and connection timeout: the pool failed.
  if (outcome === AttemptOutcome.CONNECT_FAILURE || outcome === AttemptOutcome.CONNECT_TIMEOUT) {
    if (on & RetryOn.CONNECT_FAILURE) return true;
  }
  if (on & RetryOn.RESET_BEFORE_REQUEST && !upstreamRequestStarted) return true;
  if (on & RetryOn.RESET) return true;
  // "We count an upstream reset as a 5xx" — including Envoy's own per-try-timeout reset.
  if (on & (RetryOn.FIVE_XX | RetryOn.GATEWAY_ERROR)) return true;
  if (on & RetryOn.REFUSED_STREAM && outcome === AttemptOutcome.REFUSED_STREAM) return true;
  return false;
}

/** True for outcomes that go through Envoy's maybeRetryReset (a reset of the attempt's stream). */
export function isResetOutcome(outcome: number): boolean {
  switch (outcome) {
    case AttemptOutcome.CONNECT_FAILURE:
    case AttemptOutcome.CONNECT_TIMEOUT:
    case AttemptOutcome.RESET_BEFORE_HEADERS:
    case AttemptOutcome.REFUSED_STREAM:
    case AttemptOutcome.PER_TRY_TIMEOUT:
    case AttemptOutcome.OVERFLOW:
      return true;
    default:
      return false;
  }
}
