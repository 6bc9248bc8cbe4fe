/**
 * The Envoy side of the control plane: a host leaving EDS (Istio leaves a not-ready endpoint out,
 * pilot/pkg/xds/endpoints/endpoint_builder.go at istio 1.28.0) versus a host sent UNHEALTHY; the
 * outlier detector forgetting a removed host; and the active health-check session
 * (source/extensions/health_checkers/common/health_checker_base_impl.cc, envoyproxy/envoy at
 * 1204f55de6d2673562b16b6d4c40c2eab434c72c).
 */
import { describe, expect, it } from 'vitest';
import { ScriptedIntegers, type IntegerSource } from '../../src/engine/random.ts';
import { ClusterLoadBalancer, SOURCE_ALL_HOSTS } from '../../src/envoy/lb/cluster-lb.ts';
import { FAILED_EDS_HEALTH, HEALTHY_FLAGS } from '../../src/envoy/lb/health.ts';
import { semanticsForEnvoyMinor } from '../../src/envoy/profiles.ts';
import {
  ActiveHealthCheckSession,
  HC_BAD_STATUS,
  HC_NETWORK_FAILURE,
  HC_SUCCESS,
  HC_TIMEOUT,
  type ActiveHealthCheckConfig,
} from '../../src/envoy/health-check.ts';
import { build, http } from './outlier-helpers.ts';
import { cluster, here, loc } from './lb-helpers.ts';

const newest = semanticsForEnvoyMinor(36);

class Sweep implements IntegerSource {
  i = 0;
  next(): number {
    return this.i++ % 100;
  }
}

describe('EDS membership in the load balancer', () => {
  it('a removed host leaves the priority: 2 of 2 present keep all load, where 2 of 3 healthy spill 7% (factor 140)', () => {
    const removed = new ClusterLoadBalancer(cluster([3, 3], { healthy_panic_threshold: 0 }), newest, here, new Sweep());
    const unhealthy = new ClusterLoadBalancer(cluster([3, 3], { healthy_panic_threshold: 0 }), newest, here, new Sweep());
    removed.setHostInEds(0, false);
    unhealthy.setHostHealth(0, FAILED_EDS_HEALTH);
    expect(Array.from(removed.healthyLoad)).toEqual([100, 0]);
    expect(Array.from(unhealthy.healthyLoad)).toEqual([93, 7]); // floor(140·2/3)
    expect(removed.perPriorityLoadSummary()[0].hosts).toBe(2);
    expect(unhealthy.perPriorityLoadSummary()[0].hosts).toBe(3);
    expect(removed.isInEds(0)).toBe(false);
    expect(removed.isHealthy(0)).toBe(false);
  });

  it('panic picks among hosts() never return a removed host (an UNHEALTHY one stays pickable)', () => {
    const lb = new ClusterLoadBalancer(cluster([4], { healthy_panic_threshold: 50 }), newest, here, new Sweep());
    lb.setHostInEds(0, false);
    lb.setHostHealth(1, FAILED_EDS_HEALTH);
    lb.setHostHealth(2, FAILED_EDS_HEALTH); // 1 of 3 present healthy: 33% < 50% → panic
    expect(lb.panic[0]).toBe(1);
    expect(Array.from(lb.sourceHosts(0, SOURCE_ALL_HOSTS))).toEqual([1, 2, 3]);
    const picked = new Set<number>();
    for (let i = 0; i < 30; i++) picked.add(lb.chooseHost(null));
    expect([...picked].sort()).toEqual([1, 2, 3]);
  });

  it('a host coming back is a new host: its outlier flag is gone, health as EDS says', () => {
    const lb = new ClusterLoadBalancer(cluster([3]), newest, here, new Sweep());
    lb.markEjected(1, true);
    lb.setHostInEds(1, false);
    expect(lb.isEjected(1)).toBe(true); // the slot keeps the bit while absent; nobody reads it
    lb.setHostInEds(1, true, HEALTHY_FLAGS);
    expect(lb.isEjected(1)).toBe(false);
    expect(lb.isHealthy(1)).toBe(true);
    expect(Array.from(lb.sourceHosts(0, SOURCE_ALL_HOSTS))).toEqual([0, 1, 2]);
  });

  it('a locality whose hosts all left EDS gets no locality-weighted traffic', () => {
    const c = cluster([4], { locality_weighted_lb_config: true }, (_p, i) => (i < 2 ? loc('r1') : loc('r2')));
    c.locality_weights = { 'r1/a/': 1, 'r2/a/': 1 };
    const lb = new ClusterLoadBalancer(c, newest, here, new Sweep());
    lb.setHostInEds(0, false);
    lb.setHostInEds(1, false);
    for (let i = 0; i < 20; i++) expect([2, 3]).toContain(lb.chooseHost(null));
  });
});

