/**
 * Reading Envoy proto3 JSON/YAML by hand, one message at a time: every field is either modelled
 * (returned to the caller), accepted but not modelled (a warning naming the field and what failsim
 * does instead) or unknown (an error naming the file and path). Field names are snake_case as Envoy
 * documents them; the lowerCamelCase names proto3 JSON also accepts are mapped to them.
 *
 * Value readers accept what Envoy accepts and, where it costs nothing, what users commonly write:
 * wrapper types either plain (`consecutive_5xx: 5`, proto3 JSON) or wrapped (`{value: 5}`),
 * durations as "0.25s" strings (or `{seconds, nanos}`).
 */
import { formatPath } from '../../config/issues.ts';
import { parseEnvoyDuration } from '../outlier/config.ts';

export type PathKey = string | number;

export interface EnvoyConfigWarning {
  /** Stable machine-readable code, e.g. `unmodelled-field`. */
  code: string;
  message: string;
  /** Path inside the file, e.g. `static_resources.clusters[0].health_checks`. */
  path: string;
}

/** Collects errors and warnings for one file; every message is located (`file: path: text`). */
export class Diagnostics {
  readonly errors: string[] = [];
  readonly warnings: EnvoyConfigWarning[] = [];
  constructor(readonly file: string) {}

  error(path: readonly PathKey[], message: string): void {
    const where = formatPath(path);
    this.errors.push(`${this.file}: ${where ? `${where}: ` : ''}${message}`);
  }

  warn(code: string, path: readonly PathKey[], message: string): void {
    this.warnings.push({ code, message, path: formatPath(path) });
  }
}

export function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A short rendering of a user value for messages. */
export function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  const text = JSON.stringify(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** proto3 JSON name of a snake_case field: `consecutive_5xx` → `consecutive5xx`, `sub_zone` → `subZone`. */
export function lowerCamel(snake: string): string {
  return snake.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** A message's accepted fields: modelled ones are returned, unmodelled ones warned about with `reason`. */
export interface MessageSpec {
  /** Envoy's message name, for messages (`Cluster`, `OutlierDetection`, ...). */
  name: string;
  modelled: readonly string[];
  unmodelled?: Readonly<Record<string, string>>;
}

/**
 * Reads a message: returns its modelled fields by snake_case name (undefined when `value` is not a
 * mapping, after an error). Unmodelled fields give an `unmodelled-field` warning; unknown fields an
 * error. `@type` is accepted when it names `typeUrl` (Any-wrapped messages).
 */
export function readMessage(
  d: Diagnostics,
  value: unknown,
  path: readonly PathKey[],
  spec: MessageSpec,
  typeUrl?: string,
): Record<string, unknown> | undefined {
  if (!isMapping(value)) {
    d.error(path, `expected a mapping (Envoy ${spec.name}), got ${show(value)}`);
    return undefined;
  }
  const unmodelled = spec.unmodelled ?? {};
  const byName = new Map<string, string>();
  for (const f of [...spec.modelled, ...Object.keys(unmodelled)]) {
    byName.set(f, f);
    byName.set(lowerCamel(f), f);
  }
  const out: Record<string, unknown> = {};
  const seen = new Map<string, string>();
  for (const [key, v] of Object.entries(value)) {
    if (key === '@type') {
      if (typeUrl === undefined || v !== typeUrl) {
        d.error([...path, key], `expected ${typeUrl === undefined ? 'no @type here' : JSON.stringify(typeUrl)}, got ${show(v)}`);
      }
      continue;
    }
    const field = byName.get(key);
    if (field === undefined) {
      d.error([...path, key], `unknown field (Envoy's ${spec.name} has no field ${JSON.stringify(key)})`);
      continue;
    }
    if (seen.has(field)) {
      d.error([...path, key], `${field} is given twice (as ${JSON.stringify(seen.get(field))} and ${JSON.stringify(key)})`);
      continue;
    }
    seen.set(field, key);
    if (v === undefined || v === null) continue; // proto3 JSON: null means "not set"
    const reason = unmodelled[field];
    if (reason !== undefined) {
      d.warn('unmodelled-field', [...path, key], `${field} is not modelled: ${reason}`);
      continue;
    }
    out[field] = v;
  }
  return out;
}

/** Unwraps `{value: x}` (wrapper types and Percent). */
function unwrap(v: unknown): unknown {
  if (isMapping(v) && Object.keys(v).length === 1 && 'value' in v) return v.value;
  return v;
}

const UINT32_MAX = 4294967295;

/** uint32 / UInt32Value: a whole number (plain, `{value: N}` or a numeric string) within [min, max]. */
export function readUint(d: Diagnostics, value: unknown, path: readonly PathKey[], min = 0, max = UINT32_MAX): number | undefined {
  let v = unwrap(value);
  if (typeof v === 'string' && /^\d+$/.test(v.trim())) v = Number(v.trim());
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > UINT32_MAX) {
    d.error(path, `expected a whole number ≥ 0 (plain or {value: N}), got ${show(value)}`);
    return undefined;
  }
  if (v < min || v > max) {
    d.error(path, `expected a whole number in [${min}, ${max}], got ${v}`);
    return undefined;
  }
  return v;
}

/** bool / BoolValue. */
export function readBool(d: Diagnostics, value: unknown, path: readonly PathKey[]): boolean | undefined {
  const v = unwrap(value);
  if (typeof v !== 'boolean') {
    d.error(path, `expected true or false, got ${show(value)}`);
    return undefined;
  }
  return v;
}

/** A number (double), plain or wrapped, within [min, max]. */
export function readNumber(d: Diagnostics, value: unknown, path: readonly PathKey[], min: number, max: number): number | undefined {
  let v = unwrap(value);
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) v = Number(v);
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    d.error(path, `expected a number, got ${show(value)}`);
    return undefined;
  }
  if (v < min || v > max) {
    d.error(path, `expected a number in [${min}, ${max}], got ${v}`);
    return undefined;
  }
  return v;
}

