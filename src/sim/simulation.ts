/**
 * One simulation run: the world (endpoints, faults, traffic) driving one Envoy per client sidecar.
 *
 * This file is wiring only. A request's way through (DESIGN.md), each step someone else's job:
 *   source (world/traffic.ts: arrival at a sidecar)
 *   → router (envoy/router/upstream-requests.ts: attempt, host selection through the LB, per-try and
 *     route timeouts, retries, what is reported)
 *   → LB (envoy/lb: the sidecar's cluster load balancer, called by the router)
 *   → world (world/attempt.ts: the endpoint's answer; world/capacity.ts: its servers, if limited)
 *   → detector (envoy/outlier: reports from the router, ticks, ejections → the LB's host set)
 *   → metrics (metrics/run-counters.ts, metrics/ejections.ts), returned as a RunResult.
 *
 * Time moves in the kernel's loop (engine/kernel.ts; the traffic sources are its sources). The per-request path allocates nothing: requests are router slots
 * (typed-array rows), events are (time, kind, a, b) numbers.
 */
import { Kernel, type KernelModel } from '../engine/kernel.ts';
import { RandomStream, rootStream } from '../engine/random.ts';
import { ejectEvent, unejectEvent } from '../envoy/outlier/event-log.ts';
import { AttemptOutcome } from '../envoy/router/outcomes.ts';
import { NO_HOST, RouterNext, UpstreamRequests } from '../envoy/router/upstream-requests.ts';
import { EjectionBook } from '../metrics/ejections.ts';
import { EjectionLog } from '../metrics/incidents.ts';
import { RunCounters } from '../metrics/run-counters.ts';
import { RunSeries } from '../metrics/time-series.ts';
import { endpointSpecFor, type Scenario } from '../config/scenario.ts';
import { buildEndpointWorld, newAttemptDecision, type EndpointWorld } from '../world/attempt.ts';
import { buildArrivalProcesses, type ArrivalProcess } from '../world/traffic.ts';
import { EndpointServers } from '../world/capacity.ts';
import { ControlPlaneEvents } from './control-plane-events.ts';
import { ALL_SHORTCUT_CHECKS, CompletionShortcut } from './completion-shortcut.ts';
import type { RunModel } from './model.ts';
import { ServerJobs } from './server-jobs.ts';
import { routeOf, Sidecar } from './sidecar.ts';
import type { RunResult } from './run-result.ts';

// Event kinds.
const EV_ATTEMPT_END = 1;
const EV_RETRY = 2;
const EV_ROUTE_TIMEOUT = 3;
const EV_TICK = 4;
const EV_RUN_POSTS = 5;
const EV_SERVER_DONE = 6;
const EV_CONTROL_PLANE = 7;

export interface SimulationOptions {
  /** Keep per-host ejection intervals and outlier events (for --out); bounded by `eventLimit`. */
  recordEvents?: boolean;
  eventLimit?: number;
  /** Called every `progressEveryMs` of simulated time with the current time (progress bars). */
  onProgress?: (simulatedMs: number) => void;
  progressEveryMs?: number;
  /** Run unobservable completions without an event (default true; same output either way). */
  completionShortcut?: boolean;
  /** Test seam: the shortcut guard's checks (ShortcutCheck bits); fewer than all is wrong on purpose. */
  shortcutChecks?: number;
}

export class Simulation implements KernelModel {
  private readonly kernel: Kernel;
  private readonly series: RunSeries;
  private readonly counters: RunCounters;
  private readonly ejections: EjectionBook;
  private readonly world: EndpointWorld;
  /** Attempts at endpoints with finite capacity (null when no endpoint has a `capacity`). */
  private readonly jobs: ServerJobs | null;
  private readonly sidecars: Sidecar[] = [];
  /** Envoy's router: every request in flight, its attempts, retries and timeouts. */
  private readonly router: UpstreamRequests;
  /** One traffic source per client group: the kernel's sources (their next arrival times). */
  private readonly arrivals: ArrivalProcess[];
  private readonly groupFirstSidecar: Int32Array;
  private readonly attemptRng: RandomStream[];
  private readonly decision = newAttemptDecision();
  private readonly progress: ((ms: number) => void) | undefined;
  private readonly progressEveryMs: number;
  /** EDS and active health-check changes (none unless the scenario's controlPlane asks). */
  private readonly controlPlane: ControlPlaneEvents;
  private readonly shortcut: CompletionShortcut | null;

