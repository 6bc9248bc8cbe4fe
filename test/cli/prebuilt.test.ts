/**
 * The prebuilt CLI (scripts/build-cli.mjs, started by scripts/load-cli.mjs): the esbuild bundle that
 * bin/failsim.mjs runs must do what the TypeScript sources do — same bytes for explain, run, --help
 * and a sweep whose workers load the bundled worker entry and whose charts load vega lazily, with or
 * without its V8 code cache — and its manifest must notice any change to an input and any missing or
 * rewritten output, so a stale or partial bundle is never run. `failsim --help` and `failsim run`
 * must evaluate only their own code (start-up, experiments/perf/cli-startup.md).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
// @ts-expect-error: a plain .mjs build script without type declarations
import { ROOT, buildCli, bundleIsCurrent } from '../../scripts/build-cli.mjs';
import { cli, fixture, outputs, tempDir } from '../sweep/helpers.ts';

const run = promisify(execFile);
const SEED = join(ROOT as string, 'models/dynamodb-failover/c-failover.yaml');

// Inside the repository (under node_modules/.cache) so that the bundle's external packages
// (piscina, vega, @resvg/resvg-js) resolve from node_modules as they do from dist/.
let dist: string;

type Manifest = { files: Record<string, string>; stats: Record<string, [number, number]>; outputs: Record<string, [number, number]>; cache: string };
const manifest = (): Manifest => JSON.parse(readFileSync(join(dist, 'manifest.json'), 'utf8')) as Manifest;

/** Runs the bundle's main() in a fresh node process as bin/failsim.mjs does; `cache` says whether its code cache was used. */
async function bundled(args: string[]): Promise<{ out: string; err: string; cache: string }> {
  const code = `const { loadCli } = await import(${JSON.stringify(join(ROOT as string, 'scripts/load-cli.mjs'))});
const argv = ['node', 'failsim', ...process.argv.slice(1)];
const cli = loadCli(${JSON.stringify(dist)}, argv);
process.exitCode = await cli.main(argv);
cli.saveCache(process.exitCode);
process.stderr.write('code cache: ' + cli.cache + '\\n');`;
  const r = await run(process.execPath, ['--input-type=module', '-e', code, '--', ...args], { cwd: ROOT as string, maxBuffer: 1 << 26 });
  const m = /code cache: (\w+)\n$/.exec(r.stderr);
  return { out: r.stdout, err: r.stderr.slice(0, m?.index), cache: m?.[1] ?? 'missing' };
}

/** Files an earlier build left: the split ES-module bundle's entry and chunks, another bundle's code cache. */
const LEFTOVERS = ['failsim.mjs', 'run-action-AKYKIQEA.mjs', 'chunk-H3X7XMKA.mjs', 'failsim-0123456789abcdef.v8cache', 'failsim-0123456789abcdef.run.v8cache'];

beforeAll(async () => {
  const cache = join(ROOT as string, 'node_modules/.cache');
  mkdirSync(cache, { recursive: true });
  dist = mkdtempSync(join(cache, 'failsim-prebuilt-test-'));
  for (const f of LEFTOVERS) writeFileSync(join(dist, f), 'stale');
  await buildCli(dist);
}, 60_000);

afterAll(() => rmSync(dist, { recursive: true, force: true }));

/**
 * What evaluating the CommonJS bundle runs, read from esbuild's output: modules left at the top level
 * run at load; a module reached through an import() becomes `init_x = __esm({"src/x.ts"() {...}})`,
 * a bundled CommonJS package `require_x = __commonJS({"node_modules/...js"(...) {...}})`, each run
 * when first called.
 */
