#!/usr/bin/env node
/**
 * The prebuilt CLI: esbuild bundles the TypeScript sources into dist/ so that `failsim` starts in
 * ≈ 0.15 s instead of the ≈ 1.1 s tsx spends transpiling at every start (experiments/perf/cli-startup.md).
 *
 *   dist/failsim.mjs       src/cli/main.ts and every package it imports statically
 *   dist/worker-entry.mjs  the sweep worker (src/sweep/run-job.ts's executeRun as default export);
 *                          src/sweep/pool.ts finds it as './worker-entry.mjs' next to the bundle, as
 *                          it finds src/sweep/worker-entry.mjs next to pool.ts when run through tsx
 *   dist/advise-worker.mjs the check/tune worker (src/advise/job.ts's runBatteryJob), found by
 *                          src/cli/advise-pool.ts the same way (src/cli/advise-worker.mjs under tsx)
 *   dist/manifest.json     a hash of every input, so bin/failsim.mjs can tell a current bundle from a
 *                          stale one
 *
 * Built by `npm ci` / `npm install` (the `prepare` script) and again by bin/failsim.mjs whenever a
 * source changed since, so editing src/ never runs old code. dist/ is not committed.
 *
 * Kept out of the bundle: packages loaded lazily or not bundleable — vega, vega-lite, vega-embed
 * (charts load them on first use; the HTML report reads their browser builds from node_modules),
 * @resvg/resvg-js (native addon) and piscina (starts its own worker script from its package).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = join(ROOT, 'dist');

const EXTERNAL = ['vega', 'vega-lite', 'vega-embed', '@resvg/resvg-js', 'piscina'];

/** Files that decide the bundle besides the sources esbuild reports: its options and the packages. */
const ALWAYS_HASHED = ['scripts/build-cli.mjs', 'tsconfig.json', 'package-lock.json'];

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** True when dist/ holds a bundle built from exactly the files on disk now. */
export function bundleIsCurrent(dist = DIST) {
  try {
    const { files } = JSON.parse(readFileSync(join(dist, 'manifest.json'), 'utf8'));
    const entries = Object.entries(files);
    return entries.length > 0 && entries.every(([f, hash]) => sha256(readFileSync(join(ROOT, f))) === hash);
  } catch {
    return false; // no manifest, or an input is gone
  }
}

/**
 * Builds both bundles. The manifest records the hash of the very bytes esbuild compiled (read by
 * the plugin below), so an edit made while a build runs leaves the bundle stale, never wrongly
 * current. Each file is written under a temporary name and renamed, the manifest last, so a process
 * starting meanwhile sees either the old complete build or the new one.
 */
export async function buildCli(dist = DIST) {
  const esbuild = await import('esbuild');
  const files = {};
  for (const f of ALWAYS_HASHED) files[f] = sha256(readFileSync(join(ROOT, f)));
  const recordSources = {
    name: 'record-sources',
    setup(build) {
      build.onLoad({ filter: /\.[cm]?[jt]s$/ }, (args) => {
        const path = relative(ROOT, args.path);
        if (path.startsWith('node_modules/') || path.startsWith('..')) return undefined;
        const contents = readFileSync(args.path);
        files[path] = sha256(contents);
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
    esbuild.build({ ...common, entryPoints: [join(ROOT, 'src/cli/main.ts')], outfile: join(dist, 'failsim.mjs') }),
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
  const tmp = `.tmp-${process.pid}`;
  const outputs = results.flatMap((r) => r.outputFiles);
  for (const out of outputs) {
    writeFileSync(out.path + tmp, out.contents);
    renameSync(out.path + tmp, out.path);
  }
  const sorted = Object.fromEntries(Object.entries(files).sort(([x], [y]) => (x < y ? -1 : 1)));
  writeFileSync(manifest + tmp, `${JSON.stringify({ files: sorted }, null, 1)}\n`);
  renameSync(manifest + tmp, manifest);
  return { inputs: Object.keys(sorted).length, outputs: outputs.map((o) => relative(ROOT, o.path)) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await buildCli();
  console.log(`failsim: built ${r.outputs.join(', ')} from ${r.inputs} inputs`);
}
