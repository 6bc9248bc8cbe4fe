/**
 * One Envoy load balancer for one cluster, as one worker thread of one client proxy has it
 * (Envoy's RoundRobin / LeastRequest / Random LB on top of ZoneAwareLoadBalancerBase and
 * LoadBalancerBase). The simulator drives it at millions of picks per second: hosts are the dense
 * indexes of `cluster.endpoints`, state lives in typed arrays, and chooseHost() allocates nothing.
 *
 * Recomputation follows Envoy (spec §10): a health change of a host is a host-set update of its
 * priority → availability and loads of all priorities, panic flags, zone-aware state (P0), that
 * priority's locality schedulers (fresh seed) and EDF schedulers (same seed_); RR indexes are kept.
 */
import { skipDraws, type IntegerSource } from '../../engine/random.ts';
import type { EnvoyCluster, Locality } from '../cluster.ts';
import type { EnvoySemantics } from '../profiles.ts';
import { ABSENT_FROM_EDS, excludedMask, FAILED_OUTLIER_CHECK, HEALTH_HEALTHY } from './health.ts';
import { compareLocality, HostSetState, localityId, sameLocality, type HostDescription } from './host-sets.ts';
import { HostPicker, POLICY_LEAST_REQUEST, POLICY_RANDOM, POLICY_ROUND_ROBIN } from './host-picker.ts';
import { FORCED_UNKNOWN, LocalityScheduler } from './locality-wrr.ts';
import { choosePriority, panicThresholdPercent, PriorityLoadState } from './priority-load.ts';
import { USE_PLUGIN_LOAD, type PreviousPrioritiesRetryPriority } from './retry-priority.ts';
import { SlowStartTracker } from './slow-start.ts';
import { NO_LOCALITY_ROUTING, ZoneAwareState, type LocalityBuckets } from './zone-aware.ts';
import { uintMod } from '../../engine/int-math.ts';

export const SOURCE_NONE = -1;
export const SOURCE_ALL_HOSTS = 0;
export const SOURCE_HEALTHY_HOSTS = 1;
export const SOURCE_DEGRADED_HOSTS = 2;
export const SOURCE_LOCALITY_HEALTHY_HOSTS = 3;
export const SOURCE_LOCALITY_DEGRADED_HOSTS = 4;

export const SOURCE_KIND_NAMES = ['all_hosts', 'healthy_hosts', 'degraded_hosts', 'locality_healthy_hosts', 'locality_degraded_hosts'];

/**
 * What the router passes to chooseHost (Envoy's LoadBalancerContext). Reuse one per request: the
 * simulator fills the fields, nothing is allocated per pick.
 */
export class PickContext {
  /** hostSelectionRetryCount(): 1 on a first try in the HTTP router, host_selection_retry_max_attempts on retries. */
  hostSelectionRetryCount = 0;
  /** Retry host predicate (previous_hosts): nonzero at index h = reject host h. */
  rejectHosts: Uint8Array | null = null;
  /** Retry priority plugin consulted on retries (Envoy's determinePriorityLoad). */
  retryPriority: PreviousPrioritiesRetryPriority | null = null;
  /** Explicit priority loads to use instead of the LB's (both or neither). */
  healthyLoadOverride: Int32Array | null = null;
  degradedLoadOverride: Int32Array | null = null;
}

export interface ZoneAwareOptions {
  /** The local cluster (the client proxies): hosts per locality, all healthy unless `healthy` says otherwise. */
  localCluster: { locality: Locality; hosts: number; healthy?: number }[];
  /** min_cluster_size (default 6). */
  minClusterSize?: number;
  /** routing_enabled percent (default 100). */
  routingEnabledPercent?: number;
  /** force_local_zone.min_size (newest Envoy) or 1 for force_locality_direct_routing. */
  forceLocalZoneMinSize?: number;
  /** Runtime random for featureEnabled sampling of routing_enabled < 100 (not the LB's random). */
  runtimeRandom?: IntegerSource;
}

