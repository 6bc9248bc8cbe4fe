/**
 * `failsim report <run-or-sweep-dir> -o report.html`: one self-contained interactive HTML file
 * (docs/report.md) from a run directory (`failsim run --out`) or a sweep directory (`failsim sweep`).
 */
import type { Command } from 'commander';
import type { CommandContext } from './main.ts';

export function addReportCommand(program: Command, ctx: CommandContext): void {
  program
    .command('report')
    .summary('write one self-contained interactive HTML report of a run or sweep')
    .description(
      'Write one self-contained interactive HTML report (works offline) of a run directory ' +
        '(failsim run --out: timeline, key numbers, effective config) or a sweep directory ' +
        '(heatmaps, Pareto front, eCDFs, per-point summary).',
    )
    .argument('<dir>', 'run directory (failsim run --out DIR) or sweep directory (failsim sweep --out DIR)')
    .option('-o, --out <file>', 'HTML file to write (default: <dir>/report.html)')
    // The report pages load only when the command runs (src/cli/main.ts: start-up).
    .action(async (dir: string, opts: { out?: string }) => (await import('./report-action.ts')).reportAction(ctx, dir, opts));
}
