/**
 * `failsim run` timed as a whole process against the bare loop, in alternating rounds:
 *
 *   npm run bench:process                         # 3 rounds, 20 000 requests/s for 1 000 s
 *   npm run bench:process -- --rounds 5 --seconds 300
 *   npm run bench:process -- --baseline ../other  # also time another checkout's bin/failsim.mjs
 *
 * Each round runs, one after the other: the bare loop (bench/bare-kernel.mjs) for rate × seconds
 * requests; then `node bin/failsim.mjs run … --json` on
 *   seed   models/dynamodb-failover/c-failover.yaml at `rate` requests/s for `seconds` (its fault,
 *          us-east-1 refusing connections from 1 min to 4 min, kept)
 *   fault  models/dynamodb-failover/c-failover-istio-1.28.yaml, same rate and length, with us-east-1
 *          refusing connections for the whole run (Istio 1.28 ejects nothing: 3 attempts per request)
 * (and the same two with the baseline checkout, if given). Every process is timed whole — start-up,
 * YAML, simulation, summary and JSON output — by wall clock and by its own CPU time
 * (bench/process-stats.mjs). The ratio of each run to the bare loop uses the same round's bare loop;
 * the table gives the median over rounds. Per CPU second is the figure to compare on a shared
 * machine; per wall second is what a user waits for, equal to it only on an idle machine.
 */
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bareLoop, timedProcess } from './reference-loops.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

interface Options {
  rounds: number;
  seconds: number;
  rate: number;
  baseline?: string;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { rounds: 3, seconds: 1000, rate: 20_000 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[++i];
    if (v === undefined) throw new Error(`${a}: expected a value`);
    if (a === '--rounds') o.rounds = Number(v);
    else if (a === '--seconds') o.seconds = Number(v);
    else if (a === '--rate') o.rate = Number(v);
    else if (a === '--baseline') o.baseline = resolve(v);
    else throw new Error(`unknown option ${a} (--rounds R, --seconds S, --rate N, --baseline DIR)`);
  }
  if (!(Number.isInteger(o.rounds) && o.rounds >= 1)) throw new Error('--rounds: expected a positive integer');
  if (!(o.seconds > 0) || !(o.rate > 0)) throw new Error('--seconds and --rate: expected positive numbers');
  return o;
}

interface RunFigures {
  requests: number;
  attempts: number;
  wallMs: number;
  cpuMs: number;
  peakRssMB: number;
}

function failsimRun(checkout: string, scenario: 'seed' | 'fault', o: Options): RunFigures {
  const file = scenario === 'seed' ? 'c-failover.yaml' : 'c-failover-istio-1.28.yaml';
  const sets = ['--set', `clients[0].rate=${o.rate}/s`, '--duration', `${o.seconds}s`];
  if (scenario === 'fault') sets.push('--set', 'faults[0].from=0s', '--set', `faults[0].until=${o.seconds}s`);
  // The seed's fault (1 min to 4 min of its 5 min) is kept as it is in a run of 5 min or more and
  // scaled with the run (20 % to 80 %) in a shorter one.
  else if (o.seconds < 300) sets.push('--set', `faults[0].from=${o.seconds * 200}ms`, '--set', `faults[0].until=${o.seconds * 800}ms`);
  const args = ['run', join(checkout, 'models/dynamodb-failover', file), ...sets, '--json', '--no-progress'];
  const p = timedProcess(join(checkout, 'bin/failsim.mjs'), args);
  const out = JSON.parse(p.stdout) as { requests: { total: number; inFlightAtEnd: number }; attempts: { total: number } };
  return { requests: out.requests.total + out.requests.inFlightAtEnd, attempts: out.attempts.total, wallMs: p.wallMs, cpuMs: p.cpuMs, peakRssMB: p.peakRssMB };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const M = (x: number): string => `${(x / 1e6).toFixed(2)} M`;

function main(): void {
  const o = parseArgs(process.argv.slice(2));
  const requests = Math.round(o.rate * o.seconds);
  const checkouts: [string, string][] = [['this', root]];
  if (o.baseline) checkouts.push(['baseline', o.baseline]);
  console.log(`failsim run as a whole process vs the bare loop — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? '?'}`);
  console.log(`${o.rounds} rounds; ${o.rate} requests/s for ${o.seconds} s (${M(requests)} requests)`);
  const rows = new Map<string, { perCpu: number[]; perWall: number[]; attemptsPerCpu: number[]; rss: number[] }>();
  const add = (key: string, r: RunFigures, bareCpu: number, bareWall: number): void => {
    const row = rows.get(key) ?? { perCpu: [], perWall: [], attemptsPerCpu: [], rss: [] };
    row.perCpu.push(r.requests / r.cpuMs / (bareCpu / 1000));
    row.perWall.push(r.requests / r.wallMs / (bareWall / 1000));
    row.attemptsPerCpu.push((r.attempts / r.cpuMs) * 1000);
    row.rss.push(r.peakRssMB);
    rows.set(key, row);
  };
  for (let round = 1; round <= o.rounds; round++) {
    const load = loadavg()[0].toFixed(1);
    const bare = bareLoop(requests);
    console.log(`\nround ${round} (load average ${load}): bare loop ${M(bare.requestsPerSecond)} requests/s as printed, ${M(bare.requestsPerCpuSecond)} per CPU s`);
    for (const scenario of ['seed', 'fault'] as const) {
      for (const [label, dir] of checkouts) {
        const r = failsimRun(dir, scenario, o);
        console.log(
          `  ${scenario} (${label}): ${M(r.requests)} requests, ${M(r.attempts)} attempts in ${(r.wallMs / 1000).toFixed(2)} s wall, ` +
            `${(r.cpuMs / 1000).toFixed(2)} s CPU, peak RSS ${r.peakRssMB.toFixed(0)} MB: ${M((r.requests / r.cpuMs) * 1000)} requests, ` +
            `${M((r.attempts / r.cpuMs) * 1000)} attempts per CPU s`,
        );
        add(`${scenario} (${label})`, r, bare.requestsPerCpuSecond, bare.requestsPerSecond);
      }
    }
  }
  console.log(`\nmedians over ${o.rounds} rounds (ratios to the same round's bare loop):`);
  console.log('  run                   requests/CPU s ÷ bare   requests/wall s ÷ bare   attempts per CPU s   peak RSS');
  for (const [key, row] of rows) {
    console.log(
      `  ${key.padEnd(22)}  ${median(row.perCpu).toFixed(3).padStart(19)}   ${median(row.perWall).toFixed(3).padStart(22)}   ` +
        `${M(median(row.attemptsPerCpu)).padStart(18)}   ${Math.max(...row.rss).toFixed(0)} MB`,
    );
  }
  if (o.baseline) {
    for (const scenario of ['seed', 'fault']) {
      const a = rows.get(`${scenario} (this)`)!;
      const b = rows.get(`${scenario} (baseline)`)!;
      const perRound = a.attemptsPerCpu.map((x, i) => x / b.attemptsPerCpu[i]);
      console.log(`  ${scenario}: attempts per CPU s, this ÷ baseline, median of the rounds' ratios: ${median(perRound).toFixed(2)}×`);
    }
  }
}

main();
