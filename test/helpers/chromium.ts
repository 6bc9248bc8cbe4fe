/**
 * Debian's chromium (apt-get install chromium; .ci/apt-packages.txt) for the browser tests. Outside
 * CI a machine without it skips them with a message; in CI (CI set) they always run, and fail if the
 * browser is missing.
 */
import { existsSync } from 'node:fs';

export const CHROMIUM = '/usr/bin/chromium';

/** Flags from the machine notes: headless as root, and no background connections (the network is closed). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** True (with a warning naming `testFile`) when the browser tests cannot run here. */
export function skipBrowserTests(testFile: string): boolean {
  const skip = !existsSync(CHROMIUM) && !process.env.CI;
  if (skip) console.warn(`${testFile}: browser tests SKIPPED: ${CHROMIUM} is absent (apt-get install chromium) and CI is not set`);
  return skip;
}
