/**
 * The prebuilt CLI (scripts/build-cli.mjs): the esbuild bundle that bin/failsim.mjs runs must do
 * what the TypeScript sources do — same bytes for explain, run, --help and a sweep whose workers load
 * the bundled worker entry and whose charts load vega lazily — and its manifest must notice any change
 * to an input and any missing output, so a stale or partial bundle is never run. The split must hold:
 * `failsim --help` and `failsim run` load only their own code (start-up, experiments/perf/cli-startup.md).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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

/** Runs the bundle's main() in a fresh node process, as bin/failsim.mjs does. */
async function bundled(args: string[]): Promise<{ out: string; err: string }> {
  const code = `const { main } = await import(${JSON.stringify(join(dist, 'failsim.mjs'))});
process.exitCode = await main(['node', 'failsim', ...process.argv.slice(1)]);`;
  const r = await run(process.execPath, ['--input-type=module', '-e', code, '--', ...args], { cwd: ROOT as string, maxBuffer: 1 << 26 });
  return { out: r.stdout, err: r.stderr };
}

beforeAll(async () => {
  const cache = join(ROOT as string, 'node_modules/.cache');
  mkdirSync(cache, { recursive: true });
  dist = mkdtempSync(join(cache, 'failsim-prebuilt-test-'));
  await buildCli(dist);
}, 60_000);

afterAll(() => rmSync(dist, { recursive: true, force: true }));

