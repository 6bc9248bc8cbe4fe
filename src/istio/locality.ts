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

/** Istio's default cluster ID (CLUSTER_ID / values.global.multiCluster.clusterName). */
export const DEFAULT_CLUSTER_ID = 'Kubernetes';

/** Where a proxy or endpoint runs, beyond its locality: the inputs of Istio's AugmentLabels. */
export interface TopologyContext {
  network?: string;
  /** Cluster ID (`topology.istio.io/cluster`, Istio ≥ 1.12). */
  cluster?: string;
  /** Kubernetes node name (`kubernetes.io/hostname`, Istio ≥ 1.18); ServiceEntry endpoints have none. */
  node?: string;
}

/**
 * Labels augmented with topology labels, as Istio does for proxies and endpoints
 * (pilot/pkg/serviceregistry/util/label/label.go AugmentLabels, 1.28.0): region/zone/subzone when
 * non-empty, the cluster ID, the node name, and the network unless a network label is already there.
 * The cluster label exists since Istio 1.12 and the hostname since 1.18 (AugmentLabels at those tags).
 */
export function augmentTopologyLabels(
  labels: Record<string, string> | undefined,
  locality: Locality | null,
  network: string | undefined,
  context: { cluster?: string; node?: string; istioMinor?: number } = {},
): Record<string, string> {
  const out: Record<string, string> = { ...(labels ?? {}) };
  if (locality?.region) out[LABEL_REGION] = locality.region;
  if (locality?.zone) out[LABEL_ZONE] = locality.zone;
  if (locality?.subzone) out[LABEL_SUBZONE] = locality.subzone;
  const minor = context.istioMinor ?? Infinity;
  if (context.cluster && minor >= 12) out[LABEL_CLUSTER] = context.cluster;
  if (context.node && minor >= 18) out[LABEL_HOSTNAME] = context.node;
  if (network && !out[LABEL_NETWORK]) out[LABEL_NETWORK] = network;
  return out;
}

/**
 * The locality label of a ServiceEntry endpoint (serviceentry/conversion.go convertEndpoint,
 * 1.28.0): the `locality` field, else the `istio-locality` label with '.' read as '/' unless it
 * already holds a '/' (pkg/model/proxy.go GetLocalityLabel). Region/zone labels are not read.
 */
export function workloadEntryLocalityLabel(locality: string | undefined, labels: Record<string, string> | undefined): string {
  if (locality) return locality;
  const label = labels?.[LABEL_ISTIO_LOCALITY] ?? '';
  if (label === '') return '';
  return label.includes('/') ? label : label.replace(/\./g, '/');
}

export const LABEL_ISTIO_LOCALITY = 'istio-locality';
