import { describe, expect, it } from 'vitest';
import { RandomStream, ScriptedIntegers, type IntegerSource } from '../../src/engine/random.ts';
import {
  ClusterLoadBalancer,
  PickContext,
  SOURCE_ALL_HOSTS,
  SOURCE_DEGRADED_HOSTS,
  SOURCE_HEALTHY_HOSTS,
  SOURCE_LOCALITY_HEALTHY_HOSTS,
} from '../../src/envoy/lb/cluster-lb.ts';
import { DEGRADED_EDS_HEALTH, EDS_STATUS_DRAINING, FAILED_EDS_HEALTH, HEALTHY_FLAGS } from '../../src/envoy/lb/health.ts';
import { PreviousPrioritiesRetryPriority } from '../../src/envoy/lb/retry-priority.ts';
import { semanticsForEnvoyMinor } from '../../src/envoy/profiles.ts';
import { cluster, here, loc } from './lb-helpers.ts';

const newest = semanticsForEnvoyMinor(36);

/** Hash draws 0, 1, ..., 99, 0, 1, ...: buckets 1..100 exactly once per 100 picks (seed draws 0). */
class Sweep implements IntegerSource {
  i = 0;
  next(): number {
    return this.i++ % 100;
  }
}

function countByPriority(lb: ClusterLoadBalancer, picks: number): number[] {
  const counts = new Array(lb.priorityCount + 1).fill(0);
  for (let i = 0; i < picks; i++) {
    const h = lb.chooseHost(null);
    counts[h < 0 ? lb.priorityCount : lb.hostPriority[h]]++;
  }
  return counts; // last entry: no host
}

describe('ClusterLoadBalancer: priority failover as hosts are ejected (Istio defaults: panic 0, factor 140)', () => {
  it('moves picks to P1 in proportion to the priority load, then entirely, then fails', () => {
    const lb = new ClusterLoadBalancer(cluster([4, 4], { healthy_panic_threshold: 0 }), newest, here, new Sweep());
    expect(countByPriority(lb, 100)).toEqual([100, 0, 0]);
    lb.markEjected(0, true); // 3/4 healthy: 105 → 100
    expect(Array.from(lb.healthyLoad)).toEqual([100, 0]);
    lb.markEjected(1, true); // 2/4: 70
    expect(Array.from(lb.healthyLoad)).toEqual([70, 30]);
    expect(countByPriority(lb, 100)).toEqual([70, 30, 0]);
    lb.markEjected(2, true);
    lb.markEjected(3, true);
    expect(countByPriority(lb, 100)).toEqual([0, 100, 0]);
    for (let h = 4; h < 8; h++) lb.markEjected(h, true);
    // Threshold 0 and nothing available: P0 takes 100 and the pick finds no host (503 UH).
    expect(lb.healthyLoad[0]).toBe(100);
    expect(countByPriority(lb, 10)).toEqual([0, 0, 10]);
    // Fail back.
    lb.markEjected(0, false);
    lb.markEjected(1, false);
    lb.markEjected(2, false);
    expect(Array.from(lb.healthyLoad)).toEqual([100, 0]);
    expect(countByPriority(lb, 50)).toEqual([50, 0, 0]);
  });

  it('never picks an ejected host outside panic', () => {
    const lb = new ClusterLoadBalancer(cluster([5, 5], { healthy_panic_threshold: 0 }), newest, here, new RandomStream('ejected'));
    lb.markEjected(1, true);
    lb.markEjected(3, true);
    for (let i = 0; i < 2000; i++) {
      const h = lb.chooseHost(null);
      expect(h === 1 || h === 3).toBe(false);
    }
  });
});