export interface ClusterLbOptions {
  /** Health flags per host at creation (health.ts); default all healthy. */
  initialFlags?: ArrayLike<number>;
  /** rq_active per host, shared with the simulator; default a fresh array. */
  activeRequests?: Int32Array;
  /** Simulator time at creation (slow start). */
  createdAtMs?: number;
  /** ClusterLoadAssignment.policy.weighted_priority_health (Envoy ≥ 1.28). */
  weightedPriorityHealth?: boolean;
  /**
   * Number of host sets (at least max endpoint priority + 1). Envoy never deletes a host set: a
   * priority that lost all its hosts stays as an empty one.
   */
  priorityCount?: number;
  /** Overprovisioning factor per priority (CLA policy per priority); default the cluster's for all. */
  overprovisioningFactorByPriority?: readonly number[];
  /** zone_aware_lb_config.fail_traffic_on_panic. */
  failTrafficOnPanic?: boolean;
  leastRequest?: { fullScan?: boolean; activeRequestBias?: number; biasForcesWeighted?: boolean };
  /** Zone-aware routing (needs a local cluster); off when undefined. */
  zoneAware?: ZoneAwareOptions;
  /** Newest Envoy's coalesce_lb_rebuilds_on_batch_update: rebuild schedulers once per batch. */
  coalesceBatchRebuilds?: boolean;
  /** Take the forced-pick shortcut (chooseHost); default true. False runs every try (tests compare). */
  forcedPicks?: boolean;
}

export interface PriorityLoadSummaryRow {
  priority: number;
  hosts: number;
  healthy: number;
  degraded: number;
  excluded: number;
  health: number;
  degradedAvailability: number;
  healthyLoad: number;
  degradedLoad: number;
  panic: boolean;
}

export class ClusterLoadBalancer {
  readonly hostCount: number;
  readonly priorityCount: number;
  readonly policy: number;
  readonly loads: PriorityLoadState;
  readonly hostSets: HostSetState[];
  /** Per host: priority, health flags, coarse health code, weight. */
  readonly hostPriority: Int32Array;
  readonly hostFlags: Int32Array;
  readonly hostHealth: Uint8Array;
  readonly hostWeights: Float64Array;
  readonly activeRequests: Int32Array;
  readonly panicThreshold: number;
  readonly failTrafficOnPanic: boolean;
  readonly localityWeighted: boolean;
  readonly semantics: EnvoySemantics;

  /** Last chooseHostOnce: priority, degraded availability, source kind, locality bucket, panic. */
  lastPriority = -1;
  lastDegraded = false;
  lastSourceKind = SOURCE_NONE;
  lastLocality = -1;
  lastPanic = false;
  /** Envoy's lb_healthy_panic counter (picks whose priority was in panic). */
  panicPicks = 0;
  /** Host-set updates applied (one per changed priority). */
  updates = 0;

  private readonly random: IntegerSource;
  private readonly picker: HostPicker;
  private readonly slowStart: SlowStartTracker | null;
  private readonly excludedBits: number;
  private readonly sourceBase: Int32Array;
  private readonly healthyLocality: LocalityScheduler[];
  private readonly degradedLocality: LocalityScheduler[];
  private readonly zoneAware: ZoneAwareState | null;
  private readonly zoneOptions: ZoneAwareOptions | undefined;
  private readonly localBuckets: { hosts: LocalityBuckets; healthy: LocalityBuckets } | null;
  private readonly coalesce: boolean;
  private readonly dirty: Uint8Array;
  private batchDepth = 0;

  // The forced pick (see chooseHost): recomputed by updateForcedPick() after every state change.
  /** The host every try returns whatever the random draws, or -1 when the draws decide. */
  private forcedHost = -1;
  /** Random draws one try takes (the priority hash, then the policy's own). */
  private forcedDraws = 0;
  /** The source whose round-robin index one try advances, or -1. */
  private forcedRrSource = -1;
  private forcedPriority = -1;
  private forcedLocality = -1;
  private forcedSourceKind = SOURCE_NONE;
  private forcedPanic = false;
  private readonly forcedPicks: boolean;
  /** Hosts in the most populated priority. */
  private readonly largestPriority: number;

  /**
   * A pick can depend on the hosts' in-flight request counts (`activeRequests`): LEAST_REQUEST's
   * choices and its active-request-biased weights, when some priority has two hosts or more. Every
   * source a pick draws from (healthy, degraded, panic's all hosts, a locality's) is a subset of one
   * priority's hosts, so with one host per priority each source holds at most one and the counts
   * never decide (nor weight an EDF: a single host's weights are equal). ROUND_ROBIN and RANDOM never
   * read them.
   */
  get readsActiveRequests(): boolean {
    return this.policy === POLICY_LEAST_REQUEST && this.largestPriority > 1;
  }

