/**
 * Cluster.outlier_detection as users write it (durations "15s", wrapper values plain or `{value: N}`)
 * → OutlierDetectionInput. Only the fields the user set are returned; Envoy's defaults are applied
 * later by resolveOutlierConfig (src/envoy/outlier/config.ts) for the chosen semantics profile.
 */
import type { OutlierDetectionInput } from '../cluster.ts';
import { MAX_OUTLIER_DURATION_MS, outlierDurationOutOfRange, outlierInputFromEnvoyJson } from '../outlier/config.ts';
import { Diagnostics, readBool, readDuration, readMessage, readUint, type PathKey } from './fields.ts';

type Kind = 'count' | 'percent' | 'duration' | 'positive-duration' | 'bool';

/** Every OutlierDetection field Envoy has that failsim models, with its proto type. */
const FIELDS: Record<string, Kind> = {
  consecutive_5xx: 'count',
  interval: 'positive-duration',
  base_ejection_time: 'positive-duration',
  // Envoy's proto validation rejects values above 100 (lte: 100).
  max_ejection_percent: 'percent',
  enforcing_consecutive_5xx: 'percent',
  enforcing_success_rate: 'percent',
  success_rate_minimum_hosts: 'count',
  success_rate_request_volume: 'count',
  success_rate_stdev_factor: 'count',
  consecutive_gateway_failure: 'count',
  enforcing_consecutive_gateway_failure: 'percent',
  split_external_local_origin_errors: 'bool',
  consecutive_local_origin_failure: 'count',
  enforcing_consecutive_local_origin_failure: 'percent',
  enforcing_local_origin_success_rate: 'percent',
  failure_percentage_threshold: 'percent',
  enforcing_failure_percentage: 'percent',
  enforcing_failure_percentage_local_origin: 'percent',
  failure_percentage_minimum_hosts: 'count',
  failure_percentage_request_volume: 'count',
  max_ejection_time: 'positive-duration',
  max_ejection_time_jitter: 'duration',
  successful_active_health_check_uneject_host: 'bool',
  always_eject_one_host: 'bool',
};

const UNMODELLED: Record<string, string> = {
  monitors: 'extension monitors (Envoy 1.30+, not implemented by Envoy itself) are ignored',
  detect_degraded_hosts: 'degraded-host detection is not modelled; hosts are only ejected',
  outlier_detection_event_log_path: 'event logging does not change behaviour (use failsim run --out for an event log)',
};

export function readOutlierDetection(d: Diagnostics, value: unknown, path: readonly PathKey[]): OutlierDetectionInput | undefined {
  const m = readMessage(d, value, path, { name: 'OutlierDetection', modelled: Object.keys(FIELDS), unmodelled: UNMODELLED });
  if (!m) return undefined;
  const out: Record<string, unknown> = {};
  let ok = true;
  for (const [field, raw] of Object.entries(m)) {
    const at = [...path, field];
    const kind = FIELDS[field];
    let v: number | boolean | undefined;
    if (kind === 'bool') v = readBool(d, raw, at);
    else if (kind === 'duration' || kind === 'positive-duration') v = readDuration(d, raw, at, kind === 'positive-duration');
    else v = readUint(d, raw, at, 0, kind === 'percent' ? 100 : undefined);
    // Checked here, under the field the user wrote (`interval`), not later under the model's `interval_ms`.
    if (typeof v === 'number' && kind.endsWith('duration') && v > MAX_OUTLIER_DURATION_MS) {
      d.error(at, outlierDurationOutOfRange(JSON.stringify(raw)));
      v = undefined;
    }
    if (v === undefined) ok = false;
    // Durations become the `_ms` fields outlierInputFromEnvoyJson passes through.
    else out[kind.endsWith('duration') ? `${field}_ms` : field] = v;
  }
  if (!ok) return undefined;
  // Envoy rejects a max_ejection_time below base_ejection_time (default 30 s) whatever its version.
  const base = (out.base_ejection_time_ms as number | undefined) ?? 30_000;
  if (out.max_ejection_time_ms !== undefined && (out.max_ejection_time_ms as number) < base) {
    d.error([...path, 'max_ejection_time'], `max_ejection_time (${out.max_ejection_time_ms} ms) cannot be smaller than base_ejection_time (${base} ms)`);
    return undefined;
  }
  // The shared converter checks the field set once more (one definition of OutlierDetectionInput).
  return outlierInputFromEnvoyJson(out);
}
