/**
 * The browser playground end to end in Debian's headless Chromium: the page is built (as
 * `npm run build:web` does) and loaded from file://. Pasting the seed and running gives the same JSON
 * as `failsim run --json`, byte for byte; explain's warnings follow the version picked; errors sit on
 * their line; a share link reproduces the input; the downloaded scenario runs in the CLI to the same
 * document; the whole battery gives `failsim check --json`'s document; a run can be cancelled;
 * axe-core finds no WCAG 2.1 A/AA violation at 1280 px or at phone width. Throughout: no console
 * error, no page error, and no request beyond the page file itself and the worker's blob: URL.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS, skipBrowserTests } from '../helpers/chromium.ts';
import { simulateRun } from '../../src/api.ts';
import { main } from '../../src/cli/main.ts';
import { readScenarioFiles } from '../../src/node/files.ts';
import { timelineData } from '../../src/report/timeline-data.ts';
import { timelineSpec } from '../../src/report/timeline.ts';
import { servePage } from '../../src/cli/playground-action.ts';
import { buildPlayground } from '../../web/build.ts';
import { encodeShare } from '../../web/src/share.ts';
import type { PageStatus } from '../../web/src/protocol.ts';

const SEED_DIR = fileURLToPath(new URL('../../models/dynamodb-failover/', import.meta.url));
const SEED_SCENARIO = join(SEED_DIR, 'c-failover.yaml');
const SEED_ISTIO = readFileSync(join(SEED_DIR, 'istio.yaml'), 'utf8');
const AXE = fileURLToPath(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url));

const skipBrowser = skipBrowserTests('test/web/playground.test.ts');

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['node', 'failsim', ...args], { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

const work = mkdtempSync(join(tmpdir(), 'failsim-playground-'));
const pageFile = join(work, 'index.html');
/** Screenshots for a person to look at: under the OS temp dir, named in the test output. */
const shots = join(work, 'screenshots');

