import { readFileSync } from 'node:fs';
import { firstYamlDocument } from '../src/config/scenario-keys.ts';
import { splitResources } from '../src/mesh/documents.ts';
const text = readFileSync('/tmp/h/deep3.yaml', 'utf8');
const step = process.argv[2];
try {
  if (step === 'a') console.log('first', typeof firstYamlDocument(text));
  if (step === 'b') console.log('split', splitResources([{ file: 'x', text }]).length);
} catch (e) { console.log(step, (e as Error).message.slice(0, 300)); }
