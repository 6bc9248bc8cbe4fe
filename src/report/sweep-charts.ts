/**
 * Charts from a sweep: a heatmap of a metric's mean over two parameters (faceted by a third), a
 * metric's mean against one parameter with its 95% interval as a band, the Pareto front of two
 * metrics' means, and per-point eCDFs of a metric over replications (detection, mitigation,
 * failback times). Each spec is a pure function of the plan and the run rows; rendering goes through
 * render.ts (deterministic SVG, PNG at 2×).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../config/errors.ts';
import type { SweepPlan } from '../sweep/plan.ts';
import { metricColumn } from '../sweep/experiment.ts';
import { pointLabels, sortRows, type RunRow } from '../sweep/results.ts';
import { summarizeValues, type IntervalSummary } from '../sweep/stats.ts';
import { renderVegaLiteToSvg, svgToPng, type VegaLiteSpec } from './render.ts';

const PNG_SCALE = 2;
/** Four significant digits, thousands separated, no exponent (1,000 not 1e+3; 0.00001486). */
const VALUE_FORMAT = ',.4~r';
/** eCDFs draw one line per point; past this many points the default set leaves them out. */
const MAX_ECDF_POINTS = 16;
/** The default set charts at most this many metrics (one heatmap and one line chart each). */
const MAX_DEFAULT_METRICS = 6;

export type Direction = 'min' | 'max';

export interface MetricRef {
  /** As the user names it (`incidents[0].detectionMs.median`). */
  name: string;
  column: string;
}

/** Short axis title for a parameter: the last two keys of its path (`outlierDetection.interval`). */
export function parameterTitle(address: string): string {
  const path = address.includes(':') ? address.slice(address.indexOf(':') + 1) : address;
  const keys = path.split('.');
  return keys.slice(-2).join('.');
}

/** A parameter by its full address or a unique ending of it (`interval`, `outlierDetection.interval`). */
export function resolveParameter(plan: SweepPlan, name: string): number {
  const exact = plan.parameters.findIndex((p) => p.address === name);
  if (exact >= 0) return exact;
  const matches = plan.parameters.map((p, i) => ({ p, i })).filter(({ p }) => p.address.endsWith(`.${name}`) || p.address.endsWith(`:${name}`));
  if (matches.length === 1) return matches[0].i;
  const all = plan.parameters.map((p) => p.address).join(', ');
  throw new UserError(
    matches.length === 0
      ? `no varied parameter ${JSON.stringify(name)} (parameters: ${all || 'none'})`
      : `${JSON.stringify(name)} matches several parameters: ${matches.map(({ p }) => p.address).join(', ')}`,
  );
}

/** A metric by its path into the run JSON; any column of the results, summarised or not. */
export function resolveMetric(rows: readonly RunRow[], name: string): MetricRef {
  const column = metricColumn(name, 'chart', '--metric');
  if (!rows.some((r) => column in r.metrics)) {
    throw new UserError(`--metric ${name}: no run has this value (column ${column} is not in results.jsonl)`);
  }
  return { name, column };
}

interface PointStats {
  point: number;
  labels: string[];
  stats: IntervalSummary;
  values: (number | null)[];
}

function pointStats(plan: SweepPlan, rows: readonly RunRow[], column: string): PointStats[] {
  const byPoint = new Map<number, (number | null)[]>();
  for (const r of sortRows(rows)) {
    const v = r.metrics[column];
    const list = byPoint.get(r.point) ?? [];
    list.push(typeof v === 'number' ? v : null);
    byPoint.set(r.point, list);
  }
  return [...byPoint.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([point, values]) => ({ point, labels: pointLabels(plan, point), stats: summarizeValues(values), values }));
}

function labelsOf(plan: SweepPlan, p: number): string[] {
  return plan.parameters[p].values.map((v) => v.label);
}

/** Quantitative axis when every value of the parameter is a number, else ordered as written. */
function numericParameter(plan: SweepPlan, p: number): boolean {
  return plan.parameters[p].values.every((v) => typeof v.value === 'number');
}

function otherParametersNote(plan: SweepPlan, used: number[]): string | undefined {
  const rest = plan.parameters.map((_, i) => i).filter((i) => !used.includes(i) && plan.parameters[i].values.length > 1);
  return rest.length ? `mean over ${rest.map((i) => parameterTitle(plan.parameters[i].address)).join(', ')}` : undefined;
}

