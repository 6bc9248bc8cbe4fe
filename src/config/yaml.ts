/**
 * YAML reading shared by the scenario loader and the `--set` overrides: syntax errors become one
 * `file:line:column: message` line (a UserError), never a stack trace. The `yaml` package builds
 * plain data only (no custom tags that construct objects), so no input can execute code.
 */
import YAML from 'yaml';
import { UserError } from './errors.ts';

/** `file:line:col: message` for the yaml package's errors (their message ends with a code frame). */
export function formatYamlError(file: string, error: YAML.YAMLError): string {
  const firstLine = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  const pos = error.linePos?.[0];
  const where = pos ? `${file}:${pos.line}:${pos.col}` : file;
  return `${where}: invalid YAML: ${firstLine}`;
}

const PARSE_OPTIONS = { prettyErrors: true, uniqueKeys: true, strict: true } as const;

/** Parses a file that must hold exactly one YAML document; returns the Document (nodes keep their source text). */
export function parseSingleYamlDocument(text: string, file: string): YAML.Document.Parsed {
  const docs = YAML.parseAllDocuments(text, PARSE_OPTIONS);
  if (!Array.isArray(docs)) throw new UserError(`${file}: invalid YAML: ${String(docs)}`);
  for (const doc of docs) {
    if (doc.errors.length) throw new UserError(doc.errors.map((e) => formatYamlError(file, e)).join('\n'));
  }
  const nonEmpty = docs.filter((d) => d.contents !== null);
  if (nonEmpty.length === 0) throw new UserError(`${file}: the file is empty (expected a YAML mapping)`);
  if (nonEmpty.length > 1) {
    throw new UserError(`${file}: expected one YAML document, found ${nonEmpty.length} (separated by ---)`);
  }
  return nonEmpty[0];
}

/** Parses a multi-document YAML file (e.g. Istio resources) into plain values; empty documents are skipped. */
export function parseYamlDocuments(text: string, file: string): unknown[] {
  const docs = YAML.parseAllDocuments(text, PARSE_OPTIONS);
  if (!Array.isArray(docs)) throw new UserError(`${file}: invalid YAML: ${String(docs)}`);
  const out: unknown[] = [];
  for (const doc of docs) {
    if (doc.errors.length) throw new UserError(doc.errors.map((e) => formatYamlError(file, e)).join('\n'));
    if (doc.contents !== null) out.push(doc.toJS({ maxAliasCount: 100 }));
  }
  return out;
}
