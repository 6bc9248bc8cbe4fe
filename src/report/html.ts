/**
 * The interactive HTML report: one self-contained file (Vega, Vega-Lite and vega-embed inlined from
 * node_modules, chart data inline) that works offline. A Content-Security-Policy forbids every
 * network request, so a page that renders has loaded nothing from outside.
 *
 * Interaction is the same for every chart: tooltips on marks, and clicking a mark shows its numbers
 * in the details panel under the chart. A chart may instead name a selection parameter (`pick`) and
 * a table of rows keyed by one field: the panel then shows the selected row (the run timeline uses
 * this to show every number of the time bucket nearest the pointer).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { VegaLiteSpec } from './render.ts';

export interface ReportChart {
  /** DOM id (letters, digits, '-'). */
  id: string;
  heading: string;
  /** One short paragraph on how to read the chart (plain text). */
  note?: string;
  spec: VegaLiteSpec;
  /** A point-selection parameter of `spec` whose selected value picks a row of `rows` by `field`. */
  pick?: {
    param: string;
    field: string;
    rows: Record<string, unknown>[];
    /** Caption of the details table, followed by the row's `labelField` (default `field`). */
    label: string;
    labelField?: string;
  };
}

export type ReportSection =
  | { heading: string; kind: 'table'; columns: string[]; rows: (string | number | null)[][]; note?: string }
  | { heading: string; kind: 'json'; value: unknown; note?: string; open?: boolean };

export interface ReportPage {
  title: string;
  subtitle?: string;
  /** Sections shown before the charts (key numbers). */
  before: ReportSection[];
  charts: ReportChart[];
  /** Sections shown after the charts (tables, configuration). */
  after: ReportSection[];
}

const require = createRequire(import.meta.url);

/** Directory of an installed package (works whether or not its `exports` list package.json). */
function packageDir(name: string): string {
  let dir = dirname(require.resolve(name));
  for (let i = 0; i < 8; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (pkg.name === name) return dir;
    } catch {
      // no package.json here: keep walking up
    }
    dir = dirname(dir);
  }
  throw new Error(`cannot find the installed package ${name}`);
}

/** The browser builds, in load order: vega-embed's UMD build expects the globals vega and vegaLite. */
export const INLINED_LIBRARIES = [
  { name: 'vega', file: 'build/vega.min.js' },
  { name: 'vega-lite', file: 'build/vega-lite.min.js' },
  { name: 'vega-embed', file: 'build/vega-embed.min.js' },
] as const;

export interface InlinedLibrary {
  name: string;
  version: string;
  code: string;
}

let libraries: InlinedLibrary[] | undefined;

export function inlinedLibraries(): InlinedLibrary[] {
  if (libraries === undefined) {
    libraries = INLINED_LIBRARIES.map(({ name, file }) => {
      const dir = packageDir(name);
      const version = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
      return { name, version, code: readFileSync(join(dir, file), 'utf8') };
    });
  }
  return libraries;
}

/**
 * Script text safe inside a <script> element: `</script` and `<!--` would end or confuse the
 * element, so they are written `<\/script` and `<\!--` (the same text inside a JS string or regular
 * expression). Nothing else is touched: `</` alone is common in minified regular expressions.
 */
