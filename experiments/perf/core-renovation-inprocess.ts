/**
 * Issue 12's before/after in-process: the simulation alone (no start-up, no YAML) of this checkout
 * and of a baseline checkout, in alternating rounds with the bare loop, recorded in
 * experiments/perf/core-renovation.md.
 *
 *   npx tsx experiments/perf/core-renovation-inprocess.ts --baseline DIR [--after DIR] [--rounds 3]
 *
 * `--after` is the checkout measured against the baseline (default: this one).
 *
 * Both checkouts have the same child entry, `node bin/bench.mjs --child NAME FILE SETS` (tsx
 * registered, bench/run-bench.ts), which loads the scenario, then times building and running the
 * simulation (and, since issue 12, summarising it: milliseconds) with process.cpuUsage, and prints
 * one JSON line. Both therefore run through tsx in the same way, so neither start-up nor a bundle
 * enters the figure. Each round: the bare loop (bench/bare-kernel.mjs, the project's reference),
 * then per scenario the two checkouts, baseline first in odd rounds and this checkout first in even
 * rounds. The scenario files are this checkout's (bench/scenarios/), given to both.
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bareLoop } from '../../bench/reference-loops.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const BARE_REQUESTS = 20_000_000;

/** The seed benchmark at its full 10.8 M requests (3 min, fault 30 s – 2 min 30 s) and the retry path at 3 M requests (9 M attempts). */
const SCENARIOS = [
  { name: 'seed', file: join(root, 'bench/scenarios/seed-high-rate.yaml'), sets: [] as string[] },
  { name: 'fault', file: join(root, 'bench/scenarios/seed-fault-istio-1.28.yaml'), sets: ['duration=150000ms', 'faults[0].from=0ms', 'faults[0].until=150000ms'] },
];

interface Child {
  requests: number;
  attempts: number;
  cpuMs: number;
  wallMs: number;
  requestsPerCpuSecond: number;
}

function child(checkout: string, s: (typeof SCENARIOS)[number]): Child {
  const r = spawnSync(process.execPath, [join(checkout, 'bin/bench.mjs'), '--child', s.name, s.file, JSON.stringify(s.sets)], {
    encoding: 'utf8',
    cwd: checkout,
    maxBuffer: 1 << 26,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (r.status !== 0) throw new Error(`${checkout} ${s.name}: exited with ${r.status ?? r.signal}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Child;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function main(argv: string[]): void {
  let rounds = 3;
  let baseline: string | undefined;
  let after = root;
  for (let i = 0; i < argv.length; i += 2) {
    if (argv[i] === '--rounds') rounds = Number(argv[i + 1]);
    else if (argv[i] === '--baseline') baseline = resolve(argv[i + 1]);
    else if (argv[i] === '--after') after = resolve(argv[i + 1]);
    else throw new Error(`unknown option ${argv[i]} (--baseline DIR, --after DIR, --rounds R)`);
  }
  if (baseline === undefined) throw new Error('--baseline DIR: required');
  if (!(Number.isInteger(rounds) && rounds >= 1)) throw new Error('--rounds: expected a positive integer');
  console.log(`in-process before/after — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? '?'}`);
  console.log(`this ${after}\nbaseline ${baseline}`);
  const ratios = new Map<string, number[]>();
  const push = (k: string, v: number) => ratios.set(k, [...(ratios.get(k) ?? []), v]);
  for (let round = 1; round <= rounds; round++) {
    const load = loadavg().map((x) => x.toFixed(2)).join(' ');
    const bare = bareLoop(BARE_REQUESTS);
    console.log(`\nround ${round} (load average ${load}): bare loop ${(bare.requestsPerCpuSecond / 1e6).toFixed(3)} M requests per CPU s`);
    for (const s of SCENARIOS) {
      const order: Array<['baseline' | 'this', string]> = [['baseline', baseline], ['this', after]];
      if (round % 2 === 0) order.reverse();
      const perCpu: Record<string, number> = {};
      for (const [label, dir] of order) {
        const c = child(dir, s);
        perCpu[label] = c.requestsPerCpuSecond;
        push(`${s.name} ${label} ÷ bare`, c.requestsPerCpuSecond / bare.requestsPerCpuSecond);
        console.log(
          `  ${s.name} (${label}): ${(c.requests / 1e6).toFixed(2)} M requests, ${(c.attempts / 1e6).toFixed(2)} M attempts, ` +
            `${(c.cpuMs / 1000).toFixed(2)} s CPU, ${(c.wallMs / 1000).toFixed(2)} s wall: ${(c.requestsPerCpuSecond / 1e6).toFixed(3)} M requests per CPU s ` +
            `(${(c.requestsPerCpuSecond / bare.requestsPerCpuSecond).toFixed(3)} of the bare loop)`,
        );
      }
      push(`${s.name} this ÷ baseline`, perCpu.this / perCpu.baseline);
    }
  }
  console.log(`\nmedians over ${rounds} rounds:`);
  for (const [k, v] of ratios) console.log(`  ${k.padEnd(26)} ${median(v).toFixed(3)}   (rounds: ${v.map((x) => x.toFixed(3)).join(', ')})`);
}

main(process.argv.slice(2));
