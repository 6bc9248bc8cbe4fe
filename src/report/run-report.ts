/**
 * The HTML report of one run directory (`failsim run --out DIR`): the run timeline rebuilt from the
 * files the run wrote (timeseries.csv, events.jsonl, summary.json) — the same chart as timeline.svg —
 * made interactive (tooltips, a hover rule and a details panel with every number of the chosen time
 * bucket), the key numbers and incidents, and the effective configuration from summary.json.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../config/errors.ts';
import type { RunSummary } from '../sim/summary.ts';
import type { ReportChart, ReportPage, ReportSection } from './html.ts';
import type { VegaLiteSpec } from './render.ts';
import { neverReachedText } from './mitigation.ts';
import { timelineSpec, timeUnitFor, type TimelineData } from './timeline.ts';

export const RUN_FILES = ['summary.json', 'timeseries.csv'] as const;

export function isRunDir(dir: string): boolean {
  return RUN_FILES.every((f) => existsSync(join(dir, f)));
}

function readText(dir: string, file: string): string {
  const path = join(dir, file);
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new UserError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

interface EndpointInfo {
  address: string;
  locality: string;
}

/** Endpoint → locality text (`region/zone/subzone`, trailing empty parts dropped), from the effective config. */
function endpointLocalities(summary: RunSummary): Map<string, string> {
  const out = new Map<string, string>();
  for (const group of summary.effectiveConfig ?? []) {
    const cluster = group.cluster as { endpoints?: { address: string; locality?: { region?: string; zone?: string; subzone?: string } }[] };
    for (const e of cluster?.endpoints ?? []) {
      if (out.has(e.address)) continue;
      const l = e.locality ?? {};
      out.set(e.address, [l.region ?? '', l.zone ?? '', l.subzone ?? ''].join('/').replace(/\/+$/, ''));
    }
  }
  return out;
}

export interface RunSeries {
  bucketMs: number;
  /** One row per bucket, as in timeseries.csv, with parsed numbers (error_rate null when empty). */
  rows: Record<string, number | null>[];
  endpoints: EndpointInfo[];
}

/** Parses timeseries.csv (docs/run-output.md); the endpoint columns come from its header. */
export function parseTimeseries(csv: string, localities: Map<string, string>, file = 'timeseries.csv'): RunSeries {
  const lines = csv.split('\n').filter((l) => l !== '');
  if (lines.length === 0) throw new UserError(`${file}: empty`);
  const header = lines[0].split(',');
  if (header[0] !== 'time_s' || header[1] !== 'requests') throw new UserError(`${file}: not a failsim time series (header ${lines[0].slice(0, 60)})`);
  const endpoints = header
    .filter((h) => h.startsWith('attempts:'))
    .map((h) => h.slice('attempts:'.length))
    .map((address) => ({ address, locality: localities.get(address) ?? address }));
  const rows = lines.slice(1).map((line, i) => {
    const cells = line.split(',');
    if (cells.length !== header.length) throw new UserError(`${file}: line ${i + 2}: ${cells.length} cells, header has ${header.length}`);
    const row: Record<string, number | null> = {};
    header.forEach((h, j) => {
      row[h] = cells[j] === '' ? null : Number(cells[j]);
    });
    return row;
  });
  const bucketMs = rows.length > 1 ? Math.round(((rows[1].time_s ?? 0) - (rows[0].time_s ?? 0)) * 1000) : 1000;
  return { bucketMs, rows, endpoints };
}

interface EjectionEvent {
  proxy: string;
  host: string;
  tMs: number;
  action: string;
  enforced: boolean;
}

/** events.jsonl lines → (proxy, host) ejection intervals; one still open at the end has untilMs null. */
export function ejectionIntervals(jsonl: string, file = 'events.jsonl'): TimelineData['ejections'] {
  const events: EjectionEvent[] = [];
  jsonl.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let rec: { proxy?: string; event?: { timestamp?: string; upstream_url?: string; action?: string; enforced?: boolean } };
    try {
      rec = JSON.parse(line);
    } catch {
      throw new UserError(`${file}: line ${i + 1}: not JSON`);
    }
    const ev = rec.event ?? {};
    const tMs = Date.parse(ev.timestamp ?? '');
    if (!Number.isFinite(tMs) || !ev.upstream_url || !ev.action) throw new UserError(`${file}: line ${i + 1}: not an outlier event record`);
    // upstream_url is host:port; the timeline names hosts by address.
    const host = ev.upstream_url.replace(/:\d+$/, '');
    events.push({ proxy: rec.proxy ?? 'proxy', host, tMs, action: ev.action, enforced: ev.enforced !== false });
  });
  const open = new Map<string, { proxy: string; host: string; fromMs: number }>();
  const out: TimelineData['ejections'] = [];
  for (const e of events) {
    const key = `${e.proxy}\u0000${e.host}`;
    if (e.action === 'EJECT' && e.enforced) {
      if (!open.has(key)) open.set(key, { proxy: e.proxy, host: e.host, fromMs: e.tMs });
    } else if (e.action === 'UNEJECT') {
      const o = open.get(key);
      if (o) {
        out.push({ ...o, untilMs: e.tMs });
        open.delete(key);
      }
    }
  }
  for (const o of open.values()) out.push({ ...o, untilMs: null });
  return out;
}