describe('outlier detector membership (EDS removal)', () => {
  it('a report for a removed host changes nothing; the host comes back at its slot with fresh state', () => {
    const { d, slots } = build({ consecutive_5xx: 5, max_ejection_percent: 100 }, { hosts: 3 });
    http(d, slots[1], 503, 4, 0);
    d.removeHost(slots[1]);
    http(d, slots[1], 503, 10, 1); // in-flight requests finishing after the removal
    expect(d.isMember(slots[1])).toBe(false);
    expect(d.stats().ejections_detected_consecutive_5xx).toBe(0);
    expect(d.addHostAt(slots[1], 'h1')).toBe(slots[1]);
    http(d, slots[1], 503, 4, 3); // 4 after the return: the 4 before were forgotten
    expect(d.stats().ejections_detected_consecutive_5xx).toBe(0);
    http(d, slots[1], 503, 1, 3);
    expect(d.stats().ejections_detected_consecutive_5xx).toBe(1);
  });
});

const config: ActiveHealthCheckConfig = {
  intervalMs: 5000,
  timeoutMs: 1000,
  unhealthyThreshold: 3,
  healthyThreshold: 2,
  unhealthyIntervalMs: 7000,
  unhealthyEdgeIntervalMs: 2000,
  healthyEdgeIntervalMs: 3000,
  intervalJitterMs: 0,
};
const none = new ScriptedIntegers([]);

describe('Envoy active health-check session', () => {
  it('network failures (refused, timeout) need unhealthy_threshold in a row; a success resets the count', () => {
    const s = new ActiveHealthCheckSession(config);
    expect(s.apply(HC_NETWORK_FAILURE)).toBe(false);
    expect(s.apply(HC_TIMEOUT)).toBe(false);
    expect(s.apply(HC_SUCCESS)).toBe(false);
    expect(s.apply(HC_TIMEOUT)).toBe(false);
    expect(s.apply(HC_NETWORK_FAILURE)).toBe(false);
    expect(s.failed).toBe(false);
    expect(s.apply(HC_NETWORK_FAILURE)).toBe(true);
    expect(s.failed).toBe(true);
  });

  it('an unexpected HTTP status marks the host unhealthy at once, whatever the threshold', () => {
    const s = new ActiveHealthCheckSession(config);
    expect(s.apply(HC_BAD_STATUS)).toBe(true);
    expect(s.failed).toBe(true);
  });

  it('healthy_threshold successes in a row bring it back; a failure in between starts over', () => {
    const s = new ActiveHealthCheckSession(config);
    s.apply(HC_BAD_STATUS);
    expect(s.apply(HC_SUCCESS)).toBe(false);
    expect(s.apply(HC_NETWORK_FAILURE)).toBe(false);
    expect(s.apply(HC_SUCCESS)).toBe(false);
    expect(s.apply(HC_SUCCESS)).toBe(true);
    expect(s.failed).toBe(false);
  });

  it('the next interval: edge intervals while a transition is pending, unhealthy_interval after a failure', () => {
    const s = new ActiveHealthCheckSession(config);
    s.apply(HC_SUCCESS);
    expect(s.nextIntervalMs(HC_SUCCESS, none)).toBe(5000);
    s.apply(HC_NETWORK_FAILURE); // pending (1 of 3)
    expect(s.nextIntervalMs(HC_NETWORK_FAILURE, none)).toBe(2000);
    s.apply(HC_NETWORK_FAILURE);
    s.apply(HC_NETWORK_FAILURE); // changed
    expect(s.nextIntervalMs(HC_NETWORK_FAILURE, none)).toBe(7000);
    s.apply(HC_SUCCESS); // pending (1 of 2)
    expect(s.nextIntervalMs(HC_SUCCESS, none)).toBe(3000);
    s.apply(HC_SUCCESS); // changed
    expect(s.nextIntervalMs(HC_SUCCESS, none)).toBe(5000);
  });

  it('interval_jitter adds random() % jitter', () => {
    const s = new ActiveHealthCheckSession({ ...config, intervalJitterMs: 400 });
    s.apply(HC_SUCCESS);
    expect(s.nextIntervalMs(HC_SUCCESS, new ScriptedIntegers([1234]))).toBe(5000 + (1234 % 400));
  });
});
