/**
 * Per-request retry state: Envoy's RetryStateImpl plus the bits of the router filter that decide
 * around it (downstream response started, route timeout, the sticky "upstream request started"
 * flag, previous_hosts bookkeeping).
 *
 * One object per in-flight request, kept in a pool by the simulator: `begin()` re-arms it for a
 * new request without allocating. Decisions consume the request's random source only when a retry
 * is actually scheduled (one draw for its back-off), as Envoy does.
 *
 * Use per attempt:
 *   1. choose a host with the LB; on a retry pass `attemptedHosts` / `shouldSelectAnotherHost` and
 *      `hostSelectionRetryCount()` (previous_hosts predicate) and, if
 *      `policy.previousPrioritiesUpdateFrequency > 0`, the previous_priorities plugin;
 *   2. `onHostAttempted(host)` once the attempt has its host;
 *   3. when the attempt ends, `onAttemptOutcome(outcome, status, now)`:
 *      RetryStatus.YES → schedule the retry at `now + backoffMs` (the route timeout, if earlier,
 *      ends the request instead: `retryStartsBeforeDeadline(now)`); anything else → the request is
 *      finished with this attempt's outcome; `retryLimitExceeded` says whether to add URX.
 */
import type { IntegerSource } from '../../engine/random.ts';
import { JitteredExponentialBackoff } from './backoff.ts';
import { AttemptOutcome, attemptConnected } from './outcomes.ts';
import { type RetryPolicy, isResetOutcome, wouldRetryFromHeaders, wouldRetryFromReset } from './retry-policy.ts';

export const RetryStatus = {
  /** No retry: the outcome is not retriable (or is a success). */
  NO: 0,
  /** Retry after `backoffMs`. */
  YES: 1,
  /** Would retry, but num_retries is used up (Envoy sets URX). */
  NO_RETRY_LIMIT_EXCEEDED: 2,
} as const;
export type RetryStatusCode = (typeof RetryStatus)[keyof typeof RetryStatus];

export class RetryState {
  policy: RetryPolicy;
  /** Retries still allowed for this request. */
  retriesRemaining = 0;
  /** Attempts started so far (first try included). */
  attempts = 0;
  /** The attempt in progress is a retry (host-selection predicates apply only then). */
  isRetry = false;
  /** Router's sticky flag: an attempt that ended in a reset had sent bytes upstream. */
  upstreamRequestStarted = false;
  /** The last decision was NO_RETRY_LIMIT_EXCEEDED (URX). */
  retryLimitExceeded = false;
  /** Back-off of the retry just granted (ms). */
  backoffMs = 0;
  /** Absolute time the route timeout fires (Infinity when the route has no timeout). */
  deadline = Infinity;
  /** Hosts attempted for this request, as a bitset over dense host indexes. */
  attemptedHosts: Uint32Array;

  private backoff: JitteredExponentialBackoff;
  // Hosts whose bits are set, so begin() clears only those words.
  private attemptedList: Int32Array;
  private attemptedCount = 0;

  constructor(
    policy: RetryPolicy,
    private readonly random: IntegerSource,
    hostCapacity: number,
  ) {
    this.policy = policy;
    this.backoff = new JitteredExponentialBackoff(policy.backoffBaseMs, policy.backoffMaxMs, policy.backoffAlgorithm);
    this.attemptedHosts = new Uint32Array(Math.max(1, Math.ceil(hostCapacity / 32)));
    this.attemptedList = new Int32Array(Math.max(4, policy.numRetries + 1));
  }

  /**
   * Starts a new request at `now` with the route timeout `routeTimeoutMs` (0 = none). Pass a
   * policy to switch routes (the back-off object is only rebuilt if its parameters differ).
   */
  begin(now: number, routeTimeoutMs: number, policy?: RetryPolicy): void {
    if (policy !== undefined && policy !== this.policy) {
      const b = this.backoff;
      if (
        b.baseIntervalMs !== policy.backoffBaseMs ||
        b.maxIntervalMs !== policy.backoffMaxMs ||
        b.algorithm !== policy.backoffAlgorithm
      ) {
        this.backoff = new JitteredExponentialBackoff(policy.backoffBaseMs, policy.backoffMaxMs, policy.backoffAlgorithm);
      }
      if (this.attemptedList.length < policy.numRetries + 1) this.attemptedList = new Int32Array(policy.numRetries + 1);
      this.policy = policy;
    }
    this.backoff.reset();
    this.retriesRemaining = this.policy.numRetries;
    this.attempts = 0;
    this.isRetry = false;
    this.upstreamRequestStarted = false;
    this.retryLimitExceeded = false;
    this.backoffMs = 0;
    this.deadline = routeTimeoutMs > 0 ? now + routeTimeoutMs : Infinity;
    const bits = this.attemptedHosts;
    const list = this.attemptedList;
    for (let i = 0; i < this.attemptedCount; i++) bits[list[i] >>> 5] = 0;
    this.attemptedCount = 0;
  }

