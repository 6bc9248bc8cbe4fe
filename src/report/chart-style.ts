/**
 * What every chart shares, browser-safe (no node: imports): the font, the base Vega-Lite config and
 * vega's text-width function measured from that font. Node (render.ts) and the playground page
 * (web/) both use it, so a chart is laid out the same in both.
 */
import type { Config } from 'vega-lite';
import type { FontMetrics } from './font-metrics.ts';

export const CHART_FONT_FAMILY = 'DejaVu Sans';

/** Smallest text size any chart uses, in px at scale 1 (legible once the PNG is drawn at 2×). */
export const MIN_FONT_SIZE = 11;

export interface ChartFontMetrics {
  regular: FontMetrics;
  bold: FontMetrics;
}

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

export interface VegaTextItem {
  fontSize?: number | string;
  fontWeight?: string | number;
  limit?: number;
}

/**
 * A replacement for vega-scenegraph's `textMetrics.width` (a process-wide setting): exact widths
 * from the font's advance table instead of a canvas or vega's 0.8 × size guess.
 */
export function exactTextWidth(fonts: ChartFontMetrics): (item: VegaTextItem, text: unknown) => number {
  return (item, text) => {
    const value = text == null ? '' : String(text).trim();
    const size = item.fontSize != null ? Number(item.fontSize) || 0 : 11;
    if (size <= 0 || value === '') return 0;
    const face = isBold(item.fontWeight) ? fonts.bold : fonts.regular;
    const width = face.width(value, size);
    // Vega truncates text wider than `limit` to fit it, so the drawn width never exceeds the limit.
    return item.limit != null && item.limit > 0 ? Math.min(width, item.limit) : width;
  };
}

function isBold(weight: string | number | undefined): boolean {
  if (weight === undefined) return false;
  if (typeof weight === 'number') return weight >= 600;
  return weight === 'bold' || weight === 'bolder' || Number(weight) >= 600;
}
