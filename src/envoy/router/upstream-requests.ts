/**
 * Envoy's HTTP router filter for many requests at once: every downstream request in flight is a row
 * (a "slot") of typed-array columns, so the per-request path allocates nothing. One instance serves
 * all the sidecars of a run; each sidecar is a `RouterRoute` (its load balancer, its outlier
 * detector, its route's retry policy and timeout).
 *
 * The caller owns time (the router reads it from its `clock`, the event loop's): it asks the router
 * what to do and arms the timer the router names, at the time in `timerAt[slot]`:
 *
 *   slot = begin(route)                      a downstream request arrives
 *   host = start(slot)                       an attempt: host selection (previous_hosts with
 *                                            host_selection_retry_max_attempts, previous_priorities)
 *                                            or NO_HOST (local 503 UH: finished, never retried)
 *   next = send(slot, answer)                the upstream's answer (from the world) is known: pool
 *                                            ready is reported, the per-try timer starts, and the
 *                                            earlier of attempt end and route timeout is named
 *   next = end(slot, outcome, status)        the attempt ended (send's outcome, or a later answer):
 *                                            report, then retry (back-off) or finish
 *   routeTimeout(slot)                       the route timeout fired: the attempt in flight is reset
 *                                            and reported; the request finishes with 504 UT
 *   release(slot)                            the caller has recorded the finished request
 *
 * Times are read from the clock and answers from an object, not passed as arguments: a double
 * crossing a call TurboFan does not inline is boxed (hot-path conventions, docs/architecture.md).
 *
 * Rules and their Envoy sources (docs/router.md; router.cc / upstream_request.cc at the versions in
 * docs/profiles.md): the per-try timer starts at pool ready (UpstreamRequest::onPoolReady →
 * setupPerTryTimeout) and waits for headers only; an attempt that would end at or after the route
 * deadline is ended by the route timeout (Filter::onResponseTimeout); no healthy upstream is a local
 * reply, never reported and never retried (Filter::sendNoHealthyUpstreamResponse); a route timeout
 * reports LOCAL_ORIGIN_TIMEOUT (504) for an attempt awaiting headers and nothing for one still
 * connecting (updateOutlierDetection needs a host); a granted retry starts after its back-off unless
 * the route timeout comes first (ties go to the timeout).
 */
import type { ClusterLoadBalancer } from '../lb/cluster-lb.ts';
import { PickContext } from '../lb/cluster-lb.ts';
import { PreviousPrioritiesRetryPriority } from '../lb/retry-priority.ts';
import type { IntegerSource } from '../../engine/random.ts';
import { grownTo } from '../../engine/typed-arrays.ts';
import {
  AttemptOutcome,
  attemptConnected,
  clientSeesReset,
  clientStatus,
  reportAttemptFailure,
  reportPoolReady,
  reportResponseHeaders,
  type OutlierSink,
} from './outcomes.ts';
import { compileRetryPolicy, envoyRetryPolicyDefaults, perTryDeadlineOf, wouldRetryFromHeaders, type RetryPolicy } from './retry-policy.ts';
import { RetryStateTable, RetryStatus } from './retry-state.ts';

/** `start` found no host: the request was answered 503 UH locally. */
export const NO_HOST = -1;

/** What the caller does next for a request (the time, when there is one, is in `timerAt[slot]`). */
export const RouterNext = {
  /** Nothing to arm: the request waits for an event already armed (or for ever). */
  WAIT: 0,
  /** Arm the attempt's end (tag: `attemptSeq[slot]`), then call `end`. */
  ATTEMPT_END: 1,
  /** Arm the retry (tag: `generation[slot]`), then call `start`. */
  RETRY: 2,
  /** Arm the route timeout (tag: `generation[slot]`), then call `routeTimeout`. */
  ROUTE_TIMEOUT: 3,
  /** The request finished and the client saw a success: record it, then `release`. */
  SUCCEEDED: 4,
  /** The request finished and the client saw a failure (5xx, or a reset response). */
  FAILED: 5,
} as const;

