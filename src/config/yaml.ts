/**
 * YAML reading shared by every loader (scenario, experiment, Istio, Envoy) and the `--set` overrides:
 * syntax errors become one `file:line:column: message` line (a UserError), never a stack trace. The
 * `yaml` package builds plain data only (no custom tags that construct objects), so no input can
 * execute code.
 *
 * Anchors, aliases and merge keys (`<<: *base`) work as in Kubernetes' YAML reader (go-yaml, YAML 1.1
 * merge keys). Two things the `yaml` package reports by throwing are turned into user errors here:
 * an alias with no anchor before it (often a value redacted as `***` when a config is pasted, which
 * YAML reads as an alias) and alias expansion beyond MAX_ALIAS_COUNT (an "alias bomb": a few lines
 * that expand to billions of nodes).
 */
import YAML from 'yaml';
import { UserError } from './errors.ts';

/** How many nodes aliases may expand to in one document (the `yaml` package's own default is 100). */
export const MAX_ALIAS_COUNT = 1000;

/** `file:line:col: message` for the yaml package's errors (their message ends with a code frame). */
export function formatYamlError(file: string, error: YAML.YAMLError): string {
  const firstLine = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  const pos = error.linePos?.[0];
  const where = pos ? `${file}:${pos.line}:${pos.col}` : file;
  return `${where}: invalid YAML: ${firstLine}`;
}

/** Options for every parse: strict YAML, duplicate keys are errors, `<<` merge keys as Kubernetes reads them. */
export const PARSE_OPTIONS = { prettyErrors: true, uniqueKeys: true, strict: true, merge: true } as const;

/** Deepest nesting of flow collections (`[`, `{`) a file may have; real configurations stay under 10. */
export const MAX_FLOW_DEPTH = 100;

/**
 * Refuses flow collections nested deeper than MAX_FLOW_DEPTH before the `yaml` package sees them: it
 * recurses once per level, and around a thousand levels (`[[[[...]]]]`, a few kilobytes) the process
 * dies of a fatal out-of-memory error that no try/catch can turn into a message. The scan counts a
 * `[` or `{` only where a flow collection can start (after a line start, `:`, `-`, `,`, `?` or another
 * opener), outside quotes and comments; it errs towards accepting.
 */
