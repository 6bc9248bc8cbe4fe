/**
 * Fuzz (issue 16 point 5): random mutations of every checked-in scenario, Istio and Envoy file —
 * deleted, duplicated, retyped, renamed fields, huge or negative values, aliases (redacted `***`,
 * bombs), garbage bytes, truncation — run through the CLI in-process end in exit 0, or exit 2 with a
 * `failsim:` message: never exit 70, never a stack trace. Fixed seeds here; `npm run fuzz` runs longer
 * with a fresh seed. Each case is bounded by tight run limits (FUZZ_LIMITS), so no mutation can run
 * long; the test timeout is the hang detector.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzProperty, loadCorpus, mutate, runCase, verdict } from './fuzz-inputs.ts';

const corpus = loadCorpus();

describe('fuzzing the checked-in inputs', () => {
  it('the corpus holds every kind of input', () => {
    const kinds = new Set(corpus.map((f) => f.kind));
    expect([...kinds].sort()).toEqual(['envoy', 'istio', 'scenario']);
    expect(corpus.filter((f) => f.kind === 'scenario').length).toBeGreaterThan(40);
    expect(corpus.some((f) => f.kind !== 'scenario' && f.usedBy.length > 0)).toBe(true);
  });

  it('every unmutated file passes (the rule holds on the corpus itself)', async () => {
    for (const file of corpus.filter((f) => f.kind !== 'scenario')) {
      for (const r of await runCase(file, file.text, 1)) expect(verdict(r), `${file.path}: ${r.args.join(' ')}\n${r.stderr}`).toBeUndefined();
    }
  }, 120_000);

  it('mutations end in exit 0 or 2 with a message (fixed seed)', async () => {
    await fc.assert(fuzzProperty(corpus), { seed: 16, numRuns: 60, endOnFailure: true });
  }, 120_000);

  it('the mutations really change the files', () => {
    const file = corpus.find((f) => f.kind === 'scenario')!;
    const outcomes = fc.sample(fc.array(fc.record({ op: fc.constantFrom('delete', 'retype', 'garbage', 'alias' as const), a: fc.nat(1000), b: fc.nat(1000) }), { minLength: 1, maxLength: 2 }), { seed: 3, numRuns: 20 });
    const changed = outcomes.filter((ms) => mutate(file.text, ms) !== file.text);
    expect(changed.length).toBeGreaterThan(15);
  });
});