/** "3 of 18 points have no value (not drawn)" when some point's runs never had the metric. */
function missingNote(plan: SweepPlan, rows: readonly RunRow[], column: string): string | undefined {
  const stats = pointStats(plan, rows, column);
  const missing = stats.filter((s) => s.stats.mean === null).length;
  return missing ? `${missing} of ${stats.length} points have no value in any run (not drawn)` : undefined;
}

function subtitle(parts: (string | undefined)[]): string[] {
  return parts.filter((p): p is string => p !== undefined && p !== '');
}

export interface HeatmapOptions {
  metric: MetricRef;
  x: number;
  y: number;
  facet?: number;
}

export function heatmapSpec(plan: SweepPlan, rows: readonly RunRow[], o: HeatmapOptions): VegaLiteSpec {
  const used = [o.x, o.y, ...(o.facet === undefined ? [] : [o.facet])];
  const data = pointStats(plan, rows, o.metric.column)
    .filter((s) => s.stats.mean !== null)
    .map((s) => ({ x: s.labels[o.x], y: s.labels[o.y], f: o.facet === undefined ? '' : s.labels[o.facet], mean: s.stats.mean }));
  const xTitle = parameterTitle(plan.parameters[o.x].address);
  const yTitle = parameterTitle(plan.parameters[o.y].address);
  // Cells wide enough that the x-axis title of one facet does not run into the next one's.
  const nx = plan.parameters[o.x].values.length;
  const inner = {
    width: { step: Math.max(72, Math.ceil((xTitle.length * 8 + 40) / nx)) },
    height: { step: 40 },
    encoding: {
      x: { field: 'x', type: 'ordinal', sort: labelsOf(plan, o.x), title: xTitle, axis: { labelAngle: 0 } },
      y: { field: 'y', type: 'ordinal', sort: labelsOf(plan, o.y), title: yTitle },
    },
    layer: [
      {
        mark: { type: 'rect' },
        encoding: {
          color: { aggregate: 'mean', field: 'mean', type: 'quantitative', title: 'mean', scale: { scheme: 'yelloworangered' }, legend: { format: VALUE_FORMAT } },
        },
      },
      {
        mark: { type: 'text', fontSize: 11 },
        encoding: { text: { aggregate: 'mean', field: 'mean', type: 'quantitative', format: VALUE_FORMAT }, color: { value: 'black' } },
      },
    ],
  };
  const title = {
    text: `${o.metric.name}: mean over ${plan.replications} replication${plan.replications === 1 ? '' : 's'}`,
    subtitle: subtitle([plan.name, otherParametersNote(plan, used), missingNote(plan, rows, o.metric.column)]),
  };
  return topLevelSpec(plan, title, data, inner, o.facet, { columns: 3, resolve: { scale: { color: 'shared' } } });
}

export interface LineOptions {
  metric: MetricRef;
  x: number;
  color?: number;
  facet?: number;
}

