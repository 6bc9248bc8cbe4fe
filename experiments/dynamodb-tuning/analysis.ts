/**
 * Joins the two sweeps of this study — the incident mix (results/) and the quiet day
 * (results-quiet-day/), run over the same 108 points with the same seeds — into one table per point,
 * and draws the charts the default sweep charts cannot: the trade-off between the two runs (client
 * errors under incidents vs cross-region traffic and false ejections on a quiet day), and views
 * restricted to maxEjectionPercent 50 (the default charts average over every parameter they do not
 * show, and averaging with the 10% cap, which ejects nothing, would hide the other knobs).
 *
 *   npx tsx experiments/dynamodb-tuning/analysis.ts
 *
 * Reads only the checked-in sweep.json and results.csv of both directories; writes summary.csv
 * (per point: mean, 95% interval, n, nulls of each joined metric), tables.md (the README's tables)
 * and charts/ in this directory. Deterministic: the same inputs give the same bytes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { heatmapSpec, paretoSpec, writeChart, type MetricRef } from '../../src/report/sweep-charts.ts';
import type { FlatRecord } from '../../src/sweep/flatten.ts';
import { pointValueIndexes, type SweepPlan } from '../../src/sweep/plan.ts';
import type { RunRow } from '../../src/sweep/results.ts';
import { summarizeValues, type IntervalSummary } from '../../src/sweep/stats.ts';

const HERE = dirname(fileURLToPath(import.meta.url));

// ---- reading a sweep directory back from sweep.json + results.csv ----

/** RFC 4180 fields of one line (results.csv quotes only cells with a comma, quote or newline). */
function csvFields(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let s = '';
      i++;
      while (i < line.length) {
        if (line[i] === '"' && line[i + 1] === '"') (s += '"'), (i += 2);
        else if (line[i] === '"') break;
        else s += line[i++];
      }
      out.push(s);
      i += 2; // closing quote and comma
    } else {
      const j = line.indexOf(',', i);
      const end = j < 0 ? line.length : j;
      out.push(line.slice(i, end));
      i = end + 1;
    }
  }
  return out;
}

/** A cell as results.csv wrote it: numbers by String(n), so a text that reads back the same is one. */
function cellValue(text: string): string | number | null {
  if (text === '') return null;
  const n = Number(text);
  return String(n) === text ? n : text;
}

function readSweep(dir: string): { plan: SweepPlan; rows: RunRow[] } {
  const plan = JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8')) as SweepPlan;
  const lines = readFileSync(join(dir, 'results.csv'), 'utf8').trimEnd().split('\n');
  const head = csvFields(lines[0]);
  const np = plan.parameters.length;
  const rows = lines.slice(1).map((line): RunRow => {
    const f = csvFields(line);
    const params: Record<string, unknown> = {};
    plan.parameters.forEach((p, i) => (params[p.address] = p.values.find((v) => v.label === f[3 + i])!.value));
    const metrics: FlatRecord = {};
    for (let c = 3 + np; c < head.length; c++) {
      const v = cellValue(f[c] ?? '');
      if (v !== null) metrics[head[c]] = v;
    }
    return { point: Number(f[0]), replication: Number(f[1]), seed: Number(f[2]), params, metrics };
  });
  return { plan, rows };
}

// ---- the joined metrics ----

const num = (m: FlatRecord, k: string): number | null => (typeof m[k] === 'number' ? (m[k] as number) : null);
const ratio = (a: number | null, b: number | null): number | null => (a === null || b === null || b === 0 ? null : a / b);

