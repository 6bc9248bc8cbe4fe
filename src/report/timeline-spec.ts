/**
 * The run timeline: one chart of stacked panels sharing a time axis — injected faults, client error
 * rate, traffic share per locality, and ejection bands per host — with fault windows shaded in every
 * panel. See docs/report.md for how to read it.
 *
 * Browser-safe (no node: imports): the playground (web/) draws the same spec. Text is laid out with
 * the chart font's metrics, passed in by the caller (read from the font file in Node, from the
 * inlined font in the page).
 */
import type { TopLevelSpec } from 'vega-lite';
import { MIN_FONT_SIZE, type ChartFontMetrics } from './chart-style.ts';

export interface TimelineData {
  /** Chart title, e.g. scenario name and semantics profile. */
  title: string;
  bucketMs: number;
  /** Start of each bucket, ms since the run began. */
  times: Float64Array | number[];
  /** Client-visible error rate (after retries) per bucket; null when no request finished in it. */
  clientErrorRate: (number | null)[];
  /** Share of attempts per bucket sent to each locality, 0..1; null when the bucket had no attempts. */
  trafficShareByLocality: Record<string, (number | null)[]>;
  /** One entry per ejection by one client proxy's detector; untilMs null = still ejected at the end. */
  ejections: { host: string; proxy: string | number; fromMs: number; untilMs: number | null }[];
  faults: { label: string; fromMs: number; untilMs: number }[];
  durationMs: number;
}

/** Width of the plotting area shared by every panel, px at scale 1. */
const PLOT_WIDTH = 720;
const LINE_HEIGHT = 150;
const ROW_HEIGHT = 20;
/**
 * Up to this many (host, proxy) pairs, and only when more than one proxy ejected anything, each
 * pair gets its own ejection row (proxies' detectors run on their own phases, so their bands
 * differ and that is worth seeing). Past it the rows are per host, coloured by how many proxies
 * had the host ejected at once.
 */
const MAX_PAIR_ROWS = 12;

const COLOURS = {
  errorRate: '#d62728',
  fault: '#7f7f7f',
  ejection: '#9467bd',
  ejectionScheme: 'oranges',
  localityScheme: 'tableau10',
};

interface TimeUnit {
  divisor: number;
  title: string;
}

/** Seconds for runs up to three minutes, minutes beyond: tick labels stay short either way. */
export function timeUnitFor(durationMs: number): TimeUnit {
  return durationMs <= 180_000
    ? { divisor: 1000, title: 'time since start (s)' }
    : { divisor: 60_000, title: 'time since start (min)' };
}

