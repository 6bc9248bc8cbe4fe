/**
 * The timeline chart in the page: the CLI's own spec (src/report/timeline-spec.ts) with the same base
 * config, laid out with the same font metrics (DejaVu Sans, inlined in the page) and drawn by
 * vega-embed as SVG with the same font face.
 */
import embed, { type EmbedOptions } from 'vega-embed';
import * as vega from 'vega';
import { BASE_CHART_CONFIG, CHART_FONT_FAMILY, exactTextWidth, type ChartFontMetrics } from '../../src/report/chart-style.ts';
import { FontMetrics } from '../../src/report/font-metrics.ts';
import { buildTimelineSpec, type TimelineData } from '../../src/report/timeline-spec.ts';
import type { TopLevelSpec } from 'vega-lite';

function inlinedBytes(id: string): Uint8Array<ArrayBuffer> {
  const el = document.getElementById(id);
  if (!el?.textContent) throw new Error(`the page lacks its inlined font ${id}`);
  const binary = atob(el.textContent.trim());
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

let fonts: Promise<ChartFontMetrics> | undefined;

/** Registers the inlined faces with the document (page text and charts) and returns their metrics. */
export function loadFonts(): Promise<ChartFontMetrics> {
  fonts ??= (async () => {
    const regular = inlinedBytes('font-dejavu-sans');
    const bold = inlinedBytes('font-dejavu-sans-bold');
    const faces = [new FontFace(CHART_FONT_FAMILY, regular), new FontFace(CHART_FONT_FAMILY, bold, { weight: 'bold' })];
    for (const face of faces) document.fonts.add(await face.load());
    const metrics = { regular: new FontMetrics(regular), bold: new FontMetrics(bold) };
    (vega as unknown as { textMetrics: { width: unknown } }).textMetrics.width = exactTextWidth(metrics);
    return metrics;
  })();
  return fonts;
}

/** A loader that refuses every request: the chart's data is inline, and the page loads nothing. */
function offlineLoader(): ReturnType<typeof vega.loader> {
  const refuse = async (uri: string): Promise<never> => {
    throw new Error(`charts load no external resources (asked for ${uri})`);
  };
  return Object.assign(vega.loader(), { load: refuse, sanitize: refuse, file: refuse, http: refuse });
}

let current: { finalize(): void } | undefined;

/** Draws the timeline into `el`; returns the Vega-Lite spec drawn (the CLI's, for the same run). */
export async function drawTimeline(el: HTMLElement, data: TimelineData): Promise<TopLevelSpec> {
  const metrics = await loadFonts();
  const spec = buildTimelineSpec(data, metrics);
  const withFont = { ...spec, config: { ...(spec.config ?? {}), font: CHART_FONT_FAMILY } };
  current?.finalize();
  const result = await embed(el, withFont as Parameters<typeof embed>[1], {
    renderer: 'svg',
    config: BASE_CHART_CONFIG as EmbedOptions['config'],
    actions: { export: true, source: false, compiled: false, editor: false },
    downloadFileName: 'timeline',
    loader: offlineLoader(),
    logLevel: vega.Error,
  });
  current = result;
  describeForScreenReaders(el, data.title);
  return spec;
}

/**
 * The drawn SVG as one image named by the chart's title (its marks are hidden from screen readers:
 * the numbers are in the run's summary and JSON), and vega-embed's icon-only actions menu named.
 */
function describeForScreenReaders(el: HTMLElement, title: string): void {
  const svg = el.querySelector('svg.marks');
  if (svg) {
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', `${title}: injected faults, client error rate, traffic share by locality and ejections over time`);
    for (const child of svg.children) child.setAttribute('aria-hidden', 'true');
  }
  el.querySelector('details > summary')?.setAttribute('aria-label', 'Chart actions: save as SVG or PNG');
}
