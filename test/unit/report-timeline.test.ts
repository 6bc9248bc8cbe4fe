import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CHART_FONT_FAMILY,
  MissingChartFontError,
  chartFontFiles,
  chartFontMetrics,
} from '../../src/report/chart-font.ts';
import { renderVegaLiteToSvg, svgToPng, type VegaLiteSpec } from '../../src/report/render.ts';
import {
  ejectionRows,
  percentFormatFor,
  timeUnitFor,
  timelineSpec,
  writeTimeline,
  type TimelineData,
} from '../../src/report/timeline.ts';

/** 60 s in 1 s buckets: us-east fails from 20 s to 35 s, traffic moves west while its host is ejected. */
function syntheticTimeline(): TimelineData {
  const bucketMs = 1000;
  const times = Array.from({ length: 60 }, (_, i) => i * bucketMs);
  const failing = (t: number) => t >= 20_000 && t < 35_000;
  const ejected = (t: number) => t >= 23_000 && t < 53_000;
  const east = times.map((t) => (ejected(t) ? 0 : 1));
  const rates: (number | null)[] = times.map((t) => (failing(t) && !ejected(t) ? 0.3 : 0));
  rates[58] = null;
  return {
    title: 'seed example · profile envoy-1.30',
    bucketMs,
    times,
    clientErrorRate: rates,
    trafficShareByLocality: { 'us-east-1': east, 'us-west-1': east.map((s) => 1 - s) },
    ejections: [
      { host: 'dynamodb.us-east-1', proxy: 0, fromMs: 23_000, untilMs: 53_000 },
      { host: 'dynamodb.us-east-1', proxy: 1, fromMs: 24_500, untilMs: null },
    ],
    faults: [{ label: 'us-east-1 returns 503', fromMs: 20_000, untilMs: 35_000 }],
    durationMs: 60_000,
  };
}

function pngSize(png: Buffer): { width: number; height: number } {
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

function svgSize(svg: string): { width: number; height: number } {
  const m = /^<svg[^>]* width="(\d+)" height="(\d+)"/.exec(svg);
  if (!m) throw new Error('svg has no width/height');
  return { width: Number(m[1]), height: Number(m[2]) };
}

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('timeline chart', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('renders every panel, the axis title, the localities and a shaded fault window', async () => {
    const svg = await renderVegaLiteToSvg(timelineSpec(syntheticTimeline()));
    for (const text of [
      'seed example · profile envoy-1.30',
      'Injected faults',
      'Client error rate',
      'Traffic share by locality',
      'Ejections (one row per host × client proxy)',
      'time since start (s)',
      'us-east-1 returns 503',
      'us-west-1',
      'dynamodb.us-east-1 · proxy 1',
    ]) {
      expect(svg).toContain(text);
    }
    // Fault window 20..35 s of 60 s on the 720 px plot: a translucent grey band x=240..420,
    // full panel height, in the error-rate, traffic and ejection panels.
    const bands = svg.match(/<path d="M240,0h180v\d+h-180Z" fill="#7f7f7f" opacity="0.18"\/>/g) ?? [];
    expect(bands.length).toBe(3);
    expect(svg).toContain(`font-family="${CHART_FONT_FAMILY}"`);
    expect(svg).not.toMatch(/font-size="([0-9]|10)(\.\d+)?px"/); // nothing below 11 px
  });

  it('renders the same bytes every time, whatever was rendered in between', async () => {
    const data = syntheticTimeline();
    const first = await renderVegaLiteToSvg(timelineSpec(data));
    const other = { ...data, faults: [], ejections: [], title: 'other' };
    await Promise.all([renderVegaLiteToSvg(timelineSpec(other)), renderVegaLiteToSvg(timelineSpec(data))]);
    const second = await renderVegaLiteToSvg(timelineSpec(data));
    expect(second).toBe(first);
    expect(svgToPng(second, { scale: 2 }).equals(svgToPng(first, { scale: 2 }))).toBe(true);
  });

  it('writes timeline.svg and a 2x timeline.png', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'failsim-timeline-'));
    dirs.push(dir);
    const paths = await writeTimeline(join(dir, 'out'), syntheticTimeline());
    const svg = readFileSync(paths.svg, 'utf8');
    const png = readFileSync(paths.png);
    expect(png.subarray(0, 8).equals(PNG_MAGIC)).toBe(true);
    const { width, height } = svgSize(svg);
    expect(width).toBeGreaterThan(720); // the plot area alone is 720 px
    expect(pngSize(png)).toEqual({ width: 2 * width, height: 2 * height });
  });

  it('draws a quiet run: no faults strip, a "no ejections" note, minutes for long runs', async () => {
    const data: TimelineData = {
      title: 'quiet',
      bucketMs: 60_000,
      times: Float64Array.from({ length: 20 }, (_, i) => i * 60_000),
      clientErrorRate: Array.from({ length: 20 }, () => 0),
      trafficShareByLocality: { a: Array.from({ length: 20 }, () => 1) },
      ejections: [],
      faults: [],
      durationMs: 1_200_000,
    };
    const svg = await renderVegaLiteToSvg(timelineSpec(data));
    expect(svg).not.toContain('Injected faults');
    expect(svg).toContain('no ejections during the run');
    expect(svg).toContain('time since start (min)');
  });
});

