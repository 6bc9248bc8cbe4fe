/**
 * One simulation run: the world (endpoints, faults, traffic) driving one Envoy per client sidecar.
 *
 * A request's way through (DESIGN.md): arrival at a sidecar → its load balancer picks a host
 * (priority, locality, host; host-selection retries on retries) → the world decides the attempt's
 * outcome from the endpoint's state at that time → the attempt ends (response, failure, per-try
 * timeout) → the result is reported to that sidecar's outlier detector (which may eject: the load
 * balancer recomputes) → the router retries (back-off) or the request finishes → metrics.
 *
 * Everything Envoy does is done by src/envoy (detector, load balancer, retry state); this file only
 * moves time forward and wires them. The per-request path allocates nothing: requests live in
 * typed-array slots (their retry state in a RetryStateTable row), events are (time, kind, a, b) numbers.
 */
import { Kernel } from '../engine/kernel.ts';
import { grownTo } from '../engine/typed-arrays.ts';
import { RandomStream, rootStream } from '../engine/random.ts';
import { ClusterLoadBalancer } from '../envoy/lb/cluster-lb.ts';
import { OutlierDetector } from '../envoy/outlier/detector.ts';
import { ejectEvent, unejectEvent, type OutlierEvent, type OutlierEventSink } from '../envoy/outlier/event-log.ts';
import { AttemptOutcome } from '../envoy/router/outcomes.ts';
import { NO_HOST, RouterNext, UpstreamRequests } from '../envoy/router/upstream-requests.ts';
import { EjectionLog } from '../metrics/incidents.ts';
import { RunSeries } from '../metrics/time-series.ts';
import type { Scenario } from '../config/scenario.ts';
import { buildEndpointWorld, newAttemptDecision, reachesServer, type EndpointWorld } from '../world/attempt.ts';
import { buildArrivalProcesses, type ArrivalProcess } from '../world/traffic.ts';
import { ADMIT_REJECTED, ADMIT_STARTED, EndpointServers } from '../world/capacity.ts';
import { endpointSpecFor } from '../config/scenario.ts';
import type { ClientGroupModel, RunModel } from './model.ts';

// Event kinds.
const EV_ATTEMPT_END = 1;
const EV_RETRY = 2;
const EV_ROUTE_TIMEOUT = 3;
const EV_TICK = 4;
const EV_RUN_POSTS = 5;
const EV_SERVER_DONE = 6;

/** One ejection interval of one host in one proxy (for the timeline and events). */
export interface EjectionInterval {
  proxy: number;
  endpoint: number;
  fromMs: number;
  /** null: still ejected when the run ended. */
  untilMs: number | null;
}

/** One sidecar's outlier event (Envoy's event-log record) and the world endpoint it concerns. */
export interface ProxyOutlierEvent {
  proxy: number;
  endpoint: number;
  event: OutlierEvent;
}

export interface SimulationOptions {
  /** Keep per-host ejection intervals and outlier events (for --out); bounded by `eventLimit`. */
  recordEvents?: boolean;
  eventLimit?: number;
  /** Called every `progressEveryMs` of simulated time with the current time (progress bars). */
  onProgress?: (simulatedMs: number) => void;
  progressEveryMs?: number;
}

/** One client sidecar: its own detector, load balancer and router route, tick phase and counters. */
class Sidecar {
  readonly detector: OutlierDetector | undefined;
  readonly lb: ClusterLoadBalancer;
  postsScheduled = false;
  /** Per host: when the current ejection began (NaN when not ejected). */
  readonly ejectedSince: Float64Array;
  ejectedNow = 0;

  constructor(
    readonly index: number,
    readonly group: ClientGroupModel,
    readonly semantics: RunModel['versions']['semantics'],
    root: RandomStream,
    ejectionDelayMs: number,
  ) {
    const n = group.cluster.endpoints.length;
    this.lb = new ClusterLoadBalancer(group.cluster, semantics, group.spec.locality, root.fork(`proxy/${index}/lb`));
    this.ejectedSince = new Float64Array(n).fill(NaN);
    if (group.outlier !== undefined) {
      const d = new OutlierDetector({
        config: group.outlier,
        profile: semantics.outlier,
        random: root.fork(`proxy/${index}/outlier`),
        dispatch: ejectionDelayMs > 0 ? 'deferred' : 'inline',
      });
      for (let h = 0; h < n; h++) {
        const slot = d.addHost(0, group.cluster.endpoints[h].address);
        if (slot !== h) throw new Error('outlier detector slots must follow the cluster host order');
      }
      this.detector = d;
    }
  }
}

