/**
 * Starts the prebuilt CLI bundle dist/failsim.cjs (scripts/build-cli.mjs) from a V8 code cache.
 *
 * Compiling the bundle, and then each function the first time it runs, is most of what a start
 * costs beyond Node's own (experiments/perf/cli-startup.md). V8 can save the compiled code of a
 * script, the functions compiled while it ran included (vm.Script#createCachedData), and start the
 * next process from it; Node 20 offers this for CommonJS scripts only, hence the .cjs bundle. The
 * first start after a build writes the cache; a cache V8 rejects (another Node release or V8 flags)
 * is compiled around and written anew. V8 checks a cache against the source's length only, so the
 * cache is named after the bundle's content hash (dist/manifest.json `cache`): a cache is only ever
 * given to the bundle it was made from. Same code, so the same output; only start-up changes.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import vm from 'node:vm';

/**
 * Compiles and runs dist/failsim.cjs. Returns its main(), what became of the cache ('used', 'none'
 * or 'rejected'), and saveCache(), which writes the cache after a start without a usable one (call
 * it once the command has run, so that the cache holds the code the command compiled).
 */
export function loadCli(dist) {
  const { cache } = JSON.parse(readFileSync(join(dist, 'manifest.json'), 'utf8'));
  const file = join(dist, 'failsim.cjs');
  const cachePath = join(dist, cache);
  let cachedData;
  try {
    cachedData = readFileSync(cachePath);
  } catch {
    cachedData = undefined; // none yet
  }
  // Node's CommonJS wrapper, so the bundle sees the variables a CommonJS module has, and the import()
  // it makes of vega and vega-lite (ES modules) when it draws charts: a script started from a code
  // cache has no import() of its own on Node 20 (scripts/build-cli.mjs routes them here).
  const source = `(function (exports, require, module, __filename, __dirname, __failsimImport) {${readFileSync(file, 'utf8')}\n})`;
  const script = new vm.Script(source, { filename: file, cachedData });
  const state = cachedData === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'used';
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file), (specifier) => import(specifier));
  return {
    main: module.exports.main,
    cache: state,
    saveCache() {
      if (state === 'used') return;
      const tmp = `${cachePath}.tmp-${process.pid}`;
      try {
        writeFileSync(tmp, script.createCachedData());
        renameSync(tmp, cachePath);
      } catch {
        rmSync(tmp, { force: true }); // a read-only install: every start compiles, as without a cache
      }
    },
  };
}
