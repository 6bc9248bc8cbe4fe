/**
 * Headless chart rendering: Vega-Lite spec → SVG (vega, no browser, no canvas) → PNG (resvg).
 *
 * Output is a pure function of the spec: text widths come from the bundled font file rather than
 * whatever canvas a machine has, SVG clip/gradient ids restart for every chart, charts never load
 * anything from outside, and resvg sees only DejaVu Sans.
 */
import { Resvg } from '@resvg/resvg-js';
import type * as Vega from 'vega';
import type { Config, TopLevelSpec } from 'vega-lite';
import { CHART_FONT_FAMILY, chartFontFiles, chartFontMetrics } from './chart-font.ts';

type VegaLite = typeof import('vega-lite');

/**
 * vega and vega-lite, loaded on the first chart: they take ≈ 0.6 s to import, which every CLI
 * command paid at start-up (`--help`, `run` without `--out`, `sweep --no-charts`) before.
 */
let chartLibraries: Promise<{ vega: typeof Vega; vegaLite: VegaLite }> | undefined;

function loadChartLibraries(): Promise<{ vega: typeof Vega; vegaLite: VegaLite }> {
  chartLibraries ??= Promise.all([import('vega'), import('vega-lite')]).then(([vega, vegaLite]) => ({ vega, vegaLite }));
  return chartLibraries;
}

export type VegaLiteSpec = TopLevelSpec;

/** Smallest text size any chart uses, in px at scale 1 (legible once the PNG is drawn at 2×). */
export const MIN_FONT_SIZE = 11;

/**
 * Defaults every chart starts from; a spec's own `config` overrides them, except the font, which is
 * always DejaVu Sans because that is the only face the PNG renderer has.
 */
export const BASE_CHART_CONFIG: Config = {
  font: CHART_FONT_FAMILY,
  background: 'white',
  padding: 8,
  aria: false, // no per-item aria-label attributes: they roughly double the SVG for no visual gain
  // Titles start at the plot's left edge (frame 'group'), so stacked panels' titles line up.
  title: { fontSize: 14, subtitleFontSize: 12, anchor: 'start', frame: 'group' },
  axis: { labelFontSize: MIN_FONT_SIZE, titleFontSize: 12 },
  legend: { labelFontSize: MIN_FONT_SIZE, titleFontSize: 12 },
  header: { labelFontSize: MIN_FONT_SIZE, titleFontSize: 12 },
  text: { fontSize: MIN_FONT_SIZE },
};

interface VegaTextItem {
  fontSize?: number | string;
  fontWeight?: string | number;
  limit?: number;
}

interface VegaTextMetrics {
  width: (item: VegaTextItem, text: unknown) => number;
}

let metricsInstalled = false;

/** Replaces vega's text-width function (a process-wide setting in vega-scenegraph) with exact widths. */
function installTextMetrics(vega: typeof Vega): void {
  if (metricsInstalled) return;
  const fonts = chartFontMetrics();
  const textMetrics = (vega as unknown as { textMetrics: VegaTextMetrics }).textMetrics;
  textMetrics.width = (item, text) => {
    const value = text == null ? '' : String(text).trim();
    const size = item.fontSize != null ? Number(item.fontSize) || 0 : 11;
    if (size <= 0 || value === '') return 0;
    const face = isBold(item.fontWeight) ? fonts.bold : fonts.regular;
    const width = face.width(value, size);
    // Vega truncates text wider than `limit` to fit it, so the drawn width never exceeds the limit.
    return item.limit != null && item.limit > 0 ? Math.min(width, item.limit) : width;
  };
  metricsInstalled = true;
}

function isBold(weight: string | number | undefined): boolean {
  if (weight === undefined) return false;
  if (typeof weight === 'number') return weight >= 600;
  return weight === 'bold' || weight === 'bolder' || Number(weight) >= 600;
}

/** A loader that refuses every request: chart data is always inline. */
function offlineLoader(vega: typeof Vega): ReturnType<typeof Vega.loader> {
  const refuse = async (uri: string): Promise<never> => {
    throw new Error(`charts load no external resources (asked for ${uri})`);
  };
  const base = vega.loader();
  return Object.assign(base, { load: refuse, sanitize: refuse, file: refuse, http: refuse });
}

// SVG ids come from counters global to vega-scenegraph; renders run one at a time so that resetting
// them before each chart gives every chart the same ids regardless of what else is rendering.
let renderQueue: Promise<unknown> = Promise.resolve();

export function renderVegaLiteToSvg(spec: VegaLiteSpec): Promise<string> {
  const job = renderQueue.then(() => renderNow(spec));
  renderQueue = job.catch(() => undefined);
  return job;
}

async function renderNow(spec: VegaLiteSpec): Promise<string> {
  const { vega, vegaLite } = await loadChartLibraries();
  installTextMetrics(vega);
  // compile() deep-merges the base config under the spec's own; only the font is forced.
  const withFont = { ...spec, config: { ...spec.config, font: CHART_FONT_FAMILY } } as VegaLiteSpec;
  const quiet = vega.logger(vega.Error);
  const vgSpec = vegaLite.compile(withFont, { config: BASE_CHART_CONFIG, logger: quiet }).spec;
  const view = new vega.View(vega.parse(vgSpec), {
    renderer: 'none',
    loader: offlineLoader(vega),
    logLevel: vega.Error,
  });
  try {
    await view.runAsync();
    vega.resetSVGDefIds();
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export interface PngOptions {
  /** Pixels per SVG unit; 2 gives crisp text on high-density screens and in documents. */
  scale: number;
}

export function svgToPng(svg: string, { scale }: PngOptions): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    font: {
      loadSystemFonts: false,
      fontFiles: chartFontFiles(),
      defaultFontFamily: CHART_FONT_FAMILY,
      sansSerifFamily: CHART_FONT_FAMILY,
    },
    shapeRendering: 2,
    textRendering: 1,
  });
  return resvg.render().asPng();
}
