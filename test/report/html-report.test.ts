/**
 * `failsim report`: the HTML page's contents (self-contained, the run rebuilt exactly from the run
 * directory's files), and the page itself in headless Chromium: loads with no console errors and no
 * network request, every chart draws marks, and pointing at / clicking marks fills the details panel.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS, skipBrowserTests } from '../helpers/chromium.ts';
import { main } from '../../src/cli/main.ts';
import { simulateRun } from '../../src/api.ts';
import { readScenarioFiles } from '../../src/node/files.ts';
import { escapeHtml, inlinedLibraries, jsonForScript, scriptSafe } from '../../src/report/html.ts';
import { readRunDir } from '../../src/report/run-report.ts';
import { timelineData } from '../../src/report/run-outputs.ts';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const SCENARIO = fixture('short.yaml');
const EXPERIMENT = fixture('sweep.yaml');

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['node', 'failsim', ...args], { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

const work = mkdtempSync(join(tmpdir(), 'failsim-report-'));
const runDir = join(work, 'run');
const sweepDir = join(work, 'sweep');
const runHtml = join(work, 'run.html');
const sweepHtml = join(work, 'sweep.html');

beforeAll(async () => {
  const run = await cli(['run', SCENARIO, '--out', runDir]);
  expect(run.err).toBe('');
  expect(run.code).toBe(0);
  const sweep = await cli(['sweep', EXPERIMENT, '--out', sweepDir, '--workers', '1', '--no-progress', '--no-charts']);
  expect(sweep.code).toBe(0);
  expect((await cli(['report', runDir, '-o', runHtml])).code).toBe(0);
  expect((await cli(['report', sweepDir, '-o', sweepHtml])).code).toBe(0);
});

describe('report page contents', () => {
  test('the run directory gives back the timeline the run drew (same data as timelineData(sim))', () => {
    const { summary, result } = simulateRun(readScenarioFiles(SCENARIO), { recordEvents: true });
    const expected = timelineData(result, summary);
    const { timeline } = readRunDir(runDir);
    expect(timeline.title).toBe(expected.title);
    expect(timeline.bucketMs).toBe(expected.bucketMs);
    expect(timeline.durationMs).toBe(expected.durationMs);
    expect([...timeline.times]).toEqual([...expected.times]);
    expect(timeline.clientErrorRate).toEqual(expected.clientErrorRate);
    expect(timeline.faults).toEqual(expected.faults);
    for (const [loc, shares] of Object.entries(expected.trafficShareByLocality)) {
      expect(timeline.trafficShareByLocality[loc]).toHaveLength(shares.length);
      shares.forEach((s, i) => (s === null ? expect(timeline.trafficShareByLocality[loc][i]).toBeNull() : expect(timeline.trafficShareByLocality[loc][i]).toBeCloseTo(s, 12)));
    }
    expect(expected.ejections.length).toBeGreaterThan(0);
    // Event-log timestamps have millisecond resolution; the simulation's times do not.
    const key = (e: { host: string; proxy: string | number }) => `${e.host} ${String(e.proxy)}`;
    const sortE = <T extends { host: string; proxy: string | number; fromMs: number }>(l: T[]) =>
      [...l].sort((a, b) => key(a).localeCompare(key(b)) || a.fromMs - b.fromMs);
    const got = sortE(timeline.ejections);
    const want = sortE(expected.ejections);
    expect(got.map(key)).toEqual(want.map(key));
    got.forEach((g, i) => {
      expect(Math.abs(g.fromMs - want[i].fromMs)).toBeLessThan(1);
      if (want[i].untilMs === null) expect(g.untilMs).toBeNull();
      else expect(Math.abs(g.untilMs! - want[i].untilMs!)).toBeLessThan(1);
    });
  });

  test('self-contained: libraries inlined, a CSP that forbids the network, no external script or style', () => {
    const html = readFileSync(runHtml, 'utf8');
    for (const lib of inlinedLibraries()) {
      expect(html).toContain(`data-library="${lib.name}@${lib.version}"`);
      expect(html).toContain(lib.code.slice(0, 200));
    }
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none';/);
    expect(html).not.toMatch(/<script[^>]*\ssrc=/i);
    expect(html).not.toMatch(/<link[^>]*rel="stylesheet"/i);
    // The effective configuration from summary.json is on the page.
    const summary = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8'));
    expect(html).toContain('Effective configuration');
    expect(html).toContain(escapeHtml(JSON.stringify(summary.effectiveConfig, null, 2)));
  });

  test('inlining escapes: </script and <!-- cannot end a script; JSON cannot break out', () => {
    expect(scriptSafe('a="</script>";b=/<\\/x/g;c="<!--"')).toBe('a="<\\/script>";b=/<\\/x/g;c="<\\!--"');
    const tricky = { s: '</script><script>alert(1)</script>', l: '\u2028' };
    const text = jsonForScript(tricky);
    expect(text).not.toContain('</');
    expect(JSON.parse(text)).toEqual(tricky);
  });

  test('sweep report: heatmaps, Pareto front and eCDFs, and the per-point table', () => {
    const html = readFileSync(sweepHtml, 'utf8');
    const ids = [...html.matchAll(/data-chart="([^"]+)"/g)].map((m) => m[1]);
    expect(ids).toEqual([
      'heatmap-requests-errorRate',
      'heatmap-incidents-0-detectionMs-median',
      'heatmap-incidents-0-mitigationMs',
      'pareto-requests-errorRate-vs-incidents-0-detectionMs-median',
      'ecdf-incidents-0-detectionMs-median',
      'ecdf-incidents-0-mitigationMs',
    ]);
    expect(html).toContain('Per point: mean and 95% interval over replications');
  });

  test('user errors: missing directory, a directory that is neither a run nor a sweep', async () => {
    const missing = await cli(['report', join(work, 'nope'), '-o', join(work, 'x.html')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toBe(`failsim: ${join(work, 'nope')}: no such directory\n`);
    const empty = mkdtempSync(join(tmpdir(), 'failsim-report-empty-'));
    const other = await cli(['report', empty]);
    expect(other.code).toBe(2);
    expect(other.err).toContain('neither a run directory');
    const broken = mkdtempSync(join(tmpdir(), 'failsim-report-broken-'));
    writeFileSync(join(broken, 'summary.json'), '{not json');
    writeFileSync(join(broken, 'timeseries.csv'), 'time_s,requests\n');
    const bad = await cli(['report', broken]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/summary\.json: not JSON/);
  });
});

const skipBrowser = skipBrowserTests('test/report/html-report.test.ts');

describe.skipIf(skipBrowser)(`report page in headless Chromium (${CHROMIUM})`, () => {
  type Browser = import('playwright-core').Browser;
  type Page = import('playwright-core').Page;
  let browser: Browser;

  beforeAll(async () => {
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
  });

  /** Opens a report; collects console errors, page errors and any request leaving file:/data:. */
  async function open(file: string): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (r) => {
      if (!/^(file|data|blob):/.test(r.url())) problems.push(`network request: ${r.url()}`);
    });
    await page.goto(`file://${file}`);
    await page.waitForFunction(() => (window as unknown as { failsimReport?: { done: boolean } }).failsimReport?.done === true, null, {
      timeout: 60_000,
    });
    return { page, problems };
  }

  async function chartMarks(page: Page): Promise<{ id: string; rendered: string | null; svgs: number; marks: number }[]> {
    return page.$$eval('.chart', (els) =>
      els.map((el) => ({
        id: el.id,
        rendered: el.getAttribute('data-rendered'),
        svgs: el.querySelectorAll('svg.marks').length,
        // Vega's SVG renderer puts each mark's items in a <g class="mark-...">.
        marks: el.querySelectorAll('svg.marks g[class^="mark-"] > path, svg.marks g[class^="mark-"] > line, svg.marks g[class^="mark-"] > text').length,
      })),
    );
  }

  test('run report: loads cleanly, the timeline renders, pointing at the error-rate panel shows a bucket', async () => {
    const { page, problems } = await open(runHtml);
    const charts = await chartMarks(page);
    expect(charts.map((c) => c.id)).toEqual(['timeline']);
    expect(charts[0]).toMatchObject({ rendered: 'true', svgs: 1 });
    expect(charts[0].marks).toBeGreaterThan(50);
    // Ejection bands are drawn: one rect path per ejection segment in the bar mark.
    expect(await page.$$eval('#timeline svg.marks g.mark-rect path', (p) => p.length)).toBeGreaterThan(0);

    // Point at the middle of the error-rate panel (the second panel, under the fault strip).
    await page.locator('#timeline svg.marks').scrollIntoViewIfNeeded();
    const plot = await page.$eval('#timeline svg.marks', (svg) => {
      const frames = [...svg.querySelectorAll('g.mark-group.role-scope')].map((g) => g.getBoundingClientRect());
      const panel = frames.filter((r) => r.height > 100)[0];
      return { x: panel.x + panel.width / 2, y: panel.y + panel.height / 2 };
    });
    await page.mouse.move(plot.x - 40, plot.y, { steps: 4 });
    await page.mouse.move(plot.x, plot.y, { steps: 4 });
    await expect.poll(() => page.locator('#timeline-details').innerText(), { timeout: 5000 }).toContain('requests');
    const details = await page.locator('#timeline-details').innerText();
    expect(details).toMatch(/time bucket at \(s\): \d+/);
    expect(details).toContain('share us-west');
    // The bucket shown is the one under the pointer: half-way through a 40 s run.
    const shown = Number(/time bucket at \(s\): (\d+)/.exec(details)![1]);
    expect(shown).toBeGreaterThanOrEqual(18);
    expect(shown).toBeLessThanOrEqual(21);
    // The rule marking the chosen bucket is drawn.
    expect(await page.$$eval('#timeline svg.marks g.mark-rule line', (l) => l.length)).toBeGreaterThan(0);
    expect(problems).toEqual([]);
    await page.close();
  });

  test('sweep report: every chart renders; clicking a heatmap cell shows its mean', async () => {
    const { page, problems } = await open(sweepHtml);
    const charts = await chartMarks(page);
    expect(charts).toHaveLength(6);
    for (const c of charts) {
      expect(c, c.id).toMatchObject({ rendered: 'true', svgs: 1 });
      expect(c.marks, c.id).toBeGreaterThan(3);
    }
    const cell = page.locator('#heatmap-requests-errorRate svg.marks g.mark-rect path').first();
    await cell.scrollIntoViewIfNeeded();
    await cell.click({ position: { x: 4, y: 4 } });
    const details = await page.locator('#heatmap-requests-errorRate-details').innerText();
    expect(details).toContain('selected mark');
    expect(details).toMatch(/mean/);
    expect(problems).toEqual([]);
    await page.close();
  });
});