  constructor(
    readonly model: RunModel,
    readonly scenario: Scenario,
    options: SimulationOptions = {},
  ) {
    const root = rootStream(scenario.seed);
    const { endpoints, groups } = model;
    this.series = new RunSeries(scenario.durationMs, scenario.metrics.bucketMs, endpoints.length);
    this.world = buildEndpointWorld(scenario, endpoints, root.fork('world'));
    const servers = new EndpointServers(endpoints.map((e) => endpointSpecFor(scenario, e.address).capacity));
    this.attemptRng = endpoints.map((_, e) => root.fork(`world/endpoint/${e}/attempts`));
    this.arrivals = buildArrivalProcesses(scenario.clients, scenario.durationMs, root);
    this.kernel = new Kernel(4096, this.arrivals.length);
    this.groupFirstSidecar = new Int32Array(groups.length);
    for (const g of groups) {
      this.groupFirstSidecar[g.index] = this.sidecars.length;
      for (let r = 0; r < g.spec.replicas; r++) {
        this.sidecars.push(new Sidecar(this.sidecars.length, g, model.versions.semantics, root, scenario.proxy.ejectionDelayMs));
      }
    }
    const routes = this.sidecars.map((s) => routeOf(s, model.versions.semantics));
    this.router = new UpstreamRequests(routes, rootStream(scenario.seed).fork('router/backoff'), this.kernel);
    this.jobs = servers.any ? new ServerJobs(servers, this.router, this.kernel, this.world.connectRefusedDelayMs, EV_SERVER_DONE) : null;
    const priorities = Math.max(1, ...this.sidecars.map((s) => s.lb.priorityCount));
    this.counters = new RunCounters(this.series, groups.length, endpoints.length, priorities);
    // Ejections landing within one detector interval after a fault still belong to it.
    const grace = Math.max(0, ...groups.map((g) => g.outlier?.interval_ms ?? 0)) + scenario.proxy.ejectionDelayMs;
    const log = new EjectionLog(this.world.faults.windows, this.sidecars.length, grace);
    const hostToEndpoint = this.sidecars.map((s) => s.group.hostToEndpoint);
    this.ejections = new EjectionBook(this.series, log, hostToEndpoint, options.recordEvents ?? false, options.eventLimit ?? 1_000_000);
    this.controlPlane = new ControlPlaneEvents(scenario, this.world.faults, this.world.connectRefusedDelayMs, endpoints.length, this.sidecars, this.ejections, root);
    const changeTimes = this.controlPlane.changes.map((c) => c.atMs);
    this.shortcut = options.completionShortcut === false ? null : new CompletionShortcut(this.router, this.kernel, this.sidecars, this.world.faults, changeTimes, scenario.durationMs, options.shortcutChecks ?? ALL_SHORTCUT_CHECKS);
    for (const sidecar of this.sidecars) this.wireDetector(sidecar, root);
    this.controlPlane.changes.forEach((c, i) => this.kernel.scheduleAt(c.atMs, EV_CONTROL_PLANE, i, 0));
    for (let g = 0; g < this.arrivals.length; g++) this.scheduleArrival(g);
    this.progress = options.onProgress;
    this.progressEveryMs = options.progressEveryMs ?? 10_000;
  }

  /** Runs to the scenario's duration and returns the result. Requests still in flight stay counted as such. */
  run(): RunResult {
    const end = this.scenario.durationMs;
    const step = this.progress === undefined ? end : this.progressEveryMs;
    for (let t = step; ; t += step) {
      const stop = Math.min(t, end);
      this.kernel.runUntil(stop, this);
      if (this.progress !== undefined) this.progress(stop);
      if (stop >= end) break;
    }
    return this.result();
  }

  /** Attempt ends run without an event (completion-shortcut.ts); 0 with the shortcut off. */
  get shortcutCompletions(): number {
    return this.shortcut === null ? 0 : this.shortcut.taken;
  }

  private result(): RunResult {
    this.series.finish();
    this.ejections.finish();
    const { model, scenario, ejections, jobs } = this;
    const sidecars = this.sidecars.map((s) => ({
      name: `clients${s.group.index}-sidecar${s.index - this.groupFirstSidecar[s.group.index]}`,
      group: s.group,
      outlierStats: s.detector === undefined ? null : s.detector.stats(),
    }));
    return {
      model,
      scenario,
      counters: this.counters,
      series: this.series,
      sidecars,
      ejectionLog: ejections.log,
      maxConcurrentEjections: ejections.maxConcurrent,
      ejectionIntervals: ejections.intervals,
      outlierEvents: ejections.outlierEvents,
      droppedEvents: ejections.droppedEvents,
      faultWindows: this.world.faults.windows,
      capacity: jobs === null ? [] : jobs.servers.report(scenario.durationMs),
      controlPlaneChanges: this.controlPlane.changes,
    };
  }

