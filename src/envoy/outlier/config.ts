/**
 * Outlier detection configuration: Envoy's defaults and validation (spec §1), resolved per semantics
 * profile. Input is `OutlierDetectionInput` (snake_case, durations in ms); output has every field set.
 */
import type { OutlierDetectionInput } from '../cluster.ts';
import type { OutlierProfile } from '../profiles.ts';

/** Every field of OutlierDetectionInput, defaulted and validated. */
export type OutlierConfig = { readonly [K in keyof OutlierDetectionInput]-?: NonNullable<OutlierDetectionInput[K]> };

/** Envoy's DetectorConfig defaults (outlier_detection_impl.h), max_ejection_time aside. */
export const OUTLIER_DEFAULTS = {
  consecutive_5xx: 5,
  consecutive_gateway_failure: 5,
  consecutive_local_origin_failure: 5,
  interval_ms: 10_000,
  base_ejection_time_ms: 30_000,
  max_ejection_time_jitter_ms: 0,
  max_ejection_percent: 10,
  always_eject_one_host: false,
  enforcing_consecutive_5xx: 100,
  enforcing_consecutive_gateway_failure: 0,
  enforcing_consecutive_local_origin_failure: 100,
  enforcing_success_rate: 100,
  enforcing_local_origin_success_rate: 100,
  enforcing_failure_percentage: 0,
  enforcing_failure_percentage_local_origin: 0,
  success_rate_minimum_hosts: 5,
  success_rate_request_volume: 100,
  success_rate_stdev_factor: 1900,
  failure_percentage_threshold: 85,
  failure_percentage_minimum_hosts: 5,
  failure_percentage_request_volume: 50,
  split_external_local_origin_errors: false,
  successful_active_health_check_uneject_host: true,
} as const;

/** DEFAULT_MAX_EJECTION_TIME_MS. */
export const DEFAULT_MAX_EJECTION_TIME_MS = 300_000;

const UINT32_MAX = 4294967295;

/** Longest outlier-detection duration failsim models: a whole number of milliseconds in a uint32. */
export const MAX_OUTLIER_DURATION_MS = UINT32_MAX;

/** The message for a duration above MAX_OUTLIER_DURATION_MS, `written` as the user wrote it. */
export function outlierDurationOutOfRange(written: string): string {
  return `${written} is out of range: Envoy keeps it as a whole number of milliseconds up to ${MAX_OUTLIER_DURATION_MS} (about 49.7 days)`;
}

type FieldKind = 'uint32' | 'percent' | 'duration' | 'positive-duration' | 'bool';

/** The type of every accepted field; anything else is an unknown field. */
const FIELD_KINDS: Record<keyof OutlierDetectionInput, FieldKind> = {
  consecutive_5xx: 'uint32',
  consecutive_gateway_failure: 'uint32',
  consecutive_local_origin_failure: 'uint32',
  interval_ms: 'positive-duration',
  base_ejection_time_ms: 'positive-duration',
  max_ejection_time_ms: 'positive-duration',
  max_ejection_time_jitter_ms: 'duration',
  // Clamped to 100 rather than rejected (the detector computes min(100, value)).
  max_ejection_percent: 'uint32',
  always_eject_one_host: 'bool',
  enforcing_consecutive_5xx: 'percent',
  enforcing_consecutive_gateway_failure: 'percent',
  enforcing_consecutive_local_origin_failure: 'percent',
  enforcing_success_rate: 'percent',
  enforcing_local_origin_success_rate: 'percent',
  enforcing_failure_percentage: 'percent',
  enforcing_failure_percentage_local_origin: 'percent',
  success_rate_minimum_hosts: 'uint32',
  success_rate_request_volume: 'uint32',
  success_rate_stdev_factor: 'uint32',
  failure_percentage_threshold: 'percent',
  failure_percentage_minimum_hosts: 'uint32',
  failure_percentage_request_volume: 'uint32',
  split_external_local_origin_errors: 'bool',
  successful_active_health_check_uneject_host: 'bool',
};

export const OUTLIER_FIELDS = Object.keys(FIELD_KINDS) as Array<keyof OutlierDetectionInput>;

export interface ConfigIssue {
  /** Field name as written in the input (e.g. `enforcing_consecutive_5xx`). */
  field: string;
  message: string;
}

