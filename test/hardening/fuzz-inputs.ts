/**
 * The fuzz test's machinery (issue 16 point 5): the corpus of checked-in inputs (every scenario,
 * Istio and Envoy file under models/ and the test fixtures), structural and byte-level mutations of
 * them, and one in-process CLI run of a mutated input with the verdict the test checks: exit 0, or
 * exit 2 with one `failsim:` message — never exit 70, never a stack trace.
 *
 * Shared by test/hardening/fuzz.test.ts (fixed seeds, bounded, in CI) and scripts/fuzz.ts
 * (`npm run fuzz`: longer, a fresh seed each time, printed so any failure can be replayed).
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import YAML from 'yaml';
import { main } from '../../src/cli/main.ts';
import type { RunLimits } from '../../src/sim/limits.ts';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));

export type InputKind = 'scenario' | 'istio' | 'envoy';

export interface CorpusFile {
  /** Path relative to the repository. */
  path: string;
  kind: InputKind;
  text: string;
  /** Scenarios in the same folder that name this file (for istio/envoy files). */
  usedBy: string[];
}

const CORPUS_DIRS = ['models', 'test/fixtures', 'test/report/fixtures', 'test/sweep/fixtures'];

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...yamlFiles(path));
    else if (/\.ya?ml$/.test(name)) out.push(path);
  }
  return out;
}

function kindOf(first: unknown): InputKind | undefined {
  if (first === null || typeof first !== 'object' || Array.isArray(first)) return undefined;
  const o = first as Record<string, unknown>;
  if ('vary' in o) return undefined; // experiments: sweeps run in worker threads, out of scope here
  if (typeof o.istio === 'string' || typeof o.envoy === 'string') return 'scenario';
  if (typeof o.kind === 'string' && typeof o.apiVersion === 'string') return o.kind === 'List' || /^networking\.istio\.io/.test(o.apiVersion) ? 'istio' : undefined;
  if ('name' in o || 'clusters' in o || 'static_resources' in o || 'cluster' in o) return 'envoy';
  return undefined;
}

/** Every checked-in scenario, Istio and Envoy file, in a fixed order. */
export function loadCorpus(): CorpusFile[] {
  const files: CorpusFile[] = [];
  for (const dir of CORPUS_DIRS) {
    for (const path of yamlFiles(join(REPO, dir))) {
      const text = readFileSync(path, 'utf8');
      let first: unknown;
      try {
        first = YAML.parseAllDocuments(text).find((d) => d.contents !== null)?.toJS();
      } catch {
        continue; // fixtures of invalid YAML are covered by their own tests
      }
      const kind = kindOf(first);
      if (kind !== undefined) files.push({ path: relative(REPO, path), kind, text, usedBy: [] });
    }
  }
  for (const f of files) {
    if (f.kind !== 'scenario') continue;
    const named = (YAML.parse(f.text) as { istio?: string; envoy?: string }) ?? {};
    const target = join(dirname(f.path), named.istio ?? named.envoy ?? '');
    files.find((g) => g.path === target)?.usedBy.push(f.path);
  }
  return files;
}

// ---------------------------------------------------------------------------------------------
// Mutations
// ---------------------------------------------------------------------------------------------

/** Values a field is replaced with: other types, huge, negative, tiny, odd text. */
export const ODD_VALUES: readonly unknown[] = [
  null, true, false, 0, -1, 1, 0.5, -0.000001, 1e308, -1e308, 2 ** 53 + 1, 4294967296, 1e16,
  '', 'x', '0', '-5s', '0s', '1ns', '0.0001ms', '8760000h', '10000000000000000h', '1e999s', '1000000000000/s', '-3/s',
  'NaN', '.inf', 'a//b', '../../../etc/passwd', '/dev/zero', '<img src=x>', 'evil\u202Etxt', '\u0000\u001b[2J', '1.10', '99.99',
  '__proto__', 'constructor', [], [1, 2], ['x'], {}, { a: 1 }, { __proto__: 1 }, { constructor: { prototype: 1 } },
];

type NodePath = (string | number)[];

/** Paths of every node of a plain value, parents before children. */
function paths(value: unknown, prefix: NodePath = []): NodePath[] {
  const out: NodePath[] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  }
  return out;
}

function getAt(root: unknown, path: NodePath): unknown {
  let node = root;
  for (const k of path) node = (node as Record<string | number, unknown>)[k];
  return node;
}

