/**
 * Replays the `istio.*` vectors of load-balancing.json through src/istio's locality algorithms (the
 * same functions the translation uses) and, for the end-to-end ones, src/envoy's priority load and
 * ejection cap. A vector's `versions` field selects the behaviour: "istio master after …" turns on
 * the master-only translation options (network-first failoverPriority, zoneAwareLbSetting).
 */
import { registerCategory } from './categories.ts';
import { expectEqual } from './compare.ts';
import type { Locality } from '../envoy/cluster.ts';
import { PriorityLoadState } from '../envoy/lb/priority-load.ts';
import { maxEjectableHosts } from '../envoy/outlier/max-ejection-percent.ts';
import { outlierProfile } from '../envoy/profiles.ts';
import {
  applyFailoverPriorities,
  applyLocalityLoadBalancer,
  applyZoneAwareLoadBalancer,
  type FailoverRule,
  type DistributeRule,
  type LocalityLbEndpoints,
  type LocalityLbSettingInput,
} from '../istio/failover.ts';
import { augmentTopologyLabels } from '../istio/locality.ts';

/** Behaviour switches chosen from a vector's `versions` text. */
interface VersionFlags {
  master: boolean;
}

export function versionFlags(versions: unknown): VersionFlags {
  return { master: typeof versions === 'string' && /\bmaster\b/i.test(versions) };
}

function toLocality(l: any): Locality | null {
  if (l === null || l === undefined) return null;
  return { region: l.region ?? '', zone: l.zone ?? '', subzone: l.subzone ?? l.sub_zone ?? '' };
}

interface Built {
  groups: LocalityLbEndpoints[];
  /** Input entry index → its endpoint ids. */
  idsByInput: string[][];
}

/** Input LocalityLbEndpoints from `groups` (unit-test style) or `endpoint_localities` (one entry each). */
function buildGroups(input: any, augment: boolean): Built {
  if (Array.isArray(input.groups)) {
    const groups = input.groups.map((g: any) => ({
      locality: toLocality(g.locality),
      endpoints: (g.endpoints ?? []).map((e: any) => ({
        id: String(e.id),
        labels: augment ? augmentTopologyLabels(e.labels ?? {}, toLocality(g.locality), undefined) : { ...(e.labels ?? {}) },
        weight: e.weight ?? 1,
      })),
      weight: g.weight ?? null,
      priority: 0,
    }));
    return { groups, idsByInput: groups.map((g: LocalityLbEndpoints) => g.endpoints.map((e) => e.id)) };
  }
  const locs: any[] = input.endpoint_localities ?? [];
  const weights: any[] = input.original_locality_weights ?? [];
  const perLocality: number = input.pods_per_locality ?? 1;
  const groups: LocalityLbEndpoints[] = locs.map((l, i) => {
    const locality = toLocality(l);
    const endpoints = Array.from({ length: perLocality }, (_, k) => ({
      id: perLocality === 1 ? String(i) : `${i}.${k}`,
      labels: augmentTopologyLabels({}, locality, undefined),
      weight: 1,
    }));
    return { locality, endpoints, weight: weights[i] ?? null, priority: 0 };
  });
  return { groups, idsByInput: groups.map((g) => g.endpoints.map((e) => e.id)) };
}

function settingFrom(input: any): LocalityLbSettingInput | null {
  if ('locality_lb_setting' in input && input.locality_lb_setting === null) return null;
  const s: LocalityLbSettingInput = {};
  const src = input.locality_lb_setting ?? {};
  if (src.enabled !== undefined) s.enabled = src.enabled;
  const failover: FailoverRule[] | undefined = input.failover ?? src.failover;
  const distribute: DistributeRule[] | undefined = input.distribute ?? src.distribute;
  const failoverPriority: string[] | undefined = input.failover_priority ?? src.failover_priority ?? src.failoverPriority;
  if (failover) s.failover = failover;
  if (distribute) s.distribute = distribute;
  if (failoverPriority) s.failoverPriority = failoverPriority;
  return s;
}

