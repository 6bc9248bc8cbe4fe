/**
 * Splits the user's files into resources: `---` documents, and the items of `kind: List` (what
 * `kubectl get a,b,c -o yaml` prints). Each resource keeps where it came from (file, document,
 * `items[i]`) and a way to find the line of a path inside it, for messages.
 */
import { LineCounter, type Document } from 'yaml';
import { UserError } from '../config/errors.ts';
import { parseAllYamlDocuments, yamlToData } from '../config/yaml.ts';

export interface MeshInputFile {
  /** The name used in messages (as the user gave it). */
  file: string;
  text: string;
}

export interface RawResource {
  file: string;
  /** 1-based document index in the file. */
  document: number;
  /** `items[3]` for an item of a kind: List, else undefined. */
  item: string | undefined;
  value: Record<string, unknown>;
  kind: string;
  name: string | undefined;
  /** Line of a path inside the resource (relative to the resource root). */
  lineOf: (path: (string | number)[]) => number | undefined;
}

function lineOfPath(doc: Document, lc: LineCounter, path: (string | number)[]): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === 'object' && node.range) return lc.linePos(node.range[0]).line;
  }
  return undefined;
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Every resource of every file, in file order; YAML errors and non-resources are UserErrors. */
export function splitResources(files: readonly MeshInputFile[]): RawResource[] {
  const out: RawResource[] = [];
  const errors: string[] = [];
  for (const { file, text } of files) {
    const lc = new LineCounter();
    const docs = parseAllYamlDocuments(text, file, { merge: true, lineCounter: lc, prettyErrors: false });
    const list = Array.isArray(docs) ? docs : [docs];
    list.forEach((doc, i) => {
      const document = i + 1;
      if (doc.errors.length > 0) {
        const e = doc.errors[0];
        errors.push(`${file}: document ${document}: not valid YAML (line ${lc.linePos(e.pos[0]).line}): ${e.message.split('\n')[0]}`);
        return;
      }
      // Unresolved aliases and alias bombs are UserErrors with file and line, as in src/istio/load.ts.
      const value: unknown = yamlToData(doc, file, text);
      if (value === null || value === undefined) return;
      if (!isMapping(value) || typeof value.kind !== 'string') {
        // A failsim scenario (its istio:/envoy: file and clients) is the usual wrong file here: say so.
        const scenario = isMapping(value) && ('istio' in value || 'envoy' in value) && 'clients' in value;
        errors.push(
          `${file}: document ${document}: expected a Kubernetes resource (a mapping with apiVersion, kind, metadata)` +
            (scenario ? `; this is a failsim scenario: give its Istio file (istio: ${String(value.istio ?? value.envoy)}) instead, or run it with failsim run` : ''),
        );
        return;
      }
      const push = (v: Record<string, unknown>, prefix: (string | number)[]): void => {
        const meta = v.metadata;
        out.push({
          file,
          document,
          item: prefix.length ? `items[${prefix[1]}]` : undefined,
          value: v,
          kind: v.kind as string,
          name: isMapping(meta) && typeof meta.name === 'string' ? meta.name : undefined,
          lineOf: (path) => lineOfPath(doc, lc, [...prefix, ...path]),
        });
      };
      if (value.kind === 'List' || (value.kind.endsWith('List') && Array.isArray(value.items))) {
        if (!Array.isArray(value.items)) {
          errors.push(`${file}: document ${document}: kind ${value.kind}: items: expected a list of resources`);
          return;
        }
        value.items.forEach((item, j) => {
          if (!isMapping(item) || typeof item.kind !== 'string') {
            // `kubectl get pods -o yaml` items carry their kind; a typed list (PodList) may not.
            const itemKind = value.kind === 'List' ? undefined : (value.kind as string).slice(0, -4);
            if (isMapping(item) && itemKind) push({ ...item, kind: itemKind }, ['items', j]);
            else errors.push(`${file}: document ${document}: items[${j}]: expected a Kubernetes resource with a kind`);
            return;
          }
          push(item, ['items', j]);
        });
        return;
      }
      push(value, []);
    });
  }
  if (errors.length > 0) throw new UserError(errors.slice(0, 20).join('\n'));
  return out;
}

/** `file: document N[ items[i]] (Kind/name)` for messages. */
export function resourceLabel(r: RawResource): string {
  return `${r.file}: document ${r.document}${r.item ? ` ${r.item}` : ''} (${r.kind}${r.name ? `/${r.name}` : ''})`;
}