describe('ClusterLoadBalancer: panic', () => {
  it('a priority in panic picks from all of its hosts, ejected ones included', () => {
    const lb = new ClusterLoadBalancer(cluster([4], { healthy_panic_threshold: 50 }), newest, here, new ScriptedIntegers([], 0));
    lb.markEjected(0, true);
    lb.markEjected(1, true);
    lb.markEjected(2, true); // 25% < 50%
    expect(lb.panic[0]).toBe(1);
    const picked = Array.from({ length: 8 }, () => lb.chooseHost(null));
    expect(picked).toEqual([0, 1, 2, 3, 0, 1, 2, 3]); // RR over the AllHosts source (seed 0)
    expect(lb.lastSourceKind).toBe(SOURCE_ALL_HOSTS);
    expect(lb.panicPicks).toBe(8);
  });

  it('fail_traffic_on_panic returns no host instead', () => {
    const lb = new ClusterLoadBalancer(cluster([2]), newest, here, new ScriptedIntegers([], 0), { failTrafficOnPanic: true });
    lb.markEjected(0, true);
    lb.markEjected(1, true);
    expect(lb.chooseHost(null)).toBe(-1);
  });

  it('exactly half healthy is not panic', () => {
    const lb = new ClusterLoadBalancer(cluster([4]), newest, here, new ScriptedIntegers([], 0));
    lb.markEjected(0, true);
    lb.markEjected(1, true);
    expect(lb.panic[0]).toBe(0);
    expect(lb.chooseHost(null)).toBeGreaterThanOrEqual(2);
  });
});

describe('ClusterLoadBalancer: host sources and recomputation', () => {
  it('keeps the RR index across host-set changes (no reset, no re-seed)', () => {
    const lb = new ClusterLoadBalancer(cluster([3]), newest, here, new ScriptedIntegers([1], 0)); // seed_ = 1
    expect([lb.chooseHost(null), lb.chooseHost(null)]).toEqual([1, 2]);
    lb.markEjected(0, true); // healthy = [1, 2]; index is now 3
    expect([lb.chooseHost(null), lb.chooseHost(null)]).toEqual([2, 1]);
  });

  it('degraded availability picks degraded hosts', () => {
    const lb = new ClusterLoadBalancer(cluster([2], { healthy_panic_threshold: 0 }), newest, here, new ScriptedIntegers([], 0), {
      initialFlags: [DEGRADED_EDS_HEALTH, FAILED_EDS_HEALTH],
    });
    expect(Array.from(lb.degradedLoad)).toEqual([100]);
    expect(lb.chooseHost(null)).toBe(0);
    expect(lb.lastDegraded).toBe(true);
    expect(lb.lastSourceKind).toBe(SOURCE_DEGRADED_HOSTS);
  });

  it('EDS DRAINING is excluded from the denominators from Envoy 1.30, and only unhealthy before', () => {
    const flags = [HEALTHY_FLAGS, EDS_STATUS_DRAINING, EDS_STATUS_DRAINING];
    const c = cluster([3, 1], { healthy_panic_threshold: 0 });
    const v130 = new ClusterLoadBalancer(c, semanticsForEnvoyMinor(30), here, new ScriptedIntegers([], 0), { initialFlags: flags });
    const v129 = new ClusterLoadBalancer(c, semanticsForEnvoyMinor(29), here, new ScriptedIntegers([], 0), { initialFlags: flags });
    expect(Array.from(v130.healthyLoad)).toEqual([100, 0]); // 1 of 1 non-excluded host
    expect(Array.from(v129.healthyLoad)).toEqual([46, 54]); // 140·1/3 = 46
  });

  it('only health changes trigger an update; a weight change is applied in place', () => {
    const lb = new ClusterLoadBalancer(cluster([2, 2]), newest, here, new ScriptedIntegers([], 0));
    const before = lb.updates;
    lb.setHostWeight(0, 5);
    lb.markEjected(0, false); // no change
    expect(lb.updates).toBe(before);
    lb.beginBatch();
    lb.markEjected(0, true);
    lb.markEjected(1, true);
    lb.setHostHealth(2, FAILED_EDS_HEALTH);
    lb.endBatch();
    expect(lb.updates).toBe(before + 2); // one per changed priority
  });

  it('summarizes each priority for reports', () => {
    const lb = new ClusterLoadBalancer(cluster([4, 2], { healthy_panic_threshold: 0 }), newest, here, new ScriptedIntegers([], 0));
    lb.markEjected(0, true);
    lb.markEjected(1, true);
    expect(lb.perPriorityLoadSummary()).toEqual([
      { priority: 0, hosts: 4, healthy: 2, degraded: 0, excluded: 0, health: 70, degradedAvailability: 0, healthyLoad: 70, degradedLoad: 0, panic: false },
      { priority: 1, hosts: 2, healthy: 2, degraded: 0, excluded: 0, health: 100, degradedAvailability: 0, healthyLoad: 30, degradedLoad: 0, panic: false },
    ]);
  });
});

