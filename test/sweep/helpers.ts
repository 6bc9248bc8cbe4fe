import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.ts';

export const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

export function tempDir(prefix = 'failsim-sweep-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['node', 'failsim', ...args], { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

export const OUTPUT_FILES = ['sweep.json', 'results.jsonl', 'results.csv', 'summary.csv'];

/** name → bytes of every output file (charts included when present), journal excluded. */
export function outputs(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of OUTPUT_FILES) out[f] = readFileSync(join(dir, f), 'latin1');
  let charts: string[] = [];
  try {
    charts = readdirSync(join(dir, 'charts')).sort();
  } catch {
    charts = [];
  }
  for (const f of charts) out[`charts/${f}`] = readFileSync(join(dir, 'charts', f), 'latin1');
  return out;
}