  constructor(
    readonly cluster: EnvoyCluster,
    semantics: EnvoySemantics,
    readonly clientLocality: Locality | undefined,
    random: IntegerSource,
    options: ClusterLbOptions = {},
  ) {
    this.semantics = semantics;
    this.random = random;
    const endpoints = cluster.endpoints;
    const n = endpoints.length;
    this.hostCount = n;
    let maxPriority = 0;
    for (const e of endpoints) {
      if (!Number.isInteger(e.priority) || e.priority < 0) throw new Error(`endpoint ${e.address}: priority must be a non-negative integer`);
      if (e.priority > maxPriority) maxPriority = e.priority;
    }
    const priorityCount = Math.max(maxPriority + 1, options.priorityCount ?? 1);
    this.priorityCount = priorityCount;
    this.hostPriority = Int32Array.from(endpoints.map((e) => e.priority));
    this.hostWeights = Float64Array.from(endpoints.map((e) => (e.weight > 0 ? e.weight : 1)));
    this.hostFlags = new Int32Array(n);
    if (options.initialFlags) for (let i = 0; i < n; i++) this.hostFlags[i] = options.initialFlags[i] ?? 0;
    this.hostHealth = new Uint8Array(n);
    this.activeRequests = options.activeRequests ?? new Int32Array(n);
    this.excludedBits = excludedMask(semantics.drainingExcluded);
    this.panicThreshold = panicThresholdPercent(cluster.healthy_panic_threshold ?? 50);
    this.failTrafficOnPanic = options.failTrafficOnPanic ?? false;
    this.localityWeighted = cluster.locality_weighted_lb_config === true;
    this.coalesce = options.coalesceBatchRebuilds ?? false;
    this.forcedPicks = options.forcedPicks ?? true;
    this.dirty = new Uint8Array(priorityCount);

    const descriptions: HostDescription[] = endpoints.map((e) => ({ priority: e.priority, locality: e.locality, weight: e.weight }));
    const members: number[][] = Array.from({ length: priorityCount }, () => []);
    for (let i = 0; i < n; i++) members[endpoints[i].priority].push(i);
    this.largestPriority = Math.max(...members.map((m) => m.length));
    const weights = cluster.locality_weights ?? {};
    const localityWeightOf = this.localityWeighted
      ? (p: number, l: Locality) => weights[`${p}|${localityId(l)}`] ?? 0
      : null;
    this.hostSets = members.map((m, p) => new HostSetState(p, m, descriptions, clientLocality, localityWeightOf));

    const factor = new Int32Array(priorityCount).fill(cluster.overprovisioning_factor ?? 140);
    const byPriority = options.overprovisioningFactorByPriority;
    if (byPriority) for (let p = 0; p < priorityCount && p < byPriority.length; p++) factor[p] = byPriority[p];
    const weighted = (options.weightedPriorityHealth ?? false) && semantics.weightedPriorityHealth;
    this.loads = new PriorityLoadState(priorityCount, factor, weighted);

    // Source ids: per priority ALL, HEALTHY, DEGRADED, then per locality bucket healthy, degraded.
    this.sourceBase = new Int32Array(priorityCount);
    let sources = 0;
    for (let p = 0; p < priorityCount; p++) {
      this.sourceBase[p] = sources;
      sources += 3 + 2 * this.hostSets[p].localityCount;
    }

    const policy =
      cluster.lb_policy === 'LEAST_REQUEST' ? POLICY_LEAST_REQUEST : cluster.lb_policy === 'RANDOM' ? POLICY_RANDOM : POLICY_ROUND_ROBIN;
    this.policy = policy;
    const createdAt = options.createdAtMs ?? 0;
    this.slowStart =
      cluster.slow_start && policy !== POLICY_RANDOM
        ? new SlowStartTracker(
            {
              windowMs: cluster.slow_start.window_ms,
              aggression: cluster.slow_start.aggression,
              minWeightPercent: cluster.slow_start.min_weight_percent,
            },
            n,
            createdAt,
          )
        : null;
    this.picker = new HostPicker(
      {
        policy,
        edfInit: semantics.edfInit,
        choiceCount: cluster.least_request_choice_count > 0 ? cluster.least_request_choice_count : 2,
        fullScan: (options.leastRequest?.fullScan ?? false) && semantics.leastRequestFullScan,
        fullScanReservoir: semantics.envoyMinor >= 30,
        activeRequestBias: options.leastRequest?.activeRequestBias,
        biasForcesWeighted: options.leastRequest?.biasForcesWeighted,
      },
      sources,
      this.hostWeights,
      this.activeRequests,
      this.hostHealth,
      this.slowStart,
      random,
    );
    this.picker.nowMs = createdAt;

    this.healthyLocality = this.hostSets.map((hs) => new LocalityScheduler(hs.localityCount));
    this.degradedLocality = this.hostSets.map((hs) => new LocalityScheduler(hs.localityCount));

    this.zoneOptions = options.zoneAware;
    if (options.zoneAware) {
      this.zoneAware = new ZoneAwareState(this.hostSets[0].localityCount);
      this.localBuckets = buildLocalBuckets(options.zoneAware.localCluster, clientLocality);
    } else {
      this.zoneAware = null;
      this.localBuckets = null;
    }

    // LoadBalancerBase: every priority's state, then panic.
    for (let p = 0; p < priorityCount; p++) {
      this.hostSets[p].partition(this.hostFlags, this.excludedBits, this.hostWeights, this.hostHealth);
      this.loads.updatePriority(p, this.hostSets[p].counts);
    }
    this.loads.recalculatePanic(this.panicThreshold);
    // ZoneAwareLoadBalancerBase: per-LB locality schedulers, one seed each (drawn before seed_).
    if (this.localityWeighted) for (let p = 0; p < priorityCount; p++) this.rebuildLocalitySchedulers(p);
    if (this.zoneAware) this.regenerateZoneAware();
    // EdfLoadBalancerBase: seed_, then initialize() refreshes every priority.
    if (this.picker.usesEdf) {
      this.picker.seed = random.next();
      for (let p = 0; p < priorityCount; p++) this.refreshSources(p);
    }
    this.updateForcedPick();
  }

