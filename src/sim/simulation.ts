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
import { PickContext, ClusterLoadBalancer } from '../envoy/lb/cluster-lb.ts';
import { PreviousPrioritiesRetryPriority } from '../envoy/lb/retry-priority.ts';
import { OutlierDetector } from '../envoy/outlier/detector.ts';
import { ejectEvent, unejectEvent, type OutlierEvent, type OutlierEventSink } from '../envoy/outlier/event-log.ts';
import {
  AttemptOutcome,
  clientSeesReset,
  clientStatus,
  reportAttemptFailure,
  reportPoolReady,
  reportResponseHeaders,
  TIMEOUT_RESPONSE_CODE,
} from '../envoy/router/outcomes.ts';
import { compileRetryPolicy, type RetryPolicy } from '../envoy/router/retry-policy.ts';
import { RetryStateTable, RetryStatus } from '../envoy/router/retry-state.ts';
import { EjectionLog } from '../metrics/incidents.ts';
import { RunSeries } from '../metrics/time-series.ts';
import type { Scenario } from '../config/scenario.ts';
import {
  buildEndpointWorld,
  newAttemptDecision,
  OUTCOME_BLACKHOLE,
  OUTCOME_CONNECT_REFUSED,
  OUTCOME_CONNECT_TIMEOUT,
  OUTCOME_HTTP_ERROR,
  OUTCOME_RESET,
  type EndpointWorld,
} from '../world/attempt.ts';
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

/** A retry policy that never retries: requests of clusters without one use it. */
const NO_RETRY_POLICY: RetryPolicy = compileRetryPolicy({
  num_retries: 0,
  retry_on: [],
  retriable_status_codes: [],
  per_try_timeout_ms: 0,
  previous_hosts_predicate: false,
  host_selection_retry_max_attempts: 0,
  backoff_base_interval_ms: 25,
  backoff_max_interval_ms: 250,
});

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

/** One client sidecar: its own detector, load balancer, tick phase and counters. */
class Proxy {
  readonly detector: OutlierDetector | undefined;
  readonly lb: ClusterLoadBalancer;
  readonly ctx = new PickContext();
  /** previous_hosts predicate scratch (1 = reject), set and cleared around each retry pick. */
  readonly reject: Uint8Array;
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
    this.reject = new Uint8Array(n);
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
  readonly proxies: Proxy[] = [];
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

  // Request slots.
  private capacity = 0;
  private freeList = new Int32Array(0);
  private freeCount = 0;
  private reqProxy = new Int32Array(0);
  private reqStart = new Float64Array(0);
  /** Bumped when a request finishes: stale retry / route-timeout events compare against it. */
  private reqGen = new Int32Array(0);
  /** Bumped per attempt: a stale attempt-end event compares against it. */
  private reqAttemptSeq = new Int32Array(0);
  private reqHost = new Int32Array(0);
  private reqOutcome = new Int32Array(0);
  private reqStatus = new Int32Array(0);
  private reqConnected = new Uint8Array(0);
  /** Start time of the attempt in flight (attempt failures are counted in its bucket). */
  private reqAttemptStart = new Float64Array(0);
  /** 1 once the request's route-timeout event is queued. */
  private reqTimeoutQueued = new Uint8Array(0);
  /** The attempt's job at a capacity-limited endpoint, or -1. */
  private reqJob = new Int32Array(0);
  /** Retry state per request slot (its attempted hosts feed the previous_hosts scratch). */
  private readonly retry: RetryStateTable;
  private retryPriorities: (PreviousPrioritiesRetryPriority | null)[] = [];

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
    let maxAttempts = 1;
    let maxPriorities = 1;
    for (const g of model.groups) {
      this.groupFirstProxy[g.index] = this.proxies.length;
      maxAttempts = Math.max(maxAttempts, (g.retryPolicy?.numRetries ?? 0) + 1);
      for (let r = 0; r < g.spec.replicas; r++) {
        const p = new Proxy(this.proxies.length, g, model.versions.semantics, root, scenario.proxy.ejectionDelayMs);
        this.proxies.push(p);
        maxPriorities = Math.max(maxPriorities, p.lb.priorityCount);
      }
    }
    this.attemptsByPriority = new Float64Array(maxPriorities);
    this.retry = new RetryStateTable(rootStream(scenario.seed).fork('router/backoff'), 0, maxAttempts);
    this.ejectionLog = new EjectionLog(this.world.faults.windows, this.proxies.length, grace);
    this.growSlots(1024);

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

