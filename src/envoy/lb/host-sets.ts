/**
 * The priority set one load balancer sees (spec §1): per priority, the hosts in config order and
 * their healthy / degraded / excluded partitions, whole and per locality bucket.
 *
 * Host slots are fixed (the dense indexes of `cluster.endpoints`); membership (a host leaving or
 * rejoining EDS, the ABSENT_FROM_EDS bit) and health changes repartition: `present` is hosts() —
 * the slots present in EDS, in config order — and each locality bucket counts only present hosts. Locality buckets: one per locality with at least one host at that priority; the
 * client's own locality first when it has hosts there ("has local locality"), the others in
 * lexicographic (region, zone, subzone) order. Lists are preallocated Int32Arrays with counts.
 */
import type { Locality } from '../cluster.ts';
import { ABSENT_FROM_EDS, coarseHealth, HEALTH_DEGRADED, HEALTH_HEALTHY, HEALTH_UNHEALTHY } from './health.ts';
import type { PriorityCounts } from './priority-load.ts';

export interface HostDescription {
  priority: number;
  locality: Locality;
  weight: number;
}

export function sameLocality(a: Locality, b: Locality): boolean {
  return a.region === b.region && a.zone === b.zone && a.subzone === b.subzone;
}

/** Envoy's LocalityLess: (region, zone, sub_zone) compared as byte strings. */
export function compareLocality(a: Locality, b: Locality): number {
  if (a.region !== b.region) return a.region < b.region ? -1 : 1;
  if (a.zone !== b.zone) return a.zone < b.zone ? -1 : 1;
  if (a.subzone !== b.subzone) return a.subzone < b.subzone ? -1 : 1;
  return 0;
}

export function localityId(l: Locality): string {
  return `${l.region}/${l.zone}/${l.subzone}`;
}

/** One priority's host set. */
export class HostSetState {
  /** Every slot of this priority (static). */
  readonly hosts: Int32Array;
  /** Envoy's hosts(): the slots present in EDS, in config order (presentCount of them). */
  readonly present: Int32Array;
  presentCount = 0;
  readonly healthy: Int32Array;
  readonly degraded: Int32Array;
  readonly excluded: Int32Array;
  healthyCount = 0;
  degradedCount = 0;
  excludedCount = 0;
  readonly localities: Locality[];
  readonly hasLocalLocality: boolean;
  /** Per bucket: all hosts (static), healthy, degraded (lists + counts), excluded count. */
  readonly bucketHosts: Int32Array[];
  readonly bucketHostCount: Int32Array;
  /** Per bucket: hosts present in EDS (the locality's size as Envoy sees it). */
  readonly bucketPresentCount: Int32Array;
  readonly bucketHealthy: Int32Array[];
  readonly bucketHealthyCount: Int32Array;
  readonly bucketDegraded: Int32Array[];
  readonly bucketDegradedCount: Int32Array;
  readonly bucketExcludedCount: Int32Array;
  /** LocalityLbEndpoints weight per bucket (null without locality_weighted_lb_config). */
  readonly localityWeights: Float64Array | null;
  /** Counts and weight sums for the priority-load computation (reused object). */
  readonly counts: PriorityCounts = {
    hosts: 0,
    healthy: 0,
    degraded: 0,
    excluded: 0,
    hostsWeight: 0,
    healthyWeight: 0,
    degradedWeight: 0,
    excludedWeight: 0,
  };

