/**
 * Every model's one-line summaries must match its checked-in golden.txt: a behaviour change shows up
 * as a diff in review. After a deliberate change: `npm run golden:update`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GOLDEN_FILE, goldenText, modelFolders } from '../../src/node/golden.ts';

function readGolden(folder: string): string | undefined {
  const p = join(folder, GOLDEN_FILE);
  return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
}

const folders = modelFolders('models');

describe('model library golden summaries', () => {
  it('finds the model folders', () => {
    expect(folders.length).toBeGreaterThan(0);
  });
  for (const folder of folders) {
    it(`${folder} matches golden.txt (regenerate with npm run golden:update)`, () => {
      const golden = readGolden(folder);
      expect(golden, `${folder}/golden.txt is missing: run npm run golden:update -- ${folder}`).toBeDefined();
      expect(goldenText(folder)).toBe(golden);
    });
  }
});
