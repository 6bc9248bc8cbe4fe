/**
 * Zone-aware routing for P0 (spec §7; Envoy's `regenerateLocalityRoutingStructures`,
 * `calculateLocalityPercentages`, `tryChooseLocalLocalityHosts`). Istio does not use it by default.
 *
 * Percentages are integers scaled by 10000; localities of the upstream and the local cluster are
 * matched by identity (current Envoy), not by index.
 */
import type { IntegerSource } from '../../engine/random.ts';
import { uintMod } from '../../engine/int-math.ts';

export const NO_LOCALITY_ROUTING = 0;
export const LOCALITY_DIRECT = 1;
export const LOCALITY_RESIDUAL = 2;

export interface ZoneAwareConfig {
  /** min_cluster_size (default 6). */
  minClusterSize: number;
  /** force_local_zone.min_size (or 1 for force_locality_direct_routing); undefined = off. */
  forceLocalZoneMinSize?: number;
}

/** One cluster's hosts grouped by locality bucket (local locality first when `hasLocalLocality`). */
export interface LocalityBuckets {
  /** Locality identity per bucket (e.g. "region/zone/subzone"). */
  keys: readonly string[];
  /** Host count per bucket (healthy hosts for the upstream's P0). */
  counts: ArrayLike<number>;
  hasLocalLocality: boolean;
}

export class ZoneAwareState {
  state = NO_LOCALITY_ROUTING;
  localPercentToRoute = 0;
  /** Running sum of residual capacity per upstream bucket. */
  residualCapacity: Float64Array;
  localityCount = 0;

  constructor(maxLocalities: number) {
    this.residualCapacity = new Float64Array(Math.max(1, maxLocalities));
  }

  /**
   * Recomputes the routing state. `upstreamHealthy` is P0's healthy hosts per locality bucket;
   * `localHosts` / `localHealthy` the local cluster's hosts and healthy hosts per bucket.
   */
  regenerate(upstreamHealthy: LocalityBuckets, localHosts: LocalityBuckets, localHealthy: LocalityBuckets, config: ZoneAwareConfig): void {
    const n = upstreamHealthy.keys.length;
    this.localityCount = n;
    if (this.residualCapacity.length < n) this.residualCapacity = new Float64Array(n);
    let totalUpstream = 0;
    for (let i = 0; i < n; i++) totalUpstream += upstreamHealthy.counts[i];
    // earlyExitNonLocalityRouting
    const force = config.forceLocalZoneMinSize;
    if (
      n < 2 ||
      (force === undefined && localHosts.keys.length < 2) ||
      !localHosts.hasLocalLocality ||
      localHosts.counts[0] === 0 ||
      totalUpstream < config.minClusterSize
    ) {
      this.state = NO_LOCALITY_ROUTING;
      return;
    }
    let totalLocal = 0;
    const localCount = new Map<string, number>();
    for (let i = 0; i < localHealthy.keys.length; i++) {
      const c = localHealthy.counts[i];
      totalLocal += c;
      if (c > 0) localCount.set(localHealthy.keys[i], c);
    }
    const localPct = new Float64Array(n);
    const upstreamPct = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const c = upstreamHealthy.counts[i];
      if (c === 0) continue; // {0, 0}
      const lc = localCount.get(upstreamHealthy.keys[i]) ?? 0;
      localPct[i] = totalLocal > 0 ? Math.floor((10000 * lc) / totalLocal) : 0;
      upstreamPct[i] = totalUpstream > 0 ? Math.floor((10000 * c) / totalUpstream) : 0;
    }
    if (upstreamHealthy.hasLocalLocality) {
      if (
        (upstreamPct[0] > 0 && upstreamPct[0] >= localPct[0]) ||
        (force !== undefined && upstreamHealthy.counts[0] >= force)
      ) {
        this.state = LOCALITY_DIRECT;
        return;
      }
    }
    this.state = LOCALITY_RESIDUAL;
    this.localPercentToRoute =
      upstreamHealthy.hasLocalLocality && localPct[0] > 0 ? Math.floor((upstreamPct[0] * 10000) / localPct[0]) : 0;
    for (let i = 0; i < n; i++) {
      const last = i > 0 ? this.residualCapacity[i - 1] : 0;
      if (i === 0 && upstreamHealthy.hasLocalLocality) {
        this.residualCapacity[i] = last;
        continue;
      }
      this.residualCapacity[i] = upstreamPct[i] > localPct[i] ? last + upstreamPct[i] - localPct[i] : last;
    }
  }

  /** tryChooseLocalLocalityHosts: the upstream locality bucket for this pick (1 or 2 draws when residual). */
  chooseLocality(random: IntegerSource): number {
    if (this.state === LOCALITY_DIRECT) return 0;
    if (uintMod(random.next(), 10000) < this.localPercentToRoute) return 0;
    const n = this.localityCount;
    const total = this.residualCapacity[n - 1];
    if (total === 0) return uintMod(random.next(), n);
    const threshold = uintMod(random.next(), total);
    let i = 0;
    while (threshold >= this.residualCapacity[i]) i++;
    return i;
  }
}