/** One sidecar's route: where its requests go and how they are retried. */
export interface RouterRoute {
  lb: ClusterLoadBalancer;
  /** The sidecar's outlier detector for this cluster, if it has one. */
  detector: OutlierSink | undefined;
  /** The route's retry policy; undefined: never retried. */
  retryPolicy: RetryPolicy | undefined;
  /** The route timeout (0: none). */
  routeTimeoutMs: number;
  /** Profile switch: pool overflow is reported to the detector (before 1.26, envoy#25487). */
  reportsOverflowToOutlier: boolean;
}

/** The event loop's clock: the current simulated time (ms). */
export interface RouterClock {
  readonly now: number;
}

/** What the upstream does with an attempt (the world's answer, `src/world/attempt.ts`). */
export interface UpstreamAnswer {
  /** An `AttemptOutcome` code. */
  outcome: number;
  /** Response status for RESPONSE. */
  status: number;
  /** From now until the answer; +∞: not known yet (a server queue) or never (a blackhole). */
  latencyMs: number;
}

/** A retry policy that never retries: requests of routes without one use it. */
const NO_RETRY_POLICY: RetryPolicy = compileRetryPolicy({ ...envoyRetryPolicyDefaults(), num_retries: 0 });

const INITIAL_SLOTS = 1024;

export class UpstreamRequests {
  /** When to fire the timer the last call named (absolute time). */
  timerAt = new Float64Array(0);
  /** Bumped when a request is released: a stale retry or route-timeout timer compares against it. */
  generation = new Int32Array(0);
  /** Bumped per attempt and when an attempt ends: a stale attempt-end timer compares against it. */
  attemptSeq = new Int32Array(0);
  /** The request's route (its sidecar). */
  route = new Int32Array(0);
  /** When the downstream request arrived. */
  requestStart = new Float64Array(0);
  /** The host of the attempt in flight, -1 when none. */
  host = new Int32Array(0);
  /** When the attempt in flight started (its metrics bucket). */
  attemptStart = new Float64Array(0);
  /** The outcome (and response status) `send` named for the attempt's ATTEMPT_END timer. */
  outcome = new Int32Array(0);
  status = new Int32Array(0);

  private connected = new Uint8Array(0);
  /** 1 once the request's route-timeout timer is armed (it is armed once, only when needed). */
  private timeoutArmed = new Uint8Array(0);
  private capacity = 0;
  private freeList = new Int32Array(0);
  private freeCount = 0;
  private readonly retry: RetryStateTable;
  private readonly retryPriorities: (PreviousPrioritiesRetryPriority | null)[] = [];
  private readonly policies: RetryPolicy[];
  /** Per route: a 200 is not retried (retriable_status_codes may name it), precomputed for the shortcut. */
  private readonly finishesOn200: Uint8Array;
  private readonly contexts: PickContext[];
  /** previous_hosts predicate scratch per route (1 = reject), set and cleared around each retry pick. */
  private readonly rejects: Uint8Array[];
  private readonly priorityPluginFrequency: number;
  private readonly priorityCount: number;

  constructor(
    readonly routes: readonly RouterRoute[],
    backoffRandom: IntegerSource,
    private readonly clock: RouterClock,
  ) {
    this.policies = routes.map((r) => r.retryPolicy ?? NO_RETRY_POLICY);
    this.finishesOn200 = Uint8Array.from(this.policies, (p) => (wouldRetryFromHeaders(p, 200) ? 0 : 1));
    this.contexts = routes.map(() => new PickContext());
    this.rejects = routes.map((r) => new Uint8Array(r.lb.hostCount));
    const maxAttempts = Math.max(1, ...this.policies.map((p) => p.numRetries + 1));
    const frequency = Math.max(0, ...this.policies.map((p) => p.previousPrioritiesUpdateFrequency));
    this.priorityPluginFrequency = frequency;
    this.priorityCount = Math.max(1, ...routes.map((r) => r.lb.priorityCount));
    this.retry = new RetryStateTable(backoffRandom, 0, maxAttempts);
    this.grow(INITIAL_SLOTS);
  }

  /** A downstream request arrives on `route` now; returns its slot. */
  begin(route: number): number {
    const now = this.clock.now;
    if (this.freeCount === 0) this.grow(this.capacity * 2);
    const slot = this.freeList[--this.freeCount];
    this.route[slot] = route;
    this.requestStart[slot] = now;
    this.timeoutArmed[slot] = 0;
    this.retry.begin(slot, now, this.routes[route].routeTimeoutMs, this.policies[route]);
    const rp = this.retryPriorities[slot];
    if (rp !== null) rp.reset();
    // The route timeout is armed only when something would reach it (send and end): most requests
    // finish well before it, and a timer per request that never fires was the largest cost of runs
    // with route timeouts (experiments/perf/simulation.md).
    return slot;
  }