export function scriptSafe(code: string): string {
  return code.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/** JSON safe inside <script type="application/json">: `<`, `>`, `&` and line separators escaped. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function cellText(v: string | number | null): string {
  if (v === null) return '—';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
  return v;
}

function sectionHtml(s: ReportSection): string {
  const note = s.note ? `<p class="note">${escapeHtml(s.note)}</p>` : '';
  if (s.kind === 'table') {
    const head = s.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
    const body = s.rows
      .map((r) => `<tr>${r.map((v) => `<td${typeof v === 'number' ? ' class="num"' : ''}>${escapeHtml(cellText(v))}</td>`).join('')}</tr>`)
      .join('\n');
    return `<section><h2>${escapeHtml(s.heading)}</h2>${note}<div class="scroll"><table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div></section>`;
  }
  return (
    `<section><h2>${escapeHtml(s.heading)}</h2>${note}<details${s.open ? ' open' : ''}><summary>show JSON</summary>` +
    `<pre>${escapeHtml(JSON.stringify(s.value, null, 2))}</pre></details></section>`
  );
}

function chartHtml(c: ReportChart): string {
  const note = c.note ? `<p class="note">${escapeHtml(c.note)}</p>` : '';
  return (
    `<section class="chart-section"><h2>${escapeHtml(c.heading)}</h2>${note}` +
    `<div class="chart" id="${c.id}" data-chart="${c.id}"></div>` +
    `<div class="details" id="${c.id}-details" aria-live="polite"><p class="hint">${
      c.pick ? 'Point at the chart to see the numbers of the nearest time bucket here (double-click clears).' : 'Click a mark to see its numbers.'
    }</p></div></section>`
  );
}

const STYLE = `
body { font-family: "DejaVu Sans", system-ui, sans-serif; margin: 24px auto; max-width: 1100px; padding: 0 16px; color: #222; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 17px; margin: 28px 0 6px; }
.subtitle { color: #555; margin-top: 0; } .note, .hint { color: #555; font-size: 13px; margin: 4px 0 8px; }
.chart { overflow-x: auto; }
.details { border: 1px solid #ddd; border-radius: 4px; padding: 6px 10px; margin-top: 6px; font-size: 13px; min-height: 24px; background: #fafafa; }
table { border-collapse: collapse; font-size: 13px; } th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; } th { background: #f2f2f2; }
.scroll { overflow-x: auto; } pre { font-size: 12px; background: #f7f7f7; padding: 8px; overflow-x: auto; }
footer { color: #777; font-size: 12px; margin-top: 32px; }
`;

/**
 * The page script: embeds every chart as SVG, wires the details panels, and records the outcome in
 * window.failsimReport ({ rendered, failed, errors, done, views: chart id → Vega view }) for tests and for anyone debugging the page.
 */
const PAGE_SCRIPT = `
(function () {
  var report = (window.failsimReport = { rendered: 0, failed: 0, errors: [], done: false, views: {} });
  var charts = JSON.parse(document.getElementById('failsim-charts').textContent);
  function fmt(v) {
    if (v === null || v === undefined) return '—';
    if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
    if (typeof v === 'object') return JSON.stringify(v);
    return String(v);
  }
  function show(panel, title, row, omit) {
    var keys = Object.keys(row).filter(function (k) { return k !== omit && k.charAt(0) !== '_' && k.indexOf('vgsid') < 0; });
    var html = '<table><caption>' + esc(title) + '</caption><tbody>' + keys.map(function (k) {
      return '<tr><th>' + esc(k) + '</th><td class="num">' + esc(fmt(row[k])) + '</td></tr>';
    }).join('') + '</tbody></table>';
    panel.innerHTML = html;
  }
  function esc(s) { return String(s).replace(/[&<>"']/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]; }); }
  function plainDatum(item) {
    var d = item && item.datum;
    // Voronoi cells (nearest-point selections) carry the point item; its datum is the data row.
    while (d && d.datum && typeof d.datum === 'object' && d.mark) d = d.datum;
    return d && typeof d === 'object' ? d : null;
  }
  var jobs = charts.map(function (c) {
    var el = document.getElementById(c.id);
    var panel = document.getElementById(c.id + '-details');
    var byKey = null;
    if (c.pick) { byKey = {}; c.pick.rows.forEach(function (r) { byKey[String(r[c.pick.field])] = r; }); }
    return vegaEmbed(el, c.spec, {
      renderer: 'svg',
      actions: { export: true, source: false, compiled: false, editor: false },
      downloadFileName: c.id,
      logLevel: vega.Error
    }).then(function (result) {
      var view = result.view;
      report.views[c.id] = view;
      if (c.pick) {
        // The chart's own selection chooses the row: the panel follows it (hover or click).
        view.addSignalListener(c.pick.param, function (name, sel) {
          var values = sel && sel[c.pick.field];
          var key = Array.isArray(values) && values.length ? String(values[0]) : null;
          if (key !== null && byKey[key]) show(panel, c.pick.label + ' ' + fmt(byKey[key][c.pick.labelField || c.pick.field]), byKey[key], c.pick.labelField ? c.pick.field : null);
        });
      } else {
        view.addEventListener('click', function (event, item) {
          var d = plainDatum(item);
          if (d) show(panel, 'selected mark', d);
        });
      }
      if (!el.querySelector('svg') || el.querySelectorAll('svg path, svg rect, svg line, svg text').length === 0) {
        throw new Error('chart ' + c.id + ' drew nothing');
      }
      el.setAttribute('data-rendered', 'true');
      report.rendered++;
    }).catch(function (e) {
      report.failed++;
      report.errors.push(c.id + ': ' + (e && e.message ? e.message : String(e)));
      el.setAttribute('data-rendered', 'error');
      el.textContent = 'This chart could not be drawn: ' + (e && e.message ? e.message : String(e));
      console.error('failsim report: chart ' + c.id + ' failed', e);
    });
  });
  Promise.all(jobs).then(function () { report.done = true; document.body.setAttribute('data-report-done', 'true'); });
})();
`;

/** No network at all: scripts and styles are inline; images only from data:/blob: (chart export). */
const CSP =
  "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data: blob:; font-src data:";

export function renderReportHtml(page: ReportPage): string {
  const libs = inlinedLibraries();
  const charts = page.charts.map((c) => ({ id: c.id, spec: c.spec, pick: c.pick }));
  const versions = libs.map((l) => `${l.name} ${l.version}`).join(', ');
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<link rel="icon" href="data:,">',
    `<title>${escapeHtml(page.title)}</title>`,
    `<style>${STYLE}</style>`,
    ...libs.map((l) => `<script data-library="${l.name}@${l.version}">${scriptSafe(l.code)}</script>`),
    '</head>',
    '<body>',
    `<h1>${escapeHtml(page.title)}</h1>`,
    page.subtitle ? `<p class="subtitle">${escapeHtml(page.subtitle)}</p>` : '',
    ...page.before.map(sectionHtml),
    ...page.charts.map(chartHtml),
    ...page.after.map(sectionHtml),
    `<footer>Written by failsim report. Self-contained: charts drawn with ${escapeHtml(versions)}, inlined; the page loads nothing from the network.</footer>`,
    `<script type="application/json" id="failsim-charts">${jsonForScript(charts)}</script>`,
    `<script>${scriptSafe(PAGE_SCRIPT)}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
