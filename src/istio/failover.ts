/**
 * Istio's per-proxy priority and weight assignment on a ClusterLoadAssignment (LB spec §11.2–11.5,
 * §11.9; pilot/pkg/networking/core/loadbalancer/loadbalancer.go). Pure functions over a small model
 * of Envoy's LocalityLbEndpoints; the conformance replay and the translation call these same
 * functions. Inputs are never mutated: every function returns new entries.
 */
import type { Locality } from '../envoy/cluster.ts';
import { lbMatchLevel, localityMatchesRule, LABEL_NETWORK } from './locality.ts';

/** One endpoint of a LocalityLbEndpoints, with the (augmented) IstioEndpoint labels. */
export interface IstioLbEndpoint {
  id: string;
  labels: Record<string, string>;
  /** LbEndpoint.load_balancing_weight (≥ 1). */
  weight: number;
}

/** Envoy's LocalityLbEndpoints as Istio builds it. */
export interface LocalityLbEndpoints {
  /** null: the entry has no Locality message. */
  locality: Locality | null;
  endpoints: IstioLbEndpoint[];
  /** LocalityLbEndpoints.load_balancing_weight; null when unset. */
  weight: number | null;
  priority: number;
}

export interface FailoverRule {
  from: string;
  to: string;
}

export interface DistributeRule {
  from: string;
  /** Locality rule → weight, in the order written (Go iterates a map: see docs/istio-translation.md). */
  to: Record<string, number>;
}

function cloneGroup(g: LocalityLbEndpoints): LocalityLbEndpoints {
  return { locality: g.locality, endpoints: g.endpoints.slice(), weight: g.weight, priority: g.priority };
}

/** Maps distinct raw priorities to 0,1,2,… in ascending order, with no gaps. */
export function compactPriorities(raw: readonly number[]): number[] {
  const distinct = [...new Set(raw)].sort((a, b) => a - b);
  const rank = new Map<number, number>();
  distinct.forEach((p, i) => rank.set(p, i));
  return raw.map((p) => rank.get(p)!);
}

function withPriorities(groups: readonly LocalityLbEndpoints[], raw: readonly number[]): LocalityLbEndpoints[] {
  const compact = compactPriorities(raw);
  return groups.map((g, i) => ({ ...cloneGroup(g), priority: compact[i] }));
}

/**
 * Region-level failover (`applyLocalityFailover`, spec §11.3): match level 0..3 from the proxy's
 * locality; an other-region entry becomes 4 when the first `failover` rule whose `from` is the
 * proxy's region names another region as `to`. Combined with an already assigned priority as
 * `old*5 + level`, then compacted.
 */
export function applyLocalityFailover(
  proxy: Locality | null,
  groups: readonly LocalityLbEndpoints[],
  failover: readonly FailoverRule[],
): LocalityLbEndpoints[] {
  const proxyRegion = proxy?.region ?? '';
  const rule = failover.find((f) => f.from === proxyRegion);
  const raw = groups.map((g) => {
    let level = lbMatchLevel(proxy, g.locality);
    if (level === 3 && rule && (g.locality === null || g.locality.region !== rule.to)) level = 4;
    return g.priority * 5 + level;
  });
  return withPriorities(groups, raw);
}

export interface FailoverPriorityOptions {
  /** `key=value` entries override the value compared with (Istio ≥ 1.18). Before, the text is the key. */
  keyValueOverrides?: boolean;
  /**
   * Istio master after 2026-07-17 (PR #60829): a leading bare `topology.istio.io/network` key is
   * "preferred, not required" — a mismatch adds len(keys) instead of ending the walk.
   */
  networkFirst?: boolean;
}

/** Splits `failoverPriority` entries into keys and override values (priorityLabelOverrides). */
export function parseFailoverPriorityKeys(
  entries: readonly string[],
  keyValueOverrides: boolean,
): { keys: string[]; overrides: Map<string, string> } {
  const keys: string[] = [];
  const overrides = new Map<string, string>();
  for (const entry of entries) {
    if (!keyValueOverrides) {
      keys.push(entry);
      continue;
    }
    const parts = entry.split('=');
    keys.push(parts[0]);
    if (parts.length === 2) overrides.set(parts[0], parts[1]);
  }
  return { keys, overrides };
}

