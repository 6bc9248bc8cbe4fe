/** What `failsim run <scenario>` does (its options: run-command.ts): simulate, print, write --out files. */
import { simulateRun } from '../api.ts';
import { parseDurationMs } from '../config/durations.ts';
import { readScenarioFiles } from '../node/files.ts';
import { MissingChartFontError } from '../report/missing-chart-font.ts';
import { formatRunSummary } from './format-run.ts';
import { UserError } from './errors.ts';
import type { CommandContext } from './main.ts';
import { runProgress } from './progress.ts';
import { prepareOutputDir } from './output-dir.ts';
import type { RunOptions } from './run-command.ts';

export async function runAction(ctx: CommandContext, file: string, opts: RunOptions): Promise<void> {
  if (opts.seed !== undefined && !/^\d+$/.test(opts.seed)) {
    throw new UserError(`--seed: expected a non-negative integer (got "${opts.seed}")`);
  }
  if (opts.duration !== undefined && parseDurationMs(opts.duration) === undefined) {
    throw new UserError(`--duration: expected a duration like 30s, 10m, 1h (got "${opts.duration}")`);
  }
  const progress = await runProgress(opts.progress !== false);
  const input = readScenarioFiles(file, {
    sets: opts.set,
    seed: opts.seed === undefined ? undefined : Number(opts.seed),
    duration: opts.duration,
    onProgress: progress.active ? progress.update : undefined,
  });
  if (opts.out !== undefined) prepareOutputDir(opts.out, '--out');
  let output;
  try {
    output = simulateRun({ ...input, limits: opts.force ? 'none' : ctx.limits }, { recordEvents: opts.out !== undefined });
  } finally {
    progress.stop();
  }
  const { summary, result } = output;
  const json = `${JSON.stringify(summary, null, 2)}\n`;
  if (opts.out !== undefined) {
    try {
      // The chart renderers (vega, resvg) load only for --out.
      const { writeRunOutputs } = await import('../report/run-outputs.ts');
      await writeRunOutputs(opts.out, result, summary, json);
    } catch (e) {
      if (e instanceof MissingChartFontError) throw new UserError(e.message);
      throw e;
    }
  }
  ctx.stdout(opts.json ? json : formatRunSummary(summary));
}