describe('chart text fits what is drawn', () => {
  it('measures text as wide as resvg draws it with DejaVu Sans (never narrower)', () => {
    const fonts = chartFontMetrics();
    const cases = [
      { text: 'Traffic share by locality (attempts)', size: 14, bold: true },
      { text: 'mydb.us-east-1.amazonaws.com:443 · proxy 12', size: 11, bold: false },
      { text: 'WWW iii 0.05% →', size: 11, bold: false },
    ];
    for (const c of cases) {
      const svg =
        `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="40"><text x="10" y="30" ` +
        `font-family="${CHART_FONT_FAMILY}" font-size="${c.size}px"${c.bold ? ' font-weight="bold"' : ''}>` +
        `${c.text}</text></svg>`;
      const drawn = new Resvg(svg, {
        font: { loadSystemFonts: false, fontFiles: chartFontFiles(), defaultFontFamily: CHART_FONT_FAMILY },
      }).getBBox();
      const measured = (c.bold ? fonts.bold : fonts.regular).width(c.text, c.size);
      expect(drawn).toBeDefined();
      // The ink box is a little narrower than the advance width (side bearings, kerning).
      expect(measured).toBeGreaterThanOrEqual(drawn!.width - 0.5);
      expect(measured).toBeLessThan(drawn!.width * 1.08 + 2);
    }
  });

  it('names the Debian package when the font is missing', () => {
    expect(() => chartFontFiles('/nonexistent/fonts')).toThrow(MissingChartFontError);
    expect(() => chartFontFiles('/nonexistent/fonts')).toThrow(/fonts-dejavu-core/);
  });

  it('numbers clip paths from 1 in every chart', async () => {
    const spec = {
      width: 100,
      height: 50,
      data: { values: [{ a: 1, b: 5 }, { a: 2, b: -3 }] },
      mark: { type: 'line', clip: true },
      encoding: {
        x: { field: 'a', type: 'quantitative' },
        y: { field: 'b', type: 'quantitative', scale: { domain: [0, 4] } },
      },
    } as VegaLiteSpec;
    const first = await renderVegaLiteToSvg(spec);
    const second = await renderVegaLiteToSvg(spec);
    expect(first).toContain('clip-path="url(#clip1)"');
    expect(second).toBe(first);
  });

  it('keeps the SVG font forced to DejaVu Sans even if a spec asks for another', async () => {
    const spec = {
      config: { font: 'Comic Sans MS' },
      data: { values: [{ a: 1 }] },
      mark: 'point',
      encoding: { x: { field: 'a', type: 'quantitative' } },
    } as VegaLiteSpec;
    const svg = await renderVegaLiteToSvg(spec);
    expect(svg).not.toContain('Comic Sans');
  });
});

describe('ejection rows', () => {
  it('gives each host × proxy its own row when few proxies ejected', () => {
    const rows = ejectionRows({
      durationMs: 100,
      ejections: [
        { host: 'b', proxy: 1, fromMs: 10, untilMs: 20 },
        { host: 'a', proxy: 0, fromMs: 30, untilMs: null },
        { host: 'a', proxy: 1, fromMs: 5, untilMs: 15 },
      ],
    });
    expect(rows.perPair).toBe(true);
    expect(rows.rowOrder).toEqual(['a · proxy 0', 'a · proxy 1', 'b · proxy 1']);
    expect(rows.segments).toContainEqual({ row: 'a · proxy 0', fromMs: 30, untilMs: 100, proxies: 1 });
  });

  it('aggregates per host with the number of proxies ejecting it when there are many', () => {
    const ejections = Array.from({ length: 13 }, (_, p) => ({
      host: 'h',
      proxy: `sidecar-${p}`,
      fromMs: p < 2 ? 10 : 1000,
      untilMs: p === 0 ? 30 : p === 1 ? 50 : 1010,
    }));
    const rows = ejectionRows({ durationMs: 2000, ejections });
    expect(rows.perPair).toBe(false);
    expect(rows.rowOrder).toEqual(['h']);
    expect(rows.segments).toEqual([
      { row: 'h', fromMs: 10, untilMs: 30, proxies: 2 },
      { row: 'h', fromMs: 30, untilMs: 50, proxies: 1 },
      { row: 'h', fromMs: 1000, untilMs: 1010, proxies: 11 },
    ]);
    expect(rows.maxProxies).toBe(11);
  });

  it('merges back-to-back ejections of one host by one proxy into one band', () => {
    const rows = ejectionRows({
      durationMs: 100,
      ejections: [
        { host: 'h', proxy: 0, fromMs: 10, untilMs: 20 },
        { host: 'h', proxy: 0, fromMs: 20, untilMs: 40 },
      ],
    });
    expect(rows.segments).toEqual([{ row: 'h', fromMs: 10, untilMs: 40, proxies: 1 }]);
  });
});

describe('axis formats', () => {
  it('uses seconds up to three minutes and minutes beyond', () => {
    expect(timeUnitFor(180_000).divisor).toBe(1000);
    expect(timeUnitFor(180_001).divisor).toBe(60_000);
  });

  it('prints error-rate ticks with enough decimals to tell them apart', () => {
    expect(percentFormatFor(0.4)).toBe('.0~%');
    expect(percentFormatFor(0.01)).toBe('.1~%');
    expect(percentFormatFor(0.0006)).toBe('.2~%');
  });
});
