/**
 * `failsim sweep <experiment>`, `failsim merge DIR... --out DIR` and `failsim chart <sweep-dir>`:
 * parameter sweeps over a scenario in a worker pool, shards and their merge, and charts from the
 * results (docs/sweep.md).
 */
import type { Command } from 'commander';
import type { CommandContext } from './main.ts';

export interface SweepCliOptions {
  workers?: string;
  out?: string;
  resume?: boolean;
  shard?: string;
  charts?: boolean;
  progress?: boolean;
  force?: boolean;
}

export interface MergeCliOptions {
  out: string;
  charts?: boolean;
}

export interface ChartCliOptions {
  kind: string;
  metric: string[];
  x?: string;
  y?: string;
  facet?: string;
  color?: string;
  direction: string;
  out?: string;
}

/** sweep, merge and chart; each action loads its code only when the command runs (src/cli/main.ts: start-up). */
export function addSweepCommand(program: Command, ctx: CommandContext): void {
  program
    .command('sweep')
    .summary('run an experiment: every parameter point x replication, in parallel')
    .description(
      'Run every point × replication of an experiment (a scenario, parameters to vary, replications, seed) ' +
        'in a worker pool; write results.csv/.jsonl (one row per run), summary.csv (mean and 95% CI per ' +
        'point) and charts/ (docs/sweep.md).',
    )
    .argument('<experiment>', 'experiment YAML file')
    .option('--workers <n>', 'worker threads (default: available parallelism)')
    .option('--out <dir>', 'output directory (default: sweeps/<experiment name>)')
    .option('--resume', 'continue the sweep in --out: run only what its journal lacks')
    .option('--shard <i/N>', 'run only runs with index mod N = i (0-based, like JOB_COMPLETION_INDEX); combine with failsim merge')
    .option('--no-charts', 'do not draw charts/')
    .option('--no-progress', 'no progress output on stderr')
    .option('--force', 'sweep even past the limits (100 000 runs; each run 1e9 requests + detector ticks, 1 GiB; docs/limits.md)')
    .action(async (file: string, opts: SweepCliOptions) => (await import('./sweep-action.ts')).sweepAction(ctx, file, opts));

  program
    .command('merge')
    .summary('combine the outputs of a sharded sweep')
    .description('Combine the output directories of the shards of one sweep into the files an unsharded sweep writes.')
    .argument('<dirs...>', 'shard output directories')
    .requiredOption('--out <dir>', 'output directory')
    .option('--no-charts', 'do not draw charts/')
    .action(async (dirs: string[], opts: MergeCliOptions) => (await import('./sweep-action.ts')).mergeAction(ctx, dirs, opts));

  program
    .command('chart')
    .summary('draw one chart from a sweep directory')
    .description(
      'Draw one chart from a sweep directory: --kind heatmap (--metric, --x, --y [, --facet]), line (--metric, ' +
        '--x [, --color, --facet]), pareto (--metric A --metric B [--direction min,max]) or ecdf (--metric ' +
        '[, --facet]). Parameters by full address or a unique ending (e.g. interval); metrics as paths into the run JSON.',
    )
    .argument('<sweep-dir>', 'a sweep output directory (sweep.json and results.jsonl)')
    .requiredOption('--kind <kind>', 'heatmap | line | pareto | ecdf')
    .option('--metric <path>', 'metric (twice for pareto)', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--x <param>', 'parameter on the x axis')
    .option('--y <param>', 'parameter on the y axis (heatmap)')
    .option('--facet <param>', 'parameter to facet by')
    .option('--color <param>', 'parameter to colour lines by (line)')
    .option('--direction <d,d>', 'pareto: min or max for each metric', 'min,min')
    .option('--out <file>', 'output path without extension (default: <sweep-dir>/charts/<kind>-<metric>)')
    .action(async (dir: string, opts: ChartCliOptions) => (await import('./sweep-action.ts')).chartAction(ctx, dir, opts));
}