/** The priority each input entry ended up with (a list when failoverPriority split it). */
function prioritiesByInput(built: Built, out: LocalityLbEndpoints[]): (number | number[])[] {
  const priorityOf = new Map<string, number>();
  for (const g of out) for (const e of g.endpoints) priorityOf.set(e.id, g.priority);
  return built.idsByInput.map((ids, i) => {
    if (ids.length === 0) return out[i]?.priority ?? 0;
    const ps = [...new Set(ids.map((id) => priorityOf.get(id)!))];
    return ps.length === 1 ? ps[0] : ps;
  });
}

function localityJson(l: Locality | null): any {
  return l === null ? null : { region: l.region, zone: l.zone, subzone: l.subzone };
}

/** Compares output groups on the keys the expectation gives. */
function compareOutputGroups(diffs: string[], expected: any[], actual: LocalityLbEndpoints[]): void {
  expectEqual(diffs, 'output_groups.length', expected.length, actual.length);
  expected.forEach((eg, i) => {
    const ag = actual[i];
    if (!ag) return;
    if ('locality' in eg) expectEqual(diffs, `output_groups[${i}].locality`, eg.locality, localityJson(ag.locality));
    if ('endpoints' in eg) expectEqual(diffs, `output_groups[${i}].endpoints`, eg.endpoints.map(String), ag.endpoints.map((e) => e.id));
    if ('weight' in eg) expectEqual(diffs, `output_groups[${i}].weight`, eg.weight, ag.weight);
    if ('priority' in eg) expectEqual(diffs, `output_groups[${i}].priority`, eg.priority, ag.priority);
  });
}

function proxyLabelsOf(input: any, augment: boolean): Record<string, string> {
  const labels = { ...(input.proxy_labels ?? {}) };
  return augment ? augmentTopologyLabels(labels, toLocality(input.proxy_locality), undefined) : labels;
}

/** istio.locality_failover, istio.failover_priority(_with_failover), istio.distribute. */
function replayLocality(vector: any): string[] {
  const diffs: string[] = [];
  const input = vector.input;
  const expected = vector.expected;
  const flags = versionFlags(vector.versions);
  const run = (networkFirst: boolean) => {
    const built = buildGroups(input, false);
    const r = applyLocalityLoadBalancer(built.groups, toLocality(input.proxy_locality), proxyLabelsOf(input, false), settingFrom(input), input.outlier_detection ?? true, {
      keyValueOverrides: true,
      networkFirst,
      composeFailoverWithPriority: true,
    });
    return { built, r };
  };
  const { built, r } = run(flags.master);
  if ('priorities' in expected) expectEqual(diffs, 'priorities', expected.priorities, prioritiesByInput(built, r.groups));
  if ('output_groups' in expected) compareOutputGroups(diffs, expected.output_groups, r.groups);
  if ('locality_weights' in expected) expectEqual(diffs, 'locality_weights', expected.locality_weights, r.groups.map((g) => g.weight ?? 0));
  if ('endpoints_removed' in expected) {
    expectEqual(diffs, 'endpoints_removed', expected.endpoints_removed, r.removed ?? r.groups.map(() => false));
  }
  if ('_informative_priorities_with_istio_le_1_30_rules' in expected) {
    const old = run(false);
    expectEqual(diffs, '_informative_priorities_with_istio_le_1_30_rules', expected._informative_priorities_with_istio_le_1_30_rules, prioritiesByInput(old.built, old.r.groups));
  }
  if ('_informative_label_priorities_after_step1' in expected) {
    const b = buildGroups(input, false);
    const step1 = applyFailoverPriorities(b.groups, proxyLabelsOf(input, false), input.failover_priority ?? [], { keyValueOverrides: true, networkFirst: flags.master });
    expectEqual(diffs, '_informative_label_priorities_after_step1', expected._informative_label_priorities_after_step1, prioritiesByInput(b, step1));
  }
  return diffs;
}