export interface RunReportData {
  summary: RunSummary;
  timeline: TimelineData;
  /** Per-bucket numbers for the details panel (time in the chart's unit as `t`). */
  buckets: Record<string, unknown>[];
}

export function readRunDir(dir: string): RunReportData {
  let summary: RunSummary;
  try {
    summary = JSON.parse(readText(dir, 'summary.json')) as RunSummary;
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`${join(dir, 'summary.json')}: not JSON (${(e as Error).message})`);
  }
  if (typeof summary.durationMs !== 'number' || !summary.requests) {
    throw new UserError(`${join(dir, 'summary.json')}: not a failsim run summary`);
  }
  const series = parseTimeseries(readText(dir, 'timeseries.csv'), endpointLocalities(summary), join(dir, 'timeseries.csv'));
  const eventsPath = join(dir, 'events.jsonl');
  const ejections = existsSync(eventsPath) ? ejectionIntervals(readFileSync(eventsPath, 'utf8'), eventsPath) : [];
  const localities = [...new Set(series.endpoints.map((e) => e.locality))].sort();
  const share: Record<string, (number | null)[]> = {};
  for (const l of localities) share[l] = [];
  const unit = timeUnitFor(summary.durationMs);
  const buckets: Record<string, unknown>[] = [];
  for (const row of series.rows) {
    let total = 0;
    const per: Record<string, number> = {};
    for (const e of series.endpoints) {
      const a = row[`attempts:${e.address}`] ?? 0;
      total += a;
      per[e.locality] = (per[e.locality] ?? 0) + a;
    }
    for (const l of localities) share[l].push(total > 0 ? per[l] / total : null);
    const timeMs = Math.round((row.time_s ?? 0) * 1000);
    const bucket: Record<string, unknown> = {
      t: timeMs / unit.divisor,
      'time (s)': timeMs / 1000,
      requests: row.requests,
      failures: row.failures,
      'error rate': row.error_rate,
      attempts: total,
    };
    for (const l of localities) bucket[`share ${l}`] = total > 0 ? per[l] / total : null;
    for (const e of series.endpoints) {
      bucket[`attempts ${e.address}`] = row[`attempts:${e.address}`];
      bucket[`failed attempts ${e.address}`] = row[`attempt_failures:${e.address}`];
      bucket[`proxies ejecting ${e.address} (max)`] = row[`ejected_proxies_max:${e.address}`];
    }
    buckets.push(bucket);
  }
  const timeline: TimelineData = {
    title: `${summary.scenario} — Envoy ${summary.profile.envoy}${summary.profile.istio ? ` (Istio ${summary.profile.istio})` : ''}, profile ${summary.profile.outlier}`,
    bucketMs: series.bucketMs,
    times: series.rows.map((r) => Math.round((r.time_s ?? 0) * 1000)),
    clientErrorRate: series.rows.map((r) => ((r.requests ?? 0) > 0 ? (r.error_rate ?? (r.failures ?? 0) / (r.requests ?? 1)) : null)),
    trafficShareByLocality: share,
    ejections,
    faults: (summary.incidents ?? []).map((i) => ({ label: `${i.kind} ${i.endpoints.join(', ')}`, fromMs: i.fromMs, untilMs: i.untilMs })),
    durationMs: summary.durationMs,
  };
  return { summary, timeline, buckets };
}

/** Vega-Lite reads `.` and `[]` in a field name as nested access; bucket keys hold host names. */
function escapeField(name: string): string {
  return name.replace(/[.[\]]/g, (c) => `\\${c}`);
}

const ERROR_PANEL_TITLE = 'Client error rate (requests, after retries)';

/**
 * The timeline spec plus interaction: tooltips on every mark, and on the error-rate panel a
 * nearest-bucket selection (`bucket`, on pointer over) drawn as a vertical rule; the bucket's
 * numbers are in the tooltip and in the details panel (ReportChart.pick).
 */