export function lineSpec(plan: SweepPlan, rows: readonly RunRow[], o: LineOptions): VegaLiteSpec {
  const used = [o.x, ...(o.color === undefined ? [] : [o.color]), ...(o.facet === undefined ? [] : [o.facet])];
  const numeric = numericParameter(plan, o.x);
  // Points differing only in unused parameters are pooled: their runs' values summarised together.
  const groups = new Map<string, { x: string | number; c: string; f: string; values: (number | null)[] }>();
  for (const s of pointStats(plan, rows, o.metric.column)) {
    const vi = plan.parameters[o.x].values.findIndex((v) => v.label === s.labels[o.x]);
    const x = numeric ? (plan.parameters[o.x].values[vi].value as number) : s.labels[o.x];
    const c = o.color === undefined ? '' : s.labels[o.color];
    const f = o.facet === undefined ? '' : s.labels[o.facet];
    const key = JSON.stringify([x, c, f]);
    const g = groups.get(key) ?? { x, c, f, values: [] };
    g.values.push(...s.values);
    groups.set(key, g);
  }
  const data = [...groups.values()].flatMap((g) => {
    const st = summarizeValues(g.values);
    return st.mean === null ? [] : [{ x: g.x, c: g.c, f: g.f, mean: st.mean, low: st.low ?? st.mean, high: st.high ?? st.mean }];
  });
  const xEnc = numeric
    ? {
        field: 'x',
        type: 'quantitative',
        title: parameterTitle(plan.parameters[o.x].address),
        scale: { zero: false },
        // Ticks at the swept values only (no 1.5 for an integer count).
        axis: { values: plan.parameters[o.x].values.map((v) => v.value as number), format: '~g' },
      }
    : { field: 'x', type: 'ordinal', sort: labelsOf(plan, o.x), title: parameterTitle(plan.parameters[o.x].address), axis: { labelAngle: 0 }, scale: { type: 'point', padding: 0.5 } };
  const colorEnc =
    o.color === undefined
      ? { value: '#1f77b4' }
      : { field: 'c', type: 'ordinal', sort: labelsOf(plan, o.color), title: parameterTitle(plan.parameters[o.color].address), scale: { scheme: 'tableau10' }, legend: { titleLimit: 400 } };
  const inner = {
    width: 360,
    height: 220,
    encoding: { x: xEnc, color: colorEnc },
    layer: [
      { mark: { type: 'area', opacity: 0.2 }, encoding: { y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' } } },
      { mark: { type: 'line', point: true }, encoding: { y: { field: 'mean', type: 'quantitative', title: `${o.metric.name} (mean, 95% CI band)` } } },
    ],
  };
  const title = {
    text: `${o.metric.name} against ${parameterTitle(plan.parameters[o.x].address)}`,
    subtitle: subtitle([
      `${plan.name}; ${plan.replications} replication${plan.replications === 1 ? '' : 's'} per point; equal lines overlap`,
      otherParametersNote(plan, used),
      missingNote(plan, rows, o.metric.column),
    ]),
  };
  return topLevelSpec(plan, title, data, inner, o.facet, { columns: 2 });
}

export interface ParetoOptions {
  a: MetricRef;
  b: MetricRef;
  directionA: Direction;
  directionB: Direction;
}

/** Indexes of the points no other point beats in both metrics (ties are not domination). */
export function paretoFront(points: readonly { a: number; b: number }[], da: Direction, db: Direction): Set<number> {
  const better = (x: number, y: number, d: Direction) => (d === 'min' ? x < y : x > y);
  const atLeast = (x: number, y: number, d: Direction) => (d === 'min' ? x <= y : x >= y);
  const front = new Set<number>();
  points.forEach((p, i) => {
    const dominated = points.some(
      (q, j) => j !== i && atLeast(q.a, p.a, da) && atLeast(q.b, p.b, db) && (better(q.a, p.a, da) || better(q.b, p.b, db)),
    );
    if (!dominated) front.add(i);
  });
  return front;
}

export function paretoSpec(plan: SweepPlan, rows: readonly RunRow[], o: ParetoOptions): VegaLiteSpec {
  const sa = pointStats(plan, rows, o.a.column);
  const sb = pointStats(plan, rows, o.b.column);
  const pts = sa.flatMap((s, i) => {
    const a = s.stats.mean;
    const b = sb[i].stats.mean;
    return a === null || b === null ? [] : [{ a, b, label: s.labels.join(', '), point: s.point }];
  });
  const front = paretoFront(pts, o.directionA, o.directionB);
  // Points with the same means share one mark and one label (common random numbers make ties common).
  const merged = new Map<string, { a: number; b: number; labels: string[]; front: string }>();
  pts.forEach((p, i) => {
    const key = JSON.stringify([p.a, p.b]);
    const prev = merged.get(key);
    if (prev) prev.labels.push(p.label);
    else merged.set(key, { a: p.a, b: p.b, labels: [p.label], front: front.has(i) ? 'Pareto front' : 'dominated' });
  });
  const data = [...merged.values()].map(({ labels, ...rest }) => ({
    ...rest,
    label: labels.length <= 2 ? labels.join(' | ') : `${labels.slice(0, 2).join(' | ')} (+${labels.length - 2} more)`,
  }));
  const dirText = (d: Direction) => (d === 'min' ? 'lower is better' : 'higher is better');
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `Pareto front: ${o.a.name} vs ${o.b.name}`,
      subtitle: [`${plan.name}; point means; ${o.a.name} ${dirText(o.directionA)}, ${o.b.name} ${dirText(o.directionB)}`, `labels: ${plan.parameters.map((p) => parameterTitle(p.address)).join(', ')}`],
    },
    data: { values: data },
    width: 480,
    height: 320,
    encoding: {
      x: { field: 'a', type: 'quantitative', title: `${o.a.name} (mean)`, scale: { zero: false, nice: true }, axis: { format: VALUE_FORMAT, tickCount: 5, labelOverlap: 'greedy' } },
      y: { field: 'b', type: 'quantitative', title: `${o.b.name} (mean)`, scale: { zero: false, nice: true }, axis: { format: VALUE_FORMAT, tickCount: 5, labelOverlap: 'greedy' } },
    },
    layer: [
      { transform: [{ filter: "datum.front === 'Pareto front'" }], mark: { type: 'line', color: '#d62728', strokeDash: [4, 3] }, encoding: { order: { field: 'a', type: 'quantitative' } } },
      {
        mark: { type: 'point', filled: true, size: 70 },
        encoding: {
          color: {
            field: 'front',
            type: 'nominal',
            scale: { domain: ['Pareto front', 'dominated'], range: ['#d62728', '#9e9e9e'] },
            title: null,
            legend: { orient: 'bottom' },
          },
        },
      },
      { transform: [{ filter: "datum.front === 'Pareto front'" }], mark: { type: 'text', align: 'left', dx: 7, dy: -7, fontSize: 11, limit: 320 }, encoding: { text: { field: 'label' } } },
    ],
  } as VegaLiteSpec;
}

