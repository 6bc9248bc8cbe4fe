/**
 * Where Istio places a Kubernetes workload (Istio 1.28.0):
 * - a Pod: its `istio-locality` label ('.' read as '/'), else the labels of its Node —
 *   topology.kubernetes.io/region|zone (or the older failure-domain.beta.kubernetes.io/region|zone)
 *   and topology.istio.io/subzone (pilot/pkg/serviceregistry/kube/controller/controller.go
 *   getPodLocality; pkg/model/proxy.go GetLocalityLabel);
 * - a WorkloadEntry: its `locality` field, else its `istio-locality` label
 *   (pilot/pkg/serviceregistry/serviceentry/conversion.go convertWorkloadEntryToWorkloadInstance).
 * istiod never reads an EndpointSlice endpoint's `zone`: it reads the Pod and its Node. A dump
 * without them is read with the fallbacks below, each announced as a note.
 */
import type { Locality } from '../envoy/cluster.ts';
import { parseLocality } from '../istio/locality.ts';

export const LABEL_ISTIO_LOCALITY = 'istio-locality';
const REGION_GA = 'topology.kubernetes.io/region';
const REGION_BETA = 'failure-domain.beta.kubernetes.io/region';
const ZONE_GA = 'topology.kubernetes.io/zone';
const ZONE_BETA = 'failure-domain.beta.kubernetes.io/zone';
const SUBZONE = 'topology.istio.io/subzone';

/** pkg/model/proxy.go GetLocalityLabel: '.' stands for '/' unless the label already has a '/'. */
export function localityFromIstioLabel(label: string): Locality {
  return parseLocality(label.includes('/') ? label : label.replace(/\./g, '/'));
}

/** A Node's locality from its labels (GA label first, then the beta one); null when it has none. */
export function nodeLocality(labels: Record<string, string> | null | undefined): Locality | null {
  const l = labels ?? {};
  const region = l[REGION_GA] || l[REGION_BETA] || '';
  const zone = l[ZONE_GA] || l[ZONE_BETA] || '';
  const subzone = l[SUBZONE] || '';
  if (region === '' && zone === '' && subzone === '') return null;
  return { region, zone, subzone };
}

/** getPodLocality: the pod's istio-locality label, else its node's labels (null: node unknown or unlabelled). */
export function podLocality(podLabels: Record<string, string> | null | undefined, nodeLabels: Record<string, string> | null | undefined): Locality | null {
  const label = podLabels?.[LABEL_ISTIO_LOCALITY];
  if (label) return localityFromIstioLabel(label);
  return nodeLocality(nodeLabels);
}

/** WorkloadEntry: `locality`, else the istio-locality label; null when neither is set. */
export function workloadEntryLocality(locality: string | undefined, labels: Record<string, string> | null | undefined): Locality | null {
  if (locality) return parseLocality(locality);
  const label = labels?.[LABEL_ISTIO_LOCALITY];
  if (label) return localityFromIstioLabel(label);
  return null;
}

/**
 * The region a cloud zone name belongs to, by the providers' naming: GKE `us-east1-b` → `us-east1`,
 * EKS `us-east-1a` → `us-east-1`, AKS `eastus-1` → `eastus`. Undefined when the name follows none
 * of them. Used only when a dump has an EndpointSlice zone but not the Node labels Istio reads.
 */
export function regionOfZone(zone: string): string | undefined {
  let m = /^(.+\d)-[a-z]$/.exec(zone); // GKE
  if (m) return m[1];
  m = /^(.+-\d+)[a-z]$/.exec(zone); // EKS
  if (m) return m[1];
  m = /^([a-z]+)-\d$/.exec(zone); // AKS
  if (m) return m[1];
  return undefined;
}
