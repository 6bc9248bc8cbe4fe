/**
 * Per-request retry state: Envoy's RetryStateImpl plus the bits of the router filter that decide
 * around it (downstream response started, route timeout, the sticky "upstream request started"
 * flag, previous_hosts bookkeeping).
 *
 * `RetryStateTable` holds the state of many requests at once, one row per request slot, column-wise
 * in typed arrays: the simulator keeps thousands of requests in flight and re-arms a row per request,
 * and one object per request (with its own back-off object and host bitset) cost a fifth of the
 * run time in cache misses (experiments/perf/simulation.md).
 *
 * Decisions consume the random source only when a retry is actually scheduled (one draw for its
 * back-off), as Envoy does.
 *
 * Use per attempt (table methods take the request's row first):
 *   1. choose a host with the LB; on a retry pass the attempted hosts (`attemptedCount`,
 *      `attemptedHost`, or `shouldSelectAnotherHost`) and `hostSelectionRetryCount()` (previous_hosts
 *      predicate) and, if `policy.previousPrioritiesUpdateFrequency > 0`, the previous_priorities
 *      plugin;
 *   2. `onHostAttempted(host)` once the attempt has its host;
 *   3. when the attempt ends, `onAttemptOutcome(outcome, status)`:
 *      RetryStatus.YES → schedule the retry at `now + backoffMs` (the route timeout, if earlier,
 *      ends the request instead: `retryStartsBeforeDeadline(now)`); anything else → the request is
 *      finished with this attempt's outcome; `retryLimitExceeded` says whether to add URX.
 */
import type { IntegerSource } from '../../engine/random.ts';
import { grownTo } from '../../engine/typed-arrays.ts';
import { backoffBound, backoffFromDraw, initialBackoffState, nextBackoffState } from './backoff.ts';
import { AttemptOutcome, attemptConnected } from './outcomes.ts';
import { type RetryPolicy, isResetOutcome, perTryDeadlineOf, wouldRetryFromHeaders, wouldRetryFromReset } from './retry-policy.ts';

export const RetryStatus = {
  /** No retry: the outcome is not retriable (or is a success). */
  NO: 0,
  /** Retry after `backoffMs`. */
  YES: 1,
  /** Would retry, but num_retries is used up (Envoy sets URX). */
  NO_RETRY_LIMIT_EXCEEDED: 2,
} as const;
export type RetryStatusCode = (typeof RetryStatus)[keyof typeof RetryStatus];

// Bits of a row's `flags`.
const IS_RETRY = 1;
const UPSTREAM_REQUEST_STARTED = 2;
const RETRY_LIMIT_EXCEEDED = 4;

/** The retry state of `capacity` requests, one row each (rows are the caller's request slots). */
export class RetryStateTable {
  /** Rows available (grow with `grow`). */
  capacity = 0;
  /** The route's policy per row. */
  readonly policy: RetryPolicy[] = [];
  /** Retries still allowed. */
  retriesRemaining = new Int32Array(0);
  /** Attempts started so far (first try included). */
  attempts = new Int32Array(0);
  /** Back-off of the retry just granted (ms). */
  backoffMs = new Float64Array(0);
  /** Absolute time the route timeout fires (Infinity when the route has no timeout). */
  deadline = new Float64Array(0);
  /** Distinct hosts attempted, in order: `attemptedCount` of them from `row * hostsPerRow`. */
  attemptedCount = new Int32Array(0);
  attempted = new Int32Array(0);
  /** Room per row in `attempted`: at least num_retries + 1 of every policy seen. */
  hostsPerRow: number;

  private flags = new Uint8Array(0);
  /** Back-off state (backoff.ts): the next interval (doubling) or current_retry (legacy). */
  private backoffState = new Float64Array(0);

  constructor(
    private readonly random: IntegerSource,
    capacity: number,
    hostsPerRow = 1,
  ) {
    this.hostsPerRow = Math.max(1, hostsPerRow);
    this.grow(capacity);
  }

  /** Makes room for `capacity` rows (never shrinks; existing rows are kept). */
  grow(capacity: number): void {
    if (capacity <= this.capacity) return;
    const n = capacity;
    this.retriesRemaining = grownTo(this.retriesRemaining, n);
    this.attempts = grownTo(this.attempts, n);
    this.backoffMs = grownTo(this.backoffMs, n);
    this.deadline = grownTo(this.deadline, n);
    this.attemptedCount = grownTo(this.attemptedCount, n);
    this.attempted = grownTo(this.attempted, n * this.hostsPerRow);
    this.flags = grownTo(this.flags, n);
    this.backoffState = grownTo(this.backoffState, n);
    for (let r = this.capacity; r < n; r++) this.deadline[r] = Infinity;
    this.capacity = n;
  }

  /**
   * Starts a new request in `row` at `now`, on a route with `policy` and the route timeout
   * `routeTimeoutMs` (0 = none).
   */
  begin(row: number, now: number, routeTimeoutMs: number, policy: RetryPolicy): void {
    if (policy.numRetries + 1 > this.hostsPerRow) this.widenRows(policy.numRetries + 1);
    this.policy[row] = policy;
    this.backoffState[row] = initialBackoffState(policy.backoffAlgorithm, policy.backoffBaseMs);
    this.retriesRemaining[row] = policy.numRetries;
    this.attempts[row] = 0;
    this.flags[row] = 0;
    this.backoffMs[row] = 0;
    // +∞ written 1 / 0 here and below: hot-path conventions, docs/architecture.md.
    this.deadline[row] = routeTimeoutMs > 0 ? now + routeTimeoutMs : 1 / 0;
    this.attemptedCount[row] = 0;
  }

