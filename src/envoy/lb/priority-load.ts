/**
 * Priority load and panic, in Envoy's integer arithmetic (spec §3, §4; Envoy's
 * `LoadBalancerBase::recalculatePerPriorityState`, `recalculatePerPriorityPanic`,
 * `recalculateLoadInTotalPanic`, `choosePriority`).
 *
 * State lives in typed arrays indexed by priority so the per-request `choosePriority` reads it
 * without allocating. Every update recomputes exactly what Envoy recomputes: the changed priority's
 * availability, then the loads of all priorities, then all panic flags.
 */
import { uintMod } from '../../engine/int-math.ts';

/** Counts (and weight sums) that describe one priority's host set. */
export interface PriorityCounts {
  /** |hosts()|, excluded hosts included. */
  hosts: number;
  healthy: number;
  degraded: number;
  excluded: number;
  /** Σ weight over hosts / healthy / degraded / excluded (used only with weighted_priority_health). */
  hostsWeight: number;
  healthyWeight: number;
  degradedWeight: number;
  excludedWeight: number;
}

/**
 * Healthy and degraded availability of one priority (§3.1): `min(100, factor·hw/tw)` with integer
 * division. The factor multiplies the raw ratio before rounding (2 of 3 healthy → 280/3 = 93).
 * Writes [H, D] into `out` to stay allocation-free.
 */
export function priorityAvailability(
  factor: number,
  weightedPriorityHealth: boolean,
  c: PriorityCounts,
  out: Int32Array,
): void {
  const hostCount = c.hosts - c.excluded;
  if (hostCount <= 0) {
    out[0] = 0;
    out[1] = 0;
    return;
  }
  let hw: number;
  let dw: number;
  let tw: number;
  if (weightedPriorityHealth) {
    hw = c.healthyWeight;
    dw = c.degradedWeight;
    tw = c.hostsWeight - c.excludedWeight;
  } else {
    hw = c.healthy;
    dw = c.degraded;
    tw = hostCount;
  }
  // tw > 0: every host weighs at least 1 and hostCount > 0.
  out[0] = Math.min(100, Math.floor((factor * hw) / tw));
  out[1] = Math.min(100, Math.floor((factor * dw) / tw));
}

/** §4.2: plain floating-point percentages, no factor, strict `<`; an empty priority is "in panic" when threshold > 0. */
export function isHostSetInPanic(hosts: number, healthy: number, degraded: number, excluded: number, threshold: number): boolean {
  const hostCount = hosts - excluded;
  const healthyPercent = hostCount === 0 ? 0 : (100.0 * healthy) / hostCount;
  const degradedPercent = hostCount === 0 ? 0 : (100.0 * degraded) / hostCount;
  return healthyPercent + degradedPercent < threshold;
}

/** Envoy's `choosePriority` result, packed as `2·priority + (degraded ? 1 : 0)` (no allocation). */
export function choosePriority(hash: number, healthyLoad: Int32Array, degradedLoad: Int32Array): number {
  const bucket = uintMod(hash, 100) + 1; // 1..100 (hash % 100 + 1)
  let aggregate = 0;
  const n = healthyLoad.length;
  for (let p = 0; p < n; p++) {
    aggregate += healthyLoad[p];
    if (bucket <= aggregate) return p << 1;
  }
  const m = degradedLoad.length;
  for (let p = 0; p < m; p++) {
    aggregate += degradedLoad[p];
    if (bucket <= aggregate) return (p << 1) | 1;
  }
  // Envoy: IS_ENVOY_BUG("unexpected load error") and {0, Healthy}. Only reachable with loads that
  // do not sum to 100 (a retry plugin's never-computed load).
  return 0;
}

/**
 * Per-priority availability, loads and panic flags of one load balancer (Envoy keeps the same on every
 * worker: it is a pure function of the host sets, except for the stale corner of §4.4).
 */
export class PriorityLoadState {
  readonly priorityCount: number;
  /** H[p]: healthy availability 0..100. */
  readonly health: Int32Array;
  /** D[p]: degraded availability 0..100. */
  readonly degradedAvailability: Int32Array;
  readonly healthyLoad: Int32Array;
  readonly degradedLoad: Int32Array;
  /** 1 when priority p is in panic (§4.2). */
  readonly panic: Uint8Array;
  /** Per-priority inputs, kept for the panic and total-panic computations. */
  readonly hosts: Int32Array;
  readonly healthy: Int32Array;
  readonly degraded: Int32Array;
  readonly excluded: Int32Array;
  /** Normalized total availability after the last update. */
  normalizedTotalAvailability = 0;
  /** Every priority was in panic at the last panic recalculation (loads split by host count). */
  totalPanic = false;
  private readonly scratch = new Int32Array(2);