  private wireDetector(sidecar: Sidecar, root: RandomStream): void {
    const d = sidecar.detector;
    if (d === undefined) return;
    const { lb, index } = sidecar;
    const ejections = this.ejections;
    d.addListener((host, ejected, now) => {
      lb.markEjected(host, ejected);
      ejections.record(index, host, ejected, now);
    });
    if (ejections.recordEvents) {
      d.setEventSink({
        onEject: (det, host, type, enforced, now) => ejections.outlierEvent(index, host, ejectEvent(det, host, type, enforced, now)),
        onUneject: (det, host, now) => ejections.outlierEvent(index, host, unejectEvent(det, host, now)),
      });
    }
    // The timer is armed when the sidecar's cluster is created; sidecars start at different times,
    // so each ticks at its own phase in (0, interval].
    const interval = d.config.interval_ms;
    const phase = root.fork(`proxy/${index}/tick-phase`).uniform() * interval;
    this.armTick(index, interval - phase);
  }

  private armTick(sidecar: number, atMs: number): void {
    this.kernel.scheduleAt(atMs, EV_TICK, sidecar, 0);
    this.shortcut?.tickArmed(sidecar, atMs);
  }

  /** A queued event (KernelModel). */
  handle(kind: number, a: number, b: number): void {
    const router = this.router;
    switch (kind) {
      case EV_ATTEMPT_END:
        if (router.attemptSeq[a] === b) this.endAttempt(a, router.outcome[a], router.status[a]);
        return;
      case EV_RETRY:
        if (router.generation[a] === b) this.startAttempt(a);
        return;
      case EV_ROUTE_TIMEOUT:
        if (router.generation[a] === b) this.onRouteTimeout(a);
        return;
      case EV_TICK: {
        const d = this.sidecars[a].detector!;
        d.tick(this.kernel.now);
        // The timer is re-armed with the interval as read at this tick.
        this.armTick(a, this.kernel.now + d.config.interval_ms);
        return;
      }
      case EV_SERVER_DONE: {
        const jobs = this.jobs!;
        if (jobs.servers.jobGen[a] === b && jobs.done(a)) this.endAttempt(jobs.slot, jobs.outcome, jobs.status);
        return;
      }
      case EV_CONTROL_PLANE:
        this.controlPlane.apply(a, this.kernel.now);
        this.shortcut?.controlPlaneApplied();
        return;
      case EV_RUN_POSTS: {
        const s = this.sidecars[a];
        s.postsScheduled = false;
        s.detector!.runPosts(this.kernel.now);
        return;
      }
    }
  }

  private scheduleArrival(group: number): void {
    const t = this.arrivals[group].nextArrival();
    this.kernel.sourceTimes[group] = t < this.scenario.durationMs ? t : 1 / 0;
  }

  /** The next request of client group `group` arrives (KernelModel: the group is a source). */
  onSource(group: number): void {
    const replica = this.arrivals[group].lastReplica;
    this.scheduleArrival(group);
    const route = this.groupFirstSidecar[group] + replica;
    const router = this.router;
    this.counters.requestsStarted++;
    const host = router.pickFirst(route);
    if (host !== NO_HOST) {
      this.decideAttempt(route, host);
      if (this.finishedAtOnce(route, host)) return;
    }
    this.sendDecided(router.beginWithHost(route, host), host);
  }

  /** A retry's attempt starts now (the first try's is in onSource). */
  private startAttempt(slot: number): void {
    const host = this.router.start(slot);
    this.counters.retries++;
    if (host !== NO_HOST) this.decideAttempt(this.router.route[slot], host);
    this.sendDecided(slot, host);
  }

  /** The attempt's start is counted and the world decides its answer (into `decision`). */
  private decideAttempt(route: number, host: number): void {
    const now = this.kernel.now;
    const sidecar = this.sidecars[route];
    const endpoint = sidecar.group.hostToEndpoint[host];
    this.counters.attemptStarted(now, endpoint, sidecar.lb.hostPriority[host]);
    this.world.decideAttempt(endpoint, now, this.attemptRng[endpoint], sidecar.group.cluster.connect_timeout_ms, this.decision);
  }

