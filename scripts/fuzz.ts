/**
 * `npm run fuzz [-- RUNS [SEED]]`: the fuzz property of test/hardening/fuzz.test.ts run longer, with a
 * fresh seed unless one is given (printed, so a failure can be replayed with the same seed). Default
 * 2000 cases. Exits 1 on the first input that ends in anything but exit 0 or exit 2 with a message.
 */
import fc from 'fast-check';
import { fuzzProperty, loadCorpus } from '../test/hardening/fuzz-inputs.ts';

const runs = Number(process.argv[2] ?? 2000);
const seed = process.argv[3] !== undefined ? Number(process.argv[3]) : Math.floor(Math.random() * 2 ** 31);
const corpus = loadCorpus();
process.stderr.write(`fuzz: ${runs} cases over ${corpus.length} files, seed ${seed}\n`);
const started = performance.now();
const result = await fc.check(fuzzProperty(corpus), { seed, numRuns: runs, endOnFailure: true });
const seconds = ((performance.now() - started) / 1000).toFixed(1);
if (result.failed) {
  process.stderr.write(`fuzz: FAILED after ${result.numRuns} cases (${seconds} s), seed ${seed}\n${fc.defaultReportMessage(result)}\n`);
  process.exit(1);
}
process.stderr.write(`fuzz: ${result.numRuns} cases passed in ${seconds} s (seed ${seed})\n`);
