/**
 * Regenerates models/<folder>/golden.txt for every model folder (or the folders given).
 * Run after a deliberate behaviour change: `npm run golden:update [-- models/<folder> ...]`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GOLDEN_FILE, goldenText, modelFolders } from '../src/node/golden.ts';

const folders = process.argv.slice(2).length ? process.argv.slice(2) : modelFolders('models');
for (const folder of folders) {
  const text = goldenText(folder);
  writeFileSync(join(folder, GOLDEN_FILE), text);
  process.stdout.write(`${folder}/${GOLDEN_FILE}: ${text.split('\n').length - 1} scenario(s)\n`);
}
