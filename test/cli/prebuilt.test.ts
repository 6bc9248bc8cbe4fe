/**
 * The prebuilt CLI (scripts/build-cli.mjs): the esbuild bundle that bin/failsim.mjs runs must do
 * what the TypeScript sources do — same bytes for explain, run and a sweep whose workers load the
 * bundled worker entry and whose charts load vega lazily — and its manifest must notice any change
 * to an input, so a stale bundle is never run.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
  const r = await run(process.execPath, ['--input-type=module', '-e', code, ...args], { cwd: ROOT as string, maxBuffer: 1 << 26 });
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
  test('the manifest names the sources and notices a changed or missing input', () => {
    const manifestPath = join(dist, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { files: Record<string, string> };
    for (const f of ['src/cli/main.ts', 'src/sweep/run-job.ts', 'src/sim/simulation.ts', 'tsconfig.json', 'package-lock.json', 'scripts/build-cli.mjs']) {
      expect(manifest.files[f], f).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(Object.keys(manifest.files).some((f) => f.startsWith('node_modules/'))).toBe(false);
    expect(bundleIsCurrent(dist)).toBe(true);

    const changed = { files: { ...manifest.files, 'src/cli/main.ts': '0'.repeat(64) } };
    writeFileSync(manifestPath, JSON.stringify(changed));
    expect(bundleIsCurrent(dist)).toBe(false);
    const missing = { files: { ...manifest.files, 'src/no-such-file.ts': manifest.files['src/cli/main.ts'] } };
    writeFileSync(manifestPath, JSON.stringify(missing));
    expect(bundleIsCurrent(dist)).toBe(false);
    writeFileSync(manifestPath, JSON.stringify(manifest));
    expect(bundleIsCurrent(dist)).toBe(true);
  });

  test('explain and run print what the sources print', async () => {
    for (const args of [['explain', SEED], ['run', SEED, '--json', '--no-progress']]) {
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
