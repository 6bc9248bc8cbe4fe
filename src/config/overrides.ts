/**
 * `--set` overrides. Two address forms:
 *
 *   field.path=VALUE                 a scenario field, e.g. `seed=3`, `clients[0].rate=100/s`,
 *                                    `endpoints["db.example.com"].latency.constant=5ms`
 *   Kind/name:field.path=VALUE       a field of one Istio (or Envoy) resource, e.g.
 *                                    `DestinationRule/mydynamodb:spec.trafficPolicy.outlierDetection.maxEjectionPercent=100`
 *
 * Paths: `.`-separated keys, `[N]` list indexes, `["key.with.dots"]` for keys that are not plain
 * names. VALUE is read as YAML (`100` a number, `true` a boolean, `10s` a string, `[a, b]` a list),
 * except for scenario fields that are text by nature (versions, name, hosts, labels), where it is
 * kept verbatim so that `versions.istio=1.10` stays "1.10" and does not become the number 1.1.
 * Overrides are applied to parsed YAML before validation, so the usual schema messages apply.
 */
import YAML from 'yaml';
import { UserError } from './errors.ts';
import { formatPath, showValue } from './issues.ts';
import { checkFlowNesting, yamlToData } from './yaml.ts';

export type PathKey = string | number;

export interface ScenarioOverride {
  target: 'scenario';
  path: PathKey[];
  value: unknown;
  /** The text as given, for messages. */
  text: string;
}

export interface ResourceOverride {
  target: 'resource';
  kind: string;
  name: string;
  path: PathKey[];
  value: unknown;
  text: string;
}

export type Override = ScenarioOverride | ResourceOverride;

const USAGE = 'expected field.path=VALUE or Kind/name:field.path=VALUE';

/**
 * Keys that name JavaScript's object machinery rather than data: setting them would change the
 * prototype of the parsed file (prototype pollution), so no path may contain them.
 */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'prototype', 'constructor']);

/** Parses `a.b[0]["c.d"]` into keys. Throws UserError naming the whole override on bad syntax. */
export function parseFieldPath(text: string, context = text): PathKey[] {
  const keys: PathKey[] = [];
  let i = 0;
  const fail = (why: string): never => {
    throw new UserError(`--set ${context}: bad field path ${JSON.stringify(text)}: ${why}`);
  };
  if (text === '') fail('empty');
  let expectKey = true;
  while (i < text.length) {
    const c = text[i];
    if (c === '[') {
      const close = text.indexOf(']', i);
      if (close < 0) fail('missing ]');
      const inner = text.slice(i + 1, close);
      if (/^\d+$/.test(inner)) keys.push(Number(inner));
      else if (/^"(?:[^"\\]|\\.)*"$/.test(inner)) keys.push(JSON.parse(inner) as string);
      else fail(`expected [N] or ["key"] (got [${inner}])`);
      i = close + 1;
      expectKey = false;
    } else if (c === '.') {
      if (expectKey) fail('empty key');
      i++;
      expectKey = true;
    } else {
      if (!expectKey) fail(`expected . or [ before ${JSON.stringify(text.slice(i))}`);
      let j = i;
      while (j < text.length && text[j] !== '.' && text[j] !== '[') j++;
      keys.push(text.slice(i, j));
      i = j;
      expectKey = false;
    }
  }
  if (expectKey) fail('ends with .');
  const forbidden = keys.find((k) => typeof k === 'string' && FORBIDDEN_KEYS.has(k));
  if (forbidden !== undefined) fail(`${JSON.stringify(forbidden)} is not a field name failsim accepts (no file has such a field)`);
  return keys;
}

/** VALUE as YAML; a parse error is a UserError. */
export function parseOverrideValue(valueText: string, context: string): unknown {
  checkFlowNesting(valueText, `--set ${context}`);
  const doc = YAML.parseDocument(valueText, { uniqueKeys: true, merge: true });
  if (doc.errors.length) {
    throw new UserError(`--set ${context}: cannot read the value ${JSON.stringify(valueText)} as YAML: ${doc.errors[0].message.split('\n')[0]}`);
  }
  return yamlToData(doc, `--set ${context}`);
}