  // ---------------------------------------------------------------- state changes

  /** Simulator time (ms) for slow-start weights; call before picks and updates when slow start is on. */
  setNow(ms: number): void {
    this.picker.nowMs = ms;
  }

  /**
   * Sets a host's health flags (EDS status, active health check), keeping the outlier bit that
   * markEjected() manages. A change is a host-set update of the host's priority.
   */
  setHostHealth(host: number, flags: number): void {
    const old = this.hostFlags[host];
    const next = (flags & ~FAILED_OUTLIER_CHECK) | (old & FAILED_OUTLIER_CHECK);
    if (next === old) return;
    this.hostFlags[host] = next;
    this.markDirty(this.hostPriority[host]);
  }

  /**
   * An EDS update that removes a host (`inEds` false) or adds it back (true) with `flags` (its EDS
   * health; a returning host is a new Envoy host, so the outlier bit it had is gone). A removed host
   * leaves every list of its priority (ABSENT_FROM_EDS); the caller removes it from the outlier
   * detector. A change is a host-set update of the host's priority.
   */
  setHostInEds(host: number, inEds: boolean, flags = 0): void {
    const old = this.hostFlags[host];
    const next = inEds ? flags & ~(ABSENT_FROM_EDS | FAILED_OUTLIER_CHECK) : old | ABSENT_FROM_EDS;
    if (next === old) return;
    this.hostFlags[host] = next;
    this.markDirty(this.hostPriority[host]);
  }

  isInEds(host: number): boolean {
    return (this.hostFlags[host] & ABSENT_FROM_EDS) === 0;
  }

  /** Outlier ejection / unejection (FAILED_OUTLIER_CHECK). A change is a host-set update of its priority. */
  markEjected(host: number, ejected: boolean): void {
    const old = this.hostFlags[host];
    const next = ejected ? old | FAILED_OUTLIER_CHECK : old & ~FAILED_OUTLIER_CHECK;
    if (next === old) return;
    this.hostFlags[host] = next;
    this.markDirty(this.hostPriority[host]);
  }

  /** An EDS weight-only change: host objects are updated in place and nothing is rebuilt (§10). */
  setHostWeight(host: number, weight: number): void {
    this.hostWeights[host] = weight > 0 ? weight : 1;
  }

  /** A host-set update of priority p with no membership or health change (e.g. an EDS push). */
  refreshPriority(p: number): void {
    this.markDirty(p);
  }

  /** Groups several changes into one update per changed priority (one EDS push / cluster batch). */
  beginBatch(): void {
    this.batchDepth++;
  }