export class Simulation {
  readonly kernel = new Kernel(4096);
  readonly series: RunSeries;
  readonly ejectionLog: EjectionLog;
  readonly world: EndpointWorld;
  /** Endpoints with finite capacity (null when no endpoint has a `capacity`). */
  readonly servers: EndpointServers | null;
  readonly proxies: Sidecar[] = [];
  readonly ejectionIntervals: EjectionInterval[] = [];
  readonly outlierEvents: ProxyOutlierEvent[] = [];
  droppedEvents = 0;

  // Totals (client view after retries, and upstream attempts).
  requestsStarted = 0;
  requestsFinished = 0;
  requestsFailed = 0;
  attempts = 0;
  noHealthyUpstream = 0;
  retries = 0;
  routeTimeouts = 0;
  readonly attemptsByEndpoint: Float64Array;
  /** Finished and failed requests per client group. */
  readonly requestsByGroup: Float64Array;
  readonly failedByGroup: Float64Array;
  readonly failedAttemptsByEndpoint: Float64Array;
  /** Attempts by the priority the picked host has in its proxy's cluster. */
  attemptsByPriority: Float64Array = new Float64Array(8);
  /** Most (proxy, host) ejections in force at once. */
  maxConcurrentEjections = 0;
  private ejectedTotal = 0;

  private readonly arrivals: ArrivalProcess[];
  /** Next arrival time per client group (Infinity when the group has no more). */
  private readonly nextArrivalAt: Float64Array;
  private readonly groupFirstProxy: Int32Array;
  private readonly attemptRng: RandomStream[];
  private readonly decision = newAttemptDecision();
  private readonly durationMs: number;
  private readonly recordEvents: boolean;
  private readonly eventLimit: number;
  /** Envoy's router: every request in flight, its attempts, retries and timeouts. */
  private readonly router: UpstreamRequests;
  /** Per request slot: the attempt's job at a capacity-limited endpoint, or -1. */
  private attemptJob = new Int32Array(0);

  constructor(
    readonly model: RunModel,
    readonly scenario: Scenario,
    options: SimulationOptions = {},
  ) {
    const root = rootStream(scenario.seed);
    this.durationMs = scenario.durationMs;
    this.recordEvents = options.recordEvents ?? false;
    this.eventLimit = options.eventLimit ?? 1_000_000;
    const nE = model.endpoints.length;
    this.series = new RunSeries(scenario.durationMs, scenario.metrics.bucketMs, nE);
    this.world = buildEndpointWorld(scenario, model.endpoints, root.fork('world'));
    const servers = new EndpointServers(model.endpoints.map((e) => endpointSpecFor(scenario, e.address).capacity));
    this.servers = servers.any ? servers : null;
    // Ejections landing within one detector interval after a fault still belong to it.
    const grace = Math.max(0, ...model.groups.map((g) => g.outlier?.interval_ms ?? 0)) + scenario.proxy.ejectionDelayMs;
    this.attemptsByEndpoint = new Float64Array(nE);
    this.requestsByGroup = new Float64Array(model.groups.length);
    this.failedByGroup = new Float64Array(model.groups.length);
    this.failedAttemptsByEndpoint = new Float64Array(nE);
    this.attemptRng = model.endpoints.map((_, e) => root.fork(`world/endpoint/${e}/attempts`));
    this.arrivals = buildArrivalProcesses(scenario.clients, scenario.durationMs, root);
    this.nextArrivalAt = new Float64Array(this.arrivals.length).fill(Infinity);
    this.groupFirstProxy = new Int32Array(model.groups.length);
    let maxPriorities = 1;
    for (const g of model.groups) {
      this.groupFirstProxy[g.index] = this.proxies.length;
      for (let r = 0; r < g.spec.replicas; r++) {
        const p = new Sidecar(this.proxies.length, g, model.versions.semantics, root, scenario.proxy.ejectionDelayMs);
        this.proxies.push(p);
        maxPriorities = Math.max(maxPriorities, p.lb.priorityCount);
      }
    }
    this.attemptsByPriority = new Float64Array(maxPriorities);
    this.router = new UpstreamRequests(
      this.proxies.map((p) => ({
        lb: p.lb,
        detector: p.detector,
        retryPolicy: p.group.retryPolicy,
        routeTimeoutMs: p.group.cluster.route_timeout_ms,
        reportsOverflowToOutlier: p.semantics.reportsOverflowToOutlier,
      })),
      rootStream(scenario.seed).fork('router/backoff'),
      this.kernel,
    );
    this.ejectionLog = new EjectionLog(this.world.faults.windows, this.proxies.length, grace);

    for (const proxy of this.proxies) this.wireDetector(proxy, root);
    for (let g = 0; g < this.arrivals.length; g++) this.scheduleArrival(g);
    this.progress = options.onProgress;
    this.progressEveryMs = options.progressEveryMs ?? 10_000;
  }
  private readonly progress: ((ms: number) => void) | undefined;
  private readonly progressEveryMs: number;

