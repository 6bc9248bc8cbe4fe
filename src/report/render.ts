/**
 * Headless chart rendering: Vega-Lite spec → SVG (vega, no browser, no canvas) → PNG (resvg).
 *
 * Output is a pure function of the spec: text widths come from the bundled font file rather than
 * whatever canvas a machine has, SVG clip/gradient ids restart for every chart, charts never load
 * anything from outside, and resvg sees only DejaVu Sans.
 */
import { Resvg } from '@resvg/resvg-js';
import type * as Vega from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import { chartFontFiles, chartFontMetrics } from './chart-font.ts';
import { BASE_CHART_CONFIG, CHART_FONT_FAMILY, exactTextWidth } from './chart-style.ts';

export { BASE_CHART_CONFIG, MIN_FONT_SIZE } from './chart-style.ts';

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

let metricsInstalled = false;

/** Replaces vega's text-width function (a process-wide setting in vega-scenegraph) with exact widths. */
function installTextMetrics(vega: typeof Vega): void {
  if (metricsInstalled) return;
  (vega as unknown as { textMetrics: { width: unknown } }).textMetrics.width = exactTextWidth(chartFontMetrics());
  metricsInstalled = true;
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