/** Joined metric name → how it is computed from the incident run (a) and the quiet-day run (q). */
const JOINED: [string, (a: FlatRecord, q: FlatRecord) => number | null][] = [
  ['incidents.errorRate', (a) => num(a, 'requests.errorRate')],
  ['incidents.crossRegionShare', (a) => ratio(num(a, 'attempts.byLocality.us-west'), num(a, 'attempts.total'))],
  ['quietDay.crossRegionShare', (_, q) => ratio(num(q, 'attempts.byLocality.us-west'), num(q, 'attempts.total'))],
  ['quietDay.falseEjections', (_, q) => num(q, 'ejections.enforced')],
  ['quietDay.errorRate', (_, q) => num(q, 'requests.errorRate')],
  ['hardDown.errorRate', (a) => num(a, 'incidents.0.errorRate')],
  ['brownout.errorRate', (a) => num(a, 'incidents.1.errorRate')],
  ['flapping.errorRate', (a) => num(a, 'incidents.2.errorRate')],
  ['grayFailure.errorRate', (a) => num(a, 'incidents.3.errorRate')],
  ['hardDown.detectionMs', (a) => num(a, 'incidents.0.detectionMs.median')],
  ['brownout.detectionMs', (a) => num(a, 'incidents.1.detectionMs.median')],
  ['flapping.detectionMs', (a) => num(a, 'incidents.2.detectionMs.median')],
  ['grayFailure.detectionMs', (a) => num(a, 'incidents.3.detectionMs.median')],
  ['hardDown.mitigationMs', (a) => num(a, 'incidents.0.mitigationMs')],
  ['brownout.mitigationMs', (a) => num(a, 'incidents.1.mitigationMs')],
  ['flapping.mitigationMs', (a) => num(a, 'incidents.2.mitigationMs')],
  ['hardDown.failbackMs', (a) => num(a, 'incidents.0.failbackMs')],
  ['brownout.failbackMs', (a) => num(a, 'incidents.1.failbackMs')],
  ['flapping.failbackMs', (a) => num(a, 'incidents.2.failbackMs')],
  ['incidents.noHealthyUpstream', (a) => num(a, 'noHealthyUpstream')],
  ['quietDay.noHealthyUpstream', (_, q) => num(q, 'noHealthyUpstream')],
  ['incidents.falseEjections', (a) => num(a, 'falseEjections')],
  ['incidents.latencyMeanMs', (a) => num(a, 'latencyMs.mean')],
  ['quietDay.latencyMeanMs', (_, q) => num(q, 'latencyMs.mean')],
  ['quietDay.latencyP99Ms', (_, q) => num(q, 'latencyMs.p99')],
];

function join2(a: { plan: SweepPlan; rows: RunRow[] }, q: { plan: SweepPlan; rows: RunRow[] }): { plan: SweepPlan; rows: RunRow[] } {
  const same = JSON.stringify(a.plan.parameters) === JSON.stringify(q.plan.parameters) && a.plan.replications === q.plan.replications && a.plan.seed === q.plan.seed;
  if (!same) throw new Error('results/ and results-quiet-day/ are not sweeps of the same points, replications and seeds');
  const qBy = new Map(q.rows.map((r) => [`${r.point}/${r.replication}`, r]));
  const rows = a.rows.map((r): RunRow => {
    const qr = qBy.get(`${r.point}/${r.replication}`);
    if (qr === undefined) throw new Error(`quiet-day run missing for point ${r.point}, replication ${r.replication}`);
    const metrics: FlatRecord = {};
    for (const [name, f] of JOINED) {
      const v = f(r.metrics, qr.metrics);
      if (v !== null) metrics[name] = v;
    }
    return { ...r, metrics };
  });
  const plan: SweepPlan = {
    ...a.plan,
    name: 'dynamodb-tuning: incident mix + quiet day',
    metrics: JOINED.map(([name]) => ({ written: name, column: name }) as SweepPlan['metrics'][number]),
  };
  return { plan, rows };
}

/** The sub-sweep where parameter `param` has the value labelled `label`: a plan with that one value, points renumbered. */
function restrict(plan: SweepPlan, rows: readonly RunRow[], param: number, label: string): { plan: SweepPlan; rows: RunRow[] } {
  const keep = plan.parameters[param].values.findIndex((v) => v.label === label);
  const parameters = plan.parameters.map((p, i) => (i === param ? { ...p, values: [p.values[keep]] } : p));
  const sub: SweepPlan = { ...plan, parameters, name: `${plan.name}, ${shortName(plan.parameters[param].address)} ${label}` };
  sub.points = plan.points / plan.parameters[param].values.length;
  sub.runs = sub.points * plan.replications;
  const out: RunRow[] = [];
  for (const r of rows) {
    const idx = pointValueIndexes(plan, r.point);
    if (idx[param] !== keep) continue;
    idx[param] = 0;
    let point = 0;
    idx.forEach((vi, i) => (point = point * parameters[i].values.length + vi));
    out.push({ ...r, point });
  }
  return { plan: sub, rows: out };
}