  /** Runs to the scenario's duration. Requests still in flight then are reported as such. */
  run(): void {
    const end = this.durationMs;
    const step = this.progress === undefined ? end : this.progressEveryMs;
    for (let t = step; ; t += step) {
      const stop = Math.min(t, end);
      this.runUntil(stop);
      if (this.progress !== undefined) this.progress(stop);
      if (stop >= end) break;
    }
    this.finish(end);
  }

  /**
   * The event loop. Arrivals are not queued: each client group's next arrival time sits in
   * `nextArrivalAt` and the loop takes whichever comes first, the earliest arrival or the head of
   * the event queue (queued events first on a tie). That halves the heap operations per request —
   * the queue was the largest cost in the profile (experiments/perf/simulation.md) — and the
   * dispatch is inlined here rather than going through a handler closure.
   */
  private runUntil(endTime: number): void {
    const kernel = this.kernel;
    const q = kernel.queue;
    const arrivalsAt = this.nextArrivalAt;
    const groups = arrivalsAt.length;
    for (;;) {
      let g = -1;
      let ta = 1 / 0; // +∞ as a literal here and below: hot-path conventions, docs/architecture.md
      for (let i = 0; i < groups; i++) {
        if (arrivalsAt[i] < ta) {
          ta = arrivalsAt[i];
          g = i;
        }
      }
      const tq = q.peekTime();
      if (tq <= ta) {
        if (!(tq < endTime)) break;
        q.pop();
        kernel.now = q.time;
        this.handle(q.kind, q.a, q.b);
      } else {
        if (!(ta < endTime)) break;
        kernel.now = ta;
        this.onArrival(g);
      }
    }
    if (endTime > kernel.now) kernel.now = endTime;
  }

  get requestsInFlight(): number {
    return this.requestsStarted - this.requestsFinished;
  }

  // ------------------------------------------------------------------ wiring

  private wireDetector(proxy: Sidecar, root: RandomStream): void {
    const d = proxy.detector;
    if (d === undefined) return;
    const hostToEndpoint = proxy.group.hostToEndpoint;
    d.addListener((slot, ejected, now) => {
      proxy.lb.markEjected(slot, ejected);
      const endpoint = hostToEndpoint[slot];
      if (ejected) {
        proxy.ejectedSince[slot] = now;
        proxy.ejectedNow++;
        this.ejectedTotal++;
        if (this.ejectedTotal > this.maxConcurrentEjections) this.maxConcurrentEjections = this.ejectedTotal;
        this.series.recordEjection(now, endpoint);
        this.ejectionLog.record(now, proxy.index, endpoint);
      } else {
        if (this.recordEvents) this.pushInterval(proxy.index, endpoint, proxy.ejectedSince[slot], now);
        proxy.ejectedSince[slot] = NaN;
        proxy.ejectedNow--;
        this.ejectedTotal--;
        this.series.recordUnejection(now, endpoint);
      }
    });
    if (this.recordEvents) d.setEventSink(this.eventSinkFor(proxy));
    // The timer is armed when the sidecar's cluster is created; sidecars start at different times,
    // so each proxy ticks at its own phase in (0, interval].
    const interval = d.config.interval_ms;
    const phase = root.fork(`proxy/${proxy.index}/tick-phase`).uniform() * interval;
    this.kernel.scheduleAt(interval - phase, EV_TICK, proxy.index, 0);
  }

  private eventSinkFor(proxy: Sidecar): OutlierEventSink {
    const hostToEndpoint = proxy.group.hostToEndpoint;
    const push = (slot: number, event: OutlierEvent): void => {
      if (this.outlierEvents.length < this.eventLimit) this.outlierEvents.push({ proxy: proxy.index, endpoint: hostToEndpoint[slot], event });
      else this.droppedEvents++;
    };
    return {
      onEject: (d, slot, type, enforced, now) => push(slot, ejectEvent(d, slot, type, enforced, now)),
      onUneject: (d, slot, now) => push(slot, unejectEvent(d, slot, now)),
    };
  }

