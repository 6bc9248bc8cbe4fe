/**
 * The two yardsticks `npm run bench` measures next to the simulator in the same sitting, so that its
 * figures are ratios that mean the same on any machine:
 *
 * - the bare loop: bench/bare-kernel.mjs, a copy (unchanged) of the project's reference
 *   (../shared/bench/bare-kernel.mjs): a typed-array heap, three random draws and a counter per
 *   request, no Envoy logic. It prints its own requests per wall second; we also take the process's
 *   CPU time (bench/process-stats.mjs), which a shared machine disturbs less.
 * - the engine floor: bench/floor.ts, the simulator's own arrivals, latency draws, event queue and
 *   histogram with no Envoy logic.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

export interface ProcessStats {
  /** CPU time of the whole process (user + system, all threads, start-up included). */
  cpuMs: number;
  peakRssMB: number;
  wallMs: number;
  stdout: string;
}

/** Runs `node [nodeArgs] script args` with bench/process-stats.mjs loaded; its exit stats and output. */
export function timedProcess(script: string, args: string[], nodeArgs: string[] = []): ProcessStats {
  const dir = mkdtempSync(join(tmpdir(), 'failsim-bench-'));
  const statsFile = join(dir, 'stats.json');
  try {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [...nodeArgs, '--import', join(here, 'process-stats.mjs'), script, ...args], {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, FAILSIM_BENCH_STATS: statsFile },
    });
    const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) throw new Error(`${script} ${args.join(' ')}: exited with ${r.status ?? r.signal}`);
    const stats = JSON.parse(readFileSync(statsFile, 'utf8')) as { cpuMs: number; peakRssMB: number };
    return { ...stats, wallMs, stdout: r.stdout };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface BareLoopResult {
  requests: number;
  /** What bare-kernel.mjs prints: requests per second of wall time inside its loop. */
  requestsPerSecond: number;
  /** Requests per CPU second of the whole process (start-up included: ≈ 40 ms of ≈ 3 s). */
  requestsPerCpuSecond: number;
  cpuMs: number;
}

export function bareLoop(requests: number): BareLoopResult {
  const p = timedProcess(join(here, 'bare-kernel.mjs'), [String(requests)]);
  const printed = JSON.parse(p.stdout.trim().split('\n').pop()!) as { requests: number; requestsPerSecond: number };
  if (printed.requests !== requests) throw new Error(`bare-kernel.mjs ran ${printed.requests} requests, not ${requests}`);
  return { requests, requestsPerSecond: printed.requestsPerSecond, requestsPerCpuSecond: requests / (p.cpuMs / 1000), cpuMs: p.cpuMs };
}