/** istio.zone_aware_region_buckets (master only). */
function replayZoneAware(vector: any): string[] {
  const diffs: string[] = [];
  const input = vector.input;
  const built = buildGroups(input, false);
  const r = applyZoneAwareLoadBalancer(built.groups, toLocality(input.proxy_locality), proxyLabelsOf(input, false), {
    enabled: true,
    failover: input.failover ?? [],
    failoverPriority: input.failover_priority ?? [],
  }, { keyValueOverrides: true, networkFirst: true });
  if ('priorities' in vector.expected) expectEqual(diffs, 'priorities', vector.expected.priorities, prioritiesByInput(built, r.groups));
  if ('output_groups' in vector.expected) compareOutputGroups(diffs, vector.expected.output_groups, r.groups);
  return diffs;
}

/** Healthy load, health and panic of a cluster whose hosts per priority are given with their health. */
function priorityState(hostsPerPriority: number[], healthyPerPriority: number[], factor: number, threshold: number): PriorityLoadState {
  const n = Math.max(1, hostsPerPriority.length);
  const state = new PriorityLoadState(n, new Int32Array(n).fill(factor), false);
  for (let p = 0; p < n; p++) {
    const hosts = hostsPerPriority[p] ?? 0;
    const healthy = healthyPerPriority[p] ?? 0;
    state.updatePriority(p, { hosts, healthy, degraded: 0, excluded: 0, hostsWeight: hosts, healthyWeight: healthy, degradedWeight: 0, excludedWeight: 0 });
  }
  state.recalculatePanic(threshold);
  return state;
}

/** istio.serviceentry_locality_e2e: priorities per case, traffic (loads) and distribute shares. */
function replayServiceEntryE2e(vector: any): string[] {
  const diffs: string[] = [];
  const input = vector.input;
  const expected = vector.expected;
  const threshold = input.healthy_panic_threshold ?? 0;
  const factor = input.overprovisioning_factor ?? 140;
  const cases: any[] = Array.isArray(input.cases) ? input.cases : [input];
  const allPriorities: (number | number[])[][] = [];
  const allLoads: number[][] = [];
  const setting = settingFrom(input);
  for (const c of cases) {
    const merged = { ...input, ...c };
    const built = buildGroups(merged, true);
    const r = applyLocalityLoadBalancer(built.groups, toLocality(merged.proxy_locality), proxyLabelsOf(merged, true), setting, merged.outlier_detection ?? true, {
      keyValueOverrides: true,
      networkFirst: versionFlags(vector.versions).master,
      composeFailoverWithPriority: true,
    });
    const priorities = prioritiesByInput(built, r.groups);
    allPriorities.push(priorities);
    if (Array.isArray(c.healthy)) {
      const pc = Math.max(...r.groups.map((g) => g.priority)) + 1;
      const hosts = new Array(pc).fill(0);
      const healthy = new Array(pc).fill(0);
      r.groups.forEach((g, i) => {
        hosts[g.priority] += g.endpoints.length;
        if (c.healthy[i]) healthy[g.priority] += g.endpoints.length;
      });
      allLoads.push(Array.from(priorityState(hosts, healthy, factor, threshold).healthyLoad));
    }
    if ('locality_weights' in expected) expectEqual(diffs, 'locality_weights', expected.locality_weights, r.groups.map((g) => g.weight ?? 0));
    if ('endpoints_removed' in expected) expectEqual(diffs, 'endpoints_removed', expected.endpoints_removed, r.removed ?? r.groups.map(() => false));
    if ('traffic_share' in expected) {
      // All hosts healthy, one locality per entry: locality-weighted shares are weight / Σ weight
      // over the entries that still have endpoints (Envoy builds no bucket for an empty one).
      const live = r.groups.map((g) => (g.endpoints.length > 0 ? (g.weight ?? 0) : 0));
      const total = live.reduce((a, b) => a + b, 0);
      expectEqual(diffs, 'traffic_share', expected.traffic_share, live.map((w) => (total === 0 ? 0 : w / total)));
    }
  }
  if ('priorities' in expected) {
    expectEqual(diffs, 'priorities', expected.priorities, Array.isArray(input.cases) ? allPriorities : allPriorities[0]);
  }
  if (Array.isArray(expected.traffic)) {
    expected.traffic.forEach((text: unknown, i: number) => {
      if (typeof text !== 'string' || !allLoads[i]) return;
      const loads = /loads \[([\d,\s]+)\]/.exec(text);
      if (loads) {
        expectEqual(diffs, `traffic[${i}] loads`, loads[1].split(',').map((s) => Number(s.trim())), allLoads[i]);
        return;
      }
      const to = /(\d+)% to .*\(priority (\d+)\)/.exec(text);
      if (to) expectEqual(diffs, `traffic[${i}] load of priority ${to[2]}`, Number(to[1]), allLoads[i][Number(to[2])] ?? 0);
    });
  }
  return diffs;
}

