import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { replayForCategory } from '../../src/conformance/categories.ts';
import '../../src/conformance/register-all.ts';

const file = fileURLToPath(new URL('../fixtures/conformance/load-balancing.json', import.meta.url));
const vectors: any[] = JSON.parse(readFileSync(file, 'utf8')).vectors.filter((v: any) => String(v.category).startsWith('istio.'));

describe('load-balancing.json istio.* vectors', () => {
  test('there are istio vectors to replay', () => {
    expect(vectors.length).toBeGreaterThan(0);
  });
  for (const vector of vectors) {
    test(`${vector.id} ${vector.category}${vector.versions ? ` (${vector.versions})` : ''}`, () => {
      const replay = replayForCategory(vector.category);
      expect(replay, `no replay registered for ${vector.category}`).toBeDefined();
      expect(replay!(vector)).toEqual([]);
    });
  }
});