describe('ClusterLoadBalancer: locality-weighted selection', () => {
  const twoLocalities = () =>
    cluster(
      [6],
      {
        locality_weighted_lb_config: true,
        locality_weights: { '0|us-east-1/a/': 1, '0|us-east-1/b/': 1 },
        healthy_panic_threshold: 0,
      },
      (_p, i) => (i < 3 ? loc('us-east-1', 'a') : loc('us-east-1', 'b')),
    );

  it('splits by locality weight and shifts away from a degraded locality (locality failover)', () => {
    const lb = new ClusterLoadBalancer(twoLocalities(), newest, here, new RandomStream('loc'));
    const share = () => {
      let a = 0;
      for (let i = 0; i < 3000; i++) if (lb.chooseHost(null) < 3) a++;
      return a / 3000;
    };
    expect(share()).toBeCloseTo(0.5, 2);
    lb.markEjected(0, true);
    lb.markEjected(1, true); // locality a: 1/3 healthy → 1.4/3 = 0.4667
    expect(Array.from(lb.localityEffectiveWeights(0)).map((x) => Math.round(x * 1e4) / 1e4)).toEqual([0.4667, 1]);
    expect(lb.lastSourceKind).toBe(SOURCE_LOCALITY_HEALTHY_HOSTS);
    expect(share()).toBeCloseTo(0.4667 / 1.4667, 2);
  });

  it('puts the client locality first and draws one seed per locality rebuild', () => {
    const random = new Sweep();
    const lb = new ClusterLoadBalancer(twoLocalities(), newest, loc('us-east-1', 'b'), random);
    expect(lb.hostSets[0].hasLocalLocality).toBe(true);
    expect(lb.hostSets[0].localities[0].zone).toBe('b');
    expect(random.i).toBe(2); // locality seed for P0, then seed_
    expect(lb.seed).toBe(1);
    lb.markEjected(0, true);
    expect(random.i).toBe(3); // rebuild with a fresh seed
    const legacy = new Sweep();
    new ClusterLoadBalancer(twoLocalities(), semanticsForEnvoyMinor(29), loc('us-east-1', 'b'), legacy);
    expect(legacy.i).toBe(1); // before 1.30 the locality scheduler takes no seed
  });
});

