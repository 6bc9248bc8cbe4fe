/**
 * Completions nothing can observe, accounted without an event (issue 13 item 1).
 *
 * Most attempts are answered 200 and finish their request. Their completion event only carries
 * that answer to its time t1; if nothing that happens between the start t0 and t1 reads what the
 * completion changes, or is changed by it, the simulator can run the completion at t0, with the
 * clock set to t1, and queue nothing. What a successful completion changes: the host's in-flight
 * count in the sidecar's load balancer, its outlier monitor (a success: the external-origin
 * counters of the current interval, consecutive counters back to 0), the run's counters at t1 and
 * the router slot. What could see the difference, and the check that rules it out:
 *
 * - FINAL_SUCCESS: the answer is a success the retry policy does not retry (else the end arms a
 *   retry, draws back-off and moves on — retriable_status_codes may even name 200):
 *   router.namedEndFinishesRequest. An attempt at a capacity-limited endpoint never passes: its
 *   answer comes with its server job (no ATTEMPT_END), or it is refused with a 5xx.
 * - RUN_END: t1 < the run's end (else the request is in flight at the end).
 * - IN_FLIGHT_COUNTS: the sidecar's LB does not read in-flight counts (LEAST_REQUEST over a
 *   priority of two hosts or more: ClusterLoadBalancer.readsActiveRequests).
 * - DETECTOR_TICK: the sidecar's next detector tick is after t1 (a tick closes the interval the
 *   success counts in: success-rate and failure-percentage ejections read it).
 * - CONTROL_PLANE: no EDS or health-check change before t1 (an EDS removal makes the detector
 *   ignore the host's reports; a return makes it a fresh host).
 * - Failures on the same (sidecar, host) between t0 and t1 — a success and a failure do not
 *   commute in the consecutive counters (successes commute with each other, and nothing else in
 *   the detector reads a host's counters between ticks):
 *   - FAILURE_IN_FLIGHT: no attempt already in flight on (sidecar, host) reports a failure at or
 *     after t0 (`failureBy`, the latest such report time, noted when each end is armed);
 *   - no attempt started after t0 can report a failure by t1: FAULT_WINDOW no fault window of the
 *     endpoint touches [t0, t1] (outside faults the world answers 200), ROUTE_TIMEOUT the route has
 *     no route timeout (an older request's deadline may fall before t1). A per-try timeout needs no
 *     check: this attempt succeeded under the route's one per-try timeout, so t1 ≤ t0 + per-try,
 *     and any later attempt's per-try timer fires at or after that (a tie runs after this end,
 *     queued earlier).
 *
 * Not checked, because they commute with a success: deferred detections (a queued consecutive-
 * error detection ejects and resets the counters without reading them), active health-check
 * verdicts (LB health flags only), successes of other attempts, anything on other hosts.
 *
 * A first try goes further (Simulation.finishedAtOnce): its host is picked and its answer decided
 * before it takes a router slot, and when the router says the answer ends the request
 * (UpstreamRequests.endsRequestAt: FINAL_SUCCESS for a first try) and completesAt() finds nothing
 * that could observe it, the router reports it (finishAtOnce) and the request is recorded, with no
 * slot, retry-state row or event at all (a fifth less CPU per request on the seed scenario,
 * experiments/perf/simulation.md).
 *
 * Every check keeps the draws in the same order: a successful end draws nothing. Ties at t1 count
 * as "before" (an event already queued for t1 runs before a completion queued later). The run JSON
 * is byte-identical with the shortcut on and off (test/property/completion-shortcut.test.ts), given
 * the histogram's exact latency sum (metrics/histogram.ts): completions are summed out of order.
 */
import type { RouterClock, UpstreamRequests } from '../envoy/router/upstream-requests.ts';
import type { FaultSchedule } from '../world/faults.ts';
import type { Sidecar } from './sidecar.ts';

/** The guard's checks, one bit each. All of them are needed; fewer is for the mutation test only. */
export const ShortcutCheck = {
  FINAL_SUCCESS: 1,
  RUN_END: 2,
  IN_FLIGHT_COUNTS: 4,
  DETECTOR_TICK: 8,
  CONTROL_PLANE: 16,
  FAILURE_IN_FLIGHT: 32,
  FAULT_WINDOW: 64,
  ROUTE_TIMEOUT: 128,
} as const;
export const ALL_SHORTCUT_CHECKS = 255;

export class CompletionShortcut {
  private readonly hostsPerSidecar: number;
  /** Per sidecar: 1 when the static checks pass (LB not reading in-flight counts, no route timeout). */
  private readonly eligible: Uint8Array;
  /**
   * Per sidecar: ends strictly before this may skip their event (run end, next tick, next change);
   * −∞ for a sidecar that fails the static checks, so one comparison covers both.
   */
  private readonly horizon: Float64Array;
  /**
   * FAULT_WINDOW, cached per endpoint (the clock only moves forward): while now < calmValidUntil[e],
   * an attempt ending at `end` meets no fault window of e exactly when end < calmUntil[e] (the start
   * of the first window that has not ended; +∞ when none is left).
   */
  private readonly calmUntil: Float64Array;
  private readonly calmValidUntil: Float64Array;
  private readonly nextTickAt: Float64Array;
  /** Per (sidecar, host): the endpoint, and the latest time an attempt armed so far reports a failure. */
  private readonly endpointOf: Int32Array;
  private readonly failureBy: Float64Array;
  /** Control-plane change times in the order they are applied, and how many were. */
  private readonly controlPlaneAt: Float64Array;
  private controlPlaneDone = 0;
  /** Completions run without an event so far. */
  taken = 0;