  private pushInterval(proxy: number, endpoint: number, fromMs: number, untilMs: number | null): void {
    if (this.ejectionIntervals.length < this.eventLimit) this.ejectionIntervals.push({ proxy, endpoint, fromMs, untilMs });
    else this.droppedEvents++;
  }

  private finish(end: number): void {
    this.series.finish();
    if (this.recordEvents) {
      for (const p of this.proxies) {
        for (let h = 0; h < p.ejectedSince.length; h++) {
          if (p.ejectedSince[h] === p.ejectedSince[h]) this.pushInterval(p.index, p.group.hostToEndpoint[h], p.ejectedSince[h], null);
        }
      }
      this.ejectionIntervals.sort((x, y) => x.fromMs - y.fromMs || x.proxy - y.proxy || x.endpoint - y.endpoint);
    }
    void end;
  }

  // ------------------------------------------------------------------ events

  private handle(kind: number, a: number, b: number): void {
    const router = this.router;
    switch (kind) {
      case EV_ATTEMPT_END:
        if (router.attemptSeq[a] === b) this.onAttemptEnd(a);
        return;
      case EV_RETRY:
        if (router.generation[a] === b) this.startAttempt(a);
        return;
      case EV_ROUTE_TIMEOUT:
        if (router.generation[a] === b) this.onRouteTimeout(a);
        return;
      case EV_TICK:
        this.onTick(a);
        return;
      case EV_SERVER_DONE:
        if (this.servers!.jobGen[a] === b) this.onServerDone(a);
        return;
      case EV_RUN_POSTS: {
        const p = this.proxies[a];
        p.postsScheduled = false;
        p.detector!.runPosts(this.kernel.now);
        return;
      }
    }
  }

  private scheduleArrival(group: number): void {
    const t = this.arrivals[group].nextArrival();
    this.nextArrivalAt[group] = t < this.durationMs ? t : 1 / 0;
  }

  private onArrival(group: number): void {
    const replica = this.arrivals[group].lastReplica;
    this.scheduleArrival(group);
    const slot = this.router.begin(this.groupFirstProxy[group] + replica);
    if (slot >= this.attemptJob.length) this.attemptJob = grownTo(this.attemptJob, this.router.timerAt.length).fill(-1, this.attemptJob.length);
    this.requestsStarted++;
    this.startAttempt(slot);
  }

  private startAttempt(slot: number): void {
    const now = this.kernel.now;
    const router = this.router;
    const host = router.start(slot);
    if (router.isRetry(slot)) this.retries++;
    if (host === NO_HOST) {
      // No healthy upstream: a local 503 UH, never reported nor retried (the router's rule).
      this.noHealthyUpstream++;
      this.finishRequest(slot, true);
      return;
    }
    const proxy = this.proxies[router.route[slot]];
    this.attempts++;
    this.attemptsByPriority[router.hostPriority(slot)]++;
    const endpoint = proxy.group.hostToEndpoint[host];
    const dec = this.decision;
    this.world.decideAttempt(endpoint, now, this.attemptRng[endpoint], proxy.group.cluster.connect_timeout_ms, dec);
    let job = -1;
    const servers = this.servers;
    if (servers !== null && servers.limited(endpoint) && reachesServer(dec)) {
      // The server does the work (or refuses it when full); the answer arrives when its job
      // completes (EV_SERVER_DONE), unless the per-try timeout comes first.
      const admitted = servers.admit(endpoint, now, dec.latencyMs, slot, (router.attemptSeq[slot] + 1) | 0, dec.outcome, dec.status);
      if (admitted === ADMIT_REJECTED) {
        dec.outcome = AttemptOutcome.RESPONSE;
        dec.status = servers.overloadStatus[endpoint];
        dec.latencyMs = this.world.connectRefusedDelayMs[endpoint];
      } else {
        job = servers.lastJob;
        if (admitted === ADMIT_STARTED) this.kernel.scheduleAt(now + servers.serviceMs, EV_SERVER_DONE, job, servers.jobGen[job]);
        dec.latencyMs = 1 / 0;
      }
    }
    const next = router.send(slot, dec);
    this.series.recordAttempt(now, endpoint, false);
    this.attemptsByEndpoint[endpoint]++;
    this.attemptJob[slot] = job;
    this.afterReport(proxy);
    this.follow(slot, next);
  }

