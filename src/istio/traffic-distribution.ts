/**
 * Service traffic distribution (Kubernetes Service `spec.trafficDistribution`, or the
 * `networking.istio.io/traffic-distribution` annotation, which is also how a ServiceEntry asks for
 * it) and the locality setting Istio derives from it. Release by release:
 *
 * - ≤ 1.24: not read.
 * - 1.25–1.26: `PreferClose` only (spec value, or the annotation case-insensitively) →
 *   failoverPriority [network, region, zone, subzone] (pilot/pkg/serviceregistry/kube/conversion.go
 *   GetTrafficDistribution and pilot/pkg/networking/core/loadbalancer/loadbalancer.go
 *   GetLocalityLbSetting, 1.25.0 and 1.26.0).
 * - ≥ 1.27: `PreferClose` and `PreferSameZone` → [network, region, zone]; `PreferSameNode` →
 *   [network, region, zone, subzone, kubernetes.io/hostname] (pilot/pkg/model/service.go
 *   GetTrafficDistribution and loadbalancer.go GetLocalityLbSetting, 1.27.0–1.29.0).
 *
 * A DestinationRule's localityLbSetting takes precedence; the distribution takes precedence over
 * the mesh-wide setting. It forces failover without outlier detection (`forceFailover`) and makes
 * Istio send unhealthy endpoints (service.go SupportsUnhealthyEndpoints), so the panic threshold is
 * 0 (cluster_traffic_policy.go applyLoadBalancer, 1.28.0).
 */
import type { LocalityLbSettingInput } from './failover.ts';
import { LABEL_HOSTNAME, LABEL_NETWORK, LABEL_REGION, LABEL_SUBZONE, LABEL_ZONE } from './locality.ts';

export const TRAFFIC_DISTRIBUTION_ANNOTATION = 'networking.istio.io/traffic-distribution';

export type TrafficDistribution = 'Any' | 'PreferClose' | 'PreferSameZone' | 'PreferSameNode';

export interface TrafficDistributionInput {
  /** Kubernetes Service `spec.trafficDistribution` (src/mesh fills it; a ServiceEntry has none). */
  specValue?: string;
  annotations?: Record<string, string>;
}

export interface TrafficDistributionResult {
  distribution: TrafficDistribution;
  /** Why a value given was not used (unknown value, older Istio), for a warning. */
  ignored?: string;
}

/** GetTrafficDistribution for Istio 1.`istioMinor`. */
export function readTrafficDistribution(input: TrafficDistributionInput, istioMinor: number): TrafficDistributionResult {
  const annotation = input.annotations?.[TRAFFIC_DISTRIBUTION_ANNOTATION];
  const given = input.specValue ?? annotation;
  if (given === undefined || given === '') return { distribution: 'Any' };
  if (istioMinor < 25) return { distribution: 'Any', ignored: `traffic distribution exists only since Istio 1.25; "${given}" is ignored on Istio 1.${istioMinor}` };
  if (istioMinor <= 26) {
    if (input.specValue === 'PreferClose') return { distribution: 'PreferClose' };
    if (annotation !== undefined && annotation.toLowerCase() === 'preferclose') return { distribution: 'PreferClose' };
    return { distribution: 'Any', ignored: `Istio 1.${istioMinor} knows only PreferClose; "${given}" means no preference` };
  }
  switch (input.specValue) {
    case 'PreferClose':
    case 'PreferSameZone':
      return { distribution: 'PreferSameZone' };
    case 'PreferSameNode':
      return { distribution: 'PreferSameNode' };
  }
  switch (annotation?.toLowerCase()) {
    case 'preferclose':
    case 'prefersamezone':
      return { distribution: 'PreferSameZone' };
    case 'prefersamenode':
      return { distribution: 'PreferSameNode' };
    case undefined:
    case '':
      return { distribution: 'Any' };
  }
  return { distribution: 'Any', ignored: `unknown traffic distribution "${annotation}": Istio logs a warning and uses no preference` };
}

/** The locality setting a distribution stands for (loadbalancer.go GetLocalityLbSetting); null for Any. */
export function trafficDistributionSetting(distribution: TrafficDistribution): LocalityLbSettingInput | null {
  switch (distribution) {
    case 'PreferClose':
      return { enabled: true, failoverPriority: [LABEL_NETWORK, LABEL_REGION, LABEL_ZONE, LABEL_SUBZONE] };
    case 'PreferSameZone':
      return { enabled: true, failoverPriority: [LABEL_NETWORK, LABEL_REGION, LABEL_ZONE] };
    case 'PreferSameNode':
      return { enabled: true, failoverPriority: [LABEL_NETWORK, LABEL_REGION, LABEL_ZONE, LABEL_SUBZONE, LABEL_HOSTNAME] };
    case 'Any':
      return null;
  }
}