/** A rejected configuration; `issues` lists every problem found, each naming its field. */
export class OutlierConfigError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(issues.map((i) => `${i.field}: ${i.message}`).join('; '));
    this.name = 'OutlierConfigError';
  }
}

function checkField(field: string, kind: FieldKind, value: unknown, issues: ConfigIssue[]): void {
  if (kind === 'bool') {
    if (typeof value !== 'boolean') issues.push({ field, message: `expected a boolean, got ${JSON.stringify(value)}` });
    return;
  }
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > UINT32_MAX) {
    const what = kind.endsWith('duration') ? 'a whole number of milliseconds ≥ 0' : 'an integer in [0, 4294967295]';
    issues.push({ field, message: `expected ${what}, got ${JSON.stringify(value)}` });
    return;
  }
  if (kind === 'percent' && value > 100) issues.push({ field, message: `expected a percentage ≤ 100, got ${value}` });
  if (kind === 'positive-duration' && value <= 0) issues.push({ field, message: `expected a duration > 0, got ${value} ms` });
}

/**
 * Applies Envoy's defaults and validation to `input` for the given profile. Throws OutlierConfigError.
 *
 * - Unset max_ejection_time: 300 s on 1.17.x (`maxEjectionTimeDefaultsToBase` false), else
 *   max(300 s, base) (1.18+, #14962). A max below base is rejected (DetectorImpl::create).
 * - Profiles without backoff (pre-1.17) had no max_ejection_time: the default and the check are
 *   still computed (so the resolved config is complete) but a base above it is not an error.
 * - max_ejection_percent above 100 is clamped to 100.
 */
export function resolveOutlierConfig(input: OutlierDetectionInput, profile: OutlierProfile): OutlierConfig {
  const issues: ConfigIssue[] = [];
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new OutlierConfigError([{ field: 'outlier_detection', message: 'expected an object' }]);
  }
  for (const [key, value] of Object.entries(input)) {
    const kind = (FIELD_KINDS as Record<string, FieldKind | undefined>)[key];
    if (kind === undefined) {
      issues.push({ field: key, message: `unknown field (known: ${OUTLIER_FIELDS.join(', ')})` });
      continue;
    }
    if (value === undefined) continue;
    checkField(key, kind, value, issues);
  }
  if (issues.length) throw new OutlierConfigError(issues);

  const base = input.base_ejection_time_ms ?? OUTLIER_DEFAULTS.base_ejection_time_ms;
  const defaultMax = profile.maxEjectionTimeDefaultsToBase ? Math.max(DEFAULT_MAX_EJECTION_TIME_MS, base) : DEFAULT_MAX_EJECTION_TIME_MS;
  const max = input.max_ejection_time_ms ?? defaultMax;
  if (profile.backoff && max < base) {
    issues.push({
      field: input.max_ejection_time_ms === undefined ? 'base_ejection_time_ms' : 'max_ejection_time_ms',
      message:
        `max_ejection_time (${max} ms${input.max_ejection_time_ms === undefined ? ', the default' : ''}) ` +
        `cannot be smaller than base_ejection_time (${base} ms)`,
    });
    throw new OutlierConfigError(issues);
  }
  const d = OUTLIER_DEFAULTS;
  return {
    consecutive_5xx: input.consecutive_5xx ?? d.consecutive_5xx,
    consecutive_gateway_failure: input.consecutive_gateway_failure ?? d.consecutive_gateway_failure,
    consecutive_local_origin_failure: input.consecutive_local_origin_failure ?? d.consecutive_local_origin_failure,
    interval_ms: input.interval_ms ?? d.interval_ms,
    base_ejection_time_ms: base,
    max_ejection_time_ms: max,
    max_ejection_time_jitter_ms: input.max_ejection_time_jitter_ms ?? d.max_ejection_time_jitter_ms,
    max_ejection_percent: Math.min(100, input.max_ejection_percent ?? d.max_ejection_percent),
    always_eject_one_host: input.always_eject_one_host ?? d.always_eject_one_host,
    enforcing_consecutive_5xx: input.enforcing_consecutive_5xx ?? d.enforcing_consecutive_5xx,
    enforcing_consecutive_gateway_failure: input.enforcing_consecutive_gateway_failure ?? d.enforcing_consecutive_gateway_failure,
    enforcing_consecutive_local_origin_failure:
      input.enforcing_consecutive_local_origin_failure ?? d.enforcing_consecutive_local_origin_failure,
    enforcing_success_rate: input.enforcing_success_rate ?? d.enforcing_success_rate,
    enforcing_local_origin_success_rate: input.enforcing_local_origin_success_rate ?? d.enforcing_local_origin_success_rate,
    enforcing_failure_percentage: input.enforcing_failure_percentage ?? d.enforcing_failure_percentage,
    enforcing_failure_percentage_local_origin:
      input.enforcing_failure_percentage_local_origin ?? d.enforcing_failure_percentage_local_origin,
    success_rate_minimum_hosts: input.success_rate_minimum_hosts ?? d.success_rate_minimum_hosts,
    success_rate_request_volume: input.success_rate_request_volume ?? d.success_rate_request_volume,
    success_rate_stdev_factor: input.success_rate_stdev_factor ?? d.success_rate_stdev_factor,
    failure_percentage_threshold: input.failure_percentage_threshold ?? d.failure_percentage_threshold,
    failure_percentage_minimum_hosts: input.failure_percentage_minimum_hosts ?? d.failure_percentage_minimum_hosts,
    failure_percentage_request_volume: input.failure_percentage_request_volume ?? d.failure_percentage_request_volume,
    split_external_local_origin_errors: input.split_external_local_origin_errors ?? d.split_external_local_origin_errors,
    successful_active_health_check_uneject_host:
      input.successful_active_health_check_uneject_host ?? d.successful_active_health_check_uneject_host,
  };
}

