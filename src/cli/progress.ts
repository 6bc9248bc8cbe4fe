/**
 * Progress on stderr for long work: a bar with rate and ETA on a terminal (cli-progress), plain
 * lines elsewhere (logs, CI, Kubernetes) for sweeps, nothing for single runs off a terminal.
 * The bar writes to process.stderr directly (it needs cursor control); everything else goes through
 * the command context like all output.
 */
import type { SingleBar } from 'cli-progress';
import type { CommandContext } from './main.ts';

/** A single run shows its bar only once it has taken this long (short runs stay quiet). */
export const RUN_PROGRESS_AFTER_MS = 1000;

export interface ProgressReporter {
  update: (done: number, total: number) => void;
  stop: () => void;
  /** False when nothing will ever be shown (callers can skip producing updates). */
  active: boolean;
}

const SILENT: ProgressReporter = { update: () => undefined, stop: () => undefined, active: false };

export function formatSeconds(s: number): string {
  const t = Math.round(s);
  if (t < 60) return `${t}s`;
  if (t < 3600) return `${Math.floor(t / 60)}m${String(t % 60).padStart(2, '0')}s`;
  return `${Math.floor(t / 3600)}h${String(Math.floor((t % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * A cli-progress bar on stderr, started on the first update, `format` naming `{value}`/`{total}`.
 * cli-progress is loaded here, on a terminal only (start-up: src/cli/main.ts).
 */
async function terminalBar(format: string, showAfterMs: number, scale: (n: number) => number): Promise<ProgressReporter> {
  const { SingleBar } = await import('cli-progress');
  const createdAt = performance.now();
  let bar: SingleBar | undefined;
  let startedAt = 0;
  let startDone = 0;
  return {
    update: (done, total) => {
      if (bar === undefined) {
        if (performance.now() - createdAt < showAfterMs) return;
        bar = new SingleBar({ format, stream: process.stderr, hideCursor: true, etaBuffer: 50 });
        bar.start(scale(total), scale(done), { rate: '0.0', etaText: '…' });
        startedAt = performance.now();
        startDone = done;
      }
      const s = (performance.now() - startedAt) / 1000;
      const rate = s > 0 ? (done - startDone) / s : 0;
      bar.update(scale(done), { rate: rate.toFixed(1), etaText: rate > 0 ? formatSeconds((total - done) / rate) : '…' });
    },
    stop: () => bar?.stop(),
    active: true,
  };
}

/** Sweep (or check/tune: `label`) progress: a bar on a terminal; elsewhere one line per 10 % of the runs. */
export async function sweepProgress(ctx: CommandContext, enabled: boolean, label = 'sweep'): Promise<ProgressReporter> {
  if (!enabled) return SILENT;
  if (process.stderr.isTTY === true) return terminalBar(`${label} [{bar}] {value}/{total} runs | {rate} runs/s | ETA {etaText}`, 0, (n) => n);
  let startedAt = performance.now();
  let startDone = 0;
  let nextTenth = -1;
  return {
    update: (done, total) => {
      if (nextTenth < 0) {
        startedAt = performance.now();
        startDone = done;
        nextTenth = Math.floor((done / Math.max(1, total)) * 10) + 1;
        ctx.stderr(`${label}: ${total} runs${done ? `, ${done} already done` : ''}\n`);
        return;
      }
      const tenth = Math.floor((done / Math.max(1, total)) * 10);
      if (tenth < nextTenth && done !== total) return;
      nextTenth = tenth + 1;
      const s = (performance.now() - startedAt) / 1000;
      const rate = (done - startDone) / Math.max(s, 1e-9);
      const eta = rate > 0 ? (total - done) / rate : 0;
      ctx.stderr(`${label}: ${done}/${total} runs (${Math.floor((done / total) * 100)}%), ${rate.toFixed(1)} runs/s, ETA ${formatSeconds(eta)}\n`);
    },
    stop: () => undefined,
    active: true,
  };
}

/**
 * Single-run progress in simulated seconds: a bar on a terminal once the run has taken
 * RUN_PROGRESS_AFTER_MS of wall time; nothing off a terminal (the run's output is the log).
 */
export async function runProgress(enabled: boolean): Promise<ProgressReporter> {
  if (!enabled || process.stderr.isTTY !== true) return SILENT;
  return terminalBar('run [{bar}] {percentage}% of the simulated time | ETA {etaText}', RUN_PROGRESS_AFTER_MS, (ms) => ms);
}
