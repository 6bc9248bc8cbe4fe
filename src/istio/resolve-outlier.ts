/**
 * Envoy's outlier defaults and checks applied to the cluster Istio wrote, with errors told in the
 * user's terms: a value Envoy's reading rejects (e.g. an `interval` longer than the 2^32 − 1 ms failsim
 * models) is reported under the DestinationRule field that set it (`spec.trafficPolicy.outlierDetection
 * .interval`), with the file, document and line, not under Envoy's internal name (`interval_ms`).
 */
import { formatDurationMs } from '../config/durations.ts';
import { OutlierConfigError, outlierDurationOutOfRange, resolveOutlierConfig, type OutlierConfig } from '../envoy/outlier/config.ts';
import type { OutlierProfile } from '../envoy/profiles.ts';
import { IstioConfigError, formatPath } from './diagnostics.ts';
import { lineOfDocumentPath } from './load.ts';
import type { TranslatedCluster } from './translate.ts';

/** The DestinationRule outlierDetection field each Envoy field comes from (src/istio/outlier.ts). */
const ISTIO_FIELD: Record<string, string> = {
  interval_ms: 'interval',
  base_ejection_time_ms: 'baseEjectionTime',
  consecutive_5xx: 'consecutive5xxErrors',
  consecutive_gateway_failure: 'consecutiveGatewayErrors',
  consecutive_local_origin_failure: 'consecutiveLocalOriginFailures',
  max_ejection_percent: 'maxEjectionPercent',
  split_external_local_origin_errors: 'splitExternalLocalOriginErrors',
};

/**
 * `resolveOutlierConfig` for a translated cluster; undefined when it has no outlier detection.
 * `text` is the Istio YAML the cluster was read from, for line numbers (omit it when the
 * resources were changed after reading, e.g. by `--set`).
 */
export function resolveTranslatedOutlier(t: TranslatedCluster, profile: OutlierProfile, text?: string): OutlierConfig | undefined {
  const input = t.cluster.outlier_detection;
  if (input === undefined) return undefined;
  try {
    return resolveOutlierConfig(input, profile);
  } catch (e) {
    if (!(e instanceof OutlierConfigError) || t.destinationRule === undefined) throw e;
    const dr = t.destinationRule;
    const block = ['spec', ...(t.outlierDetectionPath ?? ['trafficPolicy', 'outlierDetection'])];
    const lines = e.issues.map((issue) => {
      const field = ISTIO_FIELD[issue.field];
      const path = field === undefined ? block : [...block, field];
      const written = field === undefined ? undefined : (t.outlierDetection as Record<string, unknown> | undefined)?.[field];
      const line = text === undefined ? undefined : lineOfDocumentPath(text, dr.document, path);
      const value = (input as Record<string, unknown>)[issue.field];
      const tooLong = issue.field.endsWith('_ms') && typeof value === 'number' && value > 0 && /^expected a whole number/.test(issue.message);
      const message = tooLong
        ? outlierDurationOutOfRange(JSON.stringify(written ?? formatDurationMs(value)))
        : `${field === undefined ? `${issue.field}: ` : ''}${issue.message}`;
      return `${dr.file}: document ${dr.document} (${dr.kind}/${dr.name}): ${formatPath(path)}: ${message}${line === undefined ? '' : ` (line ${line})`}`;
    });
    throw new IstioConfigError(lines.join('\n'));
  }
}