const shortName = (address: string): string => address.slice(address.lastIndexOf('.') + 1);

// ---- per-point summary and tables ----

interface PointRow {
  point: number;
  labels: string[];
  stats: Record<string, IntervalSummary>;
}

function summarise(plan: SweepPlan, rows: readonly RunRow[]): PointRow[] {
  const by = new Map<number, RunRow[]>();
  for (const r of rows) by.set(r.point, [...(by.get(r.point) ?? []), r]);
  return [...by.keys()]
    .sort((x, y) => x - y)
    .map((point) => {
      const list = by.get(point)!;
      const stats: Record<string, IntervalSummary> = {};
      for (const [name] of JOINED) stats[name] = summarizeValues(list.map((r) => r.metrics[name] ?? null));
      const idx = pointValueIndexes(plan, point);
      return { point, labels: idx.map((vi, pi) => plan.parameters[pi].values[vi].label), stats };
    });
}

function summaryCsv(plan: SweepPlan, points: readonly PointRow[]): string {
  const head = ['point', ...plan.parameters.map((p) => p.address)];
  for (const [name] of JOINED) head.push(`${name}.mean`, `${name}.ci95Low`, `${name}.ci95High`, `${name}.n`, `${name}.nulls`);
  const lines = [head.join(',')];
  for (const p of points) {
    const cells: (string | number)[] = [p.point, ...p.labels];
    for (const [name] of JOINED) {
      const s = p.stats[name];
      cells.push(s.mean ?? '', s.low ?? '', s.high ?? '', s.n, s.nulls);
    }
    lines.push(cells.join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** A number for a table: 3 significant digits, percentages for rates and shares. */
function fmt(s: IntervalSummary, kind: 'pct' | 'ms' | 'count'): string {
  if (s.mean === null) return s.nulls ? 'never' : '–';
  const half = s.low === null || s.high === null ? null : (s.high - s.low) / 2;
  const f = (v: number) => {
    if (kind === 'pct') return `${Number((v * 100).toPrecision(3))}%`;
    if (kind === 'ms') return v >= 1000 ? `${Number((v / 1000).toPrecision(3))} s` : `${Number(v.toPrecision(3))} ms`;
    return `${Number(v.toPrecision(3))}`;
  };
  const value = half === null || half === 0 ? f(s.mean) : `${f(s.mean)} ± ${f(half).replace(/^-/, '')}`;
  return s.nulls ? `${value} (${s.nulls} never)` : value;
}

const COLUMNS: [string, string, 'pct' | 'ms' | 'count'][] = [
  ['incidents.errorRate', 'client errors, incident mix', 'pct'],
  ['hardDown.errorRate', 'hard down', 'pct'],
  ['brownout.errorRate', '503 brownout', 'pct'],
  ['flapping.errorRate', 'flapping', 'pct'],
  ['incidents.crossRegionShare', 'cross-region, incident mix', 'pct'],
  ['quietDay.crossRegionShare', 'cross-region, quiet day', 'pct'],
  ['quietDay.falseEjections', 'false ejections, quiet day (10 min)', 'count'],
  ['quietDay.errorRate', 'client errors, quiet day', 'pct'],
];

function table(points: readonly PointRow[], plan: SweepPlan, columns = COLUMNS): string {
  const names = plan.parameters.map((p) => shortName(p.address));
  const head = `| ${[...names, ...columns.map((c) => c[1])].join(' | ')} |`;
  const rule = `| ${[...names, ...columns].map(() => '---').join(' | ')} |`;
  const body = points.map((p) => `| ${[...p.labels, ...columns.map(([m, , k]) => fmt(p.stats[m], k))].join(' | ')} |`);
  return [head, rule, ...body].join('\n');
}

function timingTable(points: readonly PointRow[], plan: SweepPlan): string {
  return table(points, plan, [
    ['hardDown.detectionMs', 'hard down: detection', 'ms'],
    ['brownout.detectionMs', 'brownout: detection', 'ms'],
    ['brownout.mitigationMs', 'brownout: mitigation', 'ms'],
    ['hardDown.failbackMs', 'hard down: failback', 'ms'],
    ['brownout.failbackMs', 'brownout: failback', 'ms'],
    ['flapping.failbackMs', 'flapping: failback', 'ms'],
    ['incidents.latencyMeanMs', 'mean latency, incident mix', 'ms'],
    ['quietDay.latencyMeanMs', 'mean latency, quiet day', 'ms'],
  ]);
}

async function main(): Promise<void> {
  const incidents = readSweep(join(HERE, 'results'));
  const quiet = readSweep(join(HERE, 'results-quiet-day'));
  const { plan, rows } = join2(incidents, quiet);
  const points = summarise(plan, rows);
  writeFileSync(join(HERE, 'summary.csv'), summaryCsv(plan, points));

  const param = (name: string) => plan.parameters.findIndex((p) => p.address.endsWith(`.${name}`));
  const [c5xx, base, mep, interval] = ['consecutive5xxErrors', 'baseEjectionTime', 'maxEjectionPercent', 'interval'].map(param);
  const at = (labels: Record<number, string>) => points.filter((p) => Object.entries(labels).every(([i, l]) => p.labels[Number(i)] === l));
  const byErrors = (list: PointRow[]) => [...list].sort((x, y) => (x.stats['incidents.errorRate'].mean ?? 1) - (y.stats['incidents.errorRate'].mean ?? 1) || x.point - y.point);

  const mep50 = points.filter((p) => p.labels[mep] === '50');
  const md: string[] = [
    '<!-- written by analysis.ts from results/ and results-quiet-day/; do not edit -->',
    '',
    "## Istio's defaults (consecutive5xxErrors 5, baseEjectionTime 30s, interval 10s) at each maxEjectionPercent",
    '',
    table(at({ [c5xx]: '5', [base]: '30s', [interval]: '10s' }), plan),
    '',
    '## maxEjectionPercent 50, every point, fewest client errors (incident mix) first',
    '',
    table(byErrors(mep50), plan),
    '',
    '## maxEjectionPercent 50: detection, mitigation, failback and latency',
    '',
    timingTable(mep50, plan),
    '',
    '## maxEjectionPercent 100 vs 50 at consecutive5xxErrors 1',
    '',
    table(at({ [c5xx]: '1' }).filter((p) => p.labels[mep] !== '10'), plan),
    '',
  ];
  writeFileSync(join(HERE, 'tables.md'), md.join('\n'));

  const charts = join(HERE, 'charts');
  const m = (name: string): MetricRef => ({ name, column: name });
  const sub = restrict(plan, rows, mep, '50');
  const subC5xx = c5xx; // restrict keeps parameter positions
  const written: string[] = [];
  const draw = async (base: string, spec: Parameters<typeof writeChart>[2]) => written.push(...(await writeChart(charts, base, spec)));
  // The trade-off: errors under incidents against what the same settings cost on a quiet day.
  await draw('pareto-incidents-errorRate-vs-quietDay-crossRegionShare', paretoSpec(sub.plan, sub.rows, { a: m('incidents.errorRate'), b: m('quietDay.crossRegionShare'), directionA: 'min', directionB: 'min' }));
  // consecutive5xxErrors 2 (the smallest that never ejected falsely): baseEjectionTime and interval trade
  // errors against the cross-region traffic the incidents themselves cause.
  const two = restrict(sub.plan, sub.rows, c5xx, '2');
  await draw('pareto-incidents-errorRate-vs-incidents-crossRegionShare-c5xx2', paretoSpec(two.plan, two.rows, { a: m('incidents.errorRate'), b: m('incidents.crossRegionShare'), directionA: 'min', directionB: 'min' }));
  for (const name of ['incidents.errorRate', 'brownout.errorRate', 'incidents.crossRegionShare', 'quietDay.crossRegionShare', 'quietDay.falseEjections', 'hardDown.failbackMs']) {
    await draw(`heatmap-${name.replace('.', '-')}-mep50`, heatmapSpec(sub.plan, sub.rows, { metric: m(name), x: subC5xx, y: base, facet: interval }));
  }
  process.stdout.write(`wrote summary.csv, tables.md, charts/ (${written.length} files)\n`);
}

await main();