export function interactiveTimelineSpec(data: TimelineData, buckets: Record<string, unknown>[]): VegaLiteSpec {
  const spec = timelineSpec(data) as unknown as { vconcat: { title?: string; layer: Record<string, unknown>[] }[]; config?: Record<string, unknown> };
  const panel = spec.vconcat.find((p) => p.title === ERROR_PANEL_TITLE);
  if (panel) {
    const lineLayer = panel.layer[panel.layer.length - 1] as { encoding: { x: Record<string, unknown> } };
    const xDef = lineLayer.encoding.x;
    const tooltip = Object.keys(buckets[0] ?? {})
      .filter((k) => k !== 't')
      .map((k) => ({ field: escapeField(k), title: k, type: 'quantitative', ...(k === 'error rate' || k.startsWith('share ') ? { format: '.3~%' } : {}) }));
    panel.layer.push(
      {
        // Invisible points, one per bucket: the nearest one to the pointer is selected (Vega-Lite
        // draws voronoi cells for it) and keeps its tooltip. The selection stays when the pointer
        // leaves, so the rule and the details panel keep showing the last bucket chosen.
        data: { values: buckets },
        params: [{ name: 'bucket', select: { type: 'point', fields: ['t'], on: 'pointerover', nearest: true, clear: 'dblclick' } }],
        mark: { type: 'point', opacity: 0 },
        encoding: { x: xDef, y: { value: 0 }, tooltip },
      },
      {
        data: { values: buckets },
        transform: [{ filter: { param: 'bucket', empty: false } }],
        mark: { type: 'rule', color: '#333', strokeDash: [3, 2], tooltip: false },
        encoding: { x: xDef },
      },
    );
  }
  spec.config = { ...(spec.config ?? {}), mark: { tooltip: { content: 'data' } } };
  return spec as unknown as VegaLiteSpec;
}

function pct(v: number | null | undefined): string | null {
  return v === null || v === undefined ? null : `${Number((v * 100).toPrecision(4))}%`;
}

function ms(v: number | null | undefined): string | null {
  if (v === null || v === undefined) return null;
  return v >= 10_000 ? `${Number((v / 1000).toPrecision(4))} s` : `${Number(v.toPrecision(4))} ms`;
}

export function runReportPage(dir: string): ReportPage {
  const { summary: s, timeline, buckets } = readRunDir(dir);
  const keyNumbers: ReportSection = {
    heading: 'Key numbers',
    kind: 'table',
    columns: ['what', 'value'],
    rows: [
      ['requests (finished)', s.requests.total],
      ['failed (client view, after retries)', s.requests.failed],
      ['error rate', pct(s.requests.errorRate)],
      ['attempts', s.attempts.total],
      ['retry amplification (attempts per request)', s.retryAmplification],
      ['no healthy upstream (503 UH)', s.noHealthyUpstream],
      ['ejections enforced', s.ejections.enforced],
      ['ejections refused by the cap (overflow)', s.ejections.overflow],
      ['false ejections', s.falseEjections],
      ['latency p50 / p99', `${ms(s.latencyMs.p50) ?? '—'} / ${ms(s.latencyMs.p99) ?? '—'}`],
      ...Object.entries(s.attempts.byLocality).map(([l, n]): [string, number] => [`attempts to ${l}`, n]),
    ],
  };
  const incidents: ReportSection = {
    heading: 'Incidents (one per fault window)',
    kind: 'table',
    note: 'Definitions in docs/metrics.md; — means it never happened (no made-up number).',
    columns: ['fault', 'endpoints', 'from', 'until', 'detection median', 'detection max', 'proxies detected', 'mitigation', 'failback', 'requests', 'errors', 'error rate'],
    rows: (s.incidents ?? []).map((i) => [
      i.kind,
      i.endpoints.join(', '),
      ms(i.fromMs),
      ms(i.untilMs),
      ms(i.detectionMs?.median),
      ms(i.detectionMs?.max),
      i.detectionMs ? `${i.detectionMs.proxiesDetected}/${i.detectionMs.proxies}` : null,
      neverReachedText(i, s.metricSettings, (x) => pct(x)!) ?? ms(i.mitigationMs),
      ms(i.failbackMs),
      i.requests,
      i.errors,
      pct(i.errorRate),
    ]),
  };
  const chart: ReportChart = {
    id: 'timeline',
    heading: 'Run timeline',
    note:
      'Faults, client error rate, traffic share per locality and ejection bands on one time axis (docs/report.md). ' +
      'Point at the error-rate panel: a rule marks the nearest time bucket and its numbers show in the tooltip and below. Every other mark has a tooltip too.',
    spec: interactiveTimelineSpec(timeline, buckets),
    pick: { param: 'bucket', field: 't', rows: buckets, label: 'time bucket at (s):', labelField: 'time (s)' },
  };
  const { effectiveConfig, ...rest } = s;
  return {
    title: `failsim run: ${s.scenario}`,
    subtitle: `seed ${s.seed}, ${ms(s.durationMs)} simulated; Envoy ${s.profile.envoy}${s.profile.istio ? ` (Istio ${s.profile.istio})` : ''}, outlier profile ${s.profile.outlier}`,
    before: [keyNumbers, incidents],
    charts: [chart],
    after: [
      {
        heading: 'Effective configuration',
        kind: 'json',
        open: true,
        note: 'Per client group: the Envoy cluster each sidecar got after Istio translation and defaults, and the resolved outlier detection (summary.json effectiveConfig).',
        value: effectiveConfig,
      },
      { heading: 'Everything else in summary.json', kind: 'json', value: rest },
    ],
  };
}