  endBatch(): void {
    if (this.batchDepth === 0) throw new Error('endBatch without beginBatch');
    this.batchDepth--;
    if (this.batchDepth === 0) this.applyUpdates();
  }

  private markDirty(p: number): void {
    this.dirty[p] = 1;
    if (this.batchDepth === 0) this.applyUpdates();
  }

  private applyUpdates(): void {
    const P = this.priorityCount;
    if (this.coalesce) {
      for (let p = 0; p < P; p++) if (this.dirty[p]) this.recomputeLoads(p);
      if (this.zoneAware && this.dirty[0]) this.regenerateZoneAware();
      if (this.localityWeighted) for (let p = 0; p < P; p++) if (this.dirty[p]) this.rebuildLocalitySchedulers(p);
      for (let p = 0; p < P; p++) if (this.dirty[p]) this.refreshSources(p);
    } else {
      for (let p = 0; p < P; p++) {
        if (!this.dirty[p]) continue;
        this.recomputeLoads(p);
        if (this.zoneAware && p === 0) this.regenerateZoneAware();
        if (this.localityWeighted) this.rebuildLocalitySchedulers(p);
        this.refreshSources(p);
      }
    }
    this.dirty.fill(0);
    this.updateForcedPick();
  }

  private recomputeLoads(p: number): void {
    this.updates++;
    const hs = this.hostSets[p];
    hs.partition(this.hostFlags, this.excludedBits, this.hostWeights, this.hostHealth);
    this.loads.updatePriority(p, hs.counts);
    this.loads.recalculatePanic(this.panicThreshold);
  }

  private rebuildLocalitySchedulers(p: number): void {
    const hs = this.hostSets[p];
    const mode = this.semantics.localityEdfInit;
    // Envoy ≥ 1.30 seeds each rebuild with a fresh random(); older Envoy built with no pre-picks.
    const seed = mode === 'createWithPicks' ? this.random.next() : 0;
    const factor = this.loads.factor[p];
    this.healthyLocality[p].rebuild(
      hs.localityCount, hs.localityWeights, hs.bucketPresentCount, hs.bucketExcludedCount, hs.bucketHealthyCount, factor, seed, mode,
    );
    this.degradedLocality[p].rebuild(
      hs.localityCount, hs.localityWeights, hs.bucketPresentCount, hs.bucketExcludedCount, hs.bucketDegradedCount, factor, seed, mode,
    );
  }

  private regenerateZoneAware(): void {
    const za = this.zoneAware as ZoneAwareState;
    const opts = this.zoneOptions as ZoneAwareOptions;
    const local = this.localBuckets as { hosts: LocalityBuckets; healthy: LocalityBuckets };
    const hs = this.hostSets[0];
    za.regenerate(
      { keys: hs.localities.map(localityId), counts: hs.bucketHealthyCount, hasLocalLocality: hs.hasLocalLocality },
      local.hosts,
      local.healthy,
      { minClusterSize: opts.minClusterSize ?? 6, forceLocalZoneMinSize: opts.forceLocalZoneMinSize },
    );
  }

  private refreshSources(p: number): void {
    const picker = this.picker;
    if (!picker.usesEdf) return;
    const hs = this.hostSets[p];
    const base = this.sourceBase[p];
    const L = hs.localityCount;
    picker.refreshSource(base + SOURCE_ALL_HOSTS, hs.present, hs.presentCount);
    picker.refreshSource(base + SOURCE_HEALTHY_HOSTS, hs.healthy, hs.healthyCount);
    picker.refreshSource(base + SOURCE_DEGRADED_HOSTS, hs.degraded, hs.degradedCount);
    for (let k = 0; k < L; k++) picker.refreshSource(base + 3 + k, hs.bucketHealthy[k], hs.bucketHealthyCount[k]);
    for (let k = 0; k < L; k++) picker.refreshSource(base + 3 + L + k, hs.bucketDegraded[k], hs.bucketDegradedCount[k]);
  }

