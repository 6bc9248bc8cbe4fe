/**
 * Simulator throughput and memory on the reference scenarios (bench/scenarios/):
 *
 *   npm run bench                         # (i) seed (c) at 60k req/s, (ii) 3 regions × 10 endpoints,
 *                                         # (iii) seed (c) on Istio 1.28 under its fault (3 attempts each)
 *   npm run bench -- --rounds 3           # alternate bare loop, floor and scenarios 3 times; medians
 *   npm run bench -- --requests 2000000   # scale every scenario to about N simulated requests
 *   npm run bench -- --only seed          # scenarios whose name contains "seed"
 *   npm run bench -- --long               # memory check: the seed scenario at ≈100 M requests
 *   npm run bench -- --json               # also print the results as one JSON document
 *
 * Each scenario runs in a fresh child process (`node CHILD --child ...`), so its peak RSS
 * (VmHWM from /proc/self/status) is its own and JIT warm-up is counted the same way for each. The
 * duration and every fault's from/until are scaled by the same factor, so a scaled run keeps the
 * shape of the incident. Timed: src/sim/run-model.ts's runModel — building the simulation, running it
 * and summarising (the summary takes milliseconds), not loading the YAML. "Simulated requests" =
 * arrivals (finished + still in flight at the end). CPU time is printed too: on a shared machine it
 * is steadier than wall time.
 *
 * CHILD is this file bundled by esbuild (once per `npm run bench`, into node_modules/.cache), so the
 * bench times the code the way the CLI runs it (a bundle, scripts/build-cli.mjs); the timed span
 * excludes start-up, and in-process the bundle and tsx measured the same within noise
 * (experiments/perf/cli-startup.md). Without esbuild the children run through tsx (bin/bench.mjs),
 * and the output says so.
 *
 * In the same run it measures two yardsticks (bench/reference-loops.ts): the bare loop
 * (bench/bare-kernel.mjs, the project's reference; no Envoy logic) and the engine floor
 * (bench/floor.ts), and prints each scenario's requests per CPU second as a ratio to both, so the
 * figures compare across machines and across hours of a machine whose speed drifts.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareRun } from '../src/api.ts';
import { readScenarioFiles } from '../src/node/files.ts';
import { runModel } from '../src/sim/run-model.ts';
import { floorRun } from './floor.ts';
import { bareLoop, type BareLoopResult } from './reference-loops.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');

interface BenchScenario {
  name: string;
  file: string;
  /** Simulated requests to aim for by default. */
  requests: number;
}

const REFERENCE: BenchScenario[] = [
  { name: 'seed-high-rate', file: join(here, 'scenarios/seed-high-rate.yaml'), requests: 10_800_000 },
  { name: 'three-regions', file: join(here, 'scenarios/three-regions.yaml'), requests: 6_000_000 },
  { name: 'seed-fault-istio-1.28', file: join(here, 'scenarios/seed-fault-istio-1.28.yaml'), requests: 6_000_000 },
];
/** The yardsticks' sizes: ≈ 3 s of CPU each on the project's machine. */
const BARE_REQUESTS = 20_000_000;
const FLOOR_SECONDS = 120;
const LONG: BenchScenario = { name: 'seed-high-rate (long)', file: join(here, 'scenarios/seed-high-rate.yaml'), requests: 100_000_000 };

interface ChildResult {
  name: string;
  simulatedMs: number;
  requests: number;
  attempts: number;
  wallMs: number;
  /** CPU time of the process (user + system, all threads: includes GC helpers) over the same span. */
  cpuMs: number;
  requestsPerSecond: number;
  requestsPerCpuSecond: number;
  peakRssMB: number;
  /** RSS and heap used after loading the scenario, before the simulation is built (MB). */
  rssBeforeMB: number;
  heapBeforeMB: number;
  /** RSS sampled at each tenth of simulated time (MB). */
  rssMB: number[];
  heapUsedMB: number[];
  errorRate: number | null;
  ejectionsEnforced: number;
}

const MB = 1024 * 1024;

function vmHwmMB(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) / 1024;
  } catch {
    // not Linux: fall back to the sampled maximum
  }
  return NaN;
}

/** The overrides that scale a scenario to about `requests` arrivals. */
function scaleOverrides(file: string, requests: number): string[] {
  const { scenario } = prepareRun(readScenarioFiles(file)).loaded;
  let perSecond = 0;
  for (const g of scenario.clients) {
    if (g.rate.length !== 1) throw new Error(`${file}: the bench scales constant rates only`);
    perSecond += g.rate[0].perSecond;
  }
  const natural = (perSecond * scenario.durationMs) / 1000;
  const f = requests / natural;
  // A time of 0 stays 0 (a fault from the start); any other is at least 1 ms.
  const ms = (x: number): string => `${x === 0 ? 0 : Math.max(1, Math.round(x * f))}ms`;
  const sets = [`duration=${ms(scenario.durationMs)}`];
  scenario.faults.forEach((fault, i) => {
    sets.push(`faults[${i}].from=${ms(fault.fromMs)}`, `faults[${i}].until=${ms(fault.untilMs)}`);
  });
  return sets;
}