function evaluationGraph(text: string) {
  const deferred = new Map<string, { path: string; body: string }>();
  for (const m of text.matchAll(/^var ((?:init|require)_\w+) = __(?:esm|commonJS)\(\{\n {2}"([^"]+)"\([^)]*\) \{\n([\s\S]*?)\n {2}\}\n\}\);$/gm)) {
    deferred.set(m[1], { path: m[2], body: m[3] });
  }
  const deferredPaths = new Set([...deferred.values()].map((d) => d.path));
  const topLevelModules = [...text.matchAll(/^\/\/ ((?:src|node_modules)\/\S+)$/gm)].map((m) => m[1]).filter((p) => !deferredPaths.has(p));
  const calls = (code: string) => [...code.matchAll(/\b((?:init|require)_\w+)\(\)/g)].map((m) => m[1]).filter((n) => deferred.has(n));
  const externals = (code: string) => [...code.matchAll(/\brequire\("([^".][^"]*)"\)/g)].map((m) => m[1]).filter((n) => !isBuiltin(n));
  /** The modules and external packages that calling `roots` evaluates. */
  const closure = (roots: string[], extra: string[] = [], externalRoots: string[] = []) => {
    const modules = new Set(extra);
    const packages = new Set(externalRoots);
    const seen = new Set<string>();
    const visit = (name: string): void => {
      if (seen.has(name)) return;
      seen.add(name);
      const d = deferred.get(name)!;
      modules.add(d.path);
      for (const e of externals(d.body)) packages.add(e);
      for (const c of calls(d.body)) visit(c);
    };
    roots.forEach(visit);
    return { modules: [...modules], packages: [...packages] };
  };
  // Statements at column 0 run at load: `init_x();`, `var import_x = __toESM(require_x());`.
  const atLoad = [...text.matchAll(/^(?:var \w+ = (?:__toESM\()?)?((?:init|require)_\w+)\(\)/gm)].map((m) => m[1]);
  const loadExternals = [...text.matchAll(/^var \w+ = (?:__toESM\()?require\("([^".][^"]*)"\)/gm)].map((m) => m[1]).filter((n) => !isBuiltin(n));
  return { load: closure(atLoad, topLevelModules, loadExternals), closure };
}

describe('prebuilt CLI bundle', () => {
  test('the manifest names the sources and every output, and notices a changed or missing input or output', () => {
    const m = manifest();
    for (const f of ['src/cli/main.ts', 'src/cli/run-action.ts', 'src/sweep/run-job.ts', 'src/sim/simulation.ts', 'tsconfig.json', 'package-lock.json', 'scripts/build-cli.mjs']) {
      expect(m.files[f], f).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(Object.keys(m.files).some((f) => f.startsWith('node_modules/'))).toBe(false);
    // The outputs, at the size and time they were written; what an earlier build left is gone.
    expect(readdirSync(dist).sort()).toEqual(['advise-worker.mjs', 'failsim.cjs', 'manifest.json', 'worker-entry.mjs']);
    expect(Object.keys(m.outputs).sort()).toEqual(['advise-worker.mjs', 'failsim.cjs', 'worker-entry.mjs']);
    for (const [f, [size, mtimeMs]] of Object.entries(m.outputs)) expect([size, mtimeMs], f).toEqual([statSync(join(dist, f)).size, statSync(join(dist, f)).mtimeMs]);
    // The code caches are named after the bundle's bytes (V8 itself only checks a cache against the source's length).
    const bundle = readFileSync(join(dist, 'failsim.cjs'));
    expect(m.cache).toBe(`failsim-${createHash('sha256').update(bundle).digest('hex').slice(0, 16)}`);
    expect(bundleIsCurrent(dist)).toBe(true);

    const check = (changed: Manifest): boolean => {
      writeFileSync(join(dist, 'manifest.json'), JSON.stringify(changed));
      return bundleIsCurrent(dist) as boolean;
    };
    const main = 'src/cli/main.ts';
    // An input whose size or time differs from the record (touched, or no record) is hashed: the same
    // bytes are current, other bytes are stale.
    const touched = { ...m.stats, [main]: [0, 0] as [number, number] };
    expect(check({ ...m, stats: touched })).toBe(true);
    expect(check({ ...m, stats: {} })).toBe(true);
    expect(check({ ...m, stats: touched, files: { ...m.files, [main]: '0'.repeat(64) } })).toBe(false);
    expect(check({ ...m, files: { ...m.files, 'src/no-such-file.ts': m.files[main] } })).toBe(false);
    // A missing output, or one rewritten since (another size or time), makes the build incomplete.
    const [size, mtimeMs] = m.outputs['failsim.cjs'];
    expect(check({ ...m, outputs: { ...m.outputs, 'no-such-output.mjs': [1, mtimeMs] } })).toBe(false);
    expect(check({ ...m, outputs: { ...m.outputs, 'failsim.cjs': [size + 1, mtimeMs] } })).toBe(false);
    expect(check({ ...m, outputs: { ...m.outputs, 'failsim.cjs': [size, mtimeMs + 1] } })).toBe(false);
    expect(check({ ...m, outputs: {} })).toBe(false);
    expect(check(m)).toBe(true);
    // The same through the file itself: a bundle written again after the build is not current.
    const seconds = Math.floor(mtimeMs / 1000) - 60;
    utimesSync(join(dist, 'failsim.cjs'), seconds, seconds);
    expect(bundleIsCurrent(dist)).toBe(false);
    expect(check({ ...m, outputs: { ...m.outputs, 'failsim.cjs': [size, statSync(join(dist, 'failsim.cjs')).mtimeMs] } })).toBe(true);
  });

  test('--help evaluates only commander and the commands\' options; run evaluates the simulator but no sweep, advise, chart or progress-bar code', () => {
    const text = readFileSync(join(dist, 'failsim.cjs'), 'utf8');
    expect(text).not.toMatch(/\bimport\(/); // vega and vega-lite go through __failsimImport
    expect(text).not.toMatch(/[^\x00-\x7f]/); // ASCII, read as Latin-1 by scripts/load-cli.mjs
    expect(text.startsWith("'use strict';\n")).toBe(true); // strict throughout, as an ES module is
    const graph = evaluationGraph(text);
    const help = graph.load;
    expect(help.modules).toEqual(expect.arrayContaining(['src/cli/main.ts', 'src/cli/run-command.ts', 'node_modules/commander/index.js']));
    // Besides the commands' options: the error classes the error boundary tests for, and the lists help names.
    const forHelp = /^src\/cli\/(main|errors|[\w-]+-command|advise-options)\.ts$|^src\/config\/errors\.ts$|^src\/envoy\/(profiles|outlier\/config)\.ts$|^src\/istio\/diagnostics\.ts$|^src\/report\/missing-chart-font\.ts$|^src\/advise\/tuned-fields\.ts$|^node_modules\/commander\//;
    expect(help.modules.filter((p) => !forHelp.test(p))).toEqual([]);
    expect(help.packages).toEqual([]);

    expect(text).toContain('.action(async (file, opts) => (await Promise.resolve().then(() => (init_run_action(), run_action_exports))).runAction(ctx, file, opts))');
    const run = graph.closure(['init_run_action']);
    expect(run.modules).toEqual(expect.arrayContaining(['src/cli/run-action.ts', 'src/api.ts', 'src/sim/simulation.ts', 'node_modules/zod/v4/classic/schemas.js']));
    const notForRun = (p: string) => /^node_modules\/cli-progress\/|^src\/(sweep|advise|conformance)\/|^src\/report\/(render|run-outputs|timeline)\.ts$/.test(p);
    expect(run.modules.filter(notForRun)).toEqual([]);
    expect(run.packages).toEqual([]); // no piscina, @resvg/resvg-js
    // The check is not vacuous: the sweep's action reaches the pool, the charts and piscina.
    const sweep = graph.closure(['init_sweep_action']);
    expect(sweep.modules).toEqual(expect.arrayContaining(['src/sweep/pool.ts', 'src/report/render.ts']));
    expect(sweep.packages).toEqual(expect.arrayContaining(['piscina', '@resvg/resvg-js']));
  });

  test('the first start of a command writes its code cache, later starts use it, a cache V8 rejects is replaced: same bytes each time', async () => {
    const cachePath = join(dist, `${manifest().cache}.run.v8cache`);
    rmSync(cachePath, { force: true });
    const reference = (await cli(['run', SEED, '--json', '--no-progress'])).out;
    const first = await bundled(['run', SEED, '--json', '--no-progress']);
    expect([first.cache, first.out]).toEqual(['none', reference]);
    expect(statSync(cachePath).size).toBeGreaterThan(100_000);
    const second = await bundled(['run', SEED, '--json', '--no-progress']);
    expect([second.cache, second.out]).toEqual(['used', reference]);
    writeFileSync(cachePath, Buffer.alloc(4096, 7));
    const damaged = await bundled(['run', SEED, '--json', '--no-progress']);
    expect([damaged.cache, damaged.out]).toEqual(['rejected', reference]);
    expect((await bundled(['run', SEED, '--json', '--no-progress'])).cache).toBe('used');
    // Each command its own cache; a command line that fails (a mistyped command, exit 2) writes none.
    expect((await bundled(['--help'])).cache).toBe('none');
    expect((await bundled(['--help'])).cache).toBe('used');
    await expect(bundled(['runn', SEED])).rejects.toThrow(/unknown command 'runn'/);
    expect(readdirSync(dist).filter((f) => f.endsWith('.v8cache')).sort()).toEqual([`${manifest().cache}.options.v8cache`, `${manifest().cache}.run.v8cache`]);
  });

  test('explain, run and --help print what the sources print', async () => {
    for (const args of [['explain', SEED], ['run', SEED, '--json', '--no-progress'], ['--help'], ['run', '--help']]) {
      const [fromBundle, fromSources] = await Promise.all([bundled(args), cli(args)]);
      expect(fromSources.code).toBe(0);
      expect(fromBundle.out.length).toBeGreaterThan(100);
      expect(fromBundle.out).toBe(fromSources.out);
    }
  });

  test('check and tune on two bundled workers (dist/advise-worker.mjs) print what the sources print', async () => {
    const models = join(ROOT as string, 'models/dynamodb-failover');
    const common = ['--client-locality', 'us-east1/us-east1-b', '--istio', '1.28', '--replications', '1', '--no-progress'];
    const world = join(ROOT as string, 'test/fixtures/mesh/world-seed.yaml');
    for (const args of [
      ['check', join(models, 'istio-mep50.yaml'), ...common, '--world', world, '--json'],
      // Exit 1 (no setting passes within 10 runs): compared with the output it prints all the same.
      ['tune', join(models, 'istio.yaml'), ...common, '--budget', '10'],
    ]) {
      const fromSources = await cli([...args, '--workers', '1']);
      const fromBundle = await bundled([...args, '--workers', '2']).then(
        (r) => ({ code: 0, out: r.out }),
        (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
      );
      expect(fromBundle.out.length).toBeGreaterThan(500);
      expect(fromBundle).toEqual({ code: fromSources.code, out: fromSources.out });
    }
  });

  test('a sweep on two bundled workers, charts included, writes the bytes of an in-process one, with and without its code cache', async () => {
    const exp = fixture('small.yaml');
    const viaSources = join(tempDir(), 'sources');
    expect((await cli(['sweep', exp, '--workers', '1', '--out', viaSources, '--no-progress'])).code).toBe(0);
    const reference = outputs(viaSources);
    expect(Object.keys(reference).filter((f) => f.endsWith('.png')).length).toBeGreaterThan(0);
    // From the code cache the second time: the charts' import() of vega goes through the loader (scripts/load-cli.mjs).
    for (const cache of ['none', 'used']) {
      const viaBundle = join(tempDir(), 'bundle');
      expect((await bundled(['sweep', exp, '--workers', '2', '--out', viaBundle, '--no-progress'])).cache).toBe(cache);
      expect(outputs(viaBundle)).toEqual(reference);
    }
  });
});
