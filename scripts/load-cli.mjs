/**
 * Starts the prebuilt CLI bundle dist/failsim.cjs (scripts/build-cli.mjs) from a V8 code cache.
 *
 * Compiling the bundle, and then each function the first time it runs, is most of what a start
 * costs beyond Node's own (experiments/perf/cli-startup.md). V8 can save the compiled code of a
 * script, the functions compiled while it ran included (vm.Script#createCachedData), and start the
 * next process from it; Node 20 offers this for CommonJS scripts only, hence the .cjs bundle.
 *
 * One cache per command (`run`, `explain`…): a cache holds what its first start compiled, so a
 * `run` started from a cache `--help` wrote would compile most of its code anyway. The first start
 * of a command after a build writes its cache, if the command ran (exit code 0 or 1: a mistyped
 * command writes nothing); a cache V8 rejects (another Node release or V8 flags) is compiled around
 * and written anew. V8 checks a cache against the source's length only, so the caches are named
 * after the bundle's content hash (dist/manifest.json `cache`): a cache is only ever given to the
 * bundle it was made from. Same code, so the same output; only start-up changes.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import vm from 'node:vm';

/** The cache a command line starts from: its command's, or one for option-only lines (`--help`). */
function cacheKey(argv) {
  const command = argv[2] ?? '';
  return /^[a-z]{1,16}$/.test(command) ? command : 'options';
}

/**
 * Compiles and runs dist/failsim.cjs for the command line `argv`. Returns the bundle's main(), what
 * became of the command's cache ('used', 'none' or 'rejected'), and saveCache(exitCode), which
 * writes the cache after a start without a usable one (call it once the command has run, so that
 * the cache holds the code the command compiled).
 */
export function loadCli(dist, argv = process.argv) {
  const { cache } = JSON.parse(readFileSync(join(dist, 'manifest.json'), 'utf8'));
  const file = join(dist, 'failsim.cjs');
  const cachePath = join(dist, `${cache}.${cacheKey(argv)}.v8cache`);
  let cachedData;
  try {
    cachedData = readFileSync(cachePath);
  } catch {
    cachedData = undefined; // none yet
  }
  // Node's CommonJS wrapper, so the bundle sees the variables a CommonJS module has, and the import()
  // it makes of vega and vega-lite (ES modules) when it draws charts: a script started from a code
  // cache has no import() of its own on Node 20 (scripts/build-cli.mjs routes them here).
  // ASCII only (scripts/build-cli.mjs): Latin-1 reads it faster than UTF-8, as a one-byte string.
  const source = `(function (exports, require, module, __filename, __dirname, __failsimImport) {${readFileSync(file, 'latin1')}\n})`;
  const script = new vm.Script(source, { filename: file, cachedData });
  const state = cachedData === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'used';
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file), (specifier) => import(specifier));
  return {
    main: module.exports.main,
    cache: state,
    saveCache(exitCode) {
      if (state === 'used' || !(exitCode === 0 || exitCode === 1)) return;
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