/** Raw label priority of one endpoint: len(keys) − j at the first mismatching key j, or 0. */
export function labelPriority(
  endpointLabels: Record<string, string>,
  proxyLabels: Record<string, string>,
  keys: readonly string[],
  overrides: ReadonlyMap<string, string>,
  networkFirst: boolean,
): number {
  const n = keys.length;
  const walk = (start: number): number => {
    for (let j = start; j < n; j++) {
      const key = keys[j];
      const want = overrides.has(key) ? overrides.get(key)! : (proxyLabels[key] ?? '');
      if (want !== (endpointLabels[key] ?? '')) return n - j;
    }
    return 0;
  };
  if (networkFirst && n > 0 && keys[0] === LABEL_NETWORK && !overrides.has(LABEL_NETWORK)) {
    const networkMatches = (proxyLabels[LABEL_NETWORK] ?? '') === (endpointLabels[LABEL_NETWORK] ?? '');
    return (networkMatches ? 0 : n) + walk(1);
  }
  return walk(0);
}

/**
 * Label-based priorities (`applyFailoverPriorities`, spec §11.4): each entry is split into one
 * entry per distinct raw priority (in raw order, weight = sum of its endpoints' weights), then raw
 * priorities are compacted across the whole assignment. Nothing happens when the proxy has no
 * labels or the list is empty.
 */
export function applyFailoverPriorities(
  groups: readonly LocalityLbEndpoints[],
  proxyLabels: Record<string, string>,
  failoverPriority: readonly string[],
  options: FailoverPriorityOptions = {},
): LocalityLbEndpoints[] {
  if (Object.keys(proxyLabels).length === 0 || failoverPriority.length === 0) return groups.map(cloneGroup);
  const { keys, overrides } = parseFailoverPriorityKeys(failoverPriority, options.keyValueOverrides ?? true);
  const out: LocalityLbEndpoints[] = [];
  const raw: number[] = [];
  for (const g of groups) {
    const byPriority = new Map<number, IstioLbEndpoint[]>();
    for (const ep of g.endpoints) {
      const p = labelPriority(ep.labels, proxyLabels, keys, overrides, options.networkFirst ?? false);
      let list = byPriority.get(p);
      if (!list) byPriority.set(p, (list = []));
      list.push(ep);
    }
    for (const p of [...byPriority.keys()].sort((a, b) => a - b)) {
      const eps = byPriority.get(p)!;
      out.push({ locality: g.locality, endpoints: eps, weight: eps.reduce((s, e) => s + e.weight, 0), priority: p });
      raw.push(p);
    }
  }
  const compact = compactPriorities(raw);
  out.forEach((g, i) => (g.priority = compact[i]));
  return out;
}

export interface DistributeResult {
  groups: LocalityLbEndpoints[];
  /** Per input entry: its endpoints were removed because no `to` matched it. */
  removed: boolean[];
  /** Whether a rule's `from` matched the proxy (otherwise nothing changed). */
  applied: boolean;
}

/**
 * Weighted distribution (`applyLocalityWeights`, spec §11.5): the first rule whose `from` matches
 * the proxy sets each matched entry's weight to ceil(original·toWeight / Σ originals of the entries
 * that `to` matched) (unset original = 1; a result of 0 leaves it unchanged); entries matched by
 * no `to` lose their endpoints. Priorities are not changed.
 */
export function applyDistribute(
  proxy: Locality | null,
  groups: readonly LocalityLbEndpoints[],
  distribute: readonly DistributeRule[],
): DistributeResult {
  const out = groups.map(cloneGroup);
  const removed = groups.map(() => false);
  const rule = distribute.find((d) => localityMatchesRule(proxy, d.from));
  if (!rule) return { groups: out, removed, applied: false };
  const unmatched = new Set(out.map((_, i) => i));
  for (const [target, toWeight] of Object.entries(rule.to)) {
    const originals = new Map<number, number>();
    let total = 0;
    out.forEach((g, i) => {
      if (!unmatched.has(i) || !localityMatchesRule(g.locality, target)) return;
      unmatched.delete(i);
      const w = g.weight ?? 1;
      originals.set(i, w);
      total += w;
    });
    for (const [i, w] of originals) {
      const dest = (w * toWeight) / total;
      if (dest > 0) out[i].weight = Math.ceil(dest);
    }
  }
  for (const i of unmatched) {
    out[i].endpoints = [];
    removed[i] = true;
  }
  return { groups: out, removed, applied: true };
}

