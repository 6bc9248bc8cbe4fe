#!/usr/bin/env node
/**
 * The prebuilt CLI: esbuild bundles the TypeScript sources into dist/ so that `failsim` starts in
 * ≈ 0.1 s of CPU instead of the ≈ 1.1 s tsx spends transpiling at every start (experiments/perf/cli-startup.md).
 *
 *   dist/failsim.cjs       src/cli/main.ts and every package it imports, one CommonJS file that
 *                          scripts/load-cli.mjs starts with a V8 code cache. What a command does is
 *                          imported dynamically (src/cli/main.ts), which esbuild turns into lazy
 *                          module initialisers: `failsim --help` evaluates commander and the options only
 *   dist/failsim-<hash>.<command>.v8cache  the code caches (each written by the command's first
 *                          start after a build, named by the bundle's content so that no other
 *                          bundle can use them)
 *   dist/worker-entry.mjs  the sweep worker (src/sweep/run-job.ts's executeRun as default export);
 *                          src/sweep/pool.ts finds it as './worker-entry.mjs' next to the module it
 *                          runs from (dist/failsim.cjs), as it finds src/sweep/worker-entry.mjs next
 *                          to pool.ts when run through tsx
 *   dist/advise-worker.mjs the check/tune worker (src/advise/job.ts's runBatteryJob), found by
 *                          src/cli/advise-pool.ts the same way (src/cli/advise-worker.mjs under tsx)
 *   dist/manifest.json     a hash of every input, the size and time of every output and the code
 *                          caches' name, so bin/failsim.mjs can tell a current, complete build from
 *                          a stale one
 *
 * Built by `npm ci` / `npm install` (the `prepare` script) and again by bin/failsim.mjs whenever a
 * source changed since, so editing src/ never runs old code. dist/ is not committed.
 *
 * Kept out of the bundle: packages loaded lazily or not bundleable — vega, vega-lite, vega-embed
 * (charts load them on first use; the HTML report reads their browser builds from node_modules),
 * @resvg/resvg-js (native addon) and piscina (starts its own worker script from its package).
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = join(ROOT, 'dist');

const EXTERNAL = ['vega', 'vega-lite', 'vega-embed', '@resvg/resvg-js', 'piscina'];

/** Files that decide the bundle besides the sources esbuild reports: its options and the packages. */
const ALWAYS_HASHED = ['scripts/build-cli.mjs', 'tsconfig.json', 'package-lock.json'];

// node:crypto is loaded on the first hash only: a start whose inputs all match their recorded
// size and modification time hashes nothing (start-up, experiments/perf/cli-startup.md).
let crypto;
const sha256 = (bytes) => (crypto ??= createRequire(import.meta.url)('node:crypto')).createHash('sha256').update(bytes).digest('hex');

/**
 * An input's size and modification time are recorded only when it was last modified this long
 * before the build started. A later write then shows as a different modification time even on a
 * file system with coarse timestamps, so an input whose size and time still match is unchanged
 * (git's "racily clean" rule); any other input is hashed at every check.
 */
const SETTLED_MS = 2000;

/**
 * The bundle's import() of an external ES module (vega, vega-lite when charts are drawn) goes
 * through `__failsimImport`, which scripts/load-cli.mjs passes in: Node 20 loses a vm.Script's
 * import() callback when the script comes from a code cache. Any other import() fails the build.
 */