/** One mutation, chosen by small integers so fast-check can shrink it. */
export interface Mutation {
  op: 'delete' | 'duplicate' | 'retype' | 'scale' | 'rename' | 'alias' | 'garbage' | 'truncate';
  /** Picks the document, the node, the value or the byte position (modulo what exists). */
  a: number;
  b: number;
}

export const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constantFrom('delete', 'duplicate', 'retype', 'scale', 'rename', 'alias', 'garbage', 'truncate'),
  a: fc.nat(1_000_000),
  b: fc.nat(1_000_000),
});

const GARBAGE = ['\u0000', '\u00ff\u00fe', '\u202E', '\t', ': : :', '- [', '{', '&a *a', '*', '!!binary x', '\r\n---\n', '%YAML 9', '"\\', '\uFFFD', '<<: *nope'];

/** Applies one structural mutation to a parsed document (in place where possible); returns the new root. */
function mutateValue(root: unknown, m: Mutation): unknown {
  const all = paths(root);
  const path = all[m.a % all.length];
  const parentPath = path.slice(0, -1);
  const key = path[path.length - 1];
  const parent = path.length ? (getAt(root, parentPath) as Record<string | number, unknown>) : undefined;
  const node = getAt(root, path);
  const odd = structuredClone(ODD_VALUES[m.b % ODD_VALUES.length]);
  const set = (v: unknown): unknown => {
    if (parent === undefined) return v;
    parent[key] = v;
    return root;
  };
  switch (m.op) {
    case 'delete':
      if (parent === undefined) return null;
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
      return root;
    case 'duplicate':
      if (Array.isArray(node) && node.length) node.push(...Array.from({ length: 1 + (m.b % 3) }, () => structuredClone(node[m.b % node.length])));
      else if (Array.isArray(parent)) parent.splice(key as number, 0, structuredClone(node));
      else if (parent !== undefined) parent[`${String(key)}${m.b % 2 ? '' : '_copy'}`] = structuredClone(node);
      return root;
    case 'retype':
      return set(odd);
    case 'scale': {
      if (typeof node === 'number') return set([node * 1e12, -node, node + 0.5, -1e300][m.b % 4]);
      if (typeof node === 'string') {
        const scaled = node.replace(/\d+(\.\d+)?/, (d) => [`${d}000000000`, `-${d}`, '0', `${d}e9`][m.b % 4]);
        return set(scaled);
      }
      return set(odd);
    }
    case 'rename': {
      if (parent === undefined || Array.isArray(parent)) return set(odd);
      const names = ['__proto__', 'constructor', 'prototype', `${String(key)}x`, String(key).toUpperCase(), '<<', ''];
      const value = parent[key];
      delete parent[key];
      Object.defineProperty(parent, names[m.b % names.length], { value, enumerable: true, writable: true, configurable: true });
      return root;
    }
    default:
      return root;
  }
}

/** Text-level mutations: aliases (resolved, unresolved, bombs), garbage bytes, truncation. */
function mutateText(text: string, m: Mutation): string {
  const at = text.length ? m.a % text.length : 0;
  switch (m.op) {
    case 'garbage':
      return text.slice(0, at) + GARBAGE[m.b % GARBAGE.length] + text.slice(at);
    case 'truncate':
      return text.slice(0, at);
    case 'alias': {
      const lines = text.split('\n');
      const i = m.a % Math.max(1, lines.length);
      const line = lines[i] ?? '';
      const colon = line.indexOf(': ');
      const kind = m.b % 4;
      if (kind === 0 && colon > 0) lines[i] = `${line.slice(0, colon)}: ***`; // a redacted value
      else if (kind === 1 && colon > 0) lines[i] = `${line.slice(0, colon + 2)}&a ${line.slice(colon + 2)}`.replace(/&a $/, '&a x');
      else if (kind === 2 && colon > 0) lines[i] = `${line.slice(0, colon)}: *a`;
      else {
        const bomb = ['b0: &b0 [x, x, x, x, x, x, x, x, x]'];
        for (let k = 1; k < 8; k++) bomb.push(`b${k}: &b${k} [${Array(9).fill(`*b${k - 1}`).join(', ')}]`);
        lines.splice(0, 0, ...bomb);
      }
      return lines.join('\n');
    }
    default:
      return text;
  }
}

