/**
 * `npm run bench:web`: the playground's simulation speed against the CLI's, in the same sitting.
 *
 * Both sides run the seed scenario (models/dynamodb-failover/c-failover.yaml, ≈ 90 000 requests) the
 * same way — src/api.ts's simulateRun with recordEvents (what the page's worker does), bundled by
 * esbuild on both sides (Node: as the prebuilt CLI is; the page: web/build.ts) — `runs` times:
 * the first run in a fresh Node process / a fresh page worker is "cold" (JIT warm-up included), the
 * median of the others is "warm". The browser side is the built page (web/dist/index.html) in Debian's
 * headless Chromium, timed by the worker (simulation) and by the page (Run pressed → result shown).
 *
 *   npm run build:web && npm run bench:web [-- --runs 7]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { chromium } from 'playwright-core';
import { build } from 'esbuild';
import type * as Api from '../src/api.ts';
import type * as Files from '../src/node/files.ts';
import { CHROMIUM, CHROMIUM_ARGS } from '../test/helpers/chromium.ts';
import { DEFAULT_OUT } from './build.ts';
import type { PageStatus } from './src/protocol.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SEED = join(ROOT, 'models/dynamodb-failover/c-failover.yaml');

interface Timing {
  requests: number;
  /** Simulation ms per run, in order (the first is cold). */
  ms: number[];
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/**
 * In a fresh process: `runs` timed runs of the seed, through an esbuild bundle of src/api.ts built
 * as the CLI's (scripts/build-cli.mjs: platform node, tsconfig.json) — the engine `failsim run`
 * executes — so both sides run esbuild's output of the same sources.
 */
async function nodeChild(runs: number): Promise<Timing> {
  const dir = mkdtempSync(join(tmpdir(), 'failsim-bench-web-'));
  const file = join(dir, 'engine.mjs');
  await build({
    stdin: { contents: "export { simulateRun } from './src/api.ts'; export { readScenarioFiles } from './src/node/files.ts';", resolveDir: ROOT, loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    tsconfig: join(ROOT, 'tsconfig.json'),
    banner: { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" },
    outfile: file,
    logLevel: 'warning',
  });
  const { simulateRun, readScenarioFiles } = (await import(pathToFileURL(file).href)) as {
    simulateRun: typeof Api.simulateRun;
    readScenarioFiles: typeof Files.readScenarioFiles;
  };
  const input = readScenarioFiles(SEED);
  const ms: number[] = [];
  let requests = 0;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const { summary } = simulateRun(input, { recordEvents: true });
    ms.push(performance.now() - started);
    requests = summary.requests.total;
  }
  return { requests, ms };
}

async function browser(runs: number): Promise<Timing & { wallMs: number[] }> {
  const b = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const page = await b.newPage({ viewport: { width: 1280, height: 800 } });
    const status = (): Promise<PageStatus> => page.evaluate(() => (window as unknown as { failsimPlayground: PageStatus }).failsimPlayground);
    await page.goto(pathToFileURL(DEFAULT_OUT).href);
    await page.waitForFunction(() => (window as unknown as { failsimPlayground: PageStatus }).failsimPlayground.explains > 0);
    const ms: number[] = [];
    const wallMs: number[] = [];
    let requests = 0;
    for (let i = 0; i < runs; i++) {
      const before = (await status()).runs;
      await page.click('[data-testid=run-button]');
      await page.waitForFunction((n) => (window as unknown as { failsimPlayground: PageStatus }).failsimPlayground.runs > n, before, { polling: 10 });
      const s = await status();
      if (s.error !== null || s.lastRun === null) throw new Error(`the page's run failed: ${s.error}`);
      ms.push(s.lastRun.elapsedMs);
      wallMs.push(s.lastRun.wallMs);
      requests = s.lastRun.requests;
    }
    return { requests, ms, wallMs };
  } finally {
    await b.close();
  }
}

function row(label: string, t: Timing): string {
  const cold = t.ms[0];
  const warm = median(t.ms.slice(1));
  const rate = (ms: number) => Math.round(t.requests / (ms / 1000)).toLocaleString('en-US');
  return `${label.padEnd(22)} cold ${cold.toFixed(0).padStart(5)} ms (${rate(cold).padStart(9)} req/s)   warm median ${warm.toFixed(0).padStart(5)} ms (${rate(warm).padStart(9)} req/s)`;
}

const args = process.argv.slice(2);
if (args[0] === '--child') {
  process.stdout.write(JSON.stringify(await nodeChild(Number(args[1]))));
} else {
  const runsAt = args.indexOf('--runs');
  const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 7;
  if (!Number.isInteger(runs) || runs < 2) throw new Error('--runs: expected an integer ≥ 2');
  if (!existsSync(DEFAULT_OUT)) throw new Error(`${DEFAULT_OUT} is missing: npm run build:web first`);
  const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', String(runs)], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`the Node side failed: ${child.stderr}`);
  const cli = JSON.parse(child.stdout) as Timing;
  const page = await browser(runs);
  console.log(`seed scenario, ${page.requests.toLocaleString('en-US')} requests, ${runs} runs each (first = cold)`);
  console.log(row('Node (CLI bundle)', cli));
  console.log(row('Chromium worker', page));
  console.log(`${'Chromium, Run → shown'.padEnd(22)} cold ${page.wallMs[0].toFixed(0).padStart(5)} ms                      warm median ${median(page.wallMs.slice(1)).toFixed(0).padStart(5)} ms`);
  const ratio = (a: number, b: number) => (b / a).toFixed(2);
  console.log(`browser / CLI requests per second: cold ${ratio(page.ms[0], cli.ms[0])}, warm ${ratio(median(page.ms.slice(1)), median(cli.ms.slice(1)))}`);
  if (page.requests !== cli.requests) throw new Error(`the two sides simulated different request counts (${page.requests} vs ${cli.requests})`);
}
