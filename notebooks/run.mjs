#!/usr/bin/env node
/**
 * Executes the notebooks headlessly with Jupyter (Debian's jupyter-nbconvert) and Deno's Jupyter
 * kernel (the npm package `deno`, kernelspec in notebooks/jupyter/kernels/deno).
 *
 *   node notebooks/run.mjs [--update] [--counts FILE] [NAME.ipynb ...]
 *
 * Default: executes every notebooks/*.ipynb into a temporary directory and fails (exit 1) if any
 * cell raises; prints one line per notebook. --update writes the executed notebooks back in place
 * (the committed outputs). --counts FILE writes "<passed> <failed>" (one per notebook) for .ci/run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const args = process.argv.slice(2);
const update = args.includes('--update');
const countsAt = args.indexOf('--counts');
const countsFile = countsAt >= 0 ? args[countsAt + 1] : undefined;
const named = args.filter((a, i) => !a.startsWith('--') && (countsAt < 0 || i !== countsAt + 1));
/** A notebook taking longer than this is reported (the notebooks are meant to run in under a minute). */
const SLOW_SECONDS = 60;

const env = {
  ...process.env,
  // Our kernelspec first; `deno` from node_modules/.bin on PATH for the kernelspec's argv.
  JUPYTER_PATH: [join(here, 'jupyter'), process.env.JUPYTER_PATH].filter(Boolean).join(delimiter),
  PATH: [join(root, 'node_modules', '.bin'), process.env.PATH].join(delimiter),
  DENO_NO_UPDATE_CHECK: '1',
  NO_COLOR: '1',
};

function writeCounts(passed, failed) {
  if (countsFile) writeFileSync(countsFile, `${passed} ${failed}\n`);
}

const notebooks = (named.length ? named.map((n) => basename(n)) : readdirSync(here).filter((f) => f.endsWith('.ipynb'))).sort();
const probe = spawnSync('jupyter', ['nbconvert', '--version'], { env, encoding: 'utf8' });
if (probe.status !== 0) {
  console.error('notebooks: `jupyter nbconvert` not found: apt-get install jupyter-nbconvert python3-nbclient jupyter-client');
  writeCounts(0, notebooks.length || 1);
  process.exit(1);
}

const outDir = update ? here : mkdtempSync(join(tmpdir(), 'failsim-notebooks-'));
let passed = 0;
let failed = 0;
for (const nb of notebooks) {
  const started = process.hrtime.bigint();
  const r = spawnSync(
    'jupyter',
    [
      'nbconvert',
      '--to', 'notebook',
      '--execute',
      '--ExecutePreprocessor.kernel_name=deno',
      '--ExecutePreprocessor.timeout=300',
      // No wall-clock timestamps in cell metadata: re-running gives the same file when nothing changed.
      '--ExecutePreprocessor.record_timing=False',
      '--output-dir', outDir,
      '--output', nb,
      join(here, nb),
    ],
    { cwd: here, env, encoding: 'utf8' },
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status === 0) {
    passed++;
    console.log(`ok   ${nb} (${seconds.toFixed(1)} s)${seconds > SLOW_SECONDS ? ` — slower than ${SLOW_SECONDS} s` : ''}`);
  } else {
    failed++;
    console.log(`FAIL ${nb} (${seconds.toFixed(1)} s)`);
    // nbconvert prints the failing cell and its traceback on stderr.
    const lines = `${r.stderr ?? ''}${r.error ? String(r.error) : ''}`.split('\n').filter((l) => !l.startsWith('[NbConvertApp]'));
    const cellError = lines.findIndex((l) => l.includes('CellExecutionError:'));
    const shown = cellError >= 0 ? lines.slice(cellError, cellError + 40) : lines.slice(-40);
    console.log(shown.map((l) => `     ${l}`).join('\n'));
  }
}
writeCounts(passed, failed);
console.log(`notebooks: ${passed} of ${notebooks.length} executed without error${update ? ' (outputs written back)' : ''}`);
process.exit(failed === 0 && notebooks.length > 0 ? 0 : 1);