  constructor(
    private readonly router: UpstreamRequests,
    private readonly clock: RouterClock,
    sidecars: readonly Sidecar[],
    private readonly faults: FaultSchedule,
    controlPlaneAtMs: readonly number[],
    private readonly durationMs: number,
    private readonly checks: number = ALL_SHORTCUT_CHECKS,
  ) {
    const n = sidecars.length;
    const perSidecar = Math.max(1, ...sidecars.map((s) => s.lb.hostCount));
    this.hostsPerSidecar = perSidecar;
    const on = (check: number) => (checks & check) !== 0;
    this.eligible = Uint8Array.from(sidecars, (s) =>
      (on(ShortcutCheck.IN_FLIGHT_COUNTS) && s.lb.readsActiveRequests) || (on(ShortcutCheck.ROUTE_TIMEOUT) && s.group.cluster.route_timeout_ms > 0) ? 0 : 1,
    );
    this.nextTickAt = new Float64Array(n).fill(Infinity);
    this.horizon = new Float64Array(n);
    this.endpointOf = new Int32Array(n * perSidecar);
    sidecars.forEach((s, i) => this.endpointOf.set(s.group.hostToEndpoint, i * perSidecar));
    this.failureBy = new Float64Array(n * perSidecar).fill(-Infinity);
    this.controlPlaneAt = Float64Array.from([...controlPlaneAtMs, Infinity]);
    const endpoints = Math.max(0, ...sidecars.map((s) => Math.max(-1, ...s.group.hostToEndpoint) + 1));
    // Invalid from the start (valid until −∞): the first attempt at each endpoint fills them.
    this.calmUntil = new Float64Array(endpoints);
    this.calmValidUntil = new Float64Array(endpoints).fill(-Infinity);
    for (let i = 0; i < n; i++) this.updateHorizon(i);
  }

  /** The detector timer of `sidecar` is armed for `atMs`. */
  tickArmed(sidecar: number, atMs: number): void {
    this.nextTickAt[sidecar] = atMs;
    this.updateHorizon(sidecar);
  }

  /** The next control-plane change was applied. */
  controlPlaneApplied(): void {
    this.controlPlaneDone++;
    for (let i = 0; i < this.horizon.length; i++) this.updateHorizon(i);
  }

  /**
   * `send` named the end of the attempt in `slot` (ATTEMPT_END, at `router.timerAt[slot]`). True
   * when it can be run now; otherwise its failure report, if it is one, is noted.
   */
  completesNow(slot: number): boolean {
    const router = this.router;
    const now = this.clock.now;
    const end = router.timerAt[slot];
    const s = router.route[slot];
    const at = s * this.hostsPerSidecar + router.host[slot];
    if (this.unobservable(s, at, now, end) && (!(this.checks & ShortcutCheck.FINAL_SUCCESS) || router.namedEndFinishesRequest(slot))) {
      this.taken++;
      return true;
    }
    if (router.namedEndReportsFailure(slot) && end > this.failureBy[at]) this.failureBy[at] = end;
    return false;
  }

  /**
   * A first try of `sidecar` at `host`, starting now, ends at `end` in a success that finishes its
   * request (FINAL_SUCCESS, checked by the router: UpstreamRequests.endsRequestAt): true when
   * nothing can observe it in between, so it may be done at once, without a router slot.
   */
  completesAt(sidecar: number, host: number, end: number): boolean {
    if (this.unobservable(sidecar, sidecar * this.hostsPerSidecar + host, this.clock.now, end)) {
      this.taken++;
      return true;
    }
    return false;
  }

  /** Every check but FINAL_SUCCESS, for an attempt of sidecar `s` on (sidecar, host) `at` from `now` to `end`. */
  private unobservable(s: number, at: number, now: number, end: number): boolean {
    const c = this.checks;
    return (
      this.horizon[s] > end &&
      (!(c & ShortcutCheck.FAILURE_IN_FLIGHT) || this.failureBy[at] < now) &&
      (!(c & ShortcutCheck.FAULT_WINDOW) || this.calmThrough(this.endpointOf[at], now, end))
    );
  }

  /** No fault window of `endpoint` touches [now, end] (FaultSchedule.quietThrough, cached). */
  private calmThrough(endpoint: number, now: number, end: number): boolean {
    if (!(now < this.calmValidUntil[endpoint])) {
      const next = this.faults.nextWindowAfter(endpoint, now);
      this.calmUntil[endpoint] = next < 0 ? 1 / 0 : this.faults.windowFromMs(next);
      this.calmValidUntil[endpoint] = next < 0 ? 1 / 0 : this.faults.windowUntilMs(next);
    }
    return end < this.calmUntil[endpoint];
  }

  private updateHorizon(s: number): void {
    const c = this.checks;
    if (this.eligible[s] === 0) {
      this.horizon[s] = -1 / 0;
      return;
    }
    let h = 1 / 0;
    if (c & ShortcutCheck.RUN_END) h = this.durationMs;
    if (c & ShortcutCheck.DETECTOR_TICK && this.nextTickAt[s] < h) h = this.nextTickAt[s];
    if (c & ShortcutCheck.CONTROL_PLANE && this.controlPlaneAt[this.controlPlaneDone] < h) h = this.controlPlaneAt[this.controlPlaneDone];
    this.horizon[s] = h;
  }
}