export interface EcdfOptions {
  metric: MetricRef;
  /** One panel per value of this parameter; the lines in a panel are the other parameters' values. */
  facet?: number;
}

/** Per point: the fraction of its runs whose value is ≤ t (runs with no value keep the curve below 1). */
export function ecdfSpec(plan: SweepPlan, rows: readonly RunRow[], o: EcdfOptions): VegaLiteSpec {
  const stats = pointStats(plan, rows, o.metric.column);
  const data: { series: string; f: string; v: number; p: number; k: number }[] = [];
  const order: string[] = [];
  const seriesParams = plan.parameters.map((_, i) => i).filter((i) => i !== o.facet);
  for (const s of stats) {
    const series = seriesParams.map((i) => s.labels[i]).join(', ') || 'all runs';
    const f = o.facet === undefined ? '' : s.labels[o.facet];
    if (!order.includes(series)) order.push(series);
    const xs = s.values.filter((v): v is number => v !== null).sort((a, b) => a - b);
    // The curve rises from 0 at the smallest value; k orders the steps (ties in v included).
    if (xs.length > 0) data.push({ series, f, v: xs[0], p: 0, k: 0 });
    xs.forEach((v, i) => data.push({ series, f, v, p: (i + 1) / s.values.length, k: i + 1 }));
  }
  const inner = {
    width: o.facet === undefined ? 480 : 300,
    height: o.facet === undefined ? 280 : 200,
    mark: { type: 'line', interpolate: 'step-after', point: { size: 18 } },
    encoding: {
      x: { field: 'v', type: 'quantitative', title: o.metric.name, scale: { zero: false } },
      y: { field: 'p', type: 'quantitative', title: 'fraction of runs ≤ value', scale: { domain: [0, 1] } },
      color: { field: 'series', type: 'nominal', sort: order, title: 'point', scale: { scheme: 'tableau20' }, legend: { labelLimit: 360 } },
      order: { field: 'k', type: 'quantitative' },
    },
  };
  const title = {
    text: `eCDF of ${o.metric.name} per point`,
    subtitle: [
      `${plan.name}; ${plan.replications} replication${plan.replications === 1 ? '' : 's'} per point; runs without a value keep a curve below 1; equal curves overlap`,
      `lines: ${seriesParams.map((i) => parameterTitle(plan.parameters[i].address)).join(', ') || 'all runs'}`,
    ],
  };
  return topLevelSpec(plan, title, data, inner, o.facet, { columns: 2 });
}

/**
 * The top level of a sweep chart: the inner (one-panel) spec with its data and title, or, with a
 * facet parameter, one panel per value of it (rows carry the facet label in field `f`).
 */
