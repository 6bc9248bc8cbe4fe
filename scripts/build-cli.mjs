#!/usr/bin/env node
/**
 * The prebuilt CLI: esbuild bundles the TypeScript sources into dist/ so that `failsim` starts in
 * ≈ 0.1 s of CPU instead of the ≈ 1.1 s tsx spends transpiling at every start (experiments/perf/cli-startup.md).
 *
 *   dist/failsim.mjs       src/cli/main.ts: commander and every command's options and help
 *   dist/<name>-<hash>.mjs what the commands do, split along src/cli's dynamic imports (each
 *                          `<command>-action.ts`, charts, cli-progress) and the chunks they share,
 *                          so `failsim run` loads only the code a run needs (esbuild code splitting)
 *   dist/worker-entry.mjs  the sweep worker (src/sweep/run-job.ts's executeRun as default export);
 *                          src/sweep/pool.ts finds it as './worker-entry.mjs' next to the module it
 *                          runs from (a chunk in dist/), as it finds src/sweep/worker-entry.mjs next
 *                          to pool.ts when run through tsx
 *   dist/advise-worker.mjs the check/tune worker (src/advise/job.ts's runBatteryJob), found by
 *                          src/cli/advise-pool.ts the same way (src/cli/advise-worker.mjs under tsx)
 *   dist/manifest.json     a hash of every input and the size of every output, so bin/failsim.mjs
 *                          can tell a current, complete build from a stale one
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

/** Chunk files are named by content hash (esbuild's `[name]-[hash]`): only these are ever deleted. */
const CHUNK = /^[\w-]+-[A-Z0-9]{8}\.mjs$/;

function readManifest(dist) {
  try {
    return JSON.parse(readFileSync(join(dist, 'manifest.json'), 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * True when dist/ holds a complete build (every output, at its size) of exactly the files on disk
 * now: each input has the size and modification time recorded for it, or else the recorded hash.
 */
export function bundleIsCurrent(dist = DIST) {
  try {
    const { files, stats = {}, outputs } = readManifest(dist) ?? {};
    const inputs = Object.entries(files ?? {});
    const outs = Object.entries(outputs ?? {});
    const unchanged = ([f, hash]) => {
      const path = join(ROOT, f);
      const { size, mtimeMs } = statSync(path);
      const seen = stats[f];
      return (seen !== undefined && seen[0] === size && seen[1] === mtimeMs) || sha256(readFileSync(path)) === hash;
    };
    return inputs.length > 0 && outs.length > 0 && outs.every(([f, size]) => statSync(join(dist, f)).size === size) && inputs.every(unchanged);
  } catch {
    return false; // no manifest, or an input or output is gone
  }
}

/**
 * Builds the CLI (split into chunks) and the two worker bundles. The manifest records the hash of the
 * very bytes esbuild compiled (read by the plugin below), so an edit made while a build runs leaves
 * the bundle stale, never wrongly current. Each file is written under a temporary name and renamed,
 * chunks first, then the entry files, the manifest last, so a process starting meanwhile sees either
 * the old complete build or the new one. Chunks of the build before are kept (a process that started
 * on it may still import them); older ones are deleted.
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
    format: 'esm',
    target: 'node20',
    external: EXTERNAL,
    // Bundled CommonJS packages (commander, yaml's CJS parts…) call require(): give ESM one.
    banner: { js: "import { createRequire as __failsimRequire } from 'node:module'; const require = __failsimRequire(import.meta.url);" },
    // tsconfig.json's useDefineForClassFields: false matters for speed (docs/architecture.md).
    tsconfig: join(ROOT, 'tsconfig.json'),
    plugins: [recordSources],
    logLevel: 'warning',
    absWorkingDir: ROOT,
    write: false,
  };
  const results = await Promise.all([
    esbuild.build({
      ...common,
      entryPoints: { failsim: join(ROOT, 'src/cli/main.ts') },
      splitting: true,
      outdir: dist,
      outExtension: { '.js': '.mjs' },
    }),
    esbuild.build({
      ...common,
      stdin: { contents: "export { executeRun as default } from './src/sweep/run-job.ts';", resolveDir: ROOT, loader: 'ts' },
      outfile: join(dist, 'worker-entry.mjs'),
    }),
    esbuild.build({
      ...common,
      stdin: { contents: "export { runBatteryJob as default } from './src/advise/job.ts';", resolveDir: ROOT, loader: 'ts' },
      outfile: join(dist, 'advise-worker.mjs'),
    }),
  ]);
  mkdirSync(dist, { recursive: true });
  const manifest = join(dist, 'manifest.json');
  const previous = readManifest(dist)?.outputs ?? {};
  const tmp = `.tmp-${process.pid}`;
  const outputs = results.flatMap((r) => r.outputFiles);
  const isChunk = (out) => CHUNK.test(basename(out.path));
  for (const out of [...outputs.filter(isChunk), ...outputs.filter((o) => !isChunk(o))]) {
    writeFileSync(out.path + tmp, out.contents);
    renameSync(out.path + tmp, out.path);
  }
  const byName = (entries) => Object.fromEntries(entries.sort(([x], [y]) => (x < y ? -1 : 1)));
  const sorted = byName(Object.entries(files));
  const sizes = byName(outputs.map((o) => [relative(dist, o.path), o.contents.length]));
  writeFileSync(manifest + tmp, `${JSON.stringify({ files: sorted, stats: byName(Object.entries(stats)), outputs: sizes }, null, 1)}\n`);
  renameSync(manifest + tmp, manifest);
  for (const f of readdirSync(dist)) {
    if (CHUNK.test(f) && !(f in sizes) && !(f in previous)) rmSync(join(dist, f), { force: true });
  }
  return { inputs: Object.keys(sorted).length, outputs: outputs.map((o) => relative(ROOT, o.path)) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await buildCli();
  const entries = r.outputs.filter((f) => !CHUNK.test(basename(f)));
  console.log(`failsim: built ${entries.join(', ')} and ${r.outputs.length - entries.length} chunks from ${r.inputs} inputs`);
}
