/**
 * The HTML report of a sweep directory (`failsim sweep --out DIR` or `failsim merge`): the sweep's
 * heatmaps, Pareto front and eCDFs — the same specs as charts/ (src/report/sweep-charts.ts) — with
 * tooltips and a details panel, the per-point summary table (mean and 95% interval) and the plan.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../config/errors.ts';
import type { SweepPlan } from '../sweep/plan.ts';
import { readRows } from '../sweep/journal.ts';
import { summarizePoints, type RunRow } from '../sweep/results.ts';
import type { ReportChart, ReportPage, ReportSection } from './html.ts';
import type { VegaLiteSpec } from './render.ts';
import { defaultChartChoice, ecdfSpec, heatmapSpec, parameterTitle, paretoSpec, slug } from './sweep-charts.ts';

export function isSweepDir(dir: string): boolean {
  return existsSync(join(dir, 'sweep.json'));
}

export interface SweepReportData {
  plan: SweepPlan;
  rows: RunRow[];
}

export function readSweepDir(dir: string): SweepReportData {
  const planPath = join(dir, 'sweep.json');
  let plan: SweepPlan;
  try {
    plan = JSON.parse(readFileSync(planPath, 'utf8')) as SweepPlan;
  } catch (e) {
    throw new UserError(`${planPath}: not a sweep plan (${(e as Error).message})`);
  }
  if (!Array.isArray(plan.parameters) || !Array.isArray(plan.metrics)) throw new UserError(`${planPath}: not a sweep plan`);
  const results = join(dir, 'results.jsonl');
  const rows = existsSync(results) ? readRows(results) : readRows(join(dir, 'runs.partial.jsonl'));
  if (rows.length === 0) throw new UserError(`${dir}: the sweep has no finished runs (no results.jsonl or journal rows)`);
  return { plan, rows };
}

/** Adds tooltips (every field of the mark's data row) to a sweep chart spec. */
function withTooltips(spec: VegaLiteSpec): VegaLiteSpec {
  const s = spec as unknown as { config?: Record<string, unknown> };
  return { ...s, config: { ...(s.config ?? {}), mark: { tooltip: { content: 'data' } } } } as unknown as VegaLiteSpec;
}

/** The default chart choice of a sweep (heatmaps, Pareto front, eCDFs), as in writeSweepCharts. */
export function sweepReportCharts(plan: SweepPlan, rows: readonly RunRow[]): ReportChart[] {
  const { varied, metrics, ecdfFacet, timeMetrics } = defaultChartChoice(plan, rows);
  const charts: ReportChart[] = [];
  if (varied.length >= 2) {
    for (const m of metrics) {
      charts.push({
        id: `heatmap-${slug(m.name)}`,
        heading: `Heatmap: ${m.name}`,
        note: `Mean of ${m.name} per point over ${parameterTitle(plan.parameters[varied[0]].address)} and ${parameterTitle(plan.parameters[varied[1]].address)}; blank cells: no run had a value. Click a cell for its numbers.`,
        spec: withTooltips(heatmapSpec(plan, rows, { metric: m, x: varied[0], y: varied[1], facet: varied[2] })),
      });
    }
  }
  if (metrics.length >= 2 && plan.points > 1) {
    const [a, b] = metrics;
    charts.push({
      id: `pareto-${slug(a.name)}-vs-${slug(b.name)}`,
      heading: `Pareto front: ${a.name} vs ${b.name}`,
      note: 'Point means, both minimised; red points are not beaten on both metrics by any other point. Click a point for its parameters and means.',
      spec: withTooltips(paretoSpec(plan, rows, { a, b, directionA: 'min', directionB: 'min' })),
    });
  }
  if (ecdfFacet !== -1) {
    for (const m of timeMetrics) {
      charts.push({
        id: `ecdf-${slug(m.name)}`,
        heading: `eCDF: ${m.name}`,
        note: 'Per point, the fraction of its replications whose value is at most x; a curve that stops below 1 had runs where it never happened.',
        spec: withTooltips(ecdfSpec(plan, rows, { metric: m, facet: ecdfFacet })),
      });
    }
  }
  return charts;
}

function summaryTable(plan: SweepPlan, rows: readonly RunRow[]): ReportSection {
  const summaries = summarizePoints(plan, rows);
  const columns = ['point', ...plan.parameters.map((p) => parameterTitle(p.address)), 'runs'];
  for (const m of plan.metrics) columns.push(`${m.written} mean`, `${m.written} 95% CI`, `${m.written} nulls`);
  const fmt = (v: number | null): string => (v === null ? '—' : String(Number(v.toPrecision(4))));
  return {
    heading: 'Per point: mean and 95% interval over replications',
    kind: 'table',
    note: 'As summary.csv (docs/sweep.md); nulls = replications where the metric never happened.',
    columns,
    rows: summaries.map((s) => {
      const cells: (string | number | null)[] = [s.point, ...s.labels, s.runs];
      for (const m of plan.metrics) {
        const v = s.metrics[m.column];
        cells.push(v.mean, v.low === null || v.high === null ? null : `${fmt(v.low)} … ${fmt(v.high)}`, v.nulls);
      }
      return cells;
    }),
  };
}

export function sweepReportPage(dir: string): ReportPage {
  const { plan, rows } = readSweepDir(dir);
  const complete = rows.length === plan.runs;
  return {
    title: `failsim sweep: ${plan.name}`,
    subtitle: `${plan.points} points × ${plan.replications} replications (seeds ${plan.seed}…${plan.seed + plan.replications - 1}); scenario ${plan.scenario}${complete ? '' : `; only ${rows.length} of ${plan.runs} runs finished`}`,
    before: [
      {
        heading: 'Parameters varied',
        kind: 'table',
        columns: ['parameter', 'values'],
        rows: plan.parameters.map((p) => [p.address, p.values.map((v) => v.label).join(', ')]),
      },
    ],
    charts: sweepReportCharts(plan, rows),
    after: [summaryTable(plan, rows), { heading: 'Sweep plan (sweep.json)', kind: 'json', value: plan }],
  };
}