function topLevelSpec(
  plan: SweepPlan,
  title: unknown,
  data: unknown[],
  inner: Record<string, unknown>,
  facet: number | undefined,
  layout: { columns: number; resolve?: unknown },
): VegaLiteSpec {
  const schema = 'https://vega.github.io/schema/vega-lite/v6.json';
  if (facet === undefined) return { $schema: schema, title, data: { values: data }, ...inner } as unknown as VegaLiteSpec;
  return {
    $schema: schema,
    title,
    data: { values: data },
    facet: { field: 'f', type: 'ordinal', sort: labelsOf(plan, facet), title: parameterTitle(plan.parameters[facet].address) },
    columns: layout.columns,
    spec: inner,
    ...(layout.resolve === undefined ? {} : { resolve: layout.resolve }),
  } as unknown as VegaLiteSpec;
}

/** Renders a spec to `<base>.svg` and `<base>.png` in `dir`; returns the file names. */
export async function writeChart(dir: string, base: string, spec: VegaLiteSpec): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const svg = await renderVegaLiteToSvg(spec);
  writeFileSync(join(dir, `${base}.svg`), svg);
  writeFileSync(join(dir, `${base}.png`), svgToPng(svg, { scale: PNG_SCALE }));
  return [`${base}.svg`, `${base}.png`];
}

export function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

const TIME_METRIC = /(detectionMs\.(median|max)|mitigationMs|failbackMs)$/;

/**
 * The default charts of a sweep, written to `dir`: per summarised metric (up to six) a heatmap over
 * the first two varied parameters (faceted by the third) and a line against the first (coloured by
 * the second, faceted by the third); the Pareto front of the first two metrics (both minimised); an
 * eCDF per detection/mitigation/failback metric when there are at most 16 points.
 */
/**
 * The default chart choice of a sweep, shared by charts/ and the HTML report: the varied
 * parameters, the summarised metrics that have values (at most MAX_DEFAULT_METRICS), and how eCDFs
 * are faceted — one panel when the points are few; else one panel per value of the last varied
 * parameter, if that brings the lines per panel down to MAX_ECDF_POINTS; -1 when neither works
 * (no eCDFs).
 */
export function defaultChartChoice(plan: SweepPlan, rows: readonly RunRow[]): {
  varied: number[];
  metrics: MetricRef[];
  ecdfFacet: number | undefined;
  timeMetrics: MetricRef[];
} {
  const varied = plan.parameters.map((p, i) => ({ p, i })).filter(({ p }) => p.values.length > 1).map(({ i }) => i);
  const present = plan.metrics.filter((m) => rows.some((r) => typeof r.metrics[m.column] === 'number'));
  const metrics = present.slice(0, MAX_DEFAULT_METRICS).map((m) => ({ name: m.written, column: m.column }));
  const last = varied[varied.length - 1];
  const ecdfFacet =
    plan.points <= MAX_ECDF_POINTS ? undefined : last !== undefined && plan.points / plan.parameters[last].values.length <= MAX_ECDF_POINTS ? last : -1;
  return { varied, metrics, ecdfFacet, timeMetrics: metrics.filter((x) => TIME_METRIC.test(x.column)) };
}

export async function writeSweepCharts(dir: string, plan: SweepPlan, rows: readonly RunRow[]): Promise<string[]> {
  const { varied, metrics, ecdfFacet, timeMetrics } = defaultChartChoice(plan, rows);
  const files: string[] = [];
  for (const m of metrics) {
    if (varied.length >= 2) {
      files.push(...(await writeChart(dir, `heatmap-${slug(m.name)}`, heatmapSpec(plan, rows, { metric: m, x: varied[0], y: varied[1], facet: varied[2] }))));
    }
    if (varied.length >= 1) {
      files.push(...(await writeChart(dir, `line-${slug(m.name)}`, lineSpec(plan, rows, { metric: m, x: varied[0], color: varied[1], facet: varied[2] }))));
    }
  }
  if (metrics.length >= 2 && plan.points > 1) {
    const [a, b] = metrics;
    files.push(...(await writeChart(dir, `pareto-${slug(a.name)}-vs-${slug(b.name)}`, paretoSpec(plan, rows, { a, b, directionA: 'min', directionB: 'min' }))));
  }
  if (ecdfFacet !== -1) {
    for (const m of timeMetrics) {
      files.push(...(await writeChart(dir, `ecdf-${slug(m.name)}`, ecdfSpec(plan, rows, { metric: m, facet: ecdfFacet }))));
    }
  }
  return files;
}
