/**
 * The page's controls (version, client localities, incident) are shortcuts that edit the scenario
 * text, so what runs, what is shared and what is downloaded is always one scenario the CLI reads as
 * it is. Edits go through yaml's Document API, which keeps the user's comments and layout.
 */
import YAML from 'yaml';

export interface ScenarioInfo {
  configKind: 'istio' | 'envoy';
  /** The file the scenario's istio:/envoy: key names. */
  configFile: string;
  /** `istio:1.28`, `envoy:1.31`, or '' when the scenario names no version (the newest profile). */
  version: string;
  /** clients[i].locality, in order. */
  localities: string[];
  /** Endpoint addresses the scenario models (endpoints: keys other than `*`). */
  endpoints: string[];
  /** The run's duration as written. */
  duration: string | undefined;
}

function parse(text: string): YAML.Document.Parsed {
  const doc = YAML.parseDocument(text, { keepSourceTokens: false });
  if (doc.errors.length > 0) throw new Error(doc.errors[0].message.split('\n')[0]);
  return doc;
}

/** What the controls show for a scenario text; undefined while the text does not parse. */
export function scenarioInfo(text: string): ScenarioInfo | undefined {
  let doc: YAML.Document.Parsed;
  let raw: unknown;
  try {
    doc = parse(text);
    raw = doc.toJS();
  } catch {
    return undefined;
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const s = raw as Record<string, unknown>;
  const configKind = s.envoy !== undefined && s.istio === undefined ? 'envoy' : 'istio';
  const configFile = typeof s[configKind] === 'string' ? (s[configKind] as string) : `${configKind}.yaml`;
  const version = versionOf(doc);
  const clients = Array.isArray(s.clients) ? s.clients : [];
  const localities = clients.map((c) => String((c as { locality?: unknown } | null)?.locality ?? ''));
  const endpoints =
    s.endpoints !== null && typeof s.endpoints === 'object' ? Object.keys(s.endpoints as object).filter((k) => k !== '*') : [];
  return { configKind, configFile, version, localities, endpoints, duration: typeof s.duration === 'string' ? s.duration : undefined };
}

/**
 * YAML reads an unquoted `1.10` as the number 1.1; the scenario loader takes the source text, and
 * so does this: the version scalar's source, not its value.
 */
function versionText(node: unknown): string | undefined {
  if (!YAML.isScalar(node)) return undefined;
  return (node as YAML.Scalar & { source?: string }).source ?? String(node.value);
}

function versionOf(doc: YAML.Document.Parsed): string {
  for (const k of ['istio', 'envoy']) {
    const v = versionText(doc.getIn(['versions', k], true));
    if (v !== undefined) return `${k}:${v}`;
  }
  return '';
}

/** Sets `versions` to the choice (`istio:1.28`, `envoy:1.31`), or removes it for ''. */
export function withVersion(text: string, choice: string): string {
  const doc = parse(text);
  if (choice === '') {
    doc.delete('versions');
  } else {
    const [kind, version] = choice.split(':');
    const node = doc.createNode({ [kind]: version }) as YAML.YAMLMap;
    node.flow = true;
    // A version is text: quote it so `1.10` stays `1.10` for every YAML reader.
    for (const item of node.items) (item.value as YAML.Scalar).type = 'QUOTE_DOUBLE';
    doc.set('versions', node);
  }
  return doc.toString();
}

/** Sets clients[i].locality for every group; the list must have one locality per client group. */
export function withLocalities(text: string, localities: readonly string[]): string {
  const doc = parse(text);
  const clients = doc.get('clients');
  const count = YAML.isSeq(clients) ? clients.items.length : 0;
  if (count !== localities.length) {
    throw new Error(`the scenario has ${count} client group${count === 1 ? '' : 's'}: give one locality for each, separated by commas (got ${localities.length})`);
  }
  localities.forEach((l, i) => doc.setIn(['clients', i, 'locality'], l));
  return doc.toString();
}

/** Replaces the scenario's faults. */
export function withFaults(text: string, faults: readonly Record<string, unknown>[]): string {
  const doc = parse(text);
  if (faults.length === 0) doc.delete('faults');
  else doc.set('faults', doc.createNode(faults));
  return doc.toString();
}

/** Points the scenario's istio:/envoy: key at `file`. */
export function withConfigFile(text: string, kind: 'istio' | 'envoy', file: string): string {
  const doc = parse(text);
  doc.set(kind, file);
  return doc.toString();
}
