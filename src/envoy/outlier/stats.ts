/**
 * The detector's stats (spec §11), as a Float64Array indexed by small constants so that incrementing
 * one on the detection path allocates nothing. Names are Envoy's, without the `outlier_detection.` prefix.
 */
import { EJECTION_TYPE_COUNT } from './types.ts';

/** Stat name suffix per ejection type code (types.ts EjectionType order). */
const TYPE_SUFFIX = [
  'consecutive_5xx',
  'consecutive_gateway_failure',
  'success_rate',
  'consecutive_local_origin_failure',
  'local_origin_success_rate',
  'failure_percentage',
  'local_origin_failure_percentage',
];

/** ejections_detected_<type> is at DETECTED + type. */
export const STAT_DETECTED = 0;
/** ejections_enforced_<type> is at ENFORCED + type. */
export const STAT_ENFORCED = EJECTION_TYPE_COUNT;
export const STAT_ENFORCED_TOTAL = 2 * EJECTION_TYPE_COUNT;
export const STAT_OVERFLOW = STAT_ENFORCED_TOTAL + 1;
/** Deprecated: percent check passed for CONSECUTIVE_5XX or SUCCESS_RATE, enforced or not. */
export const STAT_TOTAL = STAT_ENFORCED_TOTAL + 2;
/** Deprecated: every consecutive-5xx detection handled on the main thread. */
export const STAT_CONSECUTIVE_5XX = STAT_ENFORCED_TOTAL + 3;
/** Deprecated: every SR outlier found (local-origin ones included). */
export const STAT_SUCCESS_RATE = STAT_ENFORCED_TOTAL + 4;
export const STAT_COUNT = STAT_ENFORCED_TOTAL + 5;

export const STAT_NAMES: readonly string[] = (() => {
  const names: string[] = [];
  for (const s of TYPE_SUFFIX) names.push(`ejections_detected_${s}`);
  for (const s of TYPE_SUFFIX) names.push(`ejections_enforced_${s}`);
  names.push('ejections_enforced_total', 'ejections_overflow', 'ejections_total', 'ejections_consecutive_5xx', 'ejections_success_rate');
  return names;
})();

const INDEX_BY_NAME = new Map(STAT_NAMES.map((n, i) => [n, i]));

/** Index of a counter by its name, or undefined. */
export function statIndex(name: string): number | undefined {
  return INDEX_BY_NAME.get(name);
}

/** Counters as a plain object (all of them, zeros included). */
export function statsToObject(counters: Float64Array): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = 0; i < STAT_COUNT; i++) out[STAT_NAMES[i]] = counters[i];
  return out;
}