describe.skipIf(skipBrowser)(`playground page in headless Chromium (${CHROMIUM})`, () => {
  type Browser = import('playwright-core').Browser;
  type Page = import('playwright-core').Page;
  let browser: Browser;

  beforeAll(async () => {
    await buildPlayground(pageFile);
    mkdirSync(shots, { recursive: true });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
  });

  /** Opens the page (optionally at a fragment); collects console errors, page errors and requests. */
  async function open(fragment = '', viewport = { width: 1280, height: 800 }, pageUrl = pathToFileURL(pageFile).href): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage({ viewport, acceptDownloads: true });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (r) => {
      const url = r.url();
      if (url.split('#')[0] !== pageUrl && !url.startsWith('blob:')) problems.push(`network request: ${url}`);
    });
    await page.goto(pageUrl + fragment);
    await waitFor(page, (s) => s.ready && s.explains > 0);
    return { page, problems };
  }

  async function status(page: Page): Promise<PageStatus> {
    return page.evaluate(() => (window as unknown as { failsimPlayground: PageStatus }).failsimPlayground);
  }

  async function waitFor(page: Page, predicate: (s: PageStatus) => boolean, timeout = 60_000): Promise<PageStatus> {
    const started = Date.now();
    for (;;) {
      const s = await status(page);
      if (predicate(s)) return s;
      if (Date.now() - started > timeout) throw new Error(`page status never matched: ${JSON.stringify(s)}`);
      await page.waitForTimeout(50);
    }
  }

  /** Sets an editor's text as a paste would (value, then an input event). */
  async function paste(page: Page, testId: string, text: string): Promise<void> {
    await page.$eval(
      `[data-testid=${testId}]`,
      (el, value) => {
        (el as HTMLTextAreaElement).value = value;
        el.dispatchEvent(new Event('input', { bubbles: true }));
      },
      text,
    );
  }

  /** Waits until explain has answered for the current text (explains counter moved past `before`). */
  async function explained(page: Page, before: number): Promise<PageStatus> {
    return waitFor(page, (s) => s.explains > before);
  }

  async function runAndWait(page: Page): Promise<PageStatus> {
    const before = (await status(page)).runs;
    await page.click('[data-testid=run-button]');
    return waitFor(page, (s) => s.runs > before);
  }

  /** WCAG 2.1 A/AA violations axe-core (injected as an inline script: no request) finds in the page as it is. */
  async function accessibilityViolations(page: Page): Promise<string[]> {
    await page.addScriptTag({ content: readFileSync(AXE, 'utf8') });
    return page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> } }).axe;
      const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
      return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    });
  }

  async function warningCodes(page: Page): Promise<string[]> {
    return page.$$eval('[data-testid=warnings] > *', (items) => items.map((i) => i.getAttribute('data-code') ?? '(none)'));
  }

  /** The warning codes `failsim explain --json` gives, each once, report-level first (the page's order). */
  async function cliWarningCodes(args: string[]): Promise<string[]> {
    const r = await cli(['explain', ...args, '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out) as { warnings: { code: string; message: string }[]; clusters: { warnings: { code: string; message: string }[] }[] };
    const seen = new Set<string>();
    const codes: string[] = [];
    for (const w of [...report.warnings, ...report.clusters.flatMap((c) => c.warnings)]) {
      if (seen.has(`${w.code}\u0000${w.message}`)) continue;
      seen.add(`${w.code}\u0000${w.message}`);
      codes.push(w.code);
    }
    return codes;
  }

  test('paste the seed, run: the JSON is the CLI\'s byte for byte; the timeline draws; screenshots', async () => {
    const { page, problems } = await open();
    const before = (await status(page)).explains;
    await paste(page, 'yaml-input', SEED_ISTIO);
    await explained(page, before);
    expect(await page.locator('[data-testid=yaml-input]').inputValue()).toBe(SEED_ISTIO);
    expect(await page.locator('[data-testid=version-select]').inputValue()).toBe('istio:1.10');
    expect(await warningCodes(page)).toEqual(await cliWarningCodes([SEED_SCENARIO]));

    const s = await runAndWait(page);
    expect(s.error).toBeNull();
    const cliRun = await cli(['run', SEED_SCENARIO, '--json']);
    expect(cliRun.code).toBe(0);
    const pageJson = await page.locator('[data-testid=summary-json]').textContent();
    expect(pageJson).toBe(cliRun.out);
    expect(s.lastRun!.requests).toBe(JSON.parse(cliRun.out).requests.total);
    expect(await page.locator('[data-testid=progress]').evaluate((p) => (p as HTMLProgressElement).value)).toBe(1);

    await page.waitForFunction(() => document.querySelector('[data-testid=timeline]')?.getAttribute('data-rendered') === 'true');
    // Vega's SVG renderer puts each mark's items in a <g class="mark-...">.
    const marks = await page.$$eval('[data-testid=timeline] svg g[class^="mark-"] > :is(path, line, text)', (p) => p.length);
    expect(marks).toBeGreaterThan(50);
    // The chart is the CLI's: the page drew the very spec `failsim run --out` renders for this run.
    expect(await page.locator('[data-testid=timeline] svg.marks').textContent()).toContain('dynamodb-failover-c — Envoy 1.18 (Istio 1.10), profile 1.17-1.21');
    const pageSpec = await page.evaluate(() => (window as unknown as { failsimPlayground: { timelineSpec: unknown } }).failsimPlayground.timelineSpec);
    const { summary, result } = simulateRun(readScenarioFiles(SEED_SCENARIO), { recordEvents: true });
    expect(pageSpec).toEqual(JSON.parse(JSON.stringify(timelineSpec(timelineData(result, summary)))));

    expect(await accessibilityViolations(page)).toEqual([]);
    await page.screenshot({ path: join(shots, 'playground-1280x800.png') });
    await page.screenshot({ path: join(shots, 'playground-full.png'), fullPage: true });
    // Readable at 1280×800: nothing wider than the window.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
    console.log(`screenshots: ${shots}`);
    expect(problems).toEqual([]);
    await page.close();
  });

  test('served by failsim playground (http://127.0.0.1), the page runs the same; a share link pasted into an open page loads', async () => {
    const server = await servePage(readFileSync(pageFile, 'utf8'), 0);
    const address = server.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
    try {
      const { page, problems } = await open('', { width: 1280, height: 800 }, url);
      await runAndWait(page);
      const cliRun = await cli(['run', SEED_SCENARIO, '--json']);
      expect(await page.locator('[data-testid=summary-json]').textContent()).toBe(cliRun.out);
      // Another input's link, pasted into the address bar of the open page.
      const fragment = encodeShare({ model: 'x/y.yaml', scenario: readFileSync(SEED_SCENARIO, 'utf8').replace('seed: 1', 'seed: 7'), config: SEED_ISTIO, incident: null });
      const before = (await status(page)).explains;
      await page.evaluate((f) => (location.hash = f), fragment);
      await explained(page, before);
      expect(await page.locator('[data-testid=scenario-input]').inputValue()).toContain('seed: 7');
      expect(problems).toEqual([]);
      await page.close();
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  test('Istio 1.28 picked: the warnings are explain\'s for 1.28 (the ejection cap trap), one element per warning', async () => {
    const { page, problems } = await open();
    const before = (await status(page)).explains;
    await page.selectOption('[data-testid=version-select]', 'istio:1.28');
    await explained(page, before);
    const codes = await warningCodes(page);
    expect(codes).toEqual(await cliWarningCodes([SEED_SCENARIO, '--istio', '1.28']));
    expect(codes).toContain('ejection-cap-ejects-nothing');
    expect(codes).toContain('failover-cannot-complete');
    // The scenario text now says 1.28: the run uses it.
    expect(await page.locator('[data-testid=scenario-input]').inputValue()).toMatch(/versions: \{ istio: "1\.28" \}/);
    expect(problems).toEqual([]);
    await page.close();
  });

  test('a plain Envoy model: picked from the list, explained and run to the CLI\'s JSON', async () => {
    const { page, problems } = await open();
    const before = (await status(page)).explains;
    await page.selectOption('[data-testid=model-select]', 'envoy-static-failover/scenario.yaml');
    await explained(page, before);
    expect(await page.locator('#config-label').textContent()).toBe('Envoy cluster (envoy.yaml)');
    expect(await page.$$eval('[data-testid=version-select] option', (o) => o.some((x) => x.getAttribute('value')?.startsWith('istio:')))).toBe(false);
    const scenario = join(fileURLToPath(new URL('../../models/envoy-static-failover/', import.meta.url)), 'scenario.yaml');
    expect(await warningCodes(page)).toEqual(await cliWarningCodes([scenario]));
    await runAndWait(page);
    const cliRun = await cli(['run', scenario, '--json']);
    expect(await page.locator('[data-testid=summary-json]').textContent()).toBe(cliRun.out);
    expect(problems).toEqual([]);
    await page.close();
  });

  test('an error is shown on its line of the YAML, and cleared when fixed', async () => {
    const { page, problems } = await open();
    const bad = SEED_ISTIO.replace('interval: 15s', 'interval: 15x');
    const line = bad.split('\n').findIndex((l) => l.includes('interval: 15x')) + 1;
    let before = (await status(page)).explains;
    await paste(page, 'yaml-input', bad);
    await explained(page, before);
    const error = page.locator('[data-testid=error]');
    await expect.poll(() => error.isVisible()).toBe(true);
    expect(await error.textContent()).toMatch(new RegExp(`^line ${line}: istio\\.yaml: .*interval: expected a duration`));
    // It sits inside the Istio editor, just under that line, and the gutter marks the line.
    expect(await page.locator('#config-editor [data-testid=error]').count()).toBe(1);
    expect(await page.locator('#config-editor .gutter .bad').textContent()).toBe(String(line));
    expect(await page.locator('[data-testid=yaml-input]').getAttribute('aria-invalid')).toBe('true');
    expect(await accessibilityViolations(page)).toEqual([]);
    before = (await status(page)).explains;
    await paste(page, 'yaml-input', SEED_ISTIO);
    await explained(page, before);
    expect(await error.isVisible()).toBe(false);
    expect(problems).toEqual([]);
    await page.close();
  });

  test('share link reproduces the input; the downloaded scenario runs in the CLI to the same JSON', async () => {
    const { page, problems } = await open();
    let before = (await status(page)).explains;
    // An incident picked from the battery, and the config edited: both travel in the link.
    await page.selectOption('[data-testid=incident-select]', 'brownout');
    await page.fill('[data-testid=from-input]', '30s');
    await page.fill('[data-testid=until-input]', '2m');
    await page.locator('[data-testid=until-input]').press('Tab');
    await paste(page, 'yaml-input', SEED_ISTIO.replace('consecutive5xxErrors: 1', 'consecutive5xxErrors: 2'));
    await explained(page, before);
    await page.click('[data-testid=share-button]');
    const link = page.url();
    expect(link).toMatch(/#v1=/);
    const scenarioText = await page.locator('[data-testid=scenario-input]').inputValue();
    expect(scenarioText).toMatch(/kind: http-error/);
    await runAndWait(page);
    const pageJson = await page.locator('[data-testid=summary-json]').textContent();

    const downloading = page.waitForEvent('download');
    await page.click('[data-testid=download-button]');
    const download = await downloading;
    const zipFile = join(work, download.suggestedFilename());
    await download.saveAs(zipFile);
    // Directory entries (names ending in /) are left out: the files are what the CLI reads.
    const files = Object.fromEntries(Object.entries(unzipSync(readFileSync(zipFile))).filter(([name]) => !name.endsWith('/')));
    const dir = join(work, 'downloaded');
    for (const [name, bytes] of Object.entries(files)) {
      mkdirSync(join(dir, name, '..'), { recursive: true });
      writeFileSync(join(dir, name), bytes);
    }
    expect(Object.keys(files).sort()).toEqual(['dynamodb-failover/c-failover.yaml', 'dynamodb-failover/istio.yaml']);
    const cliRun = await cli(['run', join(dir, 'dynamodb-failover/c-failover.yaml'), '--json']);
    expect(cliRun.err).toBe('');
    expect(cliRun.out).toBe(pageJson);

    const second = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    second.on('pageerror', (e) => problems.push(`page error (shared): ${e.message}`));
    await second.goto(link);
    await waitFor(second, (s) => s.ready && s.explains > 0);
    expect(await second.locator('[data-testid=yaml-input]').inputValue()).toContain('consecutive5xxErrors: 2');
    expect(await second.locator('[data-testid=scenario-input]').inputValue()).toBe(scenarioText);
    expect(await second.locator('[data-testid=incident-select]').inputValue()).toBe('brownout');
    await runAndWait(second);
    expect(await second.locator('[data-testid=summary-json]').textContent()).toBe(pageJson);
    await second.close();
    expect(problems).toEqual([]);
    await page.close();
  });

  test('the whole battery is failsim check: its scorecard JSON is the CLI\'s; cancel; Ctrl+Enter runs; phone width reads', async () => {
    const { page, problems } = await open('', { width: 390, height: 844 });
    await page.selectOption('[data-testid=incident-select]', 'battery');
    await page.fill('[data-testid=replications-input]', '1'); // one run per incident keeps CI's two cores quick
    await page.locator('[data-testid=replications-input]').press('Tab');
    await runAndWait(page);
    expect((await status(page)).error).toBeNull();
    const check = await cli(['check', join(SEED_DIR, 'istio.yaml'), '--client-locality', 'us-east1/us-east1-b', '--istio', '1.10', '--replications', '1', '--workers', '1', '--json']);
    expect(check.err).toBe('');
    expect(await page.locator('[data-testid=scorecard-json]').textContent()).toBe(check.out);
    const rows = await page.$$eval('[data-testid=scorecard] tbody tr', (r) => r.map((x) => x.querySelector('td')?.textContent ?? ''));
    expect(rows.map((r) => r.split(' ')[0])).toEqual((JSON.parse(check.out) as { incidents: { name: string }[] }).incidents.map((i) => i.name));
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.screenshot({ path: join(shots, 'playground-phone.png'), fullPage: true });

    // Cancel: a run of 100 simulated hours (≈ 10^8 requests) is stopped once it has shown progress;
    // the page answered throughout, and runs again afterwards (in a fresh worker).
    await page.selectOption('[data-testid=incident-select]', 'scenario');
    const scenario = await page.locator('[data-testid=scenario-input]').inputValue();
    await paste(page, 'scenario-input', scenario.replace('duration: 5m', 'duration: 100h').replace(/faults:[\s\S]*$/, ''));
    await page.click('[data-testid=run-button]');
    await page.waitForFunction(() => Number((document.querySelector('[data-testid=progress]') as HTMLProgressElement).value) > 0, null, { polling: 20 });
    expect(await page.locator('#progress-label').textContent()).toMatch(/^simulated \d+ s of 360000 s$/);
    await page.click('[data-testid=cancel-button]');
    expect(await page.locator('#progress-label').textContent()).toBe('cancelled');
    expect(await page.locator('[data-testid=run-button]').isEnabled()).toBe(true);
    await paste(page, 'scenario-input', scenario);

    await page.locator('[data-testid=yaml-input]').focus();
    const before = (await status(page)).runs;
    await page.keyboard.press('Control+Enter');
    await waitFor(page, (s) => s.runs > before);
    expect(await page.locator('[data-testid=summary-json]').textContent()).toContain('"scenario": "dynamodb-failover-c"');
    expect(problems).toEqual([]);
    await page.close();
  });
});
