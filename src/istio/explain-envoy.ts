/**
 * `failsim explain` for a plain Envoy file (src/envoy/config): the same report and the same trap
 * warnings as for Istio (explainCluster in ./explain.ts), worded with Envoy's field names. A plain
 * Envoy cluster does not depend on the client's locality (zone-aware routing is not modelled), so
 * the report has one cluster. Pure: no I/O.
 */
import type { EnvoyConfig } from '../envoy/config/document.ts';
import type { ResolvedVersions } from '../envoy/profiles.ts';
import { explainCluster, type ExplainReport, type ExplainTerms } from './explain.ts';

export const ENVOY_TERMS: ExplainTerms = {
  maxEjectionPercent: 'outlier_detection.max_ejection_percent',
  panicZeroCause: ' in common_lb_config',
  retryOtherPriorities:
    'Add retry_priority {name: envoy.retry_priorities.previous_priorities, typed_config: {update_frequency: 2}} to the retry policy to retry in other priorities.',
  http503NotRetried:
    'HTTP 503 responses are not retried (retry_on has retriable-status-codes but retriable_status_codes is empty); add 503 to retriable_status_codes, or 5xx / gateway-error to retry_on, to retry them.',
};

export function explainEnvoy(config: EnvoyConfig, versions: ResolvedVersions): ExplainReport {
  const c = config.cluster;
  const ports = new Set(c.endpoints.map((e) => e.port));
  const cluster = explainCluster(
    {
      // An Envoy cluster has no service host: the cluster name stands for it; the port is the
      // endpoints' common port (0 when they differ).
      host: c.name,
      port: ports.size === 1 ? [...ports][0] : 0,
      subset: undefined,
      cluster: c,
      warnings: [],
      // Istio's "failover needs outlierDetection" trap does not exist: priorities are given directly.
      localitySettingEnabled: false,
      localityMode: 'none',
    },
    { region: '', zone: '', subzone: '' },
    versions,
    ENVOY_TERMS,
  );
  return {
    istioMinor: null,
    envoyMinor: versions.envoyMinor,
    profile: versions.semantics.outlier.id,
    clusters: [cluster],
    warnings: config.warnings.map((w) => ({ code: w.code, message: w.path ? `${w.path}: ${w.message}` : w.message, ...(w.path ? { path: w.path } : {}) })),
  };
}
