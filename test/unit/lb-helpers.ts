/** Small builders for load-balancer tests. */
import type { ClusterEndpoint, EnvoyCluster, LbPolicy, Locality } from '../../src/envoy/cluster.ts';
import { PriorityLoadState } from '../../src/envoy/lb/priority-load.ts';

export const here: Locality = { region: 'us-east-1', zone: 'a', subzone: '' };

export function loc(region: string, zone = 'a'): Locality {
  return { region, zone, subzone: '' };
}

/** A cluster with `counts[p]` hosts at priority p (all in one locality unless `localities` says). */
export function cluster(
  counts: number[],
  overrides: Partial<EnvoyCluster> = {},
  localities?: (p: number, i: number) => Locality,
  weights?: (p: number, i: number) => number,
): EnvoyCluster {
  const endpoints: ClusterEndpoint[] = [];
  counts.forEach((n, p) => {
    for (let i = 0; i < n; i++) {
      endpoints.push({
        address: `p${p}-${i}.example`,
        port: 443,
        locality: localities ? localities(p, i) : here,
        priority: p,
        weight: weights ? weights(p, i) : 1,
        labels: {},
      });
    }
  });
  return {
    name: 'test',
    endpoints,
    locality_weighted_lb_config: false,
    locality_weights: {},
    lb_policy: 'ROUND_ROBIN' as LbPolicy,
    least_request_choice_count: 2,
    overprovisioning_factor: 140,
    healthy_panic_threshold: 50,
    connect_timeout_ms: 1000,
    route_timeout_ms: 0,
    ...overrides,
  };
}

/** Loads for given (hosts, healthy[, degraded]) per priority, straight from PriorityLoadState. */
export function loadsFor(
  prs: { hosts: number; healthy: number; degraded?: number; excluded?: number }[],
  threshold = 50,
  factor = 140,
): PriorityLoadState {
  const s = new PriorityLoadState(prs.length, new Int32Array(prs.length).fill(factor), false);
  prs.forEach((pr, p) =>
    s.updatePriority(p, {
      hosts: pr.hosts,
      healthy: pr.healthy,
      degraded: pr.degraded ?? 0,
      excluded: pr.excluded ?? 0,
      hostsWeight: pr.hosts,
      healthyWeight: pr.healthy,
      degradedWeight: pr.degraded ?? 0,
      excludedWeight: pr.excluded ?? 0,
    }),
  );
  s.recalculatePanic(threshold);
  return s;
}
