/**
 * The one font every chart uses: DejaVu Sans from Debian's fonts-dejavu-core. Vega lays text out with
 * widths measured from this file and resvg draws with the same file, so labels fit what is drawn and
 * the PNG is the same on every machine (no system fonts are consulted).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FontMetrics } from './font-metrics.ts';
import type { ChartFontMetrics } from './chart-style.ts';
import { MissingChartFontError } from './missing-chart-font.ts';

export { CHART_FONT_FAMILY, type ChartFontMetrics } from './chart-style.ts';
export { CHART_FONT_PACKAGE, MissingChartFontError } from './missing-chart-font.ts';

/** Where fonts-dejavu-core puts the faces. */
export const CHART_FONT_DIR = '/usr/share/fonts/truetype/dejavu';

/** Paths of the regular and bold faces, checked to exist. */
export function chartFontFiles(dir: string = CHART_FONT_DIR): [regular: string, bold: string] {
  const files: [string, string] = [join(dir, 'DejaVuSans.ttf'), join(dir, 'DejaVuSans-Bold.ttf')];
  for (const file of files) {
    if (!existsSync(file)) throw new MissingChartFontError(file);
  }
  return files;
}

let loaded: ChartFontMetrics | undefined;

/** Advance-width tables of both faces, read once per process. */
export function chartFontMetrics(): ChartFontMetrics {
  if (!loaded) {
    const [regular, bold] = chartFontFiles();
    loaded = {
      regular: new FontMetrics(readFileSync(regular)),
      bold: new FontMetrics(readFileSync(bold)),
    };
  }
  return loaded;
}
