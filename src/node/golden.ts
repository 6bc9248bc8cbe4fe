/**
 * Golden one-line summaries of the model library: every scenario file in models/<folder>/ (a YAML
 * file with a top-level `name` and `istio` or `envoy`) is run and its one-line summary compared with
 * the folder's golden.txt (`<file>: <summary>` per line, sorted by file name).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { oneLineSummary } from '../sim/one-line.ts';
import { runScenarioFile } from './files.ts';

export const GOLDEN_FILE = 'golden.txt';

/** Scenario files of a model folder, sorted. */
export function scenarioFiles(folder: string): string[] {
  return readdirSync(folder)
    .filter((f) => /\.ya?ml$/.test(f))
    .filter((f) => {
      try {
        const doc = YAML.parse(readFileSync(join(folder, f), 'utf8'));
        return doc !== null && typeof doc === 'object' && 'name' in doc && ('istio' in doc || 'envoy' in doc);
      } catch {
        return false;
      }
    })
    .sort();
}

export function goldenText(folder: string): string {
  return scenarioFiles(folder)
    .map((f) => `${f}: ${oneLineSummary(runScenarioFile(join(folder, f)))}\n`)
    .join('');
}

/** Model folders (under `root`) that have scenario files. */
export function modelFolders(root: string): string[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join(root, d.name))
    .filter((f) => scenarioFiles(f).length > 0)
    .sort();
}