/**
 * Parses an Envoy (proto3 JSON) duration string such as "0.1s", "10s" or "400s" to whole
 * milliseconds, truncating below 1 ms as Envoy's DurationUtil::durationToMilliseconds does.
 * Throws an Error for anything else (negative, missing unit, more than 9 fractional digits).
 */
export function parseEnvoyDuration(text: string): number {
  const m = /^(\d+)(?:\.(\d{1,9}))?s$/.exec(typeof text === 'string' ? text.trim() : '');
  if (!m) throw new Error(`expected a duration like "0.1s" or "10s", got ${JSON.stringify(text)}`);
  const seconds = Number(m[1]);
  const nanos = Number((m[2] ?? '').padEnd(9, '0'));
  const ms = seconds * 1000 + Math.floor(nanos / 1_000_000);
  if (!Number.isSafeInteger(ms)) throw new Error(`duration ${JSON.stringify(text)} is too large`);
  return ms;
}

/** Envoy's proto field names for the four durations, and their `_ms` counterparts. */
const DURATION_FIELDS: Record<string, keyof OutlierDetectionInput> = {
  interval: 'interval_ms',
  base_ejection_time: 'base_ejection_time_ms',
  max_ejection_time: 'max_ejection_time_ms',
  max_ejection_time_jitter: 'max_ejection_time_jitter_ms',
};

/**
 * Converts an OutlierDetection message written as Envoy JSON/YAML (durations as "10s" strings, as in
 * the vectors' config_vectors) to OutlierDetectionInput. Fields already in `_ms` form pass through.
 * Unknown fields and bad durations are errors.
 */
export function outlierInputFromEnvoyJson(obj: unknown): OutlierDetectionInput {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
    throw new OutlierConfigError([{ field: 'outlier_detection', message: 'expected an object' }]);
  }
  const out: Record<string, unknown> = {};
  const issues: ConfigIssue[] = [];
  for (const [key, value] of Object.entries(obj as Record<string, unknown>)) {
    const msKey = DURATION_FIELDS[key];
    if (msKey !== undefined) {
      try {
        out[msKey] = parseEnvoyDuration(value as string);
      } catch (e) {
        issues.push({ field: key, message: (e as Error).message });
      }
    } else if ((FIELD_KINDS as Record<string, unknown>)[key] !== undefined) {
      out[key] = value;
    } else {
      issues.push({ field: key, message: 'unknown field' });
    }
  }
  if (issues.length) throw new OutlierConfigError(issues);
  return out as OutlierDetectionInput;
}