  constructor(
    readonly priority: number,
    members: number[],
    descriptions: readonly HostDescription[],
    clientLocality: Locality | undefined,
    localityWeightOf: ((priority: number, locality: Locality) => number) | null,
  ) {
    const n = members.length;
    this.hosts = Int32Array.from(members);
    this.present = Int32Array.from(members);
    this.presentCount = n;
    this.healthy = new Int32Array(n);
    this.degraded = new Int32Array(n);
    this.excluded = new Int32Array(n);
    // Group by locality.
    const byId = new Map<string, { locality: Locality; hosts: number[] }>();
    for (const h of members) {
      const loc = descriptions[h].locality;
      const id = localityId(loc);
      let group = byId.get(id);
      if (!group) {
        group = { locality: loc, hosts: [] };
        byId.set(id, group);
      }
      group.hosts.push(h);
    }
    const groups = [...byId.values()];
    let local: (typeof groups)[number] | undefined;
    if (clientLocality) local = groups.find((g) => sameLocality(g.locality, clientLocality));
    const others = groups.filter((g) => g !== local).sort((a, b) => compareLocality(a.locality, b.locality));
    const ordered = local ? [local, ...others] : others;
    this.hasLocalLocality = local !== undefined;
    this.localities = ordered.map((g) => g.locality);
    const b = ordered.length;
    this.bucketHosts = ordered.map((g) => Int32Array.from(g.hosts));
    this.bucketHostCount = Int32Array.from(ordered.map((g) => g.hosts.length));
    this.bucketPresentCount = Int32Array.from(this.bucketHostCount);
    this.bucketHealthy = ordered.map((g) => new Int32Array(g.hosts.length));
    this.bucketDegraded = ordered.map((g) => new Int32Array(g.hosts.length));
    this.bucketHealthyCount = new Int32Array(b);
    this.bucketDegradedCount = new Int32Array(b);
    this.bucketExcludedCount = new Int32Array(b);
    this.localityWeights = localityWeightOf
      ? Float64Array.from(ordered.map((g) => localityWeightOf(priority, g.locality)))
      : null;
  }

  get localityCount(): number {
    return this.bucketHosts.length;
  }

  /** Envoy's partitionHosts for this priority, from the hosts' flags. Updates `counts`. */
  partition(flags: Int32Array, excludedMask: number, weights: Float64Array, health: Uint8Array): void {
    let hc = 0;
    let dc = 0;
    let ec = 0;
    let hw = 0;
    let dw = 0;
    let ew = 0;
    let tw = 0;
    let pc = 0;
    const hosts = this.hosts;
    for (let i = 0; i < hosts.length; i++) {
      const h = hosts[i];
      const f = flags[h];
      if ((f & ABSENT_FROM_EDS) !== 0) {
        health[h] = HEALTH_UNHEALTHY;
        continue;
      }
      this.present[pc++] = h;
      const c = coarseHealth(f);
      health[h] = c;
      const w = weights[h];
      tw += w;
      if (c === HEALTH_HEALTHY) {
        this.healthy[hc++] = h;
        hw += w;
      } else if (c === HEALTH_DEGRADED) {
        this.degraded[dc++] = h;
        dw += w;
      }
      if ((f & excludedMask) !== 0) {
        this.excluded[ec++] = h;
        ew += w;
      }
    }
    this.presentCount = pc;
    this.healthyCount = hc;
    this.degradedCount = dc;
    this.excludedCount = ec;
    for (let k = 0; k < this.bucketHosts.length; k++) {
      const list = this.bucketHosts[k];
      let bh = 0;
      let bd = 0;
      let be = 0;
      let bp = 0;
      for (let i = 0; i < list.length; i++) {
        const h = list[i];
        if ((flags[h] & ABSENT_FROM_EDS) !== 0) continue;
        bp++;
        const c = health[h];
        if (c === HEALTH_HEALTHY) this.bucketHealthy[k][bh++] = h;
        else if (c === HEALTH_DEGRADED) this.bucketDegraded[k][bd++] = h;
        if ((flags[h] & excludedMask) !== 0) be++;
      }
      this.bucketHealthyCount[k] = bh;
      this.bucketDegradedCount[k] = bd;
      this.bucketExcludedCount[k] = be;
      this.bucketPresentCount[k] = bp;
    }
    const c = this.counts;
    c.hosts = pc;
    c.healthy = hc;
    c.degraded = dc;
    c.excluded = ec;
    c.hostsWeight = tw;
    c.healthyWeight = hw;
    c.degradedWeight = dw;
    c.excludedWeight = ew;
  }
}