/** envoy.type.v3.Percent: `{value: 50}` (a plain number is accepted too). */
export function readPercent(d: Diagnostics, value: unknown, path: readonly PathKey[]): number | undefined {
  if (isMapping(value)) {
    const m = readMessage(d, value, path, { name: 'Percent', modelled: ['value'] });
    if (!m) return undefined;
    return m.value === undefined ? 0 : readNumber(d, m.value, [...path, 'value'], 0, 100);
  }
  return readNumber(d, value, path, 0, 100);
}

/** core.v3.RuntimeDouble: `{default_value, runtime_key}`; returns default_value. */
export function readRuntimeDouble(d: Diagnostics, value: unknown, path: readonly PathKey[], min: number): number | undefined {
  const m = readMessage(d, value, path, { name: 'RuntimeDouble', modelled: ['default_value', 'runtime_key'] });
  if (!m) return undefined;
  if (m.runtime_key !== undefined) readString(d, m.runtime_key, [...path, 'runtime_key']);
  if (m.default_value === undefined) {
    d.error([...path, 'default_value'], 'required');
    return undefined;
  }
  return readNumber(d, m.default_value, [...path, 'default_value'], min, Number.MAX_VALUE);
}

export function readString(d: Diagnostics, value: unknown, path: readonly PathKey[], nonEmpty = false): string | undefined {
  if (typeof value !== 'string') {
    d.error(path, `expected a string, got ${show(value)}`);
    return undefined;
  }
  if (nonEmpty && value === '') {
    d.error(path, 'expected a non-empty string');
    return undefined;
  }
  return value;
}

/** google.protobuf.Duration: "0.25s" (proto3 JSON) or `{seconds, nanos}`; whole milliseconds. */
export function readDuration(d: Diagnostics, value: unknown, path: readonly PathKey[], positive = false): number | undefined {
  let ms: number | undefined;
  if (isMapping(value)) {
    const m = readMessage(d, value, path, { name: 'Duration', modelled: ['seconds', 'nanos'] });
    if (!m) return undefined;
    const s = m.seconds === undefined ? 0 : readUint(d, m.seconds, [...path, 'seconds'], 0, 315_576_000_000);
    const n = m.nanos === undefined ? 0 : readUint(d, m.nanos, [...path, 'nanos'], 0, 999_999_999);
    if (s === undefined || n === undefined) return undefined;
    ms = s * 1000 + Math.floor(n / 1_000_000);
  } else {
    try {
      ms = parseEnvoyDuration(value as string);
    } catch (e) {
      d.error(path, `${(e as Error).message}${typeof value === 'number' ? ' (Envoy durations are strings with an s unit)' : ''}`);
      return undefined;
    }
  }
  if (positive && ms <= 0) {
    d.error(path, `expected a duration > 0, got ${show(value)}`);
    return undefined;
  }
  return ms;
}

/** An enum given by its name (as proto3 JSON writes enums). */
export function readEnum<T extends string>(d: Diagnostics, value: unknown, path: readonly PathKey[], names: readonly T[]): T | undefined {
  if (typeof value === 'string' && (names as readonly string[]).includes(value)) return value as T;
  d.error(path, `expected one of ${names.join(', ')}, got ${show(value)}`);
  return undefined;
}

export function readList(d: Diagnostics, value: unknown, path: readonly PathKey[]): unknown[] | undefined {
  if (!Array.isArray(value)) {
    d.error(path, `expected a list, got ${show(value)}`);
    return undefined;
  }
  return value;
}