/** Scenario fields whose values are text whatever they look like. */
const TEXT_FIELDS: RegExp[] = [
  /^versions\.(istio|envoy)$/,
  /^name$/,
  /^(istio|envoy)$/,
  /^clients\[\d+\]\.(host|locality)$/,
  /^clients\[\d+\]\.labels(\.|\[)/,
  /^faults\[\d+\]\.(endpoint|locality)$/,
];

/** Parses one `--set` argument. */
export function parseOverride(text: string): Override {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UserError(`--set ${text}: ${USAGE}`);
  const address = text.slice(0, eq);
  const valueText = text.slice(eq + 1);
  const colon = address.indexOf(':');
  if (colon >= 0) {
    const resource = address.slice(0, colon);
    const slash = resource.indexOf('/');
    if (slash <= 0 || slash === resource.length - 1 || resource.indexOf('/', slash + 1) >= 0) {
      throw new UserError(`--set ${text}: expected Kind/name before ':' (got ${JSON.stringify(resource)})`);
    }
    return {
      target: 'resource',
      kind: resource.slice(0, slash),
      name: resource.slice(slash + 1),
      path: parseFieldPath(address.slice(colon + 1), text),
      value: parseOverrideValue(valueText, text),
      text,
    };
  }
  const path = parseFieldPath(address, text);
  const keepText = TEXT_FIELDS.some((re) => re.test(formatPath(path)));
  return { target: 'scenario', path, value: keepText ? valueText : parseOverrideValue(valueText, text), text };
}

/** Parses every `--set` argument and splits them by target. */
export function parseOverrides(texts: readonly string[]): { scenario: ScenarioOverride[]; resources: ResourceOverride[] } {
  const scenario: ScenarioOverride[] = [];
  const resources: ResourceOverride[] = [];
  for (const t of texts) {
    const o = parseOverride(t);
    if (o.target === 'scenario') scenario.push(o);
    else resources.push(o);
  }
  return { scenario, resources };
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Sets `path` inside `root` (mutating it). Missing mapping keys are created; list indexes must
 * exist (or be the list's length, which appends). Setting through a scalar is an error.
 */
export function setAtPath(root: unknown, path: readonly PathKey[], value: unknown, context: string): void {
  let node = root;
  for (let i = 0; i < path.length; i++) {
    const key = path[i];
    if (typeof key === 'string' && FORBIDDEN_KEYS.has(key)) {
      throw new UserError(`--set ${context}: ${JSON.stringify(key)} is not a field name failsim accepts`);
    }
    const last = i === path.length - 1;
    const here = formatPath(path.slice(0, i)) || '(top level)';
    if (typeof key === 'number') {
      if (!Array.isArray(node)) throw new UserError(`--set ${context}: ${here} is not a list (got ${showValue(node)})`);
      if (key > node.length) {
        throw new UserError(`--set ${context}: ${formatPath(path.slice(0, i + 1))}: index out of range (the list has ${node.length} items)`);
      }
      if (last) node[key] = value;
      else {
        if (node[key] === undefined || node[key] === null) node[key] = typeof path[i + 1] === 'number' ? [] : {};
        node = node[key];
      }
    } else {
      if (!isMapping(node)) throw new UserError(`--set ${context}: ${here} is not a mapping (got ${showValue(node)})`);
      if (last) node[key] = value;
      else {
        if (node[key] === undefined || node[key] === null) node[key] = typeof path[i + 1] === 'number' ? [] : {};
        node = node[key];
      }
    }
  }
}

/** Applies scenario overrides to the parsed (not yet validated) scenario; returns a modified copy. */
export function applyScenarioOverrides(raw: unknown, overrides: readonly ScenarioOverride[], file = 'scenario'): unknown {
  if (!isMapping(raw)) throw new UserError(`${file}: expected a mapping of scenario fields (got ${showValue(raw)})`);
  const copy = structuredClone(raw);
  for (const o of overrides) {
    if (o.path.length === 0) throw new UserError(`--set ${o.text}: ${USAGE}`);
    setAtPath(copy, o.path, structuredClone(o.value), o.text);
  }
  return copy;
}

/**
 * Applies resource overrides to parsed multi-document YAML (e.g. the Istio file): each finds the one
 * document with that `kind` and `metadata.name`. Returns modified copies; the input is untouched.
 */
export function applyResourceOverrides(docs: readonly unknown[], overrides: readonly ResourceOverride[], file = 'resources'): unknown[] {
  const copies = docs.map((d) => structuredClone(d));
  for (const o of overrides) {
    const matches = copies.filter(
      (d) => isMapping(d) && d.kind === o.kind && isMapping(d.metadata) && d.metadata.name === o.name,
    );
    if (matches.length === 0) {
      const known = copies
        .filter((d): d is Record<string, unknown> => isMapping(d) && typeof d.kind === 'string' && isMapping(d.metadata))
        .map((d) => `${d.kind as string}/${String((d.metadata as Record<string, unknown>).name)}`);
      throw new UserError(
        `--set ${o.text}: no ${o.kind} named ${JSON.stringify(o.name)} in ${file} (resources: ${known.length ? known.join(', ') : 'none'})`,
      );
    }
    if (matches.length > 1) {
      throw new UserError(`--set ${o.text}: ${matches.length} resources ${o.kind}/${o.name} in ${file}; the override is ambiguous`);
    }
    setAtPath(matches[0], o.path, structuredClone(o.value), o.text);
  }
  return copies;
}