describe('ClusterLoadBalancer: retries', () => {
  it('host-selection retries skip attempted hosts and fall back to the last candidate', () => {
    const lb = new ClusterLoadBalancer(cluster([3]), newest, here, new ScriptedIntegers([], 0));
    const ctx = new PickContext();
    ctx.rejectHosts = new Uint8Array(3);
    ctx.hostSelectionRetryCount = 5;
    const seen: number[] = [];
    for (let i = 0; i < 3; i++) {
      const h = lb.chooseHost(ctx);
      seen.push(h);
      ctx.rejectHosts[h] = 1;
    }
    expect(seen.sort()).toEqual([0, 1, 2]);
    // Every host rejected: 6 tries, then the last one is used anyway.
    expect(lb.chooseHost(ctx)).toBeGreaterThanOrEqual(0);
  });

  it('previous_priorities: documented sequence for healths {100, 0, 50} is P0, P2, P0 (reset), P2', () => {
    // P0 2/2 healthy (100), P1 0/2 (0), P2 5/14 healthy (140·5/14 = 50).
    const flags = [0, 0, FAILED_EDS_HEALTH, FAILED_EDS_HEALTH, ...Array.from({ length: 14 }, (_, i) => (i < 5 ? 0 : FAILED_EDS_HEALTH))];
    const lb = new ClusterLoadBalancer(cluster([2, 2, 14], { healthy_panic_threshold: 0 }), newest, here, new RandomStream('rp'), {
      initialFlags: flags,
    });
    expect(Array.from(lb.loads.health)).toEqual([100, 0, 50]);
    const plugin = new PreviousPrioritiesRetryPriority(1, lb.priorityCount);
    const ctx = new PickContext();
    const priorities: number[] = [];
    for (let attempt = 0; attempt < 4; attempt++) {
      ctx.retryPriority = attempt === 0 ? null : plugin; // consulted on retries only
      const h = lb.chooseHost(ctx);
      priorities.push(lb.hostPriority[h]);
      plugin.onHostAttempted(lb.hostPriority[h]);
    }
    expect(priorities).toEqual([0, 2, 0, 2]);
  });
});

describe('ClusterLoadBalancer: LEAST_REQUEST and RANDOM', () => {
  it('P2C prefers the host with fewer active requests', () => {
    const active = new Int32Array(2);
    const lb = new ClusterLoadBalancer(cluster([2], { lb_policy: 'LEAST_REQUEST' }), newest, here, new RandomStream('p2c'), {
      activeRequests: active,
    });
    active[0] = 10;
    let busy = 0;
    for (let i = 0; i < 4000; i++) if (lb.chooseHost(null) === 0) busy++;
    expect(busy / 4000).toBeCloseTo(0.25, 1); // with 2 hosts the busier one still wins 1/4 of the time
  });

  it('RANDOM uses the priority hash for the host index', () => {
    const lb = new ClusterLoadBalancer(cluster([3], { lb_policy: 'RANDOM' }), newest, here, new ScriptedIntegers([7, 8, 9]));
    expect([lb.chooseHost(null), lb.chooseHost(null), lb.chooseHost(null)]).toEqual([1, 2, 0]);
    expect(lb.lastSourceKind).toBe(SOURCE_HEALTHY_HOSTS);
  });
});

describe('ClusterLoadBalancer: zone-aware routing', () => {
  it('LocalityDirect sends every P0 pick to the local locality', () => {
    const c = cluster([6], { healthy_panic_threshold: 0 }, (_p, i) => (i < 3 ? loc('r', 'a') : loc('r', 'b')));
    const lb = new ClusterLoadBalancer(c, newest, loc('r', 'a'), new RandomStream('za'), {
      zoneAware: { localCluster: [{ locality: loc('r', 'a'), hosts: 2 }, { locality: loc('r', 'b'), hosts: 2 }] },
    });
    for (let i = 0; i < 50; i++) expect(lb.chooseHost(null)).toBeLessThan(3);
  });

  it('falls back to the whole healthy list when the cluster is below min_cluster_size', () => {
    const c = cluster([4], { healthy_panic_threshold: 0 }, (_p, i) => (i < 2 ? loc('r', 'a') : loc('r', 'b')));
    const lb = new ClusterLoadBalancer(c, newest, loc('r', 'a'), new ScriptedIntegers([], 0), {
      zoneAware: { localCluster: [{ locality: loc('r', 'a'), hosts: 1 }, { locality: loc('r', 'b'), hosts: 1 }] },
    });
    expect(Array.from({ length: 4 }, () => lb.chooseHost(null))).toEqual([0, 1, 2, 3]);
  });
});