export function checkFlowNesting(text: string, file: string): void {
  let depth = 0;
  let line = 1;
  let prev = '\n'; // the last significant character
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') {
      line++;
      prev = '\n';
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') continue;
    if (c === '#' && (i === 0 || /\s/.test(text[i - 1]))) {
      while (i + 1 < text.length && text[i + 1] !== '\n') i++;
      continue;
    }
    if ((c === '"' || c === "'") && /[\n:\-,[{?]/.test(prev)) {
      // Skip a quoted scalar ('' escapes a single quote, backslash escapes in double quotes).
      for (i++; i < text.length; i++) {
        if (text[i] === '\n') line++;
        if (c === '"' && text[i] === '\\') i++;
        else if (text[i] === c) {
          if (c === "'" && text[i + 1] === "'") i++;
          else break;
        }
      }
      prev = 'x';
      continue;
    }
    if ((c === '[' || c === '{') && /[\n:\-,[{?]/.test(prev)) {
      depth++;
      if (depth > MAX_FLOW_DEPTH) {
        throw new UserError(`${file}:${line}: invalid YAML: lists or mappings nested more than ${MAX_FLOW_DEPTH} deep (refused: no configuration needs that many levels)`);
      }
    } else if ((c === ']' || c === '}') && depth > 0) depth--;
    prev = c;
  }
}

/** `YAML.parseAllDocuments` after the nesting check: every YAML text failsim reads goes through here. */
export function parseAllYamlDocuments(text: string, file: string, options: Parameters<typeof YAML.parseAllDocuments>[1] = PARSE_OPTIONS) {
  checkFlowNesting(text, file);
  return YAML.parseAllDocuments(text, options);
}

/** 1-based line and column of a character offset. */
function lineCol(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, col: offset - start + 1 };
}

/** Where a node starts, as `file:line:col` when the source text is known, else `file`. */
function nodeWhere(file: string, text: string | undefined, node: YAML.Node): string {
  if (text === undefined || !node.range) return file;
  const { line, col } = lineCol(text, node.range[0]);
  return `${file}:${line}:${col}`;
}

/**
 * The plain data of a parsed document. Aliases are checked first (each must follow its anchor), then
 * expanded with a bound; merge-key mistakes (`<<: 5`) and every other error the `yaml` package throws
 * while building data become UserErrors naming the file (and line where there is one).
 * `text` is the source the document was parsed from, for line numbers.
 */
export function yamlToData(doc: YAML.Document, file: string, text?: string): unknown {
  let unresolved: string | undefined;
  YAML.visit(doc, {
    Pair(_key, pair) {
      // `? [a, b] : x` is valid YAML but no failsim file has such keys (and JavaScript objects cannot).
      const key = YAML.isAlias(pair.key) ? pair.key.resolve(doc) : pair.key;
      if (!YAML.isCollection(key)) return undefined;
      unresolved = `${nodeWhere(file, text, pair.key as YAML.Node)}: invalid YAML: a key must be text, not a ${YAML.isSeq(key) ? 'list' : 'mapping'}`;
      return YAML.visit.BREAK;
    },
    Alias(_key, node) {
      if (node.resolve(doc) !== undefined) return undefined;
      const name = `*${node.source}`;
      unresolved =
        `${nodeWhere(file, text, node)}: invalid YAML: alias ${name} refers to no anchor &${node.source} before it` +
        ` (a value starting with * is an alias; quote it if it is text, e.g. "${name}")`;
      return YAML.visit.BREAK;
    },
  });
  if (unresolved !== undefined) throw new UserError(unresolved);
  // The yaml package reports some oddities (e.g. a `!!binary` key) with process.emitWarning, which
  // would print a Node warning on the user's terminal: keep to failsim's own messages.
  doc.options.logLevel = 'error';
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    const message = (e as Error).message ?? String(e);
    if (/Excessive alias count/.test(message)) {
      throw new UserError(
        `${file}: invalid YAML: aliases expand to more than ${MAX_ALIAS_COUNT} nodes (refused: nested aliases can expand to ` +
          'billions of nodes; write the values out or use fewer aliases)',
      );
    }
    if (e instanceof RangeError && /call stack/.test(message)) {
      throw new UserError(`${file}: invalid YAML: nested too deep to read`);
    }
    if (/Merge sources must be maps/.test(message)) {
      throw new UserError(`${file}: invalid YAML: a merge key (<<) must name a mapping or a list of mappings, e.g. <<: *defaults`);
    }
    throw new UserError(`${file}: invalid YAML: ${message.split('\n')[0]}`);
  }
}

/** Parses a file that must hold exactly one YAML document; returns the Document (nodes keep their source text). */
export function parseSingleYamlDocument(text: string, file: string): YAML.Document.Parsed {
  const docs = parseAllYamlDocuments(text, file);
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

/** Parses a file that must hold exactly one YAML document into plain data. */
export function parseSingleYamlData(text: string, file: string): unknown {
  return yamlToData(parseSingleYamlDocument(text, file), file, text);
}

/** Parses a multi-document YAML file (e.g. Istio resources) into plain values; empty documents are skipped. */
export function parseYamlDocuments(text: string, file: string): unknown[] {
  const docs = parseAllYamlDocuments(text, file);
  if (!Array.isArray(docs)) throw new UserError(`${file}: invalid YAML: ${String(docs)}`);
  const out: unknown[] = [];
  for (const doc of docs) {
    if (doc.errors.length) throw new UserError(doc.errors.map((e) => formatYamlError(file, e)).join('\n'));
    if (doc.contents !== null) out.push(yamlToData(doc, file, text));
  }
  return out;
}
