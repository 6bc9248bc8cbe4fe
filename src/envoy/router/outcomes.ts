/**
 * What happened to one upstream attempt, what Envoy's HTTP router tells the outlier detector about
 * it (and in which order), and what the client sees when that attempt's outcome is final.
 *
 * Outcomes are small integers so the per-attempt path allocates nothing. The status code of a
 * response travels next to the outcome as a plain number.
 *
 * Sources: spec envoy-outlier-detection.md §2.4 and Envoy's router.cc / upstream_request.cc
 * (onPoolReady, onPoolFailure, onUpstreamReset, onPerTryTimeout, onResponseTimeout,
 * streamResetReasonToResponseFlag). See docs/router.md for the decisions taken.
 */
import { OutlierResult } from '../outlier/result-codes.ts';

export const AttemptOutcome = {
  /** Upstream response headers arrived (status code given separately). */
  RESPONSE: 0,
  /** The connection could not be made: refused, unreachable (pool failure, remote/local connection failure). */
  CONNECT_FAILURE: 1,
  /** The cluster's connect_timeout expired before the connection was made (pool failure Timeout). */
  CONNECT_TIMEOUT: 2,
  /** Connected and request sent, then the stream was reset / the connection closed before response headers. */
  RESET_BEFORE_HEADERS: 3,
  /** HTTP/2 REFUSED_STREAM from the upstream (before headers). */
  REFUSED_STREAM: 4,
  /** Response headers were already forwarded to the client, then the upstream reset the stream. */
  RESET_AFTER_HEADERS: 5,
  /** The per-try timeout expired while waiting for response headers (Envoy resets the attempt). */
  PER_TRY_TIMEOUT: 6,
  /** The route (global) timeout expired while this attempt was connected and awaiting headers. */
  GLOBAL_TIMEOUT: 7,
  /** The route timeout expired while this attempt was still waiting for its connection (no host yet). */
  GLOBAL_TIMEOUT_CONNECTING: 8,
  /** Circuit breaker or pending-queue overflow (pool failure Overflow). */
  OVERFLOW: 9,
} as const;
export type AttemptOutcomeCode = (typeof AttemptOutcome)[keyof typeof AttemptOutcome];

/** The router's timeout response code (route `timeout_response_code` is not modelled; Envoy's default). */
export const TIMEOUT_RESPONSE_CODE = 504;

/** Local reply when no host can be chosen (first try or retry): 503 UH, never reported to a detector. */
export const NO_HEALTHY_UPSTREAM_STATUS = 503;

/**
 * True when the connection pool handed this attempt a stream ("pool ready"): Envoy reports
 * LOCAL_ORIGIN_CONNECT_SUCCESS then, and from then on the request counts as started upstream.
 */
export function attemptConnected(outcome: number): boolean {
  switch (outcome) {
    case AttemptOutcome.RESPONSE:
    case AttemptOutcome.RESET_BEFORE_HEADERS:
    case AttemptOutcome.REFUSED_STREAM:
    case AttemptOutcome.RESET_AFTER_HEADERS:
    case AttemptOutcome.PER_TRY_TIMEOUT:
    case AttemptOutcome.GLOBAL_TIMEOUT:
      return true;
    default:
      return false;
  }
}

/**
 * The minimal view of an outlier detector the router needs. `slot` is the dense host index of the
 * host the attempt used; `now` the simulated time of the report.
 */
export interface OutlierSink {
  putHttpResponseCode(slot: number, code: number, now: number): void;
  putResult(slot: number, result: number, code: number | undefined, now: number): void;
}

/** Pool ready: every attempt that gets a stream, including ones on reused connections. */
export function reportPoolReady(sink: OutlierSink, slot: number, now: number): void {
  sink.putResult(slot, OutlierResult.LOCAL_ORIGIN_CONNECT_SUCCESS, undefined, now);
}

/** Response headers (1xx are not reported; the simulator never produces them). */
export function reportResponseHeaders(sink: OutlierSink, slot: number, code: number, now: number): void {
  sink.putHttpResponseCode(slot, code, now);
}

/**
 * The report that ends an attempt without response headers (or a reset after them), made when it
 * happens. Nothing for RESPONSE (see reportResponseHeaders), for a route timeout while still
 * connecting (no host assigned yet: Envoy's updateOutlierDetection skips it), and for OVERFLOW
 * from 1.26 on (envoy#25487).
 */