describe('prebuilt CLI bundle', () => {
  test('the manifest names the sources and every output, and notices a changed or missing input or output', () => {
    const manifestPath = join(dist, 'manifest.json');
    type Manifest = { files: Record<string, string>; stats: Record<string, [number, number]>; outputs: Record<string, number> };
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
    for (const f of ['src/cli/main.ts', 'src/cli/run-action.ts', 'src/sweep/run-job.ts', 'src/sim/simulation.ts', 'tsconfig.json', 'package-lock.json', 'scripts/build-cli.mjs']) {
      expect(manifest.files[f], f).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(Object.keys(manifest.files).some((f) => f.startsWith('node_modules/'))).toBe(false);
    // Every file of dist/ but the manifest is an output, listed with its size: the three entries and the chunks.
    const written = readdirSync(dist).filter((f) => f !== 'manifest.json').sort();
    expect(Object.keys(manifest.outputs).sort()).toEqual(written);
    for (const f of written) expect(manifest.outputs[f], f).toBe(statSync(join(dist, f)).size);
    expect(written).toEqual(expect.arrayContaining(['failsim.mjs', 'worker-entry.mjs', 'advise-worker.mjs']));
    expect(written.filter((f) => /^run-action-[A-Z0-9]{8}\.mjs$/.test(f))).toHaveLength(1);
    expect(bundleIsCurrent(dist)).toBe(true);

    const check = (m: Manifest): boolean => {
      writeFileSync(manifestPath, JSON.stringify(m));
      return bundleIsCurrent(dist) as boolean;
    };
    const main = 'src/cli/main.ts';
    // An input whose size or time differs from the record (touched, or no record) is hashed: the same
    // bytes are current, other bytes are stale.
    const touched = { ...manifest.stats, [main]: [0, 0] as [number, number] };
    expect(check({ ...manifest, stats: touched })).toBe(true);
    expect(check({ ...manifest, stats: {} })).toBe(true);
    expect(check({ ...manifest, stats: touched, files: { ...manifest.files, [main]: '0'.repeat(64) } })).toBe(false);
    expect(check({ ...manifest, files: { ...manifest.files, 'src/no-such-file.ts': manifest.files[main] } })).toBe(false);
    // A missing output, or one whose size is not the one written, makes the build incomplete.
    expect(check({ ...manifest, outputs: { ...manifest.outputs, 'chunk-NOSUCHXX.mjs': 1 } })).toBe(false);
    expect(check({ ...manifest, outputs: { ...manifest.outputs, 'failsim.mjs': manifest.outputs['failsim.mjs'] + 1 } })).toBe(false);
    expect(check({ ...manifest, outputs: {} })).toBe(false);
    expect(check(manifest)).toBe(true);
  });

  test('--help loads only commander and the commands\' options; run loads the simulator but no sweep, advise, chart or progress-bar code', () => {
    /** The files a module imports statically (transitively) and the source modules esbuild put in them. */
    const closure = (entry: string): { files: Set<string>; modules: string[] } => {
      const files = new Set<string>();
      const visit = (f: string): void => {
        if (files.has(f)) return;
        files.add(f);
        const text = readFileSync(join(dist, f), 'utf8');
        for (const m of text.matchAll(/^import\s+(?:[\w$*{}\s,]+?\s+from\s+)?"([^"]+)";/gm)) files.add(m[1]);
        for (const m of text.matchAll(/^import\s+(?:[\w$*{}\s,]+?\s+from\s+)?"\.\/([^"]+)";/gm)) visit(m[1]);
      };
      visit(entry);
      const modules = [...files].filter((f) => f.endsWith('.mjs') && !f.includes('/')).flatMap((f) => [...readFileSync(join(dist, f), 'utf8').matchAll(/^\/\/ ((?:src|node_modules)\/\S+)$/gm)].map((m) => m[1]));
      return { files, modules };
    };
    const help = closure('failsim.mjs');
    expect(help.modules).toEqual(expect.arrayContaining(['src/cli/main.ts', 'src/cli/run-command.ts', 'node_modules/commander/index.js']));
    // Besides the commands' options: the error classes the error boundary tests for, and the lists help names.
    const forHelp = /^src\/cli\/(main|errors|[\w-]+-command|advise-options)\.ts$|^src\/config\/errors\.ts$|^src\/envoy\/(profiles|outlier\/config)\.ts$|^src\/istio\/diagnostics\.ts$|^src\/report\/missing-chart-font\.ts$|^src\/advise\/tuned-fields\.ts$|^node_modules\/commander\//;
    expect(help.modules.filter((m) => !forHelp.test(m))).toEqual([]);
    for (const external of ['piscina', '@resvg/resvg-js', 'vega', 'vega-lite']) expect(help.files.has(external), external).toBe(false);

    const runAction = readdirSync(dist).find((f) => f.startsWith('run-action-'))!;
    expect(readFileSync(join(dist, 'failsim.mjs'), 'utf8')).toContain(`import("./${runAction}")`);
    const run = closure(runAction);
    expect(run.modules).toEqual(expect.arrayContaining(['src/cli/run-action.ts', 'src/api.ts', 'src/sim/simulation.ts', 'node_modules/zod/v4/classic/schemas.js']));
    const notForRun = (m: string) => /^node_modules\/cli-progress\/|^src\/(sweep|advise|conformance)\/|^src\/report\/(render|run-outputs|timeline)\.ts$/.test(m);
    expect(run.modules.filter(notForRun)).toEqual([]);
    for (const external of ['piscina', '@resvg/resvg-js', 'vega', 'vega-lite']) expect(run.files.has(external), external).toBe(false);
  });

  test('explain, run and --help print what the sources print', async () => {
    for (const args of [['explain', SEED], ['run', SEED, '--json', '--no-progress'], ['--help'], ['run', '--help']]) {
      const [fromBundle, fromSources] = await Promise.all([bundled(args), cli(args)]);
      expect(fromSources.code).toBe(0);
      expect(fromBundle.out.length).toBeGreaterThan(100);
      expect(fromBundle.out).toBe(fromSources.out);
    }
  });

  test('a sweep on two bundled workers, charts included, writes the bytes of an in-process one', async () => {
    const exp = fixture('small.yaml');
    const viaBundle = join(tempDir(), 'bundle');
    const viaSources = join(tempDir(), 'sources');
    await bundled(['sweep', exp, '--workers', '2', '--out', viaBundle, '--no-progress']);
    expect((await cli(['sweep', exp, '--workers', '1', '--out', viaSources, '--no-progress'])).code).toBe(0);
    const reference = outputs(viaSources);
    expect(Object.keys(reference).filter((f) => f.endsWith('.png')).length).toBeGreaterThan(0);
    expect(outputs(viaBundle)).toEqual(reference);
  });
});
