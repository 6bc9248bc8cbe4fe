/**
 * The public API (src/api.ts) computes exactly what the CLI prints: `simulate` on the texts of the
 * seed scenario and its Istio file gives the `failsim run --json` document byte for byte, from text
 * or from parsed objects; `explain` gives `failsim explain --json`'s.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { explain, simulate, UserError } from '../../src/api.ts';
import { main } from '../../src/cli/main.ts';

const model = (path: string): string => fileURLToPath(new URL(`../../models/${path}`, import.meta.url));
const SEED = model('dynamodb-failover/c-failover.yaml');
const SEED_TEXT = readFileSync(SEED, 'utf8');
const ISTIO_TEXT = readFileSync(model('dynamodb-failover/istio.yaml'), 'utf8');
const ENVOY = model('envoy-static-failover/scenario.yaml');

async function cli(args: string[]): Promise<string> {
  let out = '';
  let err = '';
  const code = await main(['node', 'failsim', ...args], { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  expect(err).toBe('');
  expect(code).toBe(0);
  return out;
}

const json = (v: unknown): string => `${JSON.stringify(v, null, 2)}\n`;

describe('simulate', () => {
  it('gives `failsim run --json` byte for byte on the seed scenario texts', async () => {
    const printed = await cli(['run', SEED, '--json']);
    expect(json(simulate({ scenario: SEED_TEXT, istio: ISTIO_TEXT }))).toBe(printed);
  });

  it('takes parsed objects as well as text, and applies sets, seed and duration like the CLI', async () => {
    const sets = ['faults[0].from=10s', 'faults[0].until=50s', 'DestinationRule/mydynamodb:spec.trafficPolicy.outlierDetection.consecutive5xxErrors=3'];
    const printed = await cli(['run', SEED, '--json', '--seed', '7', '--duration', '1m', ...sets.flatMap((s) => ['--set', s])]);
    const istioDocs = YAML.parseAllDocuments(ISTIO_TEXT).map((d) => d.toJS());
    const fromObjects = simulate({ scenario: YAML.parse(SEED_TEXT), istio: istioDocs, sets, seed: 7, duration: '1m' });
    expect(json(fromObjects)).toBe(printed);
    expect(fromObjects.seed).toBe(7);
    expect(fromObjects.durationMs).toBe(60_000);
    // The set took effect: it differs from the run without it.
    expect(json(simulate({ scenario: SEED_TEXT, istio: ISTIO_TEXT, sets: sets.slice(0, 2), seed: 7, duration: '1m' }))).not.toBe(printed);
  });

  it('runs a plain Envoy scenario from its texts like the CLI', async () => {
    const printed = await cli(['run', ENVOY, '--json', '--duration', '1m', '--set', 'faults[0].from=10s', '--set', 'faults[0].until=40s']);
    const envoy = readFileSync(model('envoy-static-failover/envoy.yaml'), 'utf8');
    const result = simulate({ scenario: readFileSync(ENVOY, 'utf8'), envoy, duration: '1m', sets: ['faults[0].from=10s', 'faults[0].until=40s'] });
    expect(json(result)).toBe(printed);
  });

  it('accepts a scenario that names no istio:/envoy: file', () => {
    const scenario = YAML.parse(SEED_TEXT) as Record<string, unknown>;
    delete scenario.istio;
    const named = simulate({ scenario: SEED_TEXT, istio: ISTIO_TEXT, duration: '30s', sets: ['faults[0].from=10s', 'faults[0].until=20s'] });
    const unnamed = simulate({ scenario, istio: ISTIO_TEXT, duration: '30s', sets: ['faults[0].from=10s', 'faults[0].until=20s'] });
    expect(unnamed).toEqual(named);
  });

  it('reports wrong inputs as UserErrors naming the source', () => {
    const error = (f: () => unknown): string => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(UserError);
        return (e as Error).message;
      }
      throw new Error('expected an error');
    };
    expect(error(() => simulate({ scenario: SEED_TEXT }))).toMatch(/exactly one of istio .* or envoy/);
    expect(error(() => simulate({ scenario: SEED_TEXT, envoy: 'name: x' }))).toMatch(/^scenario: istio: the scenario names Istio resources/);
    expect(error(() => simulate({ scenario: SEED_TEXT.replace('rate: 300/s', 'rate: fast'), istio: ISTIO_TEXT, names: { scenario: 'mine.yaml' } }))).toMatch(
      /^mine\.yaml: clients\[0\]\.rate: /,
    );
    expect(error(() => simulate({ scenario: SEED_TEXT, istio: ISTIO_TEXT, seed: -1 }))).toMatch(/seed: expected a non-negative integer/);
    expect(error(() => simulate({ scenario: SEED_TEXT, istio: ISTIO_TEXT, duration: 'soon' }))).toMatch(/duration: expected a duration/);
    expect(error(() => simulate({ scenario: SEED_TEXT, istio: 'kind: [' }))).toMatch(/^istio\.yaml/);
  });

  it('reports progress in simulated time up to the duration', () => {
    const seen: number[] = [];
    const short = ['faults[0].from=5s', 'faults[0].until=15s'];
    simulate({ scenario: SEED_TEXT, istio: ISTIO_TEXT, duration: '20s', sets: short, progressEveryMs: 5000, onProgress: (ms, d) => seen.push(ms, d) });
    expect(seen).toEqual([5000, 20_000, 10_000, 20_000, 15_000, 20_000, 20_000, 20_000]);
  });
});

describe('explain', () => {
  it('gives `failsim explain --json` byte for byte for a scenario and for an Istio file', async () => {
    const printed = await cli(['explain', SEED, '--json']);
    // The CLI names the Istio file by its resolved path in messages; the report does not depend on it.
    expect(json(explain({ scenario: SEED_TEXT, istio: ISTIO_TEXT }))).toBe(printed);
    const alone = await cli(['explain', model('dynamodb-failover/istio.yaml'), '--json', '--client-locality', 'us-west1/us-west1-a', '--istio', '1.28']);
    expect(json(explain({ istio: ISTIO_TEXT, clientLocalities: ['us-west1/us-west1-a'], versions: { istio: '1.28' } }))).toBe(alone);
  });

  it('explains a plain Envoy file', async () => {
    const path = model('envoy-static-failover/envoy.yaml');
    const printed = await cli(['explain', path, '--json']);
    expect(json(explain({ envoy: readFileSync(path, 'utf8'), names: { config: path } }))).toBe(printed);
  });
});