/**
 * Master-only zone-aware setting (spec §11.9): region buckets only — same region 0, the `to`
 * region of the first rule whose `from` is the proxy's region 1, other regions 2 — combined as
 * `old*3 + bucket`, then compacted.
 */
export function applyZoneAwareRegionBuckets(
  proxy: Locality | null,
  groups: readonly LocalityLbEndpoints[],
  failover: readonly FailoverRule[],
): LocalityLbEndpoints[] {
  const proxyRegion = proxy?.region ?? '';
  const rule = failover.find((f) => f.from === proxyRegion);
  const raw = groups.map((g) => {
    const region = g.locality?.region ?? '';
    const bucket = region === proxyRegion ? 0 : rule && region === rule.to ? 1 : 2;
    return g.priority * 3 + bucket;
  });
  return withPriorities(groups, raw);
}

/** The locality LB setting after precedence (DR over mesh; `enabled: false` resolves to null). */
export interface LocalityLbSettingInput {
  enabled?: boolean;
  distribute?: DistributeRule[];
  failover?: FailoverRule[];
  failoverPriority?: string[];
}

export interface ZoneAwareSettingInput {
  enabled?: boolean;
  failover?: FailoverRule[];
  failoverPriority?: string[];
  minClusterSize?: number;
}

export interface ApplyLocalityOptions extends FailoverPriorityOptions {
  /** failoverPriority together with failover composes (×5) since Istio 1.20; before, failover was ignored. */
  composeFailoverWithPriority?: boolean;
  /** failoverPriority exists (Istio ≥ 1.12). */
  failoverPrioritySupported?: boolean;
  /**
   * The endpoints' labels reach the priority code (false for DNS clusters on Istio 1.12–1.29: the
   * failoverPriority step is a no-op, any `failover` rules still apply).
   */
  endpointLabelsAvailable?: boolean;
}

export type LocalityMode = 'none' | 'distribute' | 'failover' | 'failoverPriority' | 'zoneAware';

export interface ApplyLocalityResult {
  groups: LocalityLbEndpoints[];
  mode: LocalityMode;
  removed?: boolean[];
}

/**
 * `ApplyLocalityLoadBalancer`: distribute (weights only) or, when failover is enabled (outlier
 * detection present, or forced), failoverPriority then optional failover, or the default
 * region/zone/subzone failover.
 */
export function applyLocalityLoadBalancer(
  groups: readonly LocalityLbEndpoints[],
  proxy: Locality | null,
  proxyLabels: Record<string, string>,
  setting: LocalityLbSettingInput | null,
  enableFailover: boolean,
  options: ApplyLocalityOptions = {},
): ApplyLocalityResult {
  if (!setting) return { groups: groups.map(cloneGroup), mode: 'none' };
  if (setting.distribute && setting.distribute.length > 0) {
    const r = applyDistribute(proxy, groups, setting.distribute);
    return { groups: r.groups, mode: 'distribute', removed: r.removed };
  }
  if (!enableFailover || setting.enabled === false) return { groups: groups.map(cloneGroup), mode: 'none' };
  const failover = setting.failover ?? [];
  const priorities = options.failoverPrioritySupported === false ? [] : (setting.failoverPriority ?? []);
  if (priorities.length > 0) {
    let out = options.endpointLabelsAvailable === false ? groups.map(cloneGroup) : applyFailoverPriorities(groups, proxyLabels, priorities, options);
    if (failover.length > 0 && options.composeFailoverWithPriority !== false) {
      out = applyLocalityFailover(proxy, out, failover);
    }
    return { groups: out, mode: 'failoverPriority' };
  }
  return { groups: applyLocalityFailover(proxy, groups, failover), mode: 'failover' };
}

/** Zone-aware (master): label tiers (if any) then region buckets on top. */
export function applyZoneAwareLoadBalancer(
  groups: readonly LocalityLbEndpoints[],
  proxy: Locality | null,
  proxyLabels: Record<string, string>,
  setting: ZoneAwareSettingInput,
  options: FailoverPriorityOptions = {},
): ApplyLocalityResult {
  let out = groups.map(cloneGroup);
  if (setting.failoverPriority && setting.failoverPriority.length > 0) {
    out = applyFailoverPriorities(out, proxyLabels, setting.failoverPriority, options);
  }
  return { groups: applyZoneAwareRegionBuckets(proxy, out, setting.failover ?? []), mode: 'zoneAware' };
}