export function buildTimelineSpec(data: TimelineData, fonts: ChartFontMetrics): TopLevelSpec {
  const unit = timeUnitFor(data.durationMs);
  const end = data.durationMs / unit.divisor;
  const toT = (ms: number): number => ms / unit.divisor;
  const faults = data.faults.map((f) => ({
    label: f.label,
    from: toT(f.fromMs),
    until: toT(Math.max(f.fromMs, f.untilMs)),
  }));
  const ejection = ejectionRows(data);
  // Every panel reserves the same room left of its plot so the plots line up under one time axis.
  const yAxisExtent = Math.ceil(
    Math.max(48, ...ejection.rowOrder.map((r) => fonts.regular.width(r, MIN_FONT_SIZE))) + 8,
  );
  const x = (title: string | null, labels: boolean) => ({
    type: 'quantitative' as const,
    scale: { domain: [0, end], nice: false, zero: false },
    axis: { title, labels, ticks: labels, grid: true, labelFlush: true },
  });
  const shading = (xDef: object): object[] => faultShading(faults, xDef);
  const yAxis = { title: null, minExtent: yAxisExtent, maxExtent: yAxisExtent };

  const panels: object[] = [];
  if (faults.length > 0) panels.push(faultStrip(faults, end, x(null, false), yAxis, fonts));
  panels.push({
    title: 'Client error rate (requests, after retries)',
    width: PLOT_WIDTH,
    height: LINE_HEIGHT,
    layer: [
      ...shading(x(null, true)),
      {
        data: { values: stepRows(data, unit, (i) => ({ rate: data.clientErrorRate[i] ?? null })) },
        mark: {
          type: 'line',
          interpolate: 'step-after',
          color: COLOURS.errorRate,
          strokeWidth: 1.5,
          invalid: 'break-paths-show-domains',
        },
        encoding: {
          x: { field: 't', ...x(null, true) },
          y: {
            field: 'rate',
            type: 'quantitative',
            scale: { domain: [0, errorRateTop(data.clientErrorRate)], nice: true },
            axis: { ...yAxis, format: percentFormatFor(errorRateTop(data.clientErrorRate)), tickCount: 5 },
          },
        },
      },
    ],
  });
  const localities = Object.keys(data.trafficShareByLocality).sort(byCodePoint);
  panels.push({
    title: 'Traffic share by locality (attempts)',
    width: PLOT_WIDTH,
    height: LINE_HEIGHT,
    layer: [
      {
        data: { values: trafficRows(data, unit, localities) },
        mark: { type: 'area', interpolate: 'step-after', opacity: 0.85 },
        encoding: {
          x: { field: 't', ...x(null, true) },
          y: {
            field: 'share',
            type: 'quantitative',
            stack: 'zero',
            scale: { domain: [0, 1] },
            axis: { ...yAxis, format: '.0%', tickCount: 5 },
          },
          color: {
            field: 'locality',
            type: 'nominal',
            scale: { domain: localities, scheme: COLOURS.localityScheme },
            legend: { title: 'locality', orient: 'right' },
          },
          // First locality on top, so the stack reads in the legend's order.
          order: { field: 'order', type: 'quantitative', sort: 'descending' },
        },
      },
      ...shading(x(null, true)),
    ],
  });
  const bottomX = x(unit.title, true);
  panels.push(ejectionPanel(ejection, unit, end, bottomX, yAxis, shading(bottomX)));

  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: data.title, fontSize: 15, offset: 12 },
    vconcat: panels,
    spacing: 18,
    resolve: { scale: { x: 'shared', color: 'independent' }, legend: { color: 'independent' } },
    config: { view: { stroke: '#bbb' } },
  } as TopLevelSpec;
}

/**
 * Top of the error-rate axis: a little above the highest rate seen (so a flat line does not hide in
 * the frame), at most 100%, or 1% when there were no errors at all.
 */
function errorRateTop(rates: (number | null)[]): number {
  let top = 0;
  for (const r of rates) if (r !== null && r > top) top = r;
  return top > 0 ? Math.min(top * 1.05, 1) : 0.01;
}