  private wireDetector(proxy: Proxy, root: RandomStream): void {
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

  private eventSinkFor(proxy: Proxy): OutlierEventSink {
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
    switch (kind) {
      case EV_ATTEMPT_END:
        if (this.reqAttemptSeq[a] === b) this.onAttemptEnd(a);
        return;
      case EV_RETRY:
        if (this.reqGen[a] === b) this.startAttempt(a);
        return;
      case EV_ROUTE_TIMEOUT:
        if (this.reqGen[a] === b) this.onRouteTimeout(a);
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
    const proxyIndex = this.groupFirstProxy[group] + replica;
    const now = this.kernel.now;
    const slot = this.allocSlot();
    this.requestsStarted++;
    this.reqProxy[slot] = proxyIndex;
    this.reqStart[slot] = now;
    this.reqTimeoutQueued[slot] = 0;
    const proxy = this.proxies[proxyIndex];
    this.retry.begin(slot, now, proxy.group.cluster.route_timeout_ms, proxy.group.retryPolicy ?? NO_RETRY_POLICY);
    const rp = this.retryPriorities[slot];
    if (rp !== null) rp.reset();
    // The route timeout is queued only when something would reach it (see startAttempt and
    // onAttemptEnd): most requests finish well before it, and a queued-but-never-firing event per
    // request was the largest cost of runs with route timeouts (experiments/perf/simulation.md).
    this.startAttempt(slot);
  }

  private startAttempt(slot: number): void {
    const now = this.kernel.now;
    const proxy = this.proxies[this.reqProxy[slot]];
    const lb = proxy.lb;
    const rs = this.retry;
    rs.onAttemptStart(slot);
    const ctx = proxy.ctx;
    ctx.hostSelectionRetryCount = rs.hostSelectionRetryCount(slot);
    let usePredicate = false;
    if (rs.isRetry(slot)) {
      this.retries++;
      const policy = rs.policy[slot];
      usePredicate = policy.previousHosts;
      if (usePredicate) rs.markAttempted(slot, proxy.reject, 1);
      ctx.rejectHosts = usePredicate ? proxy.reject : null;
      ctx.retryPriority = this.retryPriorities[slot] !== null && policy.previousPrioritiesUpdateFrequency > 0 ? this.retryPriorities[slot] : null;
    } else {
      ctx.rejectHosts = null;
      ctx.retryPriority = null;
    }
    const host = lb.chooseHost(ctx);
    if (usePredicate) rs.markAttempted(slot, proxy.reject, 0);
    if (host < 0) {
      // No healthy upstream: Envoy answers a local 503 (UH) at once, never reported to the detector
      // and never retried.
      this.noHealthyUpstream++;
      this.finishRequest(slot, now, true);
      return;
    }
    rs.onHostAttempted(slot, host);
    const rp = this.retryPriorities[slot];
    if (rp !== null) rp.onHostAttempted(lb.hostPriority[host]);
    lb.activeRequests[host]++;
    this.attempts++;
    this.attemptsByPriority[lb.hostPriority[host]]++;

    const endpoint = proxy.group.hostToEndpoint[host];
    const dec = this.decision;
    this.world.decideAttempt(endpoint, now, this.attemptRng[endpoint], proxy.group.cluster.connect_timeout_ms, dec);

    // Map the world's answer to the router's attempt outcome and when it ends.
    let outcome: number;
    let status = 0;
    let end = now + dec.latencyMs;
    let connected = true;
    switch (dec.outcome) {
      case OUTCOME_CONNECT_REFUSED:
        outcome = AttemptOutcome.CONNECT_FAILURE;
        connected = false;
        break;
      case OUTCOME_CONNECT_TIMEOUT:
        outcome = AttemptOutcome.CONNECT_TIMEOUT;
        connected = false;
        break;
      case OUTCOME_RESET:
      case OUTCOME_BLACKHOLE:
        outcome = AttemptOutcome.RESET_BEFORE_HEADERS;
        break;
      default:
        outcome = AttemptOutcome.RESPONSE;
        status = dec.httpStatus;
    }
    const seq = (this.reqAttemptSeq[slot] + 1) | 0;
    let job = -1;
    const servers = this.servers;
    if (servers !== null && servers.limited(endpoint) && dec.outcome !== OUTCOME_CONNECT_REFUSED && dec.outcome !== OUTCOME_CONNECT_TIMEOUT && dec.outcome !== OUTCOME_BLACKHOLE) {
      // The server does the work (or refuses it when full); the response arrives when its job
      // completes (EV_SERVER_DONE), unless the per-try timeout comes first.
      const admitted = servers.admit(endpoint, now, dec.latencyMs, slot, seq, outcome, status);
      if (admitted === ADMIT_REJECTED) {
        outcome = AttemptOutcome.RESPONSE;
        status = servers.overloadStatus[endpoint];
        end = now + this.world.connectRefusedDelayMs[endpoint];
      } else {
        job = servers.lastJob;
        if (admitted === ADMIT_STARTED) {
          this.kernel.scheduleAt(now + servers.serviceMs, EV_SERVER_DONE, job, servers.jobGen[job]);
        }
        outcome = AttemptOutcome.PER_TRY_TIMEOUT;
        status = 0;
        end = 1 / 0;
      }
    }
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
    this.series.recordAttempt(now, endpoint, false);
    this.attemptsByEndpoint[endpoint]++;

    this.reqAttemptSeq[slot] = seq;
    this.reqAttemptStart[slot] = now;
    this.reqJob[slot] = job;
    this.reqHost[slot] = host;
    this.reqOutcome[slot] = outcome;
    this.reqStatus[slot] = status;
    this.reqConnected[slot] = connected ? 1 : 0;
    if (connected && proxy.detector !== undefined) {
      reportPoolReady(proxy.detector, host, now);
      this.afterReport(proxy);
    }
    // An attempt that would end at or after the route deadline is ended by the route timeout; a
    // blackholed attempt with no timeout at all never ends (it stays in flight).
    const deadline = rs.deadline[slot];
    if (end < deadline) {
      if (end !== 1 / 0) this.kernel.scheduleAt(end, EV_ATTEMPT_END, slot, seq);
      // end is Infinity for a blackholed attempt or one waiting on a server job: the route timeout
      // must be queued in case nothing else ends it first.
      else if (deadline !== 1 / 0) this.scheduleRouteTimeout(slot, deadline);
    } else {
      this.scheduleRouteTimeout(slot, deadline);
    }
  }

  /** A server job completed: free its place, start the next waiting job, deliver the response. */
  private onServerDone(job: number): void {
    const servers = this.servers!;
    const now = this.kernel.now;
    const slot = servers.jobSlot[job];
    const seq = servers.jobSeq[job];
    const outcome = servers.jobOutcome[job];
    const status = servers.jobStatus[job];
    this.startNextJob(servers.finish(job, now), now);
    // The client may have given up already (timeout): then the work was wasted.
    if (this.reqAttemptSeq[slot] === seq && this.reqHost[slot] >= 0 && this.reqJob[slot] === job) {
      this.reqJob[slot] = -1;
      this.reqOutcome[slot] = outcome;
      this.reqStatus[slot] = status;
      this.onAttemptEnd(slot);
    }
  }

  private startNextJob(next: number, now: number): void {
    if (next >= 0) this.kernel.scheduleAt(now + this.servers!.serviceMs, EV_SERVER_DONE, next, this.servers!.jobGen[next]);
  }

  /** The attempt ended without its job's response (timeout): the job goes on, or is cancelled. */
  private abandonJob(slot: number, now: number): void {
    const job = this.reqJob[slot];
    if (job < 0) return;
    this.reqJob[slot] = -1;
    const servers = this.servers!;
    if (servers.cancelAbandoned[servers.jobEndpoint[job]] === 0) return;
    if (servers.isWaiting(job)) servers.cancelWaiting(job);
    else this.startNextJob(servers.finish(job, now), now);
  }

  /** Counts a failed attempt (in the bucket of its start). */
  private attemptFailed(slot: number, endpoint: number): void {
    this.series.recordAttemptFailure(this.reqAttemptStart[slot], endpoint);
    this.failedAttemptsByEndpoint[endpoint]++;
  }

  private onAttemptEnd(slot: number): void {
    const now = this.kernel.now;
    const proxy = this.proxies[this.reqProxy[slot]];
    const host = this.reqHost[slot];
    const outcome = this.reqOutcome[slot];
    const status = this.reqStatus[slot];
    this.reqHost[slot] = -1;
    // Invalidates the other pending end of this attempt (per-try timeout vs server response).
    this.reqAttemptSeq[slot] = (this.reqAttemptSeq[slot] + 1) | 0;
    this.abandonJob(slot, now);
    proxy.lb.activeRequests[host]--;
    if (outcome !== AttemptOutcome.RESPONSE || status >= 500) this.attemptFailed(slot, proxy.group.hostToEndpoint[host]);
    const d = proxy.detector;
    if (d !== undefined) {
      if (outcome === AttemptOutcome.RESPONSE) reportResponseHeaders(d, host, status, now);
      else reportAttemptFailure(d, host, outcome, now, proxy.semantics.reportsOverflowToOutlier);
      this.afterReport(proxy);
    }
    const rs = this.retry;
    const decision = rs.onAttemptOutcome(slot, outcome, status);
    if (decision === RetryStatus.YES) {
      if (rs.retryStartsBeforeDeadline(slot, now)) {
        this.kernel.scheduleAt(now + rs.backoffMs[slot], EV_RETRY, slot, this.reqGen[slot]);
      }
      // Otherwise the route timeout ends the request before the retry would start.
      else this.scheduleRouteTimeout(slot, rs.deadline[slot]);
      return;
    }
    const clientCode = clientStatus(outcome, status);
    this.finishRequest(slot, now, clientCode >= 500 || clientSeesReset(outcome));
  }

  private onRouteTimeout(slot: number): void {
    const now = this.kernel.now;
    this.routeTimeouts++;
    const host = this.reqHost[slot];
    if (host >= 0) {
      // The attempt in flight is reset; one awaiting headers is reported as a 504 timeout, one still
      // connecting is not reported (it has no host yet in Envoy's terms).
      const proxy = this.proxies[this.reqProxy[slot]];
      proxy.lb.activeRequests[host]--;
      this.abandonJob(slot, now);
      this.attemptFailed(slot, proxy.group.hostToEndpoint[host]);
      const outcome = this.reqConnected[slot] ? AttemptOutcome.GLOBAL_TIMEOUT : AttemptOutcome.GLOBAL_TIMEOUT_CONNECTING;
      if (proxy.detector !== undefined) {
        reportAttemptFailure(proxy.detector, host, outcome, now, proxy.semantics.reportsOverflowToOutlier);
        this.afterReport(proxy);
      }
      this.reqHost[slot] = -1;
      this.reqAttemptSeq[slot] = (this.reqAttemptSeq[slot] + 1) | 0;
    }
    void TIMEOUT_RESPONSE_CODE;
    this.finishRequest(slot, now, true);
  }

  /** Queues the request's route timeout once (per request: the generation guards stale ones). */
  private scheduleRouteTimeout(slot: number, deadline: number): void {
    if (this.reqTimeoutQueued[slot] === 1) return;
    this.reqTimeoutQueued[slot] = 1;
    this.kernel.scheduleAt(deadline, EV_ROUTE_TIMEOUT, slot, this.reqGen[slot]);
  }

  /** With an ejection delay the detector queues detections; run them `delay` later on "main". */
  private afterReport(proxy: Proxy): void {
    if (!proxy.postsScheduled && proxy.detector!.pendingPosts > 0) {
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

  private finishRequest(slot: number, now: number, failed: boolean): void {
    this.requestsFinished++;
    const group = this.proxies[this.reqProxy[slot]].group.index;
    this.requestsByGroup[group]++;
    if (failed) {
      this.requestsFailed++;
      this.failedByGroup[group]++;
    }
    this.series.recordRequest(now, failed, now - this.reqStart[slot]);
    this.reqGen[slot] = (this.reqGen[slot] + 1) | 0;
    this.reqHost[slot] = -1;
    this.freeList[this.freeCount++] = slot;
  }

  // ------------------------------------------------------------------ slots

  private allocSlot(): number {
    if (this.freeCount === 0) this.growSlots(this.capacity * 2);
    return this.freeList[--this.freeCount];
  }

  private growSlots(newCapacity: number): void {
    const old = this.capacity;
    this.reqProxy = grownTo(this.reqProxy, newCapacity);
    this.reqStart = grownTo(this.reqStart, newCapacity);
    this.reqGen = grownTo(this.reqGen, newCapacity);
    this.reqAttemptSeq = grownTo(this.reqAttemptSeq, newCapacity);
    this.reqHost = grownTo(this.reqHost, newCapacity);
    this.reqOutcome = grownTo(this.reqOutcome, newCapacity);
    this.reqStatus = grownTo(this.reqStatus, newCapacity);
    this.reqConnected = grownTo(this.reqConnected, newCapacity);
    this.reqAttemptStart = grownTo(this.reqAttemptStart, newCapacity);
    this.reqJob = grownTo(this.reqJob, newCapacity);
    this.reqTimeoutQueued = grownTo(this.reqTimeoutQueued, newCapacity);
    this.retry.grow(newCapacity);
    const freeList = new Int32Array(newCapacity);
    freeList.set(this.freeList.subarray(0, this.freeCount));
    this.freeList = freeList;
    const needsPriorityPlugin = this.model.groups.some((g) => (g.retryPolicy?.previousPrioritiesUpdateFrequency ?? 0) > 0);
    const priorityCount = Math.max(1, ...this.proxies.map((p) => p.lb.priorityCount));
    // Slots are taken from the end of the free list: push new ones in reverse so slot `old` is next.
    for (let s = newCapacity - 1; s >= old; s--) {
      this.reqHost[s] = -1;
      this.reqJob[s] = -1;
      this.freeList[this.freeCount++] = s;
    }
    for (let s = old; s < newCapacity; s++) {
      this.retryPriorities[s] = needsPriorityPlugin
        ? new PreviousPrioritiesRetryPriority(this.maxPriorityUpdateFrequency(), priorityCount)
        : null;
    }
    this.capacity = newCapacity;
  }

  private maxPriorityUpdateFrequency(): number {
    return Math.max(1, ...this.model.groups.map((g) => g.retryPolicy?.previousPrioritiesUpdateFrequency ?? 0));
  }
}