/** Child: one scenario, timed; prints one JSON line. */
function runChild(name: string, file: string, sets: string[]): void {
  const { loaded, model } = prepareRun(readScenarioFiles(file, { sets }));
  const duration = loaded.scenario.durationMs;
  const before = process.memoryUsage();
  const rss: number[] = [];
  const heap: number[] = [];
  let peakSampled = 0;
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  const { summary: s } = runModel(model, loaded.scenario, {
    progressEveryMs: duration / 10,
    onProgress: () => {
      const m = process.memoryUsage();
      rss.push(m.rss / MB);
      heap.push(m.heapUsed / MB);
      peakSampled = Math.max(peakSampled, m.rss / MB);
    },
  });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const c1 = process.cpuUsage(c0);
  const cpuMs = (c1.user + c1.system) / 1000;
  const requests = s.requests.total + s.requests.inFlightAtEnd;
  const hwm = vmHwmMB();
  const out: ChildResult = {
    name,
    simulatedMs: duration,
    requests,
    attempts: s.attempts.total,
    wallMs,
    cpuMs,
    requestsPerSecond: requests / (wallMs / 1000),
    requestsPerCpuSecond: requests / (cpuMs / 1000),
    peakRssMB: Number.isNaN(hwm) ? peakSampled : hwm,
    rssBeforeMB: Math.round(before.rss / MB),
    heapBeforeMB: Math.round(before.heapUsed / MB),
    rssMB: rss.map((x) => Math.round(x)),
    heapUsedMB: heap.map((x) => Math.round(x)),
    errorRate: s.requests.errorRate,
    ejectionsEnforced: s.ejections.enforced,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

interface FloorResult {
  requests: number;
  cpuMs: number;
  requestsPerCpuSecond: number;
}

/** Child: the engine floor, warmed up then timed; prints one JSON line. */
function runFloorChild(seconds: number): void {
  floorRun(Math.min(seconds, 5)); // warm-up, as bench:floor does
  const r = floorRun(seconds);
  const out: FloorResult = { ...r, requestsPerCpuSecond: r.requests / (r.cpuMs / 1000) };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

function floorInChild(seconds: number): FloorResult {
  const r = spawnSync(process.execPath, [...childCommand, '--child-floor', String(seconds)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`engine floor: child exited with ${r.status ?? r.signal}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as FloorResult;
}

/** How children are started: node's arguments before `--child …` (set by main). */
let childCommand: string[] = [];

/** Bundles this file for the children (see the header); the tsx entry when esbuild is missing. */
async function prepareChildCommand(): Promise<{ command: string[]; how: string }> {
  try {
    const esbuild = await import('esbuild');
    const outfile = join(root, 'node_modules/.cache/failsim-bench/run-bench.mjs');
    await esbuild.build({
      entryPoints: [fileURLToPath(import.meta.url)],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      tsconfig: join(root, 'tsconfig.json'),
      outfile,
      logLevel: 'warning',
    });
    return { command: [outfile], how: 'bundled with esbuild, as the CLI runs' };
  } catch (e) {
    return { command: [...process.execArgv, join(root, 'bin/bench.mjs')], how: `through tsx (no bundle: ${(e as Error).message.split('\n')[0]})` };
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function runInChild(b: BenchScenario, requests: number): ChildResult {
  const sets = scaleOverrides(b.file, requests);
  const args = [...childCommand, '--child', b.name, b.file, JSON.stringify(sets)];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`${b.name}: child exited with ${r.status ?? r.signal}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildResult;
}

function fmt(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : n.toFixed(0);
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === '--child') {
    runChild(argv[1], argv[2], JSON.parse(argv[3]) as string[]);
    return;
  }
  if (argv[0] === '--child-floor') {
    runFloorChild(Number(argv[1]));
    return;
  }
  let requests: number | undefined;
  let only: string | undefined;
  let long = false;
  let json = false;
  let rounds = 1;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--requests') requests = Number(argv[++i]?.replace(/_/g, ''));
    else if (a === '--only') only = argv[++i];
    else if (a === '--long') long = true;
    else if (a === '--json') json = true;
    else if (a === '--rounds') rounds = Number(argv[++i]);
    else throw new Error(`unknown option ${a} (--requests N, --only NAME, --rounds R, --long, --json)`);
    if (requests !== undefined && !(requests > 0)) throw new Error('--requests: expected a positive number');
    if (!(Number.isInteger(rounds) && rounds >= 1)) throw new Error('--rounds: expected a positive integer');
  }
  if (requests === undefined && process.env.FAILSIM_BENCH_REQUESTS) requests = Number(process.env.FAILSIM_BENCH_REQUESTS);

  const list = long ? [LONG] : REFERENCE.filter((b) => only === undefined || b.name.includes(only));
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(`failsim bench — node ${process.version}, ${cpus().length} CPUs (${cpu.trim()})`);
  const child = await prepareChildCommand();
  childCommand = child.command;
  console.log(`simulator runs ${child.how}`);
  const results: ChildResult[] = [];
  const bares: BareLoopResult[] = [];
  const floors: FloorResult[] = [];
  for (let round = 1; round <= rounds; round++) {
    if (rounds > 1) console.log(`\n=== round ${round} of ${rounds} ===`);
    const bare = bareLoop(BARE_REQUESTS);
    bares.push(bare);
    console.log(`\nbare loop: bench/bare-kernel.mjs ${fmt(BARE_REQUESTS)} requests`);
    console.log(`  requests / s         ${fmt(bare.requestsPerSecond)} (as it prints: wall time of its loop)   ${fmt(bare.requestsPerCpuSecond)} per CPU second`);
    const floor = floorInChild(FLOOR_SECONDS);
    floors.push(floor);
    console.log(`\nengine floor: bench/floor.ts, ${FLOOR_SECONDS} s simulated (${fmt(floor.requests)} requests)`);
    console.log(`  requests / s         ${fmt(floor.requestsPerCpuSecond)} per CPU second`);
    for (const b of list) {
      const n = requests ?? b.requests;
      console.log(`\n${b.name}: ${relative(root, b.file)}, aiming at ${fmt(n)} requests ...`);
      const r = runInChild(b, n);
      results.push(r);
      console.log(`  simulated requests   ${fmt(r.requests)} (${(r.simulatedMs / 1000).toFixed(0)} s simulated; ${fmt(r.attempts)} attempts)`);
      console.log(`  wall time            ${(r.wallMs / 1000).toFixed(2)} s   (CPU ${(r.cpuMs / 1000).toFixed(2)} s)`);
      console.log(`  requests / s         ${fmt(r.requestsPerSecond)} wall   (${fmt(r.requestsPerCpuSecond)} per CPU second; ${fmt(r.attempts / (r.cpuMs / 1000))} attempts per CPU second)`);
      console.log(`  peak RSS             ${r.peakRssMB.toFixed(0)} MB`);
      console.log(`  RSS before the run, then at each 10% of simulated time (MB): ${r.rssBeforeMB} | ${r.rssMB.join(' ')}`);
      console.log(`  heap used, same points (MB):                                 ${r.heapBeforeMB} | ${r.heapUsedMB.join(' ')}`);
      console.log(`  (client error rate ${r.errorRate === null ? 'n/a' : (100 * r.errorRate).toFixed(3) + '%'}, ejections enforced ${r.ejectionsEnforced})`);
    }
  }
  // Each round's ratios use that round's yardsticks; with several rounds, the median of each.
  const ratios = list.map((b, i) => {
    const mine = results.filter((_, k) => k % list.length === i);
    const perRound = (ref: (round: number) => number): number[] => mine.map((r, round) => r.requestsPerCpuSecond / ref(round));
    return {
      name: b.name,
      requestsPerCpuSecond: median(mine.map((r) => r.requestsPerCpuSecond)),
      attemptsPerCpuSecond: median(mine.map((r) => r.attempts / (r.cpuMs / 1000))),
      toBareLoop: median(perRound((round) => bares[round].requestsPerCpuSecond)),
      toEngineFloor: median(perRound((round) => floors[round].requestsPerCpuSecond)),
    };
  });
  const med = rounds > 1 ? `medians of ${rounds} rounds` : 'one round';
  console.log(`\nratios: requests per CPU second, measured in this run (${med})`);
  console.log(`  bare loop (bench/bare-kernel.mjs)     ${fmt(median(bares.map((x) => x.requestsPerCpuSecond))).padStart(9)}`);
  console.log(`  engine floor (bench/floor.ts)         ${fmt(median(floors.map((x) => x.requestsPerCpuSecond))).padStart(9)}`);
  for (const r of ratios) {
    console.log(`  ${r.name.padEnd(36)}  ${fmt(r.requestsPerCpuSecond).padStart(9)}   ${r.toBareLoop.toFixed(3)} of the bare loop   ${r.toEngineFloor.toFixed(3)} of the floor`);
  }
  if (json) console.log(JSON.stringify({ node: process.version, cpus: cpus().length, cpu, bareLoop: bares, engineFloor: floors, results, ratios }, null, 2));
}

await main(process.argv.slice(2));
