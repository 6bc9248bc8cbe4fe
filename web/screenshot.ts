/**
 * The README's screenshot of the playground (docs/images/playground.png): the built page in headless
 * Chromium at 1280 px wide, the seed scenario under Istio 1.28 (the ejection-cap trap), run.
 *
 *   npm run build:web && npx tsx web/screenshot.ts [out.png]
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../test/helpers/chromium.ts';
import { DEFAULT_OUT } from './build.ts';

const out = resolve(process.argv[2] ?? 'docs/images/playground.png');
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(pathToFileURL(DEFAULT_OUT).href);
  const explains = () => page.evaluate(() => (window as unknown as { failsimPlayground: { explains: number } }).failsimPlayground.explains);
  await page.waitForFunction(() => (window as unknown as { failsimPlayground: { ready: boolean; explains: number } }).failsimPlayground.explains > 0);
  const before = await explains();
  await page.selectOption('[data-testid=version-select]', 'istio:1.28');
  await page.waitForFunction((n) => (window as unknown as { failsimPlayground: { explains: number } }).failsimPlayground.explains > n, before);
  await page.click('[data-testid=run-button]');
  await page.waitForFunction(() => document.querySelector('[data-testid=timeline]')?.getAttribute('data-rendered') === 'true');
  await page.screenshot({ path: out, fullPage: true });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
}
