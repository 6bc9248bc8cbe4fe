/**
 * A run's JSON result as flat dotted columns: `requests.errorRate`, `attempts.byLocality.us-west`,
 * `incidents.0.detectionMs.median`. Key order follows the JSON document, so it is deterministic.
 */
export type FlatValue = number | string | boolean | null;
export type FlatRecord = Record<string, FlatValue>;

export function flatten(value: unknown, prefix = '', out: FlatRecord = {}): FlatRecord {
  if (value === null || value === undefined) {
    if (prefix !== '') out[prefix] = null;
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => flatten(v, prefix === '' ? String(i) : `${prefix}.${i}`, out));
  } else if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) flatten(v, prefix === '' ? k : `${prefix}.${k}`, out);
  } else if (typeof value === 'number') {
    out[prefix] = Number.isFinite(value) ? value : null;
  } else if (typeof value === 'string' || typeof value === 'boolean') {
    out[prefix] = value;
  } else {
    out[prefix] = String(value);
  }
  return out;
}
