/**
 * DestinationRule `outlierDetection` → Envoy `outlier_detection` and the panic threshold, with
 * Istio's version history (outlier spec §13.1–13.2, LB spec §11.7; cluster_traffic_policy.go
 * applyOutlierDetection). Unset Envoy fields stay unset: Envoy's defaults apply (see
 * src/envoy/outlier for the defaulted view).
 */
import type { OutlierDetectionInput } from '../envoy/cluster.ts';
import { parseDurationMs } from '../config/durations.ts';
import type { OutlierDetection } from './schema.ts';

export const ENVOY_DEFAULT_PANIC_THRESHOLD = 50;

export interface OutlierTranslation {
  outlier_detection: OutlierDetectionInput;
  /** Fields the user set that this Istio version ignores (field name → why). */
  ignored: { field: string; why: string }[];
}

/** Istio's mapping of one `outlierDetection` block for Istio 1.`istioMinor`. */
export function translateOutlierDetection(od: OutlierDetection, istioMinor: number): OutlierTranslation {
  const out: OutlierDetectionInput = {};
  const ignored: { field: string; why: string }[] = [];
  // ≥ 1.7 turns success-rate ejection off (istio#25220); before, Envoy's 100 applied.
  if (istioMinor >= 7) out.enforcing_success_rate = 0;

  const hasNewFields = istioMinor >= 5;
  if (od.consecutiveErrors !== undefined && od.consecutiveErrors !== 0) {
    if (istioMinor <= 6 && od.consecutiveErrors > 0) {
      // ≤ 1.6: gateway errors only (istio/api#617); 500s never eject.
      out.consecutive_gateway_failure = od.consecutiveErrors;
      out.enforcing_consecutive_gateway_failure = 100;
      out.enforcing_consecutive_5xx = 0;
    } else if (istioMinor >= 7) {
      ignored.push({ field: 'consecutiveErrors', why: 'Istio ≥ 1.7 no longer maps the deprecated consecutiveErrors' });
    }
  }
  for (const [field, value, setCount, setEnforce] of [
    ['consecutive5xxErrors', od.consecutive5xxErrors, 'consecutive_5xx', 'enforcing_consecutive_5xx'],
    ['consecutiveGatewayErrors', od.consecutiveGatewayErrors, 'consecutive_gateway_failure', 'enforcing_consecutive_gateway_failure'],
  ] as const) {
    if (value === undefined) continue;
    if (!hasNewFields) {
      ignored.push({ field, why: `${field} exists only since Istio 1.5` });
      continue;
    }
    out[setCount] = value;
    out[setEnforce] = value > 0 ? 100 : 0;
  }
  if (od.interval !== undefined) out.interval_ms = parseDurationMs(od.interval)!;
  if (od.baseEjectionTime !== undefined) out.base_ejection_time_ms = parseDurationMs(od.baseEjectionTime)!;
  if (od.maxEjectionPercent !== undefined && od.maxEjectionPercent > 0) out.max_ejection_percent = od.maxEjectionPercent;
  if (od.splitExternalLocalOriginErrors !== undefined || od.consecutiveLocalOriginFailures !== undefined) {
    // Read since 1.11.0 (v1alpha3/cluster.go applyOutlierDetection); absent at 1.10.0.
    if (istioMinor < 11) {
      ignored.push({ field: 'splitExternalLocalOriginErrors', why: 'local-origin splitting exists only since Istio 1.11' });
    } else if (od.splitExternalLocalOriginErrors) {
      out.split_external_local_origin_errors = true;
      out.enforcing_local_origin_success_rate = 0;
      const lo = od.consecutiveLocalOriginFailures ?? 0;
      if (lo > 0) {
        out.consecutive_local_origin_failure = lo;
        out.enforcing_consecutive_local_origin_failure = 100;
      }
    }
  }
  return { outlier_detection: out, ignored };
}

export interface PanicThresholdInput {
  istioMinor: number;
  /** The effective policy has an outlierDetection block. */
  hasOutlierDetection: boolean;
  minHealthPercent: number | undefined;
  /** Unhealthy endpoints are sent to Envoy (PILOT_SEND_UNHEALTHY_ENDPOINTS, trafficDistribution, master auto-send). */
  forcesUnhealthyEndpoints: boolean;
  /** Istio master after 2026-07-17: unhealthy endpoints sent unless minHealthPercent > 0. */
  autoSendUnhealthyEndpoints: boolean;
}

/**
 * Whether istiod's EDS sends not-ready endpoints (with health status UNHEALTHY) instead of leaving
 * them out: PILOT_SEND_UNHEALTHY_ENDPOINTS, a trafficDistribution (pilot/pkg/model/service.go
 * SupportsUnhealthyEndpoints, 1.28.0), or master's auto-send without minHealthPercent.
 */
export function sendsUnhealthyEndpoints(input: Pick<PanicThresholdInput, 'minHealthPercent' | 'forcesUnhealthyEndpoints' | 'autoSendUnhealthyEndpoints'>): boolean {
  return input.forcesUnhealthyEndpoints || (input.autoSendUnhealthyEndpoints && (input.minHealthPercent ?? 0) <= 0);
}

/** `common_lb_config.healthy_panic_threshold` as Istio writes it (LB spec §11.7, outlier spec §13.2). */
export function healthyPanicThreshold(input: PanicThresholdInput): number {
  const mhp = input.minHealthPercent ?? 0;
  const sendsUnhealthy = sendsUnhealthyEndpoints(input);
  if (!input.hasOutlierDetection) return sendsUnhealthy ? 0 : ENVOY_DEFAULT_PANIC_THRESHOLD;
  if (input.forcesUnhealthyEndpoints) return 0;
  // ≤ 1.2 wrote it only when > 0 (istio#13682); since 1.3 it is always written (default 0 = no panic).
  if (input.istioMinor <= 2) return mhp > 0 ? mhp : ENVOY_DEFAULT_PANIC_THRESHOLD;
  return mhp;
}
