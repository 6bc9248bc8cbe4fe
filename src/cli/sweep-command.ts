/**
 * `failsim sweep <experiment>`, `failsim merge DIR... --out DIR` and `failsim chart <sweep-dir>`:
 * parameter sweeps over a scenario in a worker pool, shards and their merge, and charts from the
 * results (docs/sweep.md).
 */
import { availableParallelism } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { MissingChartFontError } from '../report/chart-font.ts';
import {
  ecdfSpec,
  heatmapSpec,
  lineSpec,
  paretoSpec,
  resolveMetric,
  resolveParameter,
  slug,
  writeChart,
  writeSweepCharts,
  type Direction,
} from '../report/sweep-charts.ts';
import type { VegaLiteSpec } from '../report/render.ts';
import { loadExperiment } from '../sweep/experiment.ts';
import { JOURNAL_FILE, readRows } from '../sweep/journal.ts';
import { mergeSweeps } from '../sweep/merge.ts';
import type { Shard } from '../sweep/plan.ts';
import { PLAN_FILE, readPlan, runSweep } from '../sweep/sweep.ts';
import { UserError } from './errors.ts';
import type { CommandContext } from './main.ts';
import { sweepProgress } from './progress.ts';
import { prepareOutputDir } from './output-dir.ts';

interface SweepCliOptions {
  workers?: string;
  out?: string;
  resume?: boolean;
  shard?: string;
  charts?: boolean;
  progress?: boolean;
  force?: boolean;
}

/** Workers per CPU beyond which a sweep is refused without --force (each worker is a thread with its own heap). */
const MAX_WORKERS_PER_CPU = 4;

function parseWorkers(text: string | undefined, force: boolean): number {
  if (text === undefined) return availableParallelism();
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new UserError(`--workers: expected a positive integer (got "${text}")`);
  const workers = Number(text);
  const cpus = availableParallelism();
  if (workers > MAX_WORKERS_PER_CPU * cpus && !force) {
    throw new UserError(
      `--workers ${text}: more than ${MAX_WORKERS_PER_CPU} per CPU (this machine has ${cpus}); each worker is a thread with its own ` +
        'memory and more workers than CPUs do not run faster: pass --force to use that many (docs/limits.md)',
    );
  }
  return workers;
}

