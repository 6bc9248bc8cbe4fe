/**
 * Per-host policies over a "hosts source" (spec §8): ROUND_ROBIN, LEAST_REQUEST, RANDOM.
 *
 * One HostPicker belongs to one load balancer (one worker). Sources are dense integer ids (the
 * ClusterLoadBalancer numbers (priority, kind, locality)); each has its own round-robin index and
 * its own EDF scheduler, as Envoy's `scheduler_` and `rr_indexes_` maps keyed by HostsSource.
 *
 * - ROUND_ROBIN unweighted: `hosts[index++ % n]`, index starting at `seed_` and never reset.
 * - Weighted (unequal weights, slow start, or LR's forced weighted mode): EDF over the source,
 *   rebuilt from scratch at every refresh with the same `seed_`; weights read at re-insertion.
 * - LEAST_REQUEST unweighted: N choices with replacement (strictly fewer replaces), or FULL_SCAN with
 *   reservoir-sampled ties. Weighted: weight / (active+1)^bias.
 * - RANDOM: `hosts[hash % n]` with the same hash that chose the priority.
 */
import type { IntegerSource } from '../../engine/random.ts';
import { EdfScheduler, type EdfInitMode, type WeightSource } from './edf.ts';
import type { SlowStartTracker } from './slow-start.ts';
import { uintMod } from '../../engine/int-math.ts';

export const POLICY_ROUND_ROBIN = 0;
export const POLICY_LEAST_REQUEST = 1;
export const POLICY_RANDOM = 2;

export interface HostPickerOptions {
  policy: number;
  edfInit: EdfInitMode;
  /** LEAST_REQUEST choice_count (default 2). */
  choiceCount?: number;
  /** LEAST_REQUEST selection_method FULL_SCAN (Envoy ≥ 1.28 / 1.30). */
  fullScan?: boolean;
  /** FULL_SCAN breaks ties by reservoir sampling (Envoy ≥ 1.30); the 1.28 `enable_full_scan` kept the first minimum. */
  fullScanReservoir?: boolean;
  /** LEAST_REQUEST active_request_bias when explicitly configured (undefined = not set, 1.0 used). */
  activeRequestBias?: number;
  /** Runtime guard least_request_lb_active_request_bias_forces_weighted (newest Envoy). */
  biasForcesWeighted?: boolean;
}

export class HostPicker implements WeightSource {
  readonly policy: number;
  readonly edfInit: EdfInitMode;
  readonly choiceCount: number;
  readonly fullScan: boolean;
  readonly fullScanReservoir: boolean;
  readonly activeRequestBias: number;
  /** LR: use EDF even with equal weights (active_request_bias set and the runtime guard on). */
  readonly alwaysWeighted: boolean;
  /** Envoy's seed_ (one draw at LB construction). */
  seed = 0;
  /** Simulator time used for slow-start weights (set by the owner before picks and refreshes). */
  nowMs = 0;
  /** Per source: round-robin index (Envoy's rr_indexes_; doubles are exact far past 2^32). */
  readonly rrIndex: Float64Array;
  private readonly hasIndex: Uint8Array;
  /** Per source: 1 when an EDF scheduler was built at the last refresh. */
  readonly weighted: Uint8Array;
  private readonly edf: (EdfScheduler | null)[];

  constructor(
    options: HostPickerOptions,
    sourceCount: number,
    /** LbEndpoint.load_balancing_weight per host (read live: weight changes without refresh). */
    readonly hostWeights: Float64Array,
    /** rq_active per host, maintained by the simulator. */
    readonly activeRequests: Int32Array,
    /** Coarse health code per host (health.ts), maintained by the owner. */
    readonly hostHealth: Uint8Array,
    readonly slowStart: SlowStartTracker | null,
    readonly random: IntegerSource,
  ) {
    this.policy = options.policy;
    this.edfInit = options.edfInit;
    this.choiceCount = options.choiceCount ?? 2;
    this.fullScan = options.fullScan ?? false;
    this.fullScanReservoir = options.fullScanReservoir ?? true;
    const bias = options.activeRequestBias ?? 1.0;
    this.activeRequestBias = bias < 0 || Number.isNaN(bias) ? 1.0 : bias;
    this.alwaysWeighted =
      options.policy === POLICY_LEAST_REQUEST && options.activeRequestBias !== undefined && options.biasForcesWeighted === true;
    this.rrIndex = new Float64Array(sourceCount);
    this.hasIndex = new Uint8Array(sourceCount);
    this.weighted = new Uint8Array(sourceCount);
    this.edf = new Array(sourceCount).fill(null);
  }