  /** Starts an attempt (first try or retry): chooses its host, or NO_HOST (then the request is finished, failed). */
  start(slot: number): number {
    const route = this.route[slot];
    const rs = this.retry;
    rs.onAttemptStart(slot);
    return this.attach(slot, rs.isRetry(slot) ? this.pickRetry(slot, route) : this.pickFirst(route));
  }

  /**
   * Host selection for a request's first try on `route` (start() for a first try, before the
   * request has a slot): no retry host predicate or priority plugin, hostSelectionRetryCount() 1.
   * The caller goes on with beginWithHost(), or finishes the request at once (endsRequestAt()).
   */
  pickFirst(route: number): number {
    const ctx = this.contexts[route];
    ctx.hostSelectionRetryCount = 1;
    ctx.rejectHosts = null;
    ctx.retryPriority = null;
    return this.routes[route].lb.chooseHost(ctx);
  }

  /** begin() and start() for a first try whose host pickFirst() chose: returns the slot. */
  beginWithHost(route: number, host: number): number {
    const slot = this.begin(route);
    this.retry.onAttemptStart(slot);
    this.attach(slot, host);
    return slot;
  }

  /** Host selection for a retry: previous_hosts predicate and previous_priorities plugin when set. */
  private pickRetry(slot: number, route: number): number {
    const rs = this.retry;
    const ctx = this.contexts[route];
    ctx.hostSelectionRetryCount = rs.hostSelectionRetryCount(slot);
    const policy = rs.policy[slot];
    const usePredicate = policy.previousHosts;
    const reject = this.rejects[route];
    if (usePredicate) rs.markAttempted(slot, reject, 1);
    ctx.rejectHosts = usePredicate ? reject : null;
    ctx.retryPriority = this.retryPriorities[slot] !== null && policy.previousPrioritiesUpdateFrequency > 0 ? this.retryPriorities[slot] : null;
    const host = this.routes[route].lb.chooseHost(ctx);
    if (usePredicate) rs.markAttempted(slot, reject, 0);
    return host;
  }

  /** The attempt in `slot` uses `host` (or found none: NO_HOST, returned as is). */
  private attach(slot: number, host: number): number {
    if (host < 0) return NO_HOST;
    this.retry.onHostAttempted(slot, host);
    const lb = this.routes[this.route[slot]].lb;
    const rp = this.retryPriorities[slot];
    if (rp !== null) rp.onHostAttempted(lb.hostPriority[host]);
    lb.activeRequests[host]++;
    this.host[slot] = host;
    // Not connected until send() says so: a route timeout before then finds the attempt connecting.
    this.connected[slot] = 0;
    return host;
  }

  /**
   * A first try on `route`, answered now by `answer`, that the router would end by itself, as a
   * success that finishes the request: the time of that end, or -1. Mirrors send() and
   * namedEndFinishesRequest() for a request without a route timeout (with one, -1: the route
   * timeout is armed per request): a response below 500 that the retry policy does not retry,
   * arriving within the per-try timeout. finishAtOnce() then reports it.
   */
  endsRequestAt(route: number, answer: UpstreamAnswer): number {
    if (answer.outcome !== AttemptOutcome.RESPONSE || this.routes[route].routeTimeoutMs > 0 || !this.responseFinishes(route, answer.status)) return -1;
    const now = this.clock.now;
    const end = now + answer.latencyMs;
    // send(): the answer comes after the per-try deadline (from pool ready, now) is a per-try timeout.
    if (end > perTryDeadlineOf(this.policies[route], now) || end === 1 / 0) return -1;
    return end;
  }

  /**
   * The request endsRequestAt() accepted, without a slot: what send() and endFinished() report to
   * the outlier detector (pool ready now, the response at `end`). Nothing else of the router's
   * state would outlive it: the host's in-flight count goes up and back down, and the request's
   * retry state is never read.
   */
  finishAtOnce(route: number, host: number, status: number, end: number): void {
    const d = this.routes[route].detector;
    if (d === undefined) return;
    reportPoolReady(d, host, this.clock.now);
    reportResponseHeaders(d, host, status, end);
  }

