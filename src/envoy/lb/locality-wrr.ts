/**
 * Locality-weighted selection inside one priority (spec §6; Envoy's `LocalityWrr`).
 *
 * Effective weight of locality i (doubles, as Envoy):
 *   eff_i = hc_i == 0 ? 0 : weight_i · min(1, (factor/100) · eligible_i / hc_i),  hc_i = hosts_i − excluded_i
 * Only localities with eff_i > 0 enter the EDF scheduler, in bucket order (local locality first).
 * No scheduler (choose() returns -1) when there are no locality weights, no eligible host in the
 * priority, or every effective weight is 0: the LB then falls back to the whole healthy (or degraded)
 * list of the priority.
 */
import { EdfScheduler, type EdfInitMode, type WeightSource } from './edf.ts';

/** LocalityScheduler.fixedChoice when the choice is not fixed. */
export const FORCED_UNKNOWN = -2;

export function effectiveLocalityWeight(
  weight: number,
  hostCount: number,
  excludedCount: number,
  eligibleCount: number,
  overprovisioningFactor: number,
): number {
  const hc = hostCount - excludedCount;
  if (hc === 0) return 0.0;
  const availabilityRatio = (1.0 * eligibleCount) / hc;
  const effectiveAvailability = Math.min(1.0, (overprovisioningFactor / 100.0) * availabilityRatio);
  return weight * effectiveAvailability;
}

/** One priority's healthy (or degraded) locality scheduler. */
export class LocalityScheduler implements WeightSource {
  /** Effective weight per locality bucket at the last rebuild. */
  effectiveWeights: Float64Array;
  private readonly entries: Int32Array;
  private readonly edf: EdfScheduler;
  private active = false;
  /**
   * The locality when exactly one entered the scheduler, else -1. An EDF of one entry picks it
   * every time, and this scheduler's EDF is private and rebuilt from scratch at every rebuild, so
   * skipping its bookkeeping changes nothing observable (one locality per priority is the common
   * Istio failover layout: every pick went through the EDF).
   */
  private single = -1;

  constructor(localityCount: number) {
    this.effectiveWeights = new Float64Array(localityCount);
    this.entries = new Int32Array(Math.max(1, localityCount));
    this.edf = new EdfScheduler(Math.max(1, localityCount));
  }

  /** True when a scheduler exists (choose() returns a locality). */
  get hasScheduler(): boolean {
    return this.active;
  }

  /**
   * Rebuilds from the per-locality counts. `localityWeights` null or empty = no weights configured.
   * `mode` 'createWithPicks' pre-picks `seed` times (Envoy ≥ 1.30); 'legacy' builds with no pre-picks.
   */
  rebuild(
    localityCount: number,
    localityWeights: ArrayLike<number> | null,
    hostCounts: ArrayLike<number>,
    excludedCounts: ArrayLike<number>,
    eligibleCounts: ArrayLike<number>,
    overprovisioningFactor: number,
    seed: number,
    mode: EdfInitMode,
  ): void {
    this.active = false;
    this.single = -1;
    this.effectiveWeights.fill(0);
    if (localityWeights === null || localityWeights.length === 0) return;
    let eligibleTotal = 0;
    for (let i = 0; i < localityCount; i++) eligibleTotal += eligibleCounts[i];
    if (eligibleTotal === 0) return;
    let n = 0;
    for (let i = 0; i < localityCount; i++) {
      const eff = effectiveLocalityWeight(
        localityWeights[i] ?? 0,
        hostCounts[i],
        excludedCounts[i],
        eligibleCounts[i],
        overprovisioningFactor,
      );
      this.effectiveWeights[i] = eff;
      if (eff > 0) this.entries[n++] = i;
    }
    if (n === 0) return;
    if (mode === 'createWithPicks') this.edf.buildWithPicks(this.entries, n, this, seed);
    else this.edf.buildInOrder(this.entries, n, this);
    this.active = true;
    if (n === 1) this.single = this.entries[0];
  }

  /** The next locality bucket index, or -1 when there is no scheduler. */
  choose(): number {
    if (!this.active) return -1;
    return this.single >= 0 ? this.single : this.edf.pickAndAdd(this);
  }

  /**
   * What choose() returns without calling it, when that is fixed: -1 (no scheduler) or the single
   * locality; FORCED_UNKNOWN when an EDF of several localities decides (and choose() changes it).
   */
  get fixedChoice(): number {
    if (!this.active) return -1;
    return this.single >= 0 ? this.single : FORCED_UNKNOWN;
  }

  weightOf(locality: number): number {
    return this.effectiveWeights[locality];
  }
}