  constructor(
    priorityCount: number,
    /** Overprovisioning factor per priority (integer percent, default 140). */
    readonly factor: Int32Array,
    readonly weightedPriorityHealth: boolean,
  ) {
    if (priorityCount < 1) throw new Error('a priority set has at least one priority');
    this.priorityCount = priorityCount;
    this.health = new Int32Array(priorityCount);
    this.degradedAvailability = new Int32Array(priorityCount);
    this.healthyLoad = new Int32Array(priorityCount);
    this.degradedLoad = new Int32Array(priorityCount);
    this.panic = new Uint8Array(priorityCount);
    this.hosts = new Int32Array(priorityCount);
    this.healthy = new Int32Array(priorityCount);
    this.degraded = new Int32Array(priorityCount);
    this.excluded = new Int32Array(priorityCount);
  }

  /**
   * Envoy's recalculatePerPriorityState(p): recompute H[p], D[p], then (if NTA > 0) the loads of every
   * priority. With NTA == 0 the load arrays are left as they were (§3.3).
   */
  updatePriority(p: number, c: PriorityCounts): void {
    this.hosts[p] = c.hosts;
    this.healthy[p] = c.healthy;
    this.degraded[p] = c.degraded;
    this.excluded[p] = c.excluded;
    priorityAvailability(this.factor[p], this.weightedPriorityHealth, c, this.scratch);
    this.health[p] = this.scratch[0];
    this.degradedAvailability[p] = this.scratch[1];
    this.recalculateLoads();
  }

  /** NTA = min(100, Σ H + Σ D) over all priorities. */
  computeNormalizedTotalAvailability(): number {
    let sum = 0;
    for (let p = 0; p < this.priorityCount; p++) sum += this.health[p] + this.degradedAvailability[p];
    return Math.min(100, sum);
  }

  private recalculateLoads(): void {
    const nta = this.computeNormalizedTotalAvailability();
    this.normalizedTotalAvailability = nta;
    if (nta === 0) return; // previous loads stay (§3.3, §4.4)
    const n = this.priorityCount;
    let remaining = 100;
    let firstHealthy = -1;
    for (let p = 0; p < n; p++) {
      if (firstHealthy < 0 && this.health[p] > 0) firstHealthy = p;
      const load = Math.min(remaining, Math.floor((this.health[p] * 100) / nta));
      this.healthyLoad[p] = load;
      remaining -= load;
    }
    let firstDegraded = -1;
    for (let p = 0; p < n; p++) {
      if (firstDegraded < 0 && this.degradedAvailability[p] > 0) firstDegraded = p;
      const load = Math.min(remaining, Math.floor((this.degradedAvailability[p] * 100) / nta));
      this.degradedLoad[p] = load;
      remaining -= load;
    }
    if (remaining !== 0) {
      // Rounding leftovers go to the first *available* priority, healthy before degraded.
      if (firstHealthy !== -1) this.healthyLoad[firstHealthy] += remaining;
      else this.degradedLoad[firstDegraded] += remaining;
    }
  }

  /** Envoy's recalculatePerPriorityPanic (§4.2–4.4). `threshold` is the integer healthy_panic_threshold. */
  recalculatePanic(threshold: number): void {
    const t = Math.min(100, threshold);
    const nta = this.computeNormalizedTotalAvailability();
    this.normalizedTotalAvailability = nta;
    if (t === 0 && nta === 0) {
      // Panic disabled and nothing available: P0 takes 100 so choosePriority has a bucket; the other
      // entries (and the panic flags) keep whatever they held. P0 has no healthy host: the pick fails.
      this.healthyLoad[0] = 100;
      this.totalPanic = false;
      return;
    }
    let total = true;
    for (let p = 0; p < this.priorityCount; p++) {
      const inPanic =
        nta === 100 ? false : isHostSetInPanic(this.hosts[p], this.healthy[p], this.degraded[p], this.excluded[p], t);
      this.panic[p] = inPanic ? 1 : 0;
      total = total && inPanic;
    }
    this.totalPanic = total;
    if (total) this.recalculateLoadInTotalPanic();
  }

  /** §4.3: split by raw host count (excluded included); leftover to the first non-empty priority. */
  private recalculateLoadInTotalPanic(): void {
    let totalHosts = 0;
    for (let p = 0; p < this.priorityCount; p++) totalHosts += this.hosts[p];
    if (totalHosts === 0) {
      this.healthyLoad[0] = 100;
      return;
    }
    let remaining = 100;
    let firstNonEmpty = -1;
    for (let p = 0; p < this.priorityCount; p++) {
      const n = this.hosts[p];
      if (firstNonEmpty === -1 && n !== 0) firstNonEmpty = p;
      const load = Math.floor((100 * n) / totalHosts);
      this.healthyLoad[p] = load;
      this.degradedLoad[p] = 0;
      remaining -= load;
    }
    this.healthyLoad[firstNonEmpty] += remaining;
  }
}

/** Rounds a healthy_panic_threshold percent as Envoy does (PROTOBUF_PERCENT_TO_ROUNDED_INTEGER) and caps it at 100. */
export function panicThresholdPercent(value: number): number {
  if (!(value >= 0)) return 0;
  return Math.min(100, Math.round(value));
}
