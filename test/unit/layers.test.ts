/**
 * The layering docs/architecture.md draws, checked: every relative import in src/ goes to the same
 * layer or one below it. A new top-level folder under src/ must be placed in LAYERS (and in the
 * architecture page) before it can be imported.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/** Highest first; each imports only from itself and the entries after it. */
const LAYERS = [
  'cli',
  'conformance',
  'advise',
  'report',
  'sweep',
  'node',
  'api.ts',
  'sim',
  'metrics',
  'world',
  'mesh',
  'istio',
  'envoy',
  'engine',
  'config',
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : /\.(ts|mjs)$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

/** The layer of a path under src/: its top folder, or the file name for a file at the top. */
const layerOf = (path: string): string => relative(SRC, path).split(sep)[0];

it('every import in src/ goes downward (docs/architecture.md)', () => {
  const problems: string[] = [];
  const unplaced = new Set<string>();
  for (const file of sourceFiles(SRC)) {
    const from = layerOf(file);
    if (!LAYERS.includes(from)) unplaced.add(from);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
      const to = layerOf(join(dirname(file), m[1]));
      if (to === from || to.startsWith('..')) continue;
      if (!LAYERS.includes(to)) unplaced.add(to);
      else if (LAYERS.indexOf(to) < LAYERS.indexOf(from)) problems.push(`${relative(SRC, file)} imports ${m[1]} (${from} is below ${to})`);
    }
  }
  expect([...unplaced], 'folders not placed in LAYERS').toEqual([]);
  expect(problems).toEqual([]);
});