/** The mutated text of a file: structural mutations on its parsed documents, the others on its bytes. */
export function mutate(text: string, mutations: readonly Mutation[]): string {
  let out = text;
  for (const m of mutations) {
    if (m.op === 'garbage' || m.op === 'truncate' || m.op === 'alias') {
      out = mutateText(out, m);
      continue;
    }
    let docs: unknown[];
    try {
      docs = YAML.parseAllDocuments(out, { logLevel: 'silent' }).map((d) => d.toJS({ maxAliasCount: 1000 }));
    } catch {
      out = mutateText(out, { ...m, op: 'garbage' });
      continue;
    }
    if (docs.length === 0) continue;
    const d = m.a % docs.length;
    docs[d] = mutateValue(docs[d], { ...m, a: Math.floor(m.a / docs.length) });
    out = docs.map((doc) => YAML.stringify(doc, { aliasDuplicateObjects: false })).join('---\n');
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// One case
// ---------------------------------------------------------------------------------------------

/** Small enough that every case runs in well under a second; larger runs end in exit 2 (refused). */
export const FUZZ_LIMITS: RunLimits = { maxEvents: 300_000, maxMemoryBytes: 256 * 2 ** 20 };

export interface CaseResult {
  args: string[];
  code: number;
  stdout: string;
  stderr: string;
}

/** Why a result breaks the rule (exit 0, or exit 2 with a `failsim:` message), or undefined when it holds. */
export function verdict(r: CaseResult): string | undefined {
  if (/\(node warning\)/.test(r.stderr)) return 'a Node warning on stderr';
  if (r.code === 0) return r.stdout.length > 0 ? undefined : 'exit 0 with no output';
  if (r.code !== 2) return `exit ${r.code}`;
  if (!r.stderr.startsWith('failsim: ')) return 'exit 2 without a failsim: message';
  if (/\n\s+at |internal error/.test(r.stderr)) return 'a stack trace or internal error';
  return undefined;
}

/**
 * Copies the file's folder to a fresh directory, writes the mutated text in place of the file and
 * runs the commands that read it: `run --json` and `explain` for a scenario; `explain` and `run` of
 * a scenario naming it for an Istio or Envoy file.
 */
export async function runCase(file: CorpusFile, text: string, which: number): Promise<CaseResult[]> {
  const work = mkdtempSync(join(tmpdir(), 'failsim-fuzz-'));
  try {
    const folder = join(work, 'f');
    cpSync(join(REPO, dirname(file.path)), folder, { recursive: true, filter: (src) => !/\.(png|svg|md|txt|ipynb)$/.test(src) });
    const target = join(folder, basename(file.path));
    writeFileSync(target, text);
    const commands: string[][] = [];
    if (file.kind === 'scenario') commands.push(which % 2 ? ['explain', target] : ['run', target, '--json']);
    else {
      commands.push(['explain', target]);
      if (file.usedBy.length) commands.push(['run', join(folder, basename(file.usedBy[which % file.usedBy.length])), '--json']);
    }
    const results: CaseResult[] = [];
    for (const args of commands) {
      let stdout = '';
      let stderr = '';
      // Node warnings (process.emitWarning) would reach the user's terminal outside failsim's messages.
      const onWarning = (w: Error) => (stderr += `\n(node warning) ${w.message}`);
      process.on('warning', onWarning);
      const code = await main(['node', 'failsim', ...args, ...(args[0] === 'run' ? ['--no-progress'] : [])], {
        stdout: (t) => (stdout += t),
        stderr: (t) => (stderr += t),
        limits: FUZZ_LIMITS,
      });
      // Warnings are emitted on the next tick: let them arrive before judging.
      await new Promise((r) => setImmediate(r));
      process.off('warning', onWarning);
      results.push({ args: args.map((a) => a.replace(work, '<tmp>')), code, stdout, stderr });
    }
    return results;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The property: every mutation of every corpus file ends by the rule. */
export function fuzzProperty(corpus: readonly CorpusFile[]): fc.IAsyncProperty<[number, Mutation[], number]> {
  return fc.asyncProperty(fc.nat(corpus.length - 1), fc.array(mutationArb, { minLength: 1, maxLength: 3 }), fc.nat(7), async (i, mutations, which) => {
    const file = corpus[i];
    const results = await runCase(file, mutate(file.text, mutations), which);
    for (const r of results) {
      const broken = verdict(r);
      if (broken !== undefined) {
        throw new Error(`${file.path} mutated by ${JSON.stringify(mutations)}: failsim ${r.args.join(' ')}: ${broken}\n${r.stderr.slice(0, 2000)}`);
      }
    }
  });
}
