/**
 * One request at a time over the router's per-request code, for the router's unit tests (the
 * simulator and the conformance replay use the tables directly): `JitteredExponentialBackoff`,
 * Envoy's back-off strategy object over src/envoy/router/backoff.ts's arithmetic, and `RetryState`,
 * a one-row RetryStateTable.
 */
import type { IntegerSource } from '../../src/engine/random.ts';
import { backoffBound, backoffFromDraw, initialBackoffState, nextBackoffState, type BackoffAlgorithm } from '../../src/envoy/router/backoff.ts';
import type { RetryPolicy } from '../../src/envoy/router/retry-policy.ts';
import { RetryStateTable, type RetryStatusCode } from '../../src/envoy/router/retry-state.ts';

/** One request's back-off (Envoy's strategy object). */
export class JitteredExponentialBackoff {
  private state: number;

  constructor(
    readonly baseIntervalMs: number,
    readonly maxIntervalMs: number,
    readonly algorithm: BackoffAlgorithm = 'doubling',
  ) {
    this.state = initialBackoffState(algorithm, baseIntervalMs);
  }

  /** Back-off before the next retry, in ms. Draws one random number. */
  nextBackoffMs(random: IntegerSource): number {
    const bound = backoffBound(this.algorithm, this.state, this.baseIntervalMs);
    this.state = nextBackoffState(this.algorithm, this.state, this.baseIntervalMs, this.maxIntervalMs);
    return backoffFromDraw(this.algorithm, random.next(), bound, this.maxIntervalMs);
  }

  /** The interval the next call draws from (exclusive upper bound before any clamp). */
  peekIntervalMs(): number {
    return backoffBound(this.algorithm, this.state, this.baseIntervalMs);
  }

  /** Back to the first retry's interval (a new request). */
  reset(): void {
    this.state = initialBackoffState(this.algorithm, this.baseIntervalMs);
  }
}

/** The retry state of one request: a one-row RetryStateTable. */
export class RetryState {
  private readonly table: RetryStateTable;

  constructor(policy: RetryPolicy, random: IntegerSource) {
    this.table = new RetryStateTable(random, 1, policy.numRetries + 1);
    this.table.begin(0, 0, 0, policy);
  }

  get policy(): RetryPolicy {
    return this.table.policy[0];
  }
  get retriesRemaining(): number {
    return this.table.retriesRemaining[0];
  }
  get attempts(): number {
    return this.table.attempts[0];
  }
  get isRetry(): boolean {
    return this.table.isRetry(0);
  }
  get upstreamRequestStarted(): boolean {
    return this.table.upstreamRequestStarted(0);
  }
  get retryLimitExceeded(): boolean {
    return this.table.retryLimitExceeded(0);
  }
  get backoffMs(): number {
    return this.table.backoffMs[0];
  }
  get deadline(): number {
    return this.table.deadline[0];
  }
  /** Distinct hosts attempted so far, in order. */
  get attemptedHosts(): number[] {
    return Array.from({ length: this.table.attemptedCount[0] }, (_, i) => this.table.attemptedHost(0, i));
  }

  /** Starts a new request at `now` with the route timeout `routeTimeoutMs` (0 = none); `policy` switches routes. */
  begin(now: number, routeTimeoutMs: number, policy: RetryPolicy = this.policy): void {
    this.table.begin(0, now, routeTimeoutMs, policy);
  }
  onAttemptStart(): void {
    this.table.onAttemptStart(0);
  }
  perTryDeadline(connectedAt: number): number {
    return this.table.perTryDeadline(0, connectedAt);
  }
  onHostAttempted(host: number): void {
    this.table.onHostAttempted(0, host);
  }
  hostWasAttempted(host: number): boolean {
    return this.table.hostWasAttempted(0, host);
  }
  shouldSelectAnotherHost(host: number): boolean {
    return this.table.shouldSelectAnotherHost(0, host);
  }
  hostSelectionRetryCount(): number {
    return this.table.hostSelectionRetryCount(0);
  }
  onAttemptOutcome(outcome: number, status: number, envoyRateLimited = false): RetryStatusCode {
    return this.table.onAttemptOutcome(0, outcome, status, envoyRateLimited);
  }
  retryStartsBeforeDeadline(now: number): boolean {
    return this.table.retryStartsBeforeDeadline(0, now);
  }
}