  /** Arms what the router asked for, or records the finished request. */
  private follow(slot: number, next: number): void {
    const router = this.router;
    switch (next) {
      case RouterNext.ATTEMPT_END:
        this.kernel.scheduleAt(router.timerAt[slot], EV_ATTEMPT_END, slot, router.attemptSeq[slot]);
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

  /** A server job completed: free its place, start the next waiting job, deliver the answer. */
  private onServerDone(job: number): void {
    const servers = this.servers!;
    const router = this.router;
    const now = this.kernel.now;
    const slot = servers.jobSlot[job];
    const seq = servers.jobSeq[job];
    const outcome = servers.jobOutcome[job];
    const status = servers.jobStatus[job];
    this.startNextJob(servers.finish(job, now), now);
    // The client may have given up already (timeout): then the work was wasted.
    if (router.attemptSeq[slot] === seq && router.host[slot] >= 0 && this.attemptJob[slot] === job) {
      this.attemptJob[slot] = -1;
      this.endAttempt(slot, outcome, status);
    }
  }

  private startNextJob(next: number, now: number): void {
    if (next >= 0) this.kernel.scheduleAt(now + this.servers!.serviceMs, EV_SERVER_DONE, next, this.servers!.jobGen[next]);
  }

  /** The attempt ended without its job's answer (timeout): the job goes on, or is cancelled. */
  private abandonJob(slot: number): void {
    const job = this.attemptJob[slot];
    if (job < 0) return;
    const now = this.kernel.now;
    this.attemptJob[slot] = -1;
    const servers = this.servers!;
    if (servers.cancelAbandoned[servers.jobEndpoint[job]] === 0) return;
    if (servers.isWaiting(job)) servers.cancelWaiting(job);
    else this.startNextJob(servers.finish(job, now), now);
  }

  /** Counts a failed attempt (in the bucket of its start). */
  private attemptFailed(slot: number, endpoint: number): void {
    this.series.recordAttemptFailure(this.router.attemptStart[slot], endpoint);
    this.failedAttemptsByEndpoint[endpoint]++;
  }

  private onAttemptEnd(slot: number): void {
    const router = this.router;
    this.endAttempt(slot, router.outcome[slot], router.status[slot]);
  }

  /** The attempt in flight ended with `outcome` (and `status`, for a response). */
  private endAttempt(slot: number, outcome: number, status: number): void {
    const router = this.router;
    const proxy = this.proxies[router.route[slot]];
    const host = router.host[slot];
    this.abandonJob(slot);
    if (outcome !== AttemptOutcome.RESPONSE || status >= 500) this.attemptFailed(slot, proxy.group.hostToEndpoint[host]);
    const next = router.end(slot, outcome, status);
    this.afterReport(proxy);
    this.follow(slot, next);
  }

  private onRouteTimeout(slot: number): void {
    const router = this.router;
    this.routeTimeouts++;
    const proxy = this.proxies[router.route[slot]];
    const host = router.host[slot];
    if (host >= 0) {
      this.abandonJob(slot);
      this.attemptFailed(slot, proxy.group.hostToEndpoint[host]);
    }
    router.routeTimeout(slot);
    this.afterReport(proxy);
    this.finishRequest(slot, true);
  }

  /** With an ejection delay the detector queues detections; run them `delay` later on "main". */
  private afterReport(proxy: Sidecar): void {
    if (!proxy.postsScheduled && proxy.detector !== undefined && proxy.detector.pendingPosts > 0) {
      proxy.postsScheduled = true;
      this.kernel.schedule(this.scenario.proxy.ejectionDelayMs, EV_RUN_POSTS, proxy.index, 0);
    }
  }

  private onTick(proxyIndex: number): void {
    const d = this.proxies[proxyIndex].detector!;
    d.tick(this.kernel.now);
    // The timer is re-armed with the interval as read at this tick.
    this.kernel.schedule(d.config.interval_ms, EV_TICK, proxyIndex, 0);
  }

  private finishRequest(slot: number, failed: boolean): void {
    const router = this.router;
    const now = this.kernel.now;
    this.requestsFinished++;
    const group = this.proxies[router.route[slot]].group.index;
    this.requestsByGroup[group]++;
    if (failed) {
      this.requestsFailed++;
      this.failedByGroup[group]++;
    }
    this.series.recordRequest(now, failed, now - router.requestStart[slot]);
    router.release(slot);
  }
}