  /**
   * A first try whose answer finishes the request and that nothing can observe in between
   * (completion-shortcut.ts) is done now, before it takes a router slot: the router reports it and
   * the request is recorded as finished at its end. False: it goes the usual way.
   */
  private finishedAtOnce(route: number, host: number): boolean {
    const shortcut = this.shortcut;
    if (shortcut === null || this.jobs !== null) return false;
    const router = this.router;
    const end = router.endsRequestAt(route, this.decision);
    if (end < 0 || !shortcut.completesAt(route, host, end)) return false;
    const sidecar = this.sidecars[route];
    router.finishAtOnce(route, host, this.decision.status, end);
    this.afterReport(sidecar);
    this.counters.requestFinished(end, sidecar.group.index, false, end - this.kernel.now);
    return true;
  }

  /** The attempt in `slot` (decided by decideAttempt, or NO_HOST) goes out: the router names what follows. */
  private sendDecided(slot: number, host: number): void {
    if (host === NO_HOST) {
      this.counters.noHealthyUpstream++;
      this.finishRequest(slot, true);
      return;
    }
    const router = this.router;
    const sidecar = this.sidecars[router.route[slot]];
    const answer = this.decision;
    if (this.jobs !== null) this.jobs.send(slot, sidecar.group.hostToEndpoint[host], this.kernel.now, answer);
    const next = router.send(slot, answer);
    this.afterReport(sidecar);
    this.follow(slot, next);
  }

  /** Arms what the router asked for, or records the finished request. */
  private follow(slot: number, next: number): void {
    const router = this.router;
    switch (next) {
      case RouterNext.ATTEMPT_END:
        if (this.shortcut !== null && this.shortcut.completesNow(slot)) this.completeNow(slot);
        else this.kernel.scheduleAt(router.timerAt[slot], EV_ATTEMPT_END, slot, router.attemptSeq[slot]);
        return;
      case RouterNext.RETRY:
        this.kernel.scheduleAt(router.timerAt[slot], EV_RETRY, slot, router.generation[slot]);
        return;
      case RouterNext.ROUTE_TIMEOUT:
        this.kernel.scheduleAt(router.timerAt[slot], EV_ROUTE_TIMEOUT, slot, router.generation[slot]);
        return;
      case RouterNext.SUCCEEDED:
      case RouterNext.FAILED:
        this.finishRequest(slot, next === RouterNext.FAILED);
        return;
    }
  }

  /** Runs the attempt's end now, as its event would at its time (completion-shortcut.ts says nothing can tell). */
  private completeNow(slot: number): void {
    const kernel = this.kernel;
    const now = kernel.now;
    kernel.now = this.router.timerAt[slot];
    // endAttempt's path for a final success: no job, no failure, no retry, no detection queued.
    this.router.endFinished(slot);
    this.finishRequest(slot, false);
    kernel.now = now;
  }

  /** The attempt in flight ended with `outcome` (and `status`, for a response). */
  private endAttempt(slot: number, outcome: number, status: number): void {
    const router = this.router;
    const sidecar = this.sidecars[router.route[slot]];
    const endpoint = sidecar.group.hostToEndpoint[router.host[slot]];
    this.jobs?.abandon(slot);
    if (outcome !== AttemptOutcome.RESPONSE || status >= 500) this.counters.attemptFailed(router.attemptStart[slot], endpoint);
    const next = router.end(slot, outcome, status);
    this.afterReport(sidecar);
    this.follow(slot, next);
  }

  private onRouteTimeout(slot: number): void {
    const router = this.router;
    this.counters.routeTimeouts++;
    const sidecar = this.sidecars[router.route[slot]];
    const host = router.host[slot];
    if (host >= 0) {
      this.jobs?.abandon(slot);
      this.counters.attemptFailed(router.attemptStart[slot], sidecar.group.hostToEndpoint[host]);
    }
    router.routeTimeout(slot);
    this.afterReport(sidecar);
    this.finishRequest(slot, true);
  }

  /** With an ejection delay the detector queues detections; run them `delay` later on "main". */
  private afterReport(sidecar: Sidecar): void {
    if (!sidecar.postsScheduled && sidecar.detector !== undefined && sidecar.detector.pendingPosts > 0) {
      sidecar.postsScheduled = true;
      this.kernel.schedule(this.scenario.proxy.ejectionDelayMs, EV_RUN_POSTS, sidecar.index, 0);
    }
  }

  private finishRequest(slot: number, failed: boolean): void {
    const router = this.router;
    const now = this.kernel.now;
    const group = this.sidecars[router.route[slot]].group.index;
    this.counters.requestFinished(now, group, failed, now - router.requestStart[slot]);
    router.release(slot);
  }
}
