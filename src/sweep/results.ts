/**
 * The sweep's output tables, as pure functions of the plan and the finished runs (so any worker
 * count, resume or shard-and-merge gives the same bytes): results.jsonl and results.csv (one row per
 * run, ordered by point then replication) and summary.csv (one row per point: mean, 95% interval,
 * n and nulls of each summarised metric).
 */
import type { FlatRecord, FlatValue } from './flatten.ts';
import { pointValueIndexes, type SweepPlan } from './plan.ts';
import { summarizeValues, type IntervalSummary } from './stats.ts';

export interface RunRow {
  point: number;
  replication: number;
  seed: number;
  /** Parameter address → value as set. */
  params: Record<string, unknown>;
  /** Every field of `failsim run --json` but effectiveConfig, flattened. */
  metrics: FlatRecord;
}

export function runIndex(plan: Pick<SweepPlan, 'replications'>, row: Pick<RunRow, 'point' | 'replication'>): number {
  return row.point * plan.replications + row.replication;
}

export function sortRows(rows: readonly RunRow[]): RunRow[] {
  return [...rows].sort((a, b) => a.point - b.point || a.replication - b.replication);
}

/** Parameter labels (as written in the experiment) at a point. */
export function pointLabels(plan: SweepPlan, point: number): string[] {
  return pointValueIndexes(plan, point).map((vi, pi) => plan.parameters[pi].values[vi].label);
}

export function rowJson(row: RunRow): string {
  return JSON.stringify({ point: row.point, replication: row.replication, seed: row.seed, params: row.params, metrics: row.metrics });
}

export function resultsJsonl(rows: readonly RunRow[]): string {
  return sortRows(rows).map((r) => `${rowJson(r)}\n`).join('');
}

function csvCell(v: FlatValue | undefined): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

function csvLine(cells: readonly (FlatValue | undefined)[]): string {
  return `${cells.map(csvCell).join(',')}\n`;
}

/**
 * Metric columns in order of first appearance over the sorted rows (runs may differ in incidents).
 * The run's own `seed` is left out: it is the row's seed column already.
 */
export function metricColumns(rows: readonly RunRow[]): string[] {
  const seen = new Set<string>();
  for (const r of sortRows(rows)) for (const k of Object.keys(r.metrics)) if (k !== 'seed') seen.add(k);
  return [...seen];
}

export function resultsCsv(plan: SweepPlan, rows: readonly RunRow[]): string {
  const sorted = sortRows(rows);
  const cols = metricColumns(sorted);
  let out = csvLine(['point', 'replication', 'seed', ...plan.parameters.map((p) => p.address), ...cols]);
  for (const r of sorted) {
    out += csvLine([r.point, r.replication, r.seed, ...pointLabels(plan, r.point), ...cols.map((c) => r.metrics[c])]);
  }
  return out;
}

export interface PointSummary {
  point: number;
  labels: string[];
  runs: number;
  metrics: Record<string, IntervalSummary>;
}

export function summarizePoints(plan: SweepPlan, rows: readonly RunRow[]): PointSummary[] {
  const byPoint = new Map<number, RunRow[]>();
  for (const r of sortRows(rows)) {
    const list = byPoint.get(r.point) ?? [];
    list.push(r);
    byPoint.set(r.point, list);
  }
  return [...byPoint.keys()]
    .sort((a, b) => a - b)
    .map((point) => {
      const list = byPoint.get(point)!;
      const metrics: Record<string, IntervalSummary> = {};
      for (const m of plan.metrics) metrics[m.column] = summarizeValues(list.map((r) => r.metrics[m.column] ?? null));
      return { point, labels: pointLabels(plan, point), runs: list.length, metrics };
    });
}

export function summaryCsv(plan: SweepPlan, summaries: readonly PointSummary[]): string {
  const head: string[] = ['point', ...plan.parameters.map((p) => p.address), 'runs'];
  for (const m of plan.metrics) head.push(`${m.written}.mean`, `${m.written}.ci95Low`, `${m.written}.ci95High`, `${m.written}.n`, `${m.written}.nulls`);
  let out = csvLine(head);
  for (const s of summaries) {
    const cells: FlatValue[] = [s.point, ...s.labels, s.runs];
    for (const m of plan.metrics) {
      const v = s.metrics[m.column];
      cells.push(v.mean, v.low, v.high, v.n, v.nulls);
    }
    out += csvLine(cells);
  }
  return out;
}
