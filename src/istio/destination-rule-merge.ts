/**
 * Several DestinationRules for one host, merged as istiod merges them
 * (pilot/pkg/model/destination_rule.go mergeDestinationRule and push_context.go
 * setDestinationRules / sortConfigBySelectorAndCreationTime, 1.28.0):
 *
 * - rules are taken in order: those with a workloadSelector first, then by
 *   metadata.creationTimestamp, then name, then namespace;
 * - the first rule is the base; each later one adds the subsets whose names are new (a duplicate
 *   subset is dropped; Istio records it in the `pilot_duplicate_subset` metric, "Duplicate subset
 *   %s found while merging destination rules for %s");
 * - a later rule's top-level trafficPolicy is used only if the merged rule has none yet — otherwise
 *   it is dropped without a word from Istio. failsim warns about every dropped part.
 *
 * Rules only merge within a namespace and when their exportTo sets are equal
 * (EnableEnhancedDestinationRuleMerge); failsim does not model namespaces or visibility, so rules
 * that Istio would keep apart are reported and the first one is used.
 */
import type { IstioResource } from './load.ts';
import { resourceWarning, type IstioWarning } from './diagnostics.ts';
import type { DestinationRuleSpec } from './schema.ts';

interface Meta {
  creationTimestamp?: unknown;
}

function creationTime(r: IstioResource<DestinationRuleSpec>): number {
  const t = (r.metadata as Meta | undefined)?.creationTimestamp;
  const ms = typeof t === 'string' ? Date.parse(t) : NaN;
  // Unset compares equal to unset; a set time sorts after the zero time, as Go's time.Time does.
  return Number.isNaN(ms) ? -Infinity : ms;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** sortConfigBySelectorAndCreationTime. */
export function destinationRuleOrder(a: IstioResource<DestinationRuleSpec>, b: IstioResource<DestinationRuleSpec>): number {
  const sa = a.spec.workloadSelector !== undefined ? 0 : 1;
  const sb = b.spec.workloadSelector !== undefined ? 0 : 1;
  if (sa !== sb) return sa - sb;
  const ta = creationTime(a);
  const tb = creationTime(b);
  if (ta !== tb) return ta < tb ? -1 : 1;
  return compareText(a.name, b.name) || compareText(a.namespace ?? '', b.namespace ?? '');
}

const warn = resourceWarning;

function sameExportTo(a: DestinationRuleSpec, b: DestinationRuleSpec): boolean {
  const set = (s: DestinationRuleSpec) => JSON.stringify([...new Set(Array.isArray(s.exportTo) ? (s.exportTo as unknown[]).map(String) : [])].sort());
  return set(a) === set(b);
}

/**
 * The one rule the rules for a host (all with the same `spec.host`) stand for. A single rule is
 * returned as it is; several give a new resource named after the first, with the merge warnings.
 */
export function consolidatedDestinationRule(
  rules: readonly IstioResource<DestinationRuleSpec>[],
  _istioMinor: number,
): IstioResource<DestinationRuleSpec> {
  if (rules.length === 1) return rules[0];
  const sorted = [...rules].sort(destinationRuleOrder);
  const base = sorted[0];
  const merged: DestinationRuleSpec = { ...base.spec, subsets: base.spec.subsets ? [...base.spec.subsets] : undefined };
  const warnings: IstioWarning[] = [];
  const host = base.spec.host;
  for (const rule of sorted.slice(1)) {
    const apart =
      (rule.namespace ?? '') !== (base.namespace ?? '') ||
      !sameExportTo(rule.spec, base.spec) ||
      (rule.spec.workloadSelector !== undefined) !== (base.spec.workloadSelector !== undefined);
    if (apart) {
      warnings.push(
        warn(rule.ref, 'destination-rule-not-merged', `a second DestinationRule for ${host} that Istio keeps apart from ${base.ref.kind}/${base.name} (other namespace, exportTo or workloadSelector); failsim does not model visibility and uses ${base.name} only`),
      );
      continue;
    }
    const names = new Set((merged.subsets ?? []).map((s) => s.name));
    rule.spec.subsets?.forEach((s, i) => {
      if (names.has(s.name)) {
        warnings.push(warn(rule.ref, 'duplicate-subset', `Duplicate subset ${s.name} found while merging destination rules for ${host}: ${base.name}'s subset is used and this one is ignored (Istio's pilot_duplicate_subset)`, ['subsets', i]));
        return;
      }
      names.add(s.name);
      (merged.subsets ??= []).push(s);
    });
    if (rule.spec.trafficPolicy !== undefined) {
      if (merged.trafficPolicy === undefined) {
        merged.trafficPolicy = rule.spec.trafficPolicy;
      } else {
        warnings.push(
          warn(rule.ref, 'destination-rule-policy-ignored', `Istio merges the DestinationRules for ${host} and keeps the first one's top-level trafficPolicy (${base.name}, ordered by creation time, then name): this trafficPolicy is ignored, silently in Istio`, ['trafficPolicy']),
        );
      }
    }
    warnings.push(warn(rule.ref, 'destination-rules-merged', `merged into ${base.name}: Istio merges every DestinationRule for ${host} (new subsets are added; the first top-level trafficPolicy wins)`));
  }
  return { ...base, spec: merged, mergeWarnings: warnings };
}