  /**
   * Finds whether chooseHostOnce's host is fixed in the current state: one priority takes all the
   * load (so the priority hash cannot change it), the locality (if any) is fixed, and the source it
   * picks from holds one host. Mirrors chooseHostOnce's branches in order; anything it cannot
   * decide without drawing (zone-aware routing, an EDF of several localities) leaves no forced pick.
   */
  private updateForcedPick(): void {
    this.forcedHost = -1;
    if (!this.forcedPicks) return;
    const healthyLoad = this.loads.healthyLoad;
    let p = -1;
    for (let q = 0; q < this.priorityCount; q++) if (healthyLoad[q] === 100) p = q;
    if (p < 0) return;
    const hs = this.hostSets[p];
    const base = this.sourceBase[p];
    const panic = this.loads.panic[p] === 1;
    let source: number;
    let hosts: ArrayLike<number>;
    let count: number;
    let kind: number;
    let locality = -1;
    if (panic) {
      if (this.failTrafficOnPanic) return;
      source = base + SOURCE_ALL_HOSTS;
      hosts = hs.present;
      count = hs.presentCount;
      kind = SOURCE_ALL_HOSTS;
    } else {
      if (this.localityWeighted) {
        locality = this.healthyLocality[p].fixedChoice;
        if (locality === FORCED_UNKNOWN) return;
      }
      if (locality >= 0) {
        source = base + 3 + locality;
        hosts = hs.bucketHealthy[locality];
        count = hs.bucketHealthyCount[locality];
        kind = SOURCE_LOCALITY_HEALTHY_HOSTS;
      } else {
        const za = this.zoneAware;
        if (p === 0 && za !== null && za.state !== NO_LOCALITY_ROUTING) return;
        source = base + SOURCE_HEALTHY_HOSTS;
        hosts = hs.healthy;
        count = hs.healthyCount;
        kind = SOURCE_HEALTHY_HOSTS;
      }
    }
    if (count !== 1) return;
    const picker = this.picker;
    let draws = 1; // the priority hash
    let rrSource = -1;
    if (picker.policy === POLICY_ROUND_ROBIN) {
      if (picker.weighted[source] === 1) return;
      rrSource = source;
    } else if (picker.policy === POLICY_LEAST_REQUEST) {
      if (picker.weighted[source] === 1) return;
      if (!picker.fullScan) draws += picker.choiceCount; // N choices, each a draw, even among one host
    }
    this.forcedHost = hosts[0];
    this.forcedDraws = draws;
    this.forcedRrSource = rrSource;
    this.forcedPriority = p;
    this.forcedLocality = locality;
    this.forcedSourceKind = kind;
    this.forcedPanic = panic;
  }

  /** The host every pick returns in the current state without a retry plugin, or -1 (tests). */
  get forcedPick(): number {
    return this.forcedHost;
  }

  // ---------------------------------------------------------------- picking

  /**
   * Envoy's chooseHost: up to hostSelectionRetryCount + 1 tries (1 without a context), stopping at the
   * first host the context accepts or at "no host"; if every try is rejected, the last host.
   * Returns a host index, or -1 (no healthy upstream).
   *
   * When the host is forced (updateForcedPick: e.g. one host per priority and all load on one
   * priority, the usual Istio failover layout), the tries are not run: their random draws are
   * consumed and their round-robin steps and counters applied, so the streams and every later pick
   * are exactly as if they had run — a retry whose previous_hosts predicate rejects the forced host
   * takes all hostSelectionRetryCount + 1 tries' draws and gets that host anyway, as Envoy does.
   */
  chooseHost(ctx: PickContext | null): number {
    const forced = this.forcedHost;
    if (forced >= 0 && (ctx === null || (ctx.retryPriority === null && (ctx.healthyLoadOverride === null || ctx.degradedLoadOverride === null)))) {
      const reject = ctx === null ? null : ctx.rejectHosts;
      const tries = reject === null || reject[forced] === 0 ? 1 : (ctx as PickContext).hostSelectionRetryCount + 1;
      skipDraws(this.random, tries * this.forcedDraws);
      if (this.forcedRrSource >= 0) this.picker.rrIndex[this.forcedRrSource] += tries;
      this.lastPriority = this.forcedPriority;
      this.lastDegraded = false;
      this.lastLocality = this.forcedLocality;
      this.lastSourceKind = this.forcedSourceKind;
      this.lastPanic = this.forcedPanic;
      if (this.forcedPanic) this.panicPicks += tries;
      return forced;
    }
    const maxAttempts = ctx === null ? 1 : ctx.hostSelectionRetryCount + 1;
    let host = -1;
    for (let i = 0; i < maxAttempts; i++) {
      host = this.chooseHostOnce(ctx);
      if (host < 0 || ctx === null) return host;
      const reject = ctx.rejectHosts;
      if (reject === null || reject[host] === 0) return host;
    }
    return host;
  }