/** Enough decimals that ~5 ticks up to `top` print as distinct percentages (0.02%, not 0%). */
export function percentFormatFor(top: number): string {
  const stepPercent = (top * 100) / 5;
  const decimals = Math.min(6, Math.max(0, Math.ceil(-Math.log10(stepPercent))));
  return `.${decimals}~%`;
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Rows for a step-after line: one per bucket start plus a closing row at the end of the last bucket,
 * so the last bucket is drawn as wide as the others instead of as a single point.
 */
function stepRows(
  data: TimelineData,
  unit: TimeUnit,
  values: (i: number) => Record<string, number | null>,
): Record<string, number | null>[] {
  const rows: Record<string, number | null>[] = [];
  const n = data.times.length;
  for (let i = 0; i < n; i++) rows.push({ t: data.times[i] / unit.divisor, ...values(i) });
  if (n > 0) {
    const closeMs = Math.min(data.times[n - 1] + data.bucketMs, Math.max(data.durationMs, data.times[n - 1]));
    rows.push({ t: closeMs / unit.divisor, ...values(n - 1) });
  }
  return rows;
}

/** Long-format rows for the stacked area; a bucket without attempts stacks to nothing (a visible gap). */
function trafficRows(data: TimelineData, unit: TimeUnit, localities: string[]): object[] {
  const rows: object[] = [];
  localities.forEach((locality, order) => {
    const shares = data.trafficShareByLocality[locality];
    for (const row of stepRows(data, unit, (i) => ({ share: shares[i] ?? 0 }))) {
      rows.push({ ...row, locality, order });
    }
  });
  return rows;
}

interface FaultWindow {
  label: string;
  from: number;
  until: number;
}

/** Grey bands over each fault window; layered under the data of every panel. */
function faultShading(faults: FaultWindow[], xDef: object): object[] {
  if (faults.length === 0) return [];
  return [
    {
      data: { values: faults },
      mark: { type: 'rect', color: COLOURS.fault, opacity: 0.18 },
      encoding: { x: { field: 'from', ...xDef }, x2: { field: 'until' } },
    },
  ];
}

/**
 * The top strip names each fault: a bar over its window with the label beside its start. Labels are
 * put on as few rows as keep them from overlapping (greedy, in start order), measured with the chart
 * font; a label that would run past the right edge is right-aligned to the window's end instead.
 */
function faultStrip(faults: FaultWindow[], end: number, xDef: object, yAxis: object, fonts: ChartFontMetrics): object {
  const pxPerUnit = end > 0 ? PLOT_WIDTH / end : 0;
  const rowsEndPx: number[] = [];
  const placed = [...faults]
    .sort((a, b) => a.from - b.from || a.until - b.until || byCodePoint(a.label, b.label))
    .map((f) => {
      const labelWidth = fonts.regular.width(f.label, MIN_FONT_SIZE) + 8;
      const fromPx = f.from * pxPerUnit;
      const rightAligned = fromPx + labelWidth > PLOT_WIDTH;
      const leftPx = rightAligned ? Math.max(0, f.until * pxPerUnit - labelWidth) : fromPx;
      const rightPx = Math.max(leftPx + labelWidth, f.until * pxPerUnit);
      let row = rowsEndPx.findIndex((rowEnd) => rowEnd <= leftPx);
      if (row < 0) row = rowsEndPx.push(0) - 1;
      rowsEndPx[row] = rightPx + 6;
      return {
        ...f,
        row,
        labelAt: rightAligned ? f.until : f.from,
        align: rightAligned ? 'right' : 'left',
      };
    });
  const rows = rowsEndPx.length;
  const y = {
    field: 'row',
    type: 'ordinal' as const,
    scale: { domain: Array.from({ length: rows }, (_, i) => i), paddingInner: 0.15 },
    axis: { ...yAxis, labels: false, ticks: false, domain: false },
  };
  return {
    title: 'Injected faults',
    width: PLOT_WIDTH,
    height: rows * ROW_HEIGHT,
    data: { values: placed },
    layer: [
      {
        mark: { type: 'rect', color: COLOURS.fault, opacity: 0.35 },
        encoding: { x: { field: 'from', ...xDef }, x2: { field: 'until' }, y },
      },
      ...(['left', 'right'] as const).map((align) => ({
        transform: [{ filter: { field: 'align', equal: align } }],
        mark: { type: 'text', align, baseline: 'middle', dx: align === 'left' ? 4 : -4, color: '#222' },
        encoding: { x: { field: 'labelAt', ...xDef }, y, text: { field: 'label' } },
      })),
    ],
  };
}

interface EjectionRows {
  /** Row names, top to bottom. */
  rowOrder: string[];
  /** Time ranges (ms) during which the row's host was ejected, with how many proxies ejected it. */
  segments: { row: string; fromMs: number; untilMs: number; proxies: number }[];
  perPair: boolean;
  maxProxies: number;
}

function proxyName(proxy: string | number): string {
  return typeof proxy === 'number' ? `proxy ${proxy}` : proxy;
}

/** Groups ejections into rows (per host × proxy, or per host; see MAX_PAIR_ROWS) and merges overlaps. */
export function ejectionRows(data: Pick<TimelineData, 'ejections' | 'durationMs'>): EjectionRows {
  const proxies = new Set(data.ejections.map((e) => String(e.proxy)));
  const pairs = new Set(data.ejections.map((e) => `${e.host}\u0000${String(e.proxy)}`));
  const perPair = proxies.size > 1 && pairs.size <= MAX_PAIR_ROWS;
  const byRow = new Map<string, { host: string; proxy: string; events: [number, number][] }>();
  for (const e of data.ejections) {
    const row = perPair ? `${e.host} · ${proxyName(e.proxy)}` : e.host;
    let entry = byRow.get(row);
    if (!entry) byRow.set(row, (entry = { host: e.host, proxy: String(e.proxy), events: [] }));
    const until = e.untilMs ?? data.durationMs;
    if (until <= e.fromMs) continue;
    entry.events.push([e.fromMs, 1], [until, -1]);
  }
  const rowOrder = [...byRow.keys()].sort((a, b) => {
    const ea = byRow.get(a)!;
    const eb = byRow.get(b)!;
    return byCodePoint(ea.host, eb.host) || byCodePoint(ea.proxy, eb.proxy) || byCodePoint(a, b);
  });
  const segments: EjectionRows['segments'] = [];
  let maxProxies = 0;
  for (const row of rowOrder) {
    // Sweep the start/end events: between consecutive event times the count of proxies ejecting
    // this host is constant; ends sort before starts at the same instant so touching bands split.
    const events = byRow.get(row)!.events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let count = 0;
    for (let i = 0; i < events.length; i++) {
      count += events[i][1];
      const next = events[i + 1];
      if (count > 0 && next && next[0] > events[i][0]) {
        const last = segments[segments.length - 1];
        if (last && last.row === row && last.untilMs === events[i][0] && last.proxies === count) {
          last.untilMs = next[0];
        } else {
          segments.push({ row, fromMs: events[i][0], untilMs: next[0], proxies: count });
        }
        maxProxies = Math.max(maxProxies, count);
      }
    }
  }
  return { rowOrder, segments, perPair, maxProxies };
}

function ejectionPanel(
  rows: EjectionRows,
  unit: TimeUnit,
  end: number,
  xDef: object,
  yAxis: object,
  shading: object[],
): object {
  const title = rows.perPair ? 'Ejections (one row per host × client proxy)' : 'Ejections (one row per host)';
  if (rows.rowOrder.length === 0) {
    return {
      title,
      width: PLOT_WIDTH,
      height: 2 * ROW_HEIGHT,
      layer: [
        ...shading,
        {
          data: { values: [{ t: end / 2, text: 'no ejections during the run' }] },
          mark: { type: 'text', align: 'center', baseline: 'middle', color: '#555' },
          encoding: { x: { field: 't', ...xDef }, y: { value: ROW_HEIGHT }, text: { field: 'text' } },
        },
      ],
    };
  }
  const colourByCount = rows.maxProxies > 1;
  return {
    title,
    width: PLOT_WIDTH,
    height: rows.rowOrder.length * ROW_HEIGHT,
    layer: [
      ...shading,
      {
        data: {
          values: rows.segments.map((s) => ({
            row: s.row,
            from: s.fromMs / unit.divisor,
            until: s.untilMs / unit.divisor,
            proxies: s.proxies,
          })),
        },
        mark: { type: 'bar', ...(colourByCount ? {} : { color: COLOURS.ejection }) },
        encoding: {
          x: { field: 'from', ...xDef },
          x2: { field: 'until' },
          y: {
            field: 'row',
            type: 'nominal',
            sort: rows.rowOrder,
            scale: { paddingInner: 0.25 },
            axis: { ...yAxis, ticks: false, labelLimit: 400 },
          },
          ...(colourByCount
            ? {
                color: {
                  field: 'proxies',
                  type: 'quantitative',
                  // The scheme starts at a quarter of its range so that one proxy is still clearly visible.
                  scale: {
                    scheme: { name: COLOURS.ejectionScheme, extent: [0.25, 1] },
                    domain: [1, rows.maxProxies],
                  },
                  legend: {
                    title: 'proxies ejecting',
                    orient: 'right',
                    format: 'd',
                    tickMinStep: 1,
                    gradientLength: Math.max(60, rows.rowOrder.length * ROW_HEIGHT),
                  },
                },
              }
            : {}),
        },
      },
    ],
  };
}