  /** Call when an attempt (first or retry) starts. */
  onAttemptStart(row: number): void {
    const a = this.attempts[row];
    this.flags[row] = a > 0 ? this.flags[row] | IS_RETRY : this.flags[row] & ~IS_RETRY;
    this.attempts[row] = a + 1;
  }

  /** The attempt in progress is a retry (host-selection predicates apply only then). */
  isRetry(row: number): boolean {
    return (this.flags[row] & IS_RETRY) !== 0;
  }

  /** Router's sticky flag: an attempt that ended in a reset had sent bytes upstream. */
  upstreamRequestStarted(row: number): boolean {
    return (this.flags[row] & UPSTREAM_REQUEST_STARTED) !== 0;
  }

  /** The last decision was NO_RETRY_LIMIT_EXCEEDED (URX). */
  retryLimitExceeded(row: number): boolean {
    return (this.flags[row] & RETRY_LIMIT_EXCEEDED) !== 0;
  }

  /** Per-try deadline for an attempt whose connection became ready at `connectedAt` (Infinity if none). */
  perTryDeadline(row: number, connectedAt: number): number {
    return perTryDeadlineOf(this.policy[row], connectedAt);
  }

  /** Records the host an attempt used (Envoy: onHostAttempted, for the previous_hosts predicate). */
  onHostAttempted(row: number, host: number): void {
    if (this.hostWasAttempted(row, host)) return;
    const count = this.attemptedCount[row];
    // Distinct hosts never outnumber attempts (≤ num_retries + 1); a caller reporting more widens.
    if (count === this.hostsPerRow) this.widenRows(this.hostsPerRow * 2);
    this.attempted[row * this.hostsPerRow + count] = host;
    this.attemptedCount[row] = count + 1;
  }

  /** The i-th distinct host attempted (i < attemptedCount[row]). */
  attemptedHost(row: number, i: number): number {
    return this.attempted[row * this.hostsPerRow + i];
  }

  /** Sets `flags[h] = value` for every host h the request has attempted (a host predicate's scratch). */
  markAttempted(row: number, flags: Uint8Array, value: number): void {
    const first = row * this.hostsPerRow;
    const end = first + this.attemptedCount[row];
    for (let i = first; i < end; i++) flags[this.attempted[i]] = value;
  }

  hostWasAttempted(row: number, host: number): boolean {
    const base = row * this.hostsPerRow;
    const end = base + this.attemptedCount[row];
    for (let i = base; i < end; i++) if (this.attempted[i] === host) return true;
    return false;
  }

  /** Router's shouldSelectAnotherHost: only on retries, only with previous_hosts. */
  shouldSelectAnotherHost(row: number, host: number): boolean {
    return this.isRetry(row) && this.policy[row].previousHosts && this.hostWasAttempted(row, host);
  }

  /** Router's hostSelectionRetryCount(): 1 on the first try, the policy's value on retries. */
  hostSelectionRetryCount(row: number): number {
    return this.isRetry(row) ? this.policy[row].hostSelectionMaxAttempts : 1;
  }

  /**
   * Decides after an attempt ended. `status` is the response status for RESPONSE (ignored
   * otherwise); `envoyRateLimited` marks a response with `x-envoy-ratelimited`.
   */
  onAttemptOutcome(row: number, outcome: number, status: number, envoyRateLimited = false): RetryStatusCode {
    const policy = this.policy[row];
    let would: boolean;
    if (outcome === AttemptOutcome.RESPONSE) {
      would = wouldRetryFromHeaders(policy, status, envoyRateLimited);
    } else if (isResetOutcome(outcome)) {
      // maybeRetryReset: the sticky flag takes this attempt's "sent bytes upstream" first.
      if (attemptConnected(outcome)) this.flags[row] |= UPSTREAM_REQUEST_STARTED;
      would = wouldRetryFromReset(policy, outcome, this.upstreamRequestStarted(row));
    } else {
      // Reset after the response started downstream, route timeout: never retried.
      would = false;
    }
    return this.decide(row, policy, would);
  }

  /** RetryStateImpl::shouldRetry. */
  private decide(row: number, policy: RetryPolicy, would: boolean): RetryStatusCode {
    this.flags[row] &= ~RETRY_LIMIT_EXCEEDED;
    if (!would) return RetryStatus.NO;
    if (this.retriesRemaining[row] === 0) {
      this.flags[row] |= RETRY_LIMIT_EXCEEDED;
      return RetryStatus.NO_RETRY_LIMIT_EXCEEDED;
    }
    this.retriesRemaining[row]--;
    // The retry circuit breaker (max_retries, retry budgets) is not modelled: Istio sets
    // max_retries to 2^32-1 (docs/router.md).
    const algorithm = policy.backoffAlgorithm;
    const state = this.backoffState[row];
    const bound = backoffBound(algorithm, state, policy.backoffBaseMs);
    this.backoffState[row] = nextBackoffState(algorithm, state, policy.backoffBaseMs, policy.backoffMaxMs);
    this.backoffMs[row] = backoffFromDraw(algorithm, this.random.next(), bound, policy.backoffMaxMs);
    return RetryStatus.YES;
  }

  /** A retry granted at `now` starts before the route timeout fires (ties go to the timeout). */
  retryStartsBeforeDeadline(row: number, now: number): boolean {
    return now + this.backoffMs[row] < this.deadline[row];
  }

  /** Re-lays `attempted` with more room per row (rare: a policy with more retries than seen). */
  private widenRows(hostsPerRow: number): void {
    const old = this.hostsPerRow;
    const wider = new Int32Array(this.capacity * hostsPerRow);
    for (let r = 0; r < this.capacity; r++) {
      for (let i = 0; i < this.attemptedCount[r]; i++) wider[r * hostsPerRow + i] = this.attempted[r * old + i];
    }
    this.attempted = wider;
    this.hostsPerRow = hostsPerRow;
  }
}