export function parseShard(text: string | undefined): Shard | undefined {
  if (text === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(text);
  if (!m) throw new UserError(`--shard: expected i/N, e.g. 0/4 (got "${text}")`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index >= count) throw new UserError(`--shard ${text}: need 0 <= i < N`);
  return { index, count };
}

function describeFiles(dir: string, files: readonly string[]): string {
  const tables = files.filter((f) => !f.startsWith('charts'));
  const charts = files.length - tables.length;
  return `${dir}/: ${tables.join(', ')}${charts ? `, charts/ (${charts} files)` : ''}`;
}

async function chartsOrUserError<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof MissingChartFontError) throw new UserError(e.message);
    throw e;
  }
}

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
    .action(async (file: string, opts: SweepCliOptions) => {
      const workers = parseWorkers(opts.workers, opts.force === true);
      const shard = parseShard(opts.shard);
      const exp = loadExperiment(file, { force: opts.force === true });
      const outDir = opts.out ?? join('sweeps', slug(exp.name));
      prepareOutputDir(outDir, '--out');
      const progress = sweepProgress(ctx, opts.progress !== false);
      let report;
      try {
        report = await runSweep(exp, { outDir, workers, resume: opts.resume === true, shard, onProgress: progress.update });
      } finally {
        progress.stop();
      }
      const files = [...report.files];
      if (shard === undefined && opts.charts !== false) {
        const charts = await chartsOrUserError(() => writeSweepCharts(join(outDir, 'charts'), report.plan, report.rows));
        files.push(...charts.map((f) => join('charts', f)));
      }
      ctx.stdout(
        `${report.plan.name}: ${report.plan.points} points × ${report.plan.replications} replications = ${report.plan.runs} runs` +
          `${shard ? `; shard ${shard.index}/${shard.count} owns ${report.owned}` : ''}; ran ${report.ran}` +
          `${report.resumed ? `, ${report.resumed} from the journal` : ''}\n` +
          `wrote ${describeFiles(outDir, files)}\n`,
      );
    });

  program
    .command('merge')
    .summary('combine the outputs of a sharded sweep')
    .description('Combine the output directories of the shards of one sweep into the files an unsharded sweep writes.')
    .argument('<dirs...>', 'shard output directories')
    .requiredOption('--out <dir>', 'output directory')
    .option('--no-charts', 'do not draw charts/')
    .action(async (dirs: string[], opts: { out: string; charts?: boolean }) => {
      const report = mergeSweeps(dirs, opts.out, () => prepareOutputDir(opts.out, '--out'));
      const files = [...report.files];
      if (opts.charts !== false) {
        const charts = await chartsOrUserError(() => writeSweepCharts(join(opts.out, 'charts'), report.plan, report.rows));
        files.push(...charts.map((f) => join('charts', f)));
      }
      ctx.stdout(`${report.plan.name}: merged ${report.runs} runs from ${dirs.length} director${dirs.length === 1 ? 'y' : 'ies'}\nwrote ${describeFiles(opts.out, files)}\n`);
    });

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
    .action(
      async (
        dir: string,
        opts: { kind: string; metric: string[]; x?: string; y?: string; facet?: string; color?: string; direction: string; out?: string },
      ) => {
        const plan = readPlan(dir);
        if (plan === undefined) throw new UserError(`${dir}: no ${PLAN_FILE}: not a sweep output directory`);
        const results = join(dir, 'results.jsonl');
        const rows = readRows(existsSync(results) ? results : join(dir, JOURNAL_FILE));
        if (rows.length === 0) throw new UserError(`${dir}: no finished runs`);
        const need = (v: string | undefined, flag: string): string => {
          if (v === undefined) throw new UserError(`chart --kind ${opts.kind}: ${flag} is required`);
          return v;
        };
        const param = (v: string | undefined, flag: string) => {
          try {
            return resolveParameter(plan, need(v, flag));
          } catch (e) {
            throw e instanceof UserError ? new UserError(`${flag}: ${e.message}`) : e;
          }
        };
        const optParam = (v: string | undefined, flag: string) => (v === undefined ? undefined : param(v, flag));
        if (opts.metric.length === 0) throw new UserError('chart: --metric is required');
        const metric = resolveMetric(rows, opts.metric[0]);
        let spec: VegaLiteSpec;
        let name: string;
        switch (opts.kind) {
          case 'heatmap':
            spec = heatmapSpec(plan, rows, { metric, x: param(opts.x, '--x'), y: param(opts.y, '--y'), facet: optParam(opts.facet, '--facet') });
            name = `heatmap-${slug(metric.name)}`;
            break;
          case 'line':
            spec = lineSpec(plan, rows, { metric, x: param(opts.x, '--x'), color: optParam(opts.color, '--color'), facet: optParam(opts.facet, '--facet') });
            name = `line-${slug(metric.name)}`;
            break;
          case 'pareto': {
            if (opts.metric.length !== 2) throw new UserError('chart --kind pareto: give --metric twice (x, then y)');
            const b = resolveMetric(rows, opts.metric[1]);
            const dirs = opts.direction.split(',');
            if (dirs.length !== 2 || !dirs.every((d) => d === 'min' || d === 'max')) {
              throw new UserError(`--direction: expected two of min/max, e.g. min,max (got "${opts.direction}")`);
            }
            spec = paretoSpec(plan, rows, { a: metric, b, directionA: dirs[0] as Direction, directionB: dirs[1] as Direction });
            name = `pareto-${slug(metric.name)}-vs-${slug(b.name)}`;
            break;
          }
          case 'ecdf':
            spec = ecdfSpec(plan, rows, { metric, facet: optParam(opts.facet, '--facet') });
            name = `ecdf-${slug(metric.name)}`;
            break;
          default:
            throw new UserError(`--kind: expected heatmap, line, pareto or ecdf (got "${opts.kind}")`);
        }
        const out = opts.out !== undefined ? resolve(opts.out) : join(dir, 'charts', name);
        const base = out.replace(/\.(svg|png)$/, '');
        const written = await chartsOrUserError(() => writeChart(dirname(base), basename(base), spec));
        ctx.stdout(`wrote ${written.map((f) => join(dirname(base), f)).join(', ')}\n`);
      },
    );
}
