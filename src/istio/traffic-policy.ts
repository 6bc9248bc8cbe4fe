/**
 * The traffic policy one cluster (host, port, subset) gets from its DestinationRule, by Istio's
 * merge rules:
 *
 * - A `portLevelSettings` entry for the port replaces the destination-level policy wholesale: a
 *   field it omits falls back to the default, not to the top level (pilot/pkg/networking/util/util.go
 *   GetPortLevelTrafficPolicy, 1.28.0: "port-level settings will override the destination-level
 *   settings ... default values will be applied to fields omitted"; the same in
 *   cluster_builder.go MergeTrafficPolicy at 1.8.0 and SelectTrafficPolicyComponents at 1.5.0).
 *   The first entry for the port wins (`break`).
 * - A subset's policy overrides the merged policy field by field; a subset's own port-level entry
 *   replaces connectionPool, outlierDetection, loadBalancer and tls all together, set or not
 *   (util.go mergeTrafficPolicy `|| hasPortLevel`, 1.28.0; MergeTrafficPolicy, 1.8.0).
 * - Istio ≤ 1.7 applied the subset's components on top of the cluster one by one
 *   (cluster.go applyTrafficPolicy twice, 1.5.0), so there an omitted field keeps the
 *   destination-level value even under a subset port-level entry.
 */
import { formatPath, resourceWarning, type IstioWarning, type SourceRef } from './diagnostics.ts';
import type { ConnectionPool, DestinationRuleSpec, LoadBalancerSettings, OutlierDetection, TrafficPolicy } from './schema.ts';

const FIELDS = ['loadBalancer', 'connectionPool', 'outlierDetection'] as const;
type Field = (typeof FIELDS)[number];

export interface EffectivePolicy {
  loadBalancer?: LoadBalancerSettings;
  connectionPool?: ConnectionPool;
  outlierDetection?: OutlierDetection;
  /** Path (relative to spec) of the block each field came from, for messages. */
  from: Partial<Record<Field, (string | number)[]>>;
}

interface Selected {
  policy: Pick<TrafficPolicy, Field>;
  /** Path of the block the fields were read from (the policy or its port-level entry). */
  path: (string | number)[];
  portLevelIndex: number | undefined;
}

/** GetPortLevelTrafficPolicy: the first port-level entry for `port`, else the policy itself. */
function selectForPort(policy: TrafficPolicy, path: (string | number)[], port: number): Selected {
  const index = policy.portLevelSettings?.findIndex((p) => p.port.number === port) ?? -1;
  if (index < 0) return { policy, path, portLevelIndex: undefined };
  return { policy: policy.portLevelSettings![index], path: [...path, 'portLevelSettings', index], portLevelIndex: index };
}

export function effectiveTrafficPolicy(
  dr: DestinationRuleSpec | undefined,
  port: number,
  subset: string | undefined,
  istioMinor: number,
): EffectivePolicy {
  const eff: EffectivePolicy = { from: {} };
  const set = (field: Field, source: Selected): void => {
    const value = source.policy[field];
    (eff as unknown as Record<Field, unknown>)[field] = value;
    if (value === undefined) delete eff.from[field];
    else eff.from[field] = [...source.path, field];
  };
  if (dr?.trafficPolicy) {
    const top = selectForPort(dr.trafficPolicy, ['trafficPolicy'], port);
    for (const f of FIELDS) set(f, top);
  }
  if (subset === undefined || !dr) return eff;
  const i = dr.subsets!.findIndex((s) => s.name === subset);
  const policy = dr.subsets![i].trafficPolicy;
  if (!policy) return eff;
  const sub = selectForPort(policy, ['subsets', i, 'trafficPolicy'], port);
  const replacesAll = sub.portLevelIndex !== undefined && istioMinor >= 8;
  for (const f of FIELDS) if (replacesAll || sub.policy[f] !== undefined) set(f, sub);
  return eff;
}

/**
 * Warnings for fields the destination level sets that a port-level entry drops (the behaviour users
 * most often expect the other way round): one per dropped field, naming the entry.
 */
export function portLevelReplacementWarnings(
  dr: DestinationRuleSpec | undefined,
  ref: SourceRef | undefined,
  port: number,
  subset: string | undefined,
): IstioWarning[] {
  const out: IstioWarning[] = [];
  if (!dr || !ref) return out;
  const check = (policy: TrafficPolicy | undefined, path: (string | number)[]): void => {
    if (!policy) return;
    const sel = selectForPort(policy, path, port);
    if (sel.portLevelIndex === undefined) return;
    for (const f of FIELDS) {
      if (policy[f] !== undefined && sel.policy[f] === undefined) {
        const message = `the port ${port} entry replaces the whole traffic policy: ${formatPath([...path, f])} does not apply to port ${port} (Istio: port-level settings do not inherit; an omitted field takes its default)`;
        out.push(resourceWarning(ref, 'port-level-replaces', message, sel.path));
      }
    }
  };
  check(dr.trafficPolicy, ['trafficPolicy']);
  dr.subsets?.forEach((s, i) => {
    if (s.name === subset) check(s.trafficPolicy, ['subsets', i, 'trafficPolicy']);
  });
  return out;
}

/** Each traffic policy of a DestinationRule with its path (top level, port level, subsets). */
export function trafficPolicies(spec: DestinationRuleSpec): { path: (string | number)[]; policy: TrafficPolicy }[] {
  const out: { path: (string | number)[]; policy: TrafficPolicy }[] = [];
  const add = (path: (string | number)[], policy: TrafficPolicy | undefined): void => {
    if (!policy) return;
    out.push({ path, policy });
    policy.portLevelSettings?.forEach((p, i) => out.push({ path: [...path, 'portLevelSettings', i], policy: p as TrafficPolicy }));
  };
  add(['trafficPolicy'], spec.trafficPolicy);
  spec.subsets?.forEach((s, i) => add(['subsets', i, 'trafficPolicy'], s.trafficPolicy));
  return out;
}
