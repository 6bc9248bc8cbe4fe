/**
 * Localities and the topology labels Istio derives from them (LB spec §11.8, pkg/model/proxy.go
 * AugmentLabels, label.SplitLocalityLabel, util.LbPriority, util.LocalityMatch).
 */
import type { Locality } from '../envoy/cluster.ts';

export const LABEL_REGION = 'topology.kubernetes.io/region';
export const LABEL_ZONE = 'topology.kubernetes.io/zone';
export const LABEL_SUBZONE = 'topology.istio.io/subzone';
export const LABEL_NETWORK = 'topology.istio.io/network';
export const LABEL_CLUSTER = 'topology.istio.io/cluster';
export const LABEL_HOSTNAME = 'kubernetes.io/hostname';

export const EMPTY_LOCALITY: Locality = Object.freeze({ region: '', zone: '', subzone: '' }) as Locality;

/** "region/zone/subzone" split on '/'; missing parts are empty (label.SplitLocalityLabel). */
export function parseLocality(text: string | undefined): Locality {
  if (!text) return { region: '', zone: '', subzone: '' };
  const parts = text.split('/');
  return { region: parts[0] ?? '', zone: parts[1] ?? '', subzone: parts[2] ?? '' };
}

export function formatLocality(l: Locality | null | undefined): string {
  if (!l) return '';
  if (l.subzone) return `${l.region}/${l.zone}/${l.subzone}`;
  if (l.zone) return `${l.region}/${l.zone}`;
  return l.region;
}

export function isEmptyLocality(l: Locality | null | undefined): boolean {
  return !l || (l.region === '' && l.zone === '' && l.subzone === '');
}

/**
 * Match level of an endpoint locality seen from the proxy (util.LbPriority): 0 same
 * region+zone+subzone, 1 same region+zone, 2 same region, 3 other region. A missing (null)
 * locality compares as empty strings, as Go's nil-safe getters do.
 */
export function lbMatchLevel(proxy: Locality | null, endpoint: Locality | null): number {
  const pr = proxy?.region ?? '';
  const pz = proxy?.zone ?? '';
  const ps = proxy?.subzone ?? '';
  if (pr !== (endpoint?.region ?? '')) return 3;
  if (pz !== (endpoint?.zone ?? '')) return 2;
  if (ps !== (endpoint?.subzone ?? '')) return 1;
  return 0;
}

/**
 * Whether `locality` matches a rule locality "region[/zone[/subzone]]" (util.LocalityMatch):
 * `*` is a wildcard; a missing zone or subzone in the rule matches anything. The region must be
 * given (or `*`).
 */
export function localityMatchesRule(locality: Locality | null, rule: string): boolean {
  const r = parseLocality(rule);
  const regionMatch = r.region === '*' || (locality?.region ?? '') === r.region;
  const zoneMatch = r.zone === '*' || r.zone === '' || (locality?.zone ?? '') === r.zone;
  const subzoneMatch = r.subzone === '*' || r.subzone === '' || (locality?.subzone ?? '') === r.subzone;
  return regionMatch && zoneMatch && subzoneMatch;
}

/**
 * Labels augmented with topology labels, as Istio does for proxies and endpoints
 * (labelutil.AugmentLabels): region/zone/subzone when non-empty, and the network unless a
 * network label is already there.
 */
export function augmentTopologyLabels(
  labels: Record<string, string> | undefined,
  locality: Locality | null,
  network: string | undefined,
): Record<string, string> {
  const out: Record<string, string> = { ...(labels ?? {}) };
  if (locality?.region) out[LABEL_REGION] = locality.region;
  if (locality?.zone) out[LABEL_ZONE] = locality.zone;
  if (locality?.subzone) out[LABEL_SUBZONE] = locality.subzone;
  if (network && !out[LABEL_NETWORK]) out[LABEL_NETWORK] = network;
  return out;
}