  /** The last retry decision was "retriable, but num_retries is used up" (Envoy adds URX). */
  retryLimitExceeded(slot: number): boolean {
    return this.retry.retryLimitExceeded(slot);
  }

  /**
   * The attempt's request is on its way now and the upstream will `answer`. Reports pool ready for a
   * connected attempt and starts its per-try timer; names the timer that ends the attempt
   * (ATTEMPT_END), or the route timeout when that comes first, or WAIT.
   */
  send(slot: number, answer: UpstreamAnswer): number {
    const now = this.clock.now;
    const route = this.routes[this.route[slot]];
    const rs = this.retry;
    let outcome = answer.outcome;
    let status = answer.status;
    const connected = attemptConnected(outcome);
    let end = now + answer.latencyMs;
    if (connected) {
      // The per-try timer starts when the pool hands the attempt a stream (now: connections are
      // modelled as ready at once), and only waits for response headers.
      const perTry = rs.perTryDeadline(slot, now);
      if (end > perTry) {
        end = perTry;
        outcome = AttemptOutcome.PER_TRY_TIMEOUT;
        status = 0;
      }
    }
    const seq = (this.attemptSeq[slot] + 1) | 0;
    this.attemptSeq[slot] = seq;
    this.attemptStart[slot] = now;
    this.outcome[slot] = outcome;
    this.status[slot] = status;
    this.connected[slot] = connected ? 1 : 0;
    if (connected && route.detector !== undefined) reportPoolReady(route.detector, this.host[slot], now);
    // An attempt that would end at or after the route deadline is ended by the route timeout; an
    // attempt with no end and no route timeout stays in flight.
    const deadline = rs.deadline[slot];
    if (end < deadline) {
      if (end !== 1 / 0) {
        this.timerAt[slot] = end;
        return RouterNext.ATTEMPT_END;
      }
      return deadline !== 1 / 0 ? this.armRouteTimeout(slot) : RouterNext.WAIT;
    }
    return this.armRouteTimeout(slot);
  }

  /**
   * The attempt end `send` named (ATTEMPT_END) is a response the outlier detector counts as a
   * success (below 500: putHttpResponseCode's non-5xx branch, which reads no time) and the retry
   * policy does not retry (wouldRetryFromHeaders): `end` will finish the request, succeeded, with
   * no random draw and nothing armed.
   */
  namedEndFinishesRequest(slot: number): boolean {
    return this.outcome[slot] === AttemptOutcome.RESPONSE && this.responseFinishes(this.route[slot], this.status[slot]);
  }

  /** A response with `status` on `route` is a success the retry policy does not retry. */
  private responseFinishes(route: number, status: number): boolean {
    if (status === 200) return this.finishesOn200[route] === 1;
    return status < 500 && !wouldRetryFromHeaders(this.policies[route], status);
  }

  /** The attempt end `send` named reports a failure to the outlier detector (not a response below 500). */
  namedEndReportsFailure(slot: number): boolean {
    return this.outcome[slot] !== AttemptOutcome.RESPONSE || this.status[slot] >= 500;
  }

  /**
   * The attempt in flight ended now with `outcome` (and `status`, for a response): the one
   * `send` named for its ATTEMPT_END timer, or an answer that arrived later than `send` knew (a
   * server queue). Reported to the detector, then retried (RETRY after the back-off, or
   * ROUTE_TIMEOUT when that comes first) or finished.
   */
  end(slot: number, outcome: number, status: number): number {
    const now = this.clock.now;
    const route = this.routes[this.route[slot]];
    const host = this.closeAttempt(slot);
    const d = route.detector;
    if (d !== undefined) {
      if (outcome === AttemptOutcome.RESPONSE) reportResponseHeaders(d, host, status, now);
      else reportAttemptFailure(d, host, outcome, now, route.reportsOverflowToOutlier);
    }
    const rs = this.retry;
    if (rs.onAttemptOutcome(slot, outcome, status) === RetryStatus.YES) {
      if (rs.retryStartsBeforeDeadline(slot, now)) {
        this.timerAt[slot] = now + rs.backoffMs[slot];
        return RouterNext.RETRY;
      }
      // Otherwise the route timeout ends the request before the retry would start.
      return this.armRouteTimeout(slot);
    }
    return clientStatus(outcome, status) >= 500 || clientSeesReset(outcome) ? RouterNext.FAILED : RouterNext.SUCCEEDED;
  }