  /** Call when an attempt (first or retry) starts. */
  onAttemptStart(): void {
    this.isRetry = this.attempts > 0;
    this.attempts++;
  }

  /** Per-try deadline for an attempt whose connection became ready at `connectedAt` (Infinity if none). */
  perTryDeadline(connectedAt: number): number {
    return this.policy.perTryTimeoutMs > 0 ? connectedAt + this.policy.perTryTimeoutMs : Infinity;
  }

  /** Records the host an attempt used (Envoy: onHostAttempted, for the previous_hosts predicate). */
  onHostAttempted(host: number): void {
    const w = host >>> 5;
    if (w >= this.attemptedHosts.length) this.growHosts(host + 1);
    const bit = 1 << (host & 31);
    if ((this.attemptedHosts[w] & bit) !== 0) return;
    this.attemptedHosts[w] |= bit;
    if (this.attemptedCount === this.attemptedList.length) {
      const bigger = new Int32Array(this.attemptedList.length * 2);
      bigger.set(this.attemptedList);
      this.attemptedList = bigger;
    }
    this.attemptedList[this.attemptedCount++] = host;
  }

  hostWasAttempted(host: number): boolean {
    const w = host >>> 5;
    return w < this.attemptedHosts.length && (this.attemptedHosts[w] & (1 << (host & 31))) !== 0;
  }

  /** Router's shouldSelectAnotherHost: only on retries, only with previous_hosts. */
  shouldSelectAnotherHost(host: number): boolean {
    return this.isRetry && this.policy.previousHosts && this.hostWasAttempted(host);
  }

  /** Router's hostSelectionRetryCount(): 1 on the first try, the policy's value on retries. */
  hostSelectionRetryCount(): number {
    return this.isRetry ? this.policy.hostSelectionMaxAttempts : 1;
  }

  /**
   * Decides after an attempt ended. `status` is the response status for RESPONSE (ignored
   * otherwise); `envoyRateLimited` marks a response with `x-envoy-ratelimited`.
   */
  onAttemptOutcome(outcome: number, status: number, envoyRateLimited = false): RetryStatusCode {
    let would: boolean;
    if (outcome === AttemptOutcome.RESPONSE) {
      would = wouldRetryFromHeaders(this.policy, status, envoyRateLimited);
    } else if (isResetOutcome(outcome)) {
      // maybeRetryReset: the sticky flag takes this attempt's "sent bytes upstream" first.
      if (attemptConnected(outcome)) this.upstreamRequestStarted = true;
      would = wouldRetryFromReset(this.policy, outcome, this.upstreamRequestStarted);
    } else {
      // Reset after the response started downstream, route timeout: never retried.
      would = false;
    }
    return this.decide(would);
  }

  /** RetryStateImpl::shouldRetry. */
  private decide(would: boolean): RetryStatusCode {
    this.retryLimitExceeded = false;
    if (!would) return RetryStatus.NO;
    if (this.retriesRemaining === 0) {
      this.retryLimitExceeded = true;
      return RetryStatus.NO_RETRY_LIMIT_EXCEEDED;
    }
    this.retriesRemaining--;
    // The retry circuit breaker (max_retries, retry budgets) is not modelled: Istio sets
    // max_retries to 2^32-1 (docs/router.md).
    this.backoffMs = this.backoff.nextBackoffMs(this.random);
    return RetryStatus.YES;
  }

  /** A retry granted at `now` starts before the route timeout fires (ties go to the timeout). */
  retryStartsBeforeDeadline(now: number): boolean {
    return now + this.backoffMs < this.deadline;
  }

  private growHosts(n: number): void {
    const bigger = new Uint32Array(Math.max(this.attemptedHosts.length * 2, Math.ceil(n / 32)));
    bigger.set(this.attemptedHosts);
    this.attemptedHosts = bigger;
  }
}
