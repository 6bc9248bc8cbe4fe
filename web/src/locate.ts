/**
 * Which editor and which line an input error concerns, from the message failsim gives (the same
 * text the CLI prints): `name: ... (line N)` and `name:L:C: ...` carry the line; a scenario field
 * error (`name: clients[0].rate: ...`) names a path, found in the text with yaml's source ranges.
 */
import YAML from 'yaml';
import { parseFieldPath } from '../../src/config/overrides.ts';

export interface ErrorPlace {
  source: 'config' | 'scenario' | null;
  /** 1-based line in that source; null when the message locates nothing. */
  line: number | null;
}

export function locateError(message: string, names: { scenario: string; config: string }, texts: { scenario: string; config: string }): ErrorPlace {
  const source = message.startsWith(`${names.config}:`) ? 'config' : message.startsWith(`${names.scenario}:`) ? 'scenario' : null;
  if (source === null) return { source, line: null };
  const rest = message.slice(names[source].length + 1);
  const lineNote = /\(line (\d+)\)/.exec(rest);
  if (lineNote) return { source, line: Number(lineNote[1]) };
  const position = /^(\d+):\d+:/.exec(rest);
  if (position) return { source, line: Number(position[1]) };
  // `name: document N (Kind/name): path: message` or `name: path: message`.
  const documented = /^ document (\d+)[^:]*: ([^:\s]+):/.exec(rest);
  const plain = /^ ([A-Za-z_*][\w.*\-[\]]*):/.exec(rest);
  const document = documented ? Number(documented[1]) - 1 : 0;
  const pathText = documented ? documented[2] : plain?.[1];
  if (pathText === undefined) return { source, line: null };
  return { source, line: lineOfPath(texts[source], document, pathText) };
}

/** The line of the deepest node along `pathText` that exists in document `index` of `text`. */
function lineOfPath(text: string, index: number, pathText: string): number | null {
  let path: (string | number)[];
  try {
    path = parseFieldPath(pathText);
  } catch {
    return null;
  }
  const lines = new YAML.LineCounter();
  const docs = YAML.parseAllDocuments(text, { lineCounter: lines });
  const doc = Array.isArray(docs) ? docs[index] : undefined;
  if (!doc) return null;
  for (let depth = path.length; depth > 0; depth--) {
    const node = doc.getIn(path.slice(0, depth), true) as YAML.Node | undefined;
    const pair = depth === path.length ? keyOf(doc, path) : undefined;
    const offset = pair ?? node?.range?.[0];
    if (offset !== undefined) return lines.linePos(offset).line;
  }
  return null;
}

/** The offset of the key naming the last part of `path` (an unknown field is reported at its key). */
function keyOf(doc: YAML.Document, path: (string | number)[]): number | undefined {
  const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
  if (!YAML.isMap(parent)) return undefined;
  const last = path[path.length - 1];
  const pair = parent.items.find((p) => YAML.isScalar(p.key) && p.key.value === last);
  return pair && YAML.isScalar(pair.key) ? pair.key.range?.[0] : undefined;
}