function routeDynamicImports(text) {
  const names = EXTERNAL.map((e) => e.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|');
  const routed = text.replace(new RegExp(`\\bimport\\(("(?:${names})")\\)`, 'g'), '__failsimImport($1)');
  const left = /\bimport\(/.exec(routed);
  if (left) throw new Error(`failsim build: dist/failsim.cjs has an import() the code cache cannot serve: ${routed.slice(left.index, left.index + 60)}`);
  return routed;
}

/**
 * esbuild escapes non-ASCII characters in strings but leaves them in comments and regular
 * expressions; escaped there too (`\uXXXX` means the same character in a regular expression, a
 * string or an identifier, and is plain text in a comment), the bundle is ASCII and
 * scripts/load-cli.mjs reads it as Latin-1: 1.6 ms instead of 5 ms for UTF-8 with a few non-ASCII
 * characters, and V8 gets a one-byte string.
 */
function asciiOnly(text) {
  return text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Files of earlier builds and code caches: deleted by a build when they are not its own. */
const OBSOLETE = /^(failsim\.mjs|[\w-]+-[A-Z0-9]{8}\.mjs|failsim-[0-9a-f]{16}(\.\w+)?\.v8cache)$/;

/** dist/manifest.json, or undefined when there is none (or it is unreadable). */
function readManifest(dist) {
  try {
    return JSON.parse(readFileSync(join(dist, 'manifest.json'), 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * True when dist/ holds a complete build (every output, at the size and time it was written) of
 * exactly the files on disk now: each input has the size and modification time recorded for it,
 * or else the recorded hash.
 */
export function bundleIsCurrent(dist = DIST) {
  try {
    const { files, stats = {}, outputs } = readManifest(dist) ?? {};
    const inputs = Object.entries(files ?? {});
    const outs = Object.entries(outputs ?? {});
    const written = ([f, [size, mtimeMs]]) => {
      const st = statSync(join(dist, f));
      return st.size === size && st.mtimeMs === mtimeMs;
    };
    const unchanged = ([f, hash]) => {
      const path = join(ROOT, f);
      const { size, mtimeMs } = statSync(path);
      const seen = stats[f];
      return (seen !== undefined && seen[0] === size && seen[1] === mtimeMs) || sha256(readFileSync(path)) === hash;
    };
    return inputs.length > 0 && outs.length > 0 && outs.every(written) && inputs.every(unchanged);
  } catch {
    return false; // no manifest, or an input or output is gone
  }
}

/**
 * Builds the CLI bundle and the two worker bundles. The manifest records the hash of the very bytes
 * esbuild compiled (read by the plugin below), so an edit made while a build runs leaves the bundle
 * stale, never wrongly current. Each file is written under a temporary name and renamed, the
 * manifest last, so a process starting meanwhile sees either the old complete build or the new one.
 */
export async function buildCli(dist = DIST) {
  const esbuild = await import('esbuild');
  const settledBefore = Date.now() - SETTLED_MS;
  const files = {};
  const stats = {};
  /** Records an input: its hash, and its size and time when settled. Stat first: a write after it changes the time. */
  const record = (path, absolute) => {
    const { size, mtimeMs } = statSync(absolute);
    const contents = readFileSync(absolute);
    files[path] = sha256(contents);
    if (mtimeMs < settledBefore) stats[path] = [size, mtimeMs];
    return contents;
  };
  for (const f of ALWAYS_HASHED) record(f, join(ROOT, f));
  const recordSources = {
    name: 'record-sources',
    setup(build) {
      build.onLoad({ filter: /\.[cm]?[jt]s$/ }, (args) => {
        const path = relative(ROOT, args.path);
        if (path.startsWith('node_modules/') || path.startsWith('..')) return undefined;
        const contents = record(path, args.path);
        return { contents, loader: args.path.endsWith('ts') ? 'ts' : 'js' };
      });
    },
  };
  const common = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    external: EXTERNAL,
    // tsconfig.json's useDefineForClassFields: false matters for speed (docs/architecture.md).
    tsconfig: join(ROOT, 'tsconfig.json'),
    plugins: [recordSources],
    logLevel: 'warning',
    absWorkingDir: ROOT,
    write: false,
  };
  const workerBundle = (contents, name) =>
    esbuild.build({
      ...common,
      format: 'esm',
      // Bundled CommonJS packages (commander, yaml's CJS parts…) call require(): give ESM one.
      banner: { js: "import { createRequire as __failsimRequire } from 'node:module'; const require = __failsimRequire(import.meta.url);" },
      stdin: { contents, resolveDir: ROOT, loader: 'ts' },
      outfile: join(dist, name),
    });
  const results = await Promise.all([
    // CommonJS, because Node 20 can start a CommonJS script from a V8 code cache (vm.Script's
    // cachedData) and has no such way for an ES module; import.meta.url is the file's URL.
    esbuild.build({
      ...common,
      format: 'cjs',
      entryPoints: [join(ROOT, 'src/cli/main.ts')],
      outfile: join(dist, 'failsim.cjs'),
      // Strict mode for the whole file, as the ES-module bundle had (esbuild's own "use strict"
      // comes after the banner, where it is no directive): every function, bundled packages' too.
      banner: { js: "'use strict';\nconst __failsimUrl = require('node:url').pathToFileURL(__filename).href;" },
      define: { 'import.meta.url': '__failsimUrl' },
    }),
    workerBundle("export { executeRun as default } from './src/sweep/run-job.ts';", 'worker-entry.mjs'),
    workerBundle("export { runBatteryJob as default } from './src/advise/job.ts';", 'advise-worker.mjs'),
  ]);
  mkdirSync(dist, { recursive: true });
  const manifest = join(dist, 'manifest.json');
  const tmp = `.tmp-${process.pid}`;
  const outputs = results.flatMap((r) => r.outputFiles).map((o) => ({
    path: o.path,
    contents: basename(o.path) === 'failsim.cjs' ? Buffer.from(asciiOnly(routeDynamicImports(o.text)), 'latin1') : o.contents,
  }));
  const written = [];
  for (const out of outputs) {
    writeFileSync(out.path + tmp, out.contents);
    renameSync(out.path + tmp, out.path);
    const { size, mtimeMs } = statSync(out.path);
    written.push([relative(dist, out.path), [size, mtimeMs]]);
  }
  const cli = outputs.find((o) => basename(o.path) === 'failsim.cjs');
  const cache = `failsim-${sha256(cli.contents).slice(0, 16)}`;
  const byName = (entries) => Object.fromEntries(entries.sort(([x], [y]) => (x < y ? -1 : 1)));
  const sorted = byName(Object.entries(files));
  writeFileSync(manifest + tmp, `${JSON.stringify({ files: sorted, stats: byName(Object.entries(stats)), outputs: byName(written), cache }, null, 1)}\n`);
  renameSync(manifest + tmp, manifest);
  for (const f of readdirSync(dist)) {
    const ours = f.startsWith(`${cache}.`) && f.split('.').length === 3; // failsim-<hash>.<command>.v8cache
    if (OBSOLETE.test(f) && !ours) rmSync(join(dist, f), { force: true });
  }
  return { inputs: Object.keys(sorted).length, outputs: outputs.map((o) => relative(ROOT, o.path)) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await buildCli();
  console.log(`failsim: built ${r.outputs.join(', ')} from ${r.inputs} inputs`);
}