  /**
   * `end` for an attempt whose named end finishes the request succeeded (namedEndFinishesRequest):
   * the same closing and report, without the retry decision that could only say "no" (it draws
   * nothing; the flag it clears is reset when the slot is reused). The caller records the request.
   */
  endFinished(slot: number): void {
    const route = this.routes[this.route[slot]];
    const host = this.closeAttempt(slot);
    if (route.detector !== undefined) reportResponseHeaders(route.detector, host, this.status[slot], this.clock.now);
  }

  /** The attempt in flight is over: no host, its pending end stale, one request less on the host. */
  private closeAttempt(slot: number): number {
    const host = this.host[slot];
    this.host[slot] = -1;
    // Invalidates the other pending end of this attempt (per-try timeout vs a late answer).
    this.attemptSeq[slot] = (this.attemptSeq[slot] + 1) | 0;
    this.routes[this.route[slot]].lb.activeRequests[host]--;
    return host;
  }

  /**
   * The route timeout fired. The attempt in flight (its host is returned, -1 if none) is
   * reset: one awaiting headers is reported as a 504 timeout, one still connecting is not reported
   * (it has no host yet in Envoy's terms). The request is finished, failed (504 UT).
   */
  routeTimeout(slot: number): number {
    if (this.host[slot] < 0) return -1;
    const route = this.routes[this.route[slot]];
    const host = this.closeAttempt(slot);
    const outcome = this.connected[slot] === 1 ? AttemptOutcome.GLOBAL_TIMEOUT : AttemptOutcome.GLOBAL_TIMEOUT_CONNECTING;
    if (route.detector !== undefined) reportAttemptFailure(route.detector, host, outcome, this.clock.now, route.reportsOverflowToOutlier);
    return host;
  }

  /** Frees a finished request's slot; its pending timers become stale. */
  release(slot: number): void {
    this.generation[slot] = (this.generation[slot] + 1) | 0;
    this.host[slot] = -1;
    this.freeList[this.freeCount++] = slot;
  }

  /** Requests in flight. */
  get active(): number {
    return this.capacity - this.freeCount;
  }

  /** Names the route timeout once per request (later calls WAIT: the armed one still stands). */
  private armRouteTimeout(slot: number): number {
    if (this.timeoutArmed[slot] === 1) return RouterNext.WAIT;
    this.timeoutArmed[slot] = 1;
    this.timerAt[slot] = this.retry.deadline[slot];
    return RouterNext.ROUTE_TIMEOUT;
  }

  private grow(newCapacity: number): void {
    const old = this.capacity;
    this.timerAt = grownTo(this.timerAt, newCapacity);
    this.generation = grownTo(this.generation, newCapacity);
    this.attemptSeq = grownTo(this.attemptSeq, newCapacity);
    this.route = grownTo(this.route, newCapacity);
    this.requestStart = grownTo(this.requestStart, newCapacity);
    this.host = grownTo(this.host, newCapacity);
    this.attemptStart = grownTo(this.attemptStart, newCapacity);
    this.outcome = grownTo(this.outcome, newCapacity);
    this.status = grownTo(this.status, newCapacity);
    this.connected = grownTo(this.connected, newCapacity);
    this.timeoutArmed = grownTo(this.timeoutArmed, newCapacity);
    this.retry.grow(newCapacity);
    const freeList = new Int32Array(newCapacity);
    freeList.set(this.freeList.subarray(0, this.freeCount));
    this.freeList = freeList;
    // Slots are taken from the end of the free list: push new ones in reverse so slot `old` is next.
    for (let s = newCapacity - 1; s >= old; s--) {
      this.host[s] = -1;
      this.freeList[this.freeCount++] = s;
    }
    // Envoy creates the retry-priority plugin per request; here one per slot, reset per request.
    for (let s = old; s < newCapacity; s++) {
      this.retryPriorities[s] =
        this.priorityPluginFrequency > 0 ? new PreviousPrioritiesRetryPriority(this.priorityPluginFrequency, this.priorityCount) : null;
    }
    this.capacity = newCapacity;
  }
}