export function reportAttemptFailure(
  sink: OutlierSink,
  slot: number,
  outcome: number,
  now: number,
  reportsOverflowToOutlier: boolean,
): void {
  switch (outcome) {
    case AttemptOutcome.CONNECT_FAILURE:
    case AttemptOutcome.CONNECT_TIMEOUT:
    case AttemptOutcome.RESET_BEFORE_HEADERS:
    case AttemptOutcome.REFUSED_STREAM:
    case AttemptOutcome.RESET_AFTER_HEADERS:
      // Pool failures become resets; every reset goes through onUpstreamReset.
      sink.putResult(slot, OutlierResult.LOCAL_ORIGIN_CONNECT_FAILED, undefined, now);
      return;
    case AttemptOutcome.PER_TRY_TIMEOUT:
    case AttemptOutcome.GLOBAL_TIMEOUT:
      sink.putResult(slot, OutlierResult.LOCAL_ORIGIN_TIMEOUT, TIMEOUT_RESPONSE_CODE, now);
      return;
    case AttemptOutcome.OVERFLOW:
      if (reportsOverflowToOutlier) {
        sink.putResult(slot, OutlierResult.LOCAL_ORIGIN_CONNECT_FAILED, undefined, now);
      }
      return;
    default:
      return;
  }
}

// ---------------------------------------------------------------------------------------------
// What the client sees

/** Envoy response flags (access-log short names), as bits. */
export const ResponseFlag = {
  /** UH: no healthy upstream host. */
  NO_HEALTHY_UPSTREAM: 1 << 0,
  /** UF: upstream connection failure. */
  UPSTREAM_CONNECTION_FAILURE: 1 << 1,
  /** UR: upstream remote reset. */
  UPSTREAM_REMOTE_RESET: 1 << 2,
  /** UT: upstream request timeout (per-try or route). */
  UPSTREAM_REQUEST_TIMEOUT: 1 << 3,
  /** UO: upstream overflow (circuit breaking). */
  UPSTREAM_OVERFLOW: 1 << 4,
  /** URX: retries exhausted (num_retries reached). */
  UPSTREAM_RETRY_LIMIT_EXCEEDED: 1 << 5,
} as const;

export const RESPONSE_FLAG_NAMES: readonly (readonly [number, string])[] = [
  [ResponseFlag.NO_HEALTHY_UPSTREAM, 'UH'],
  [ResponseFlag.UPSTREAM_CONNECTION_FAILURE, 'UF'],
  [ResponseFlag.UPSTREAM_REMOTE_RESET, 'UR'],
  [ResponseFlag.UPSTREAM_REQUEST_TIMEOUT, 'UT'],
  [ResponseFlag.UPSTREAM_OVERFLOW, 'UO'],
  [ResponseFlag.UPSTREAM_RETRY_LIMIT_EXCEEDED, 'URX'],
];

/** Envoy's access-log rendering of a flag set, e.g. "UF,URX" ("-" when empty). For reports, not hot paths. */
export function formatResponseFlags(flags: number): string {
  const parts: string[] = [];
  for (const [bit, name] of RESPONSE_FLAG_NAMES) if (flags & bit) parts.push(name);
  return parts.length > 0 ? parts.join(',') : '-';
}

/**
 * Status code the client receives when `outcome` ends the request. For RESET_AFTER_HEADERS the
 * status was already sent and the response is then cut off (see clientSeesReset).
 */
export function clientStatus(outcome: number, statusCode: number): number {
  switch (outcome) {
    case AttemptOutcome.RESPONSE:
    case AttemptOutcome.RESET_AFTER_HEADERS:
      return statusCode;
    case AttemptOutcome.PER_TRY_TIMEOUT:
    case AttemptOutcome.GLOBAL_TIMEOUT:
    case AttemptOutcome.GLOBAL_TIMEOUT_CONNECTING:
      return TIMEOUT_RESPONSE_CODE;
    default:
      // Resets before headers, connect failures and overflow: local reply 503.
      return 503;
  }
}

/** True when the client's response stream is reset after its headers were sent. */
export function clientSeesReset(outcome: number): boolean {
  return outcome === AttemptOutcome.RESET_AFTER_HEADERS;
}

/**
 * Response flags of the final attempt; `retryLimitExceeded` adds URX (the last retry decision was
 * "would retry, but num_retries is used up").
 */
export function clientResponseFlags(outcome: number, retryLimitExceeded: boolean): number {
  let flags = retryLimitExceeded ? ResponseFlag.UPSTREAM_RETRY_LIMIT_EXCEEDED : 0;
  switch (outcome) {
    case AttemptOutcome.CONNECT_FAILURE:
    case AttemptOutcome.CONNECT_TIMEOUT:
      flags |= ResponseFlag.UPSTREAM_CONNECTION_FAILURE;
      break;
    case AttemptOutcome.RESET_BEFORE_HEADERS:
    case AttemptOutcome.REFUSED_STREAM:
    case AttemptOutcome.RESET_AFTER_HEADERS:
      flags |= ResponseFlag.UPSTREAM_REMOTE_RESET;
      break;
    case AttemptOutcome.PER_TRY_TIMEOUT:
    case AttemptOutcome.GLOBAL_TIMEOUT:
    case AttemptOutcome.GLOBAL_TIMEOUT_CONNECTING:
      flags |= ResponseFlag.UPSTREAM_REQUEST_TIMEOUT;
      break;
    case AttemptOutcome.OVERFLOW:
      flags |= ResponseFlag.UPSTREAM_OVERFLOW;
      break;
    default:
      break;
  }
  return flags;
}