  /** One try: a fresh priority hash, the host source, then the per-host policy. */
  chooseHostOnce(ctx: PickContext | null): number {
    const hash = this.random.next();
    let healthyLoad = this.loads.healthyLoad;
    let degradedLoad = this.loads.degradedLoad;
    if (ctx !== null) {
      const plugin = ctx.retryPriority;
      if (plugin !== null) {
        if (plugin.determinePriorityLoad(this.loads) === USE_PLUGIN_LOAD) {
          healthyLoad = plugin.healthyLoad;
          degradedLoad = plugin.degradedLoad;
        }
      } else if (ctx.healthyLoadOverride !== null && ctx.degradedLoadOverride !== null) {
        healthyLoad = ctx.healthyLoadOverride;
        degradedLoad = ctx.degradedLoadOverride;
      }
    }
    const code = choosePriority(hash, healthyLoad, degradedLoad);
    const p = code >> 1;
    const degraded = (code & 1) === 1;
    this.lastPriority = p;
    this.lastDegraded = degraded;
    this.lastLocality = -1;
    const hs = this.hostSets[p];
    const base = this.sourceBase[p];
    const picker = this.picker;

    if (this.loads.panic[p] === 1) {
      this.lastPanic = true;
      this.panicPicks++;
      if (this.failTrafficOnPanic) {
        this.lastSourceKind = SOURCE_NONE;
        return -1;
      }
      this.lastSourceKind = SOURCE_ALL_HOSTS;
      return picker.pick(base + SOURCE_ALL_HOSTS, hs.present, hs.presentCount, hash);
    }
    this.lastPanic = false;

    if (this.localityWeighted) {
      const locality = degraded ? this.degradedLocality[p].choose() : this.healthyLocality[p].choose();
      if (locality >= 0) return this.pickFromLocality(p, locality, degraded, hash);
    }

    const za = this.zoneAware;
    // Zone-aware routing is only ever latched on for P0 (and only with a local cluster).
    if (p === 0 && za !== null && za.state !== NO_LOCALITY_ROUTING && this.zoneRoutingEnabled()) {
      if (!this.localClusterInPanic()) return this.pickFromLocality(p, za.chooseLocality(this.random), degraded, hash);
      if (this.failTrafficOnPanic) {
        this.lastSourceKind = SOURCE_NONE;
        return -1;
      }
    }

    if (degraded) {
      this.lastSourceKind = SOURCE_DEGRADED_HOSTS;
      return picker.pick(base + SOURCE_DEGRADED_HOSTS, hs.degraded, hs.degradedCount, hash);
    }
    this.lastSourceKind = SOURCE_HEALTHY_HOSTS;
    return picker.pick(base + SOURCE_HEALTHY_HOSTS, hs.healthy, hs.healthyCount, hash);
  }

  private pickFromLocality(p: number, locality: number, degraded: boolean, hash: number): number {
    const hs = this.hostSets[p];
    const base = this.sourceBase[p];
    const L = hs.localityCount;
    this.lastLocality = locality;
    if (degraded) {
      this.lastSourceKind = SOURCE_LOCALITY_DEGRADED_HOSTS;
      return this.picker.pick(base + 3 + L + locality, hs.bucketDegraded[locality], hs.bucketDegradedCount[locality], hash);
    }
    this.lastSourceKind = SOURCE_LOCALITY_HEALTHY_HOSTS;
    return this.picker.pick(base + 3 + locality, hs.bucketHealthy[locality], hs.bucketHealthyCount[locality], hash);
  }

  /** runtime featureEnabled("upstream.zone_routing.enabled", routing_enabled): sampled only below 100%. */
  private zoneRoutingEnabled(): boolean {
    const opts = this.zoneOptions as ZoneAwareOptions;
    const percent = opts.routingEnabledPercent ?? 100;
    if (percent >= 100) return true;
    if (percent <= 0) return false;
    const source = opts.runtimeRandom ?? this.random;
    return uintMod(source.next(), 100) < percent;
  }

