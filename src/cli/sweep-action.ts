/** What `failsim sweep`, `merge` and `chart` do (their options: sweep-command.ts). */
import { availableParallelism } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { MissingChartFontError } from '../report/missing-chart-font.ts';
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
import type { ChartCliOptions, MergeCliOptions, SweepCliOptions } from './sweep-command.ts';
import { UserError } from './errors.ts';
import type { CommandContext } from './main.ts';
import { sweepProgress } from './progress.ts';
import { prepareOutputDir } from './output-dir.ts';

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

export async function sweepAction(ctx: CommandContext, file: string, opts: SweepCliOptions): Promise<void> {
  const workers = parseWorkers(opts.workers, opts.force === true);
  const shard = parseShard(opts.shard);
  const exp = loadExperiment(file, { force: opts.force === true });
  const outDir = opts.out ?? join('sweeps', slug(exp.name));
  prepareOutputDir(outDir, '--out');
  const progress = await sweepProgress(ctx, opts.progress !== false);
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
}

export async function mergeAction(ctx: CommandContext, dirs: string[], opts: MergeCliOptions): Promise<void> {
  const report = mergeSweeps(dirs, opts.out, () => prepareOutputDir(opts.out, '--out'));
  const files = [...report.files];
  if (opts.charts !== false) {
    const charts = await chartsOrUserError(() => writeSweepCharts(join(opts.out, 'charts'), report.plan, report.rows));
    files.push(...charts.map((f) => join('charts', f)));
  }
  ctx.stdout(`${report.plan.name}: merged ${report.runs} runs from ${dirs.length} director${dirs.length === 1 ? 'y' : 'ies'}\nwrote ${describeFiles(opts.out, files)}\n`);
}

export async function chartAction(ctx: CommandContext, dir: string, opts: ChartCliOptions): Promise<void> {
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
}