/** istio.default_failover_e2e: priorities, loads as P0 hosts are ejected, and the ejection cap. */
function replayDefaultFailover(vector: any): string[] {
  const diffs: string[] = [];
  const input = vector.input;
  const expected = vector.expected;
  const built = buildGroups(input, true);
  const r = applyLocalityLoadBalancer(built.groups, toLocality(input.proxy_locality), proxyLabelsOf(input, true), settingFrom(input), input.outlier_detection ?? true, {
    keyValueOverrides: true,
    networkFirst: versionFlags(vector.versions).master,
    composeFailoverWithPriority: true,
  });
  if ('priorities' in expected) expectEqual(diffs, 'priorities', expected.priorities, prioritiesByInput(built, r.groups));
  const pc = Math.max(...r.groups.map((g) => g.priority)) + 1;
  const hosts = new Array(pc).fill(0);
  r.groups.forEach((g) => (hosts[g.priority] += g.endpoints.length));
  const factor = input.overprovisioning_factor ?? 140;
  const threshold = input.healthy_panic_threshold ?? 0;
  for (const step of expected.per_step ?? []) {
    const k = step.ejected_in_p0;
    const healthy = hosts.slice();
    healthy[0] = Math.max(0, hosts[0] - k);
    const s = priorityState(hosts, healthy, factor, threshold);
    if ('health' in step) expectEqual(diffs, `step ${k}: health`, step.health, Array.from(s.health));
    if ('healthy_load' in step) expectEqual(diffs, `step ${k}: healthy_load`, step.healthy_load, Array.from(s.healthyLoad));
    if ('degraded_load' in step) expectEqual(diffs, `step ${k}: degraded_load`, step.degraded_load, Array.from(s.degradedLoad));
    if ('panic' in step) expectEqual(diffs, `step ${k}: panic`, step.panic, Array.from(s.panic).map((x) => x === 1));
  }
  const total = hosts.reduce((a, b) => a + b, 0);
  const cap = expected.max_simultaneous_ejections_with_default_10pct;
  if (cap) {
    if ('strict' in cap) expectEqual(diffs, 'max ejections, strict rule, 10%', cap.strict, maxEjectableHosts(total, 10, false, outlierProfile('1.28-1.30')));
    if ('legacy' in cap) expectEqual(diffs, 'max ejections, legacy rule, 10%', cap.legacy, maxEjectableHosts(total, 10, false, outlierProfile('1.22-1.26')));
  }
  if ('min_max_ejection_percent_to_eject_3_strict' in expected) {
    let m = 0;
    while (m <= 100 && maxEjectableHosts(total, m, false, outlierProfile('1.28-1.30')) < 3) m++;
    expectEqual(diffs, 'min maxEjectionPercent to eject 3 (strict)', expected.min_max_ejection_percent_to_eject_3_strict, m);
  }
  return diffs;
}

registerCategory('istio.locality_failover', replayLocality);
registerCategory('istio.failover_priority', replayLocality);
registerCategory('istio.failover_priority_with_failover', replayLocality);
registerCategory('istio.distribute', replayLocality);
registerCategory('istio.zone_aware_region_buckets', replayZoneAware);
registerCategory('istio.serviceentry_locality_e2e', replayServiceEntryE2e);
registerCategory('istio.default_failover_e2e', replayDefaultFailover);