  /** True for the policies built on EdfLoadBalancerBase (they draw seed_ and keep per-source state). */
  get usesEdf(): boolean {
    return this.policy !== POLICY_RANDOM;
  }

  /**
   * Envoy's refresh for one source (`add_hosts_source`): drop the scheduler, keep (or create at seed_)
   * the RR index, update slow-start clocks, then build an EDF unless all weights are equal and no
   * host is in slow start, or the source has at most one host.
   */
  refreshSource(source: number, hosts: ArrayLike<number>, count: number): void {
    if (!this.usesEdf) return;
    this.weighted[source] = 0;
    if (this.policy === POLICY_ROUND_ROBIN && this.hasIndex[source] === 0) {
      this.hasIndex[source] = 1;
      this.rrIndex[source] = this.seed;
    }
    const ss = this.slowStart;
    if (ss !== null && ss.enabled) ss.recalculate(hosts, count, this.hostHealth, this.nowMs);
    if (!this.alwaysWeighted && this.weightsAreEqual(hosts, count) && this.noHostsInSlowStart()) return;
    if (count <= 1) return;
    let scheduler = this.edf[source];
    if (scheduler === null) {
      scheduler = new EdfScheduler(count);
      this.edf[source] = scheduler;
    }
    scheduler.build(this.edfInit, hosts, count, this, this.seed);
    this.weighted[source] = 1;
  }

  /** Picks a host index from the source, or -1 when it is empty. `hash` is this pick's priority hash. */
  pick(source: number, hosts: ArrayLike<number>, count: number, hash: number): number {
    const policy = this.policy;
    if (policy === POLICY_RANDOM) return count === 0 ? -1 : hosts[uintMod(hash, count)];
    if (this.weighted[source] === 1) return (this.edf[source] as EdfScheduler).pickAndAdd(this);
    if (count === 0) return -1;
    if (policy === POLICY_ROUND_ROBIN) {
      const index = this.rrIndex[source];
      this.rrIndex[source] = index + 1;
      return hosts[uintMod(index, count)];
    }
    return this.fullScan ? this.pickFullScan(hosts, count) : this.pickNChoices(hosts, count);
  }

  /** Envoy's hostWeight(): the EDF weight of host h now. */
  weightOf(h: number): number {
    let w = this.hostWeights[h];
    if (this.policy === POLICY_LEAST_REQUEST) {
      const bias = this.activeRequestBias;
      const activePlusOne = this.activeRequests[h] + 1;
      if (bias === 1.0) w = w / activePlusOne;
      else if (bias !== 0.0) w = w / Math.pow(activePlusOne, bias);
    }
    const ss = this.slowStart;
    if (ss !== null && ss.enabled && !ss.noHostsAreInSlowStart(this.nowMs)) {
      w = w * ss.factor(h, this.hostHealth, this.nowMs);
    }
    return w;
  }

  private noHostsInSlowStart(): boolean {
    const ss = this.slowStart;
    return ss === null || ss.noHostsAreInSlowStart(this.nowMs);
  }

  private weightsAreEqual(hosts: ArrayLike<number>, count: number): boolean {
    if (count <= 1) return true;
    const w0 = this.hostWeights[hosts[0]];
    for (let i = 1; i < count; i++) if (this.hostWeights[hosts[i]] !== w0) return false;
    return true;
  }

  private pickNChoices(hosts: ArrayLike<number>, count: number): number {
    const active = this.activeRequests;
    let candidate = -1;
    for (let c = 0; c < this.choiceCount; c++) {
      const sampled = hosts[uintMod(this.random.next(), count)];
      if (candidate === -1) {
        candidate = sampled;
        continue;
      }
      if (active[sampled] < active[candidate]) candidate = sampled;
    }
    return candidate;
  }

  private pickFullScan(hosts: ArrayLike<number>, count: number): number {
    const active = this.activeRequests;
    let candidate = -1;
    let tied = 0;
    for (let i = 0; i < count; i++) {
      const sampled = hosts[i];
      if (candidate === -1) {
        tied = 1;
        candidate = sampled;
        continue;
      }
      const a = active[sampled];
      const b = active[candidate];
      if (a < b) {
        tied = 1;
        candidate = sampled;
      } else if (a === b && this.fullScanReservoir) {
        tied++;
        // Reservoir sampling: each of the N tied hosts ends up chosen with probability 1/N.
        if (uintMod(this.random.next(), tied) === 0) candidate = sampled;
      }
    }
    return candidate;
  }
}
