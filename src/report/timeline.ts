/**
 * The run timeline in Node: the spec of ./timeline-spec.ts laid out with the chart font read from
 * its file, and writeTimeline (SVG and PNG files).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chartFontMetrics } from './chart-font.ts';
import { renderVegaLiteToSvg, svgToPng, type VegaLiteSpec } from './render.ts';
import { buildTimelineSpec, type TimelineData } from './timeline-spec.ts';

export { ejectionRows, percentFormatFor, timeUnitFor, type TimelineData } from './timeline-spec.ts';

const PNG_SCALE = 2;

export function timelineSpec(data: TimelineData): VegaLiteSpec {
  return buildTimelineSpec(data, chartFontMetrics());
}

/** Writes timeline.svg and timeline.png (2× scale) into `dir`; returns their paths. */
export async function writeTimeline(dir: string, data: TimelineData): Promise<{ svg: string; png: string }> {
  const svg = await renderVegaLiteToSvg(timelineSpec(data));
  mkdirSync(dir, { recursive: true });
  const paths = { svg: join(dir, 'timeline.svg'), png: join(dir, 'timeline.png') };
  writeFileSync(paths.svg, svg);
  writeFileSync(paths.png, svgToPng(svg, { scale: PNG_SCALE }));
  return paths;
}
