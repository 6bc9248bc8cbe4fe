/**
 * CI check of experiments/dynamodb-tuning: re-runs its reduced experiment (reduced.yaml: the same
 * incident mix at 4 points x 2 replications) through the code of `failsim sweep` and requires the
 * summary.csv checked in under reduced/ byte for byte. A change of simulator behaviour that moves
 * any number of the tuning study fails here, so the study's README and charts get refreshed with it.
 *
 * After an intended change, regenerate the checked-in summary with either
 *   FAILSIM_UPDATE_EXPERIMENTS=1 npx vitest run test/experiments/dynamodb-tuning.test.ts
 * or
 *   npx failsim sweep experiments/dynamodb-tuning/reduced.yaml --out /tmp/dt-reduced --workers 2 --no-charts \
 *     && cp /tmp/dt-reduced/summary.csv experiments/dynamodb-tuning/reduced/summary.csv
 * and re-run the full sweep (experiments/dynamodb-tuning/README.md) to update its findings.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, test } from 'vitest';
import { loadExperiment } from '../../src/sweep/experiment.ts';
import { runSweep } from '../../src/sweep/sweep.ts';

const EXPERIMENT = fileURLToPath(new URL('../../experiments/dynamodb-tuning/reduced.yaml', import.meta.url));
const CHECKED_IN = fileURLToPath(new URL('../../experiments/dynamodb-tuning/reduced/summary.csv', import.meta.url));
const REGENERATE =
  'FAILSIM_UPDATE_EXPERIMENTS=1 npx vitest run test/experiments/dynamodb-tuning.test.ts ' +
  '(or: npx failsim sweep experiments/dynamodb-tuning/reduced.yaml --out /tmp/dt-reduced --workers 2 --no-charts ' +
  '&& cp /tmp/dt-reduced/summary.csv experiments/dynamodb-tuning/reduced/summary.csv), ' +
  'then re-run the full sweep and update experiments/dynamodb-tuning/README.md';

const out = mkdtempSync(join(tmpdir(), 'failsim-dynamodb-tuning-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Which cells changed, named by point and column, so the failure says what moved. */
function describeChanges(expected: string, actual: string): string {
  const e = expected.trimEnd().split('\n').map((l) => l.split(','));
  const a = actual.trimEnd().split('\n').map((l) => l.split(','));
  const lines: string[] = [];
  if (e[0].join(',') !== a[0].join(',')) lines.push(`header changed:\n  was ${e[0].join(',')}\n  now ${a[0].join(',')}`);
  else {
    for (let r = 1; r < Math.max(e.length, a.length); r++) {
      for (let c = 0; c < e[0].length; c++) {
        if (e[r]?.[c] !== a[r]?.[c]) lines.push(`point ${e[r]?.[0] ?? a[r]?.[0]}, ${e[0][c]}: was ${e[r]?.[c] ?? '(no row)'}, now ${a[r]?.[c] ?? '(no row)'}`);
      }
    }
  }
  const shown = lines.slice(0, 20);
  if (lines.length > shown.length) shown.push(`... and ${lines.length - shown.length} more`);
  return shown.join('\n');
}

test('reduced dynamodb-tuning sweep reproduces its checked-in summary.csv byte for byte', async () => {
  const report = await runSweep(loadExperiment(EXPERIMENT), { outDir: out, workers: 2, resume: false });
  expect(report.ran).toBe(8);
  const actual = readFileSync(join(out, 'summary.csv'), 'utf8');
  if (process.env.FAILSIM_UPDATE_EXPERIMENTS === '1') {
    writeFileSync(CHECKED_IN, actual);
    return;
  }
  const expected = readFileSync(CHECKED_IN, 'utf8');
  if (actual !== expected) {
    expect.fail(
      `experiments/dynamodb-tuning/reduced/summary.csv no longer matches a re-run of reduced.yaml:\n` +
        `${describeChanges(expected, actual)}\n` +
        `If the change is intended, regenerate it: ${REGENERATE}`,
    );
  }
});
