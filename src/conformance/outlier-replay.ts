/** Replays outlier-detection.json vectors. (Being implemented: see issue 2.) */
import type { CaseResult } from './types.ts';
import type { RunOptions } from './runner.ts';

export function replayOutlierFile(path: string, doc: any, _options: RunOptions): CaseResult[] {
  return doc.vectors.map((v: any) => ({ file: path, vector: v.id, differences: ['outlier replay is not implemented'] }));
}