  private localClusterInPanic(): boolean {
    const local = this.localBuckets as { hosts: LocalityBuckets; healthy: LocalityBuckets };
    let hosts = 0;
    let healthy = 0;
    for (let i = 0; i < local.hosts.keys.length; i++) {
      hosts += local.hosts.counts[i];
      healthy += local.healthy.counts[i];
    }
    const healthyPercent = hosts === 0 ? 0 : (100.0 * healthy) / hosts;
    return healthyPercent < this.panicThreshold;
  }

  // ---------------------------------------------------------------- accessors

  get healthyLoad(): Int32Array {
    return this.loads.healthyLoad;
  }

  get degradedLoad(): Int32Array {
    return this.loads.degradedLoad;
  }

  get panic(): Uint8Array {
    return this.loads.panic;
  }

  /** Envoy's seed_ (0 for RANDOM, which has none). */
  get seed(): number {
    return this.picker.seed;
  }

  isHealthy(host: number): boolean {
    return this.hostHealth[host] === HEALTH_HEALTHY;
  }

  isEjected(host: number): boolean {
    return (this.hostFlags[host] & FAILED_OUTLIER_CHECK) !== 0;
  }

  /** The host list of a source (a view; for reports, tests and replay, not the hot path). */
  sourceHosts(priority: number, kind: number, locality = -1): Int32Array {
    const hs = this.hostSets[priority];
    switch (kind) {
      case SOURCE_ALL_HOSTS:
        return hs.present.subarray(0, hs.presentCount);
      case SOURCE_HEALTHY_HOSTS:
        return hs.healthy.subarray(0, hs.healthyCount);
      case SOURCE_DEGRADED_HOSTS:
        return hs.degraded.subarray(0, hs.degradedCount);
      case SOURCE_LOCALITY_HEALTHY_HOSTS:
        return hs.bucketHealthy[locality].subarray(0, hs.bucketHealthyCount[locality]);
      case SOURCE_LOCALITY_DEGRADED_HOSTS:
        return hs.bucketDegraded[locality].subarray(0, hs.bucketDegradedCount[locality]);
      default:
        return new Int32Array(0);
    }
  }

  /** Effective locality weights of priority p's healthy scheduler (zeros without one). */
  localityEffectiveWeights(p: number, degraded = false): Float64Array {
    return (degraded ? this.degradedLocality[p] : this.healthyLocality[p]).effectiveWeights;
  }

  /** Per-priority counts, availability, loads and panic, for reports and `failsim explain`. */
  perPriorityLoadSummary(): PriorityLoadSummaryRow[] {
    const rows: PriorityLoadSummaryRow[] = [];
    for (let p = 0; p < this.priorityCount; p++) {
      const hs = this.hostSets[p];
      rows.push({
        priority: p,
        hosts: hs.presentCount,
        healthy: hs.healthyCount,
        degraded: hs.degradedCount,
        excluded: hs.excludedCount,
        health: this.loads.health[p],
        degradedAvailability: this.loads.degradedAvailability[p],
        healthyLoad: this.loads.healthyLoad[p],
        degradedLoad: this.loads.degradedLoad[p],
        panic: this.loads.panic[p] === 1,
      });
    }
    return rows;
  }
}

/** The local cluster's buckets: the client's locality first when present, then lexicographic. */
function buildLocalBuckets(
  local: { locality: Locality; hosts: number; healthy?: number }[],
  clientLocality: Locality | undefined,
): { hosts: LocalityBuckets; healthy: LocalityBuckets } {
  const merged = new Map<string, { locality: Locality; hosts: number; healthy: number }>();
  for (const e of local) {
    if (e.hosts <= 0) continue;
    const id = localityId(e.locality);
    const m = merged.get(id) ?? { locality: e.locality, hosts: 0, healthy: 0 };
    m.hosts += e.hosts;
    m.healthy += e.healthy ?? e.hosts;
    merged.set(id, m);
  }
  const all = [...merged.values()];
  const first = clientLocality ? all.find((g) => sameLocality(g.locality, clientLocality)) : undefined;
  const rest = all.filter((g) => g !== first).sort((a, b) => compareLocality(a.locality, b.locality));
  const ordered = first ? [first, ...rest] : rest;
  const keys = ordered.map((g) => localityId(g.locality));
  return {
    hosts: { keys, counts: Int32Array.from(ordered.map((g) => g.hosts)), hasLocalLocality: first !== undefined },
    healthy: { keys, counts: Int32Array.from(ordered.map((g) => g.healthy)), hasLocalLocality: first !== undefined },
  };
}
