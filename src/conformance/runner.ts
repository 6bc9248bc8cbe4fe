/**
 * Replays conformance vector files (the format of shared/conformance, see its README and each file's
 * `encoding` block) through src/envoy and src/istio: the same code the simulator runs.
 */
import { readFileSync } from 'node:fs';
import { UserError } from '../config/errors.ts';
import { replayForCategory } from './categories.ts';
import type { CaseResult } from './types.ts';
import { replayOutlierFile } from './outlier-replay.ts';
import './register-all.ts';

export interface RunOptions {
  /** Only this outlier profile (outlier vectors); others are not run. */
  profile?: string;
}

export function loadVectorFile(path: string): any {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UserError(`${path}: cannot read file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UserError(`${path}: not valid JSON (${(e as Error).message})`);
  }
}

export function runConformanceFile(path: string, options: RunOptions = {}): CaseResult[] {
  const doc = loadVectorFile(path);
  if (doc === null || typeof doc !== 'object' || !Array.isArray(doc.vectors)) {
    throw new UserError(`${path}: vectors: expected an array of vectors (a conformance file as in shared/conformance)`);
  }
  const isOutlierFile = doc.vectors.every((v: any) => v && Array.isArray(v.events));
  if (isOutlierFile) return replayOutlierFile(path, doc, options);
  return replayCategoryFile(path, doc);
}

function replayCategoryFile(path: string, doc: any): CaseResult[] {
  const results: CaseResult[] = [];
  doc.vectors.forEach((vector: any, index: number) => {
    if (!vector || typeof vector !== 'object' || typeof vector.category !== 'string') {
      throw new UserError(`${path}: vectors[${index}]: expected an object with a string "category"`);
    }
    const id = typeof vector.id === 'string' ? vector.id : `#${index}`;
    const replay = replayForCategory(vector.category);
    const result: CaseResult = { file: path, vector: id, differences: [] };
    if (typeof vector.versions === 'string') result.profile = vector.versions;
    if (!replay) {
      result.differences.push(`category ${vector.category} is not implemented`);
    } else {
      try {
        result.differences.push(...replay(vector));
      } catch (e) {
        result.differences.push(`replay failed: ${(e as Error).message}`);
      }
    }
    results.push(result);
  });
  return results;
}
