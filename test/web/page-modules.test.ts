/**
 * The playground's pure modules, in Node: share links round-trip the whole input, the controls'
 * scenario edits give scenarios the CLI reads as intended, and input errors are placed on the line
 * they concern. (The page itself runs in headless Chromium: playground.test.ts.)
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { explain, simulate, UserError } from '../../src/api.ts';
import { INCIDENTS as BATTERY } from '../../src/advise/battery.ts';
import { INCIDENTS, parseTarget, targetValue } from '../../web/src/incidents.ts';
import type { PlaygroundInput } from '../../web/src/input.ts';
import { locateError } from '../../web/src/locate.ts';
import { scenarioInfo, withFaults, withLocalities, withVersion } from '../../web/src/scenario-edit.ts';
import { decodeShare, encodeShare } from '../../web/src/share.ts';

const seedDir = new URL('../../models/dynamodb-failover/', import.meta.url);
const SEED_SCENARIO = readFileSync(fileURLToPath(new URL('c-failover.yaml', seedDir)), 'utf8');
const SEED_ISTIO = readFileSync(fileURLToPath(new URL('istio.yaml', seedDir)), 'utf8');
const names = { scenario: 'c-failover.yaml', config: 'istio.yaml' };

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof UserError) return e.message;
    throw e;
  }
  throw new Error('expected a UserError');
}

describe('share links', () => {
  test('any input survives the round trip through the URL fragment (fixed seed)', () => {
    const text = fc.string({ unit: 'binary', maxLength: 200 });
    const choice = fc.option(fc.record({ id: text, target: text, from: text, until: text }), { nil: null });
    fc.assert(
      fc.property(fc.record({ model: text, scenario: text, config: text, incident: choice }), (input: PlaygroundInput) => {
        const fragment = encodeShare(input);
        expect(fragment).toMatch(/^v1=[A-Za-z0-9_-]*$/);
        expect(decodeShare(`#${fragment}`)).toEqual(input);
      }),
      { seed: 17, numRuns: 50 },
    );
  });

  test('the seed input fits a link comfortably (compressed)', () => {
    const fragment = encodeShare({ model: 'dynamodb-failover/c-failover.yaml', scenario: SEED_SCENARIO, config: SEED_ISTIO, incident: null });
    expect(fragment.length).toBeLessThan((SEED_SCENARIO.length + SEED_ISTIO.length) * 0.7);
  });

  test('a damaged or foreign fragment is refused with a reason', () => {
    const good = encodeShare({ model: 'm', scenario: 's', config: 'c', incident: null });
    expect(() => decodeShare(`#${good.slice(0, good.length - 6)}`)).toThrow(/damaged/);
    expect(() => decodeShare('#section-2')).toThrow(/#v1=/);
    expect(() => decodeShare('#v1=$$$')).toThrow(/damaged/);
  });
});

describe('controls edit the scenario text', () => {
  test('the seed scenario as the controls read it (an unquoted 1.10 stays 1.10)', () => {
    expect(scenarioInfo(SEED_SCENARIO)).toEqual({
      configKind: 'istio',
      configFile: 'istio.yaml',
      version: 'istio:1.10',
      localities: ['us-east1/us-east1-b'],
      endpoints: ['dynamodb.us-east-1.amazonaws.com', 'dynamodb.us-west-1.amazonaws.com'],
      duration: '5m',
    });
  });

  test('a version picked runs as that version and keeps the comments', () => {
    const edited = withVersion(SEED_SCENARIO, 'istio:1.28');
    expect(edited).toContain('# (c) The article');
    const report = explain({ istio: SEED_ISTIO, scenario: edited });
    expect([report.istioMinor, report.envoyMinor, report.profile]).toEqual([28, 36, '1.31+']);
    expect(scenarioInfo(withVersion(edited, 'envoy:1.18'))?.version).toBe('envoy:1.18');
    expect(scenarioInfo(withVersion(edited, ''))?.version).toBe('');
    expect(explain({ istio: SEED_ISTIO, scenario: withVersion(SEED_SCENARIO, 'istio:1.10') }).istioMinor).toBe(10);
  });

  test('client localities: one per group, applied in order; a count mismatch says what is expected', () => {
    const edited = withLocalities(SEED_SCENARIO, ['us-west/us-west-a']);
    expect(scenarioInfo(edited)?.localities).toEqual(['us-west/us-west-a']);
    expect(explain({ istio: SEED_ISTIO, scenario: edited }).clusters.map((c) => c.clientLocality)).toEqual(['us-west/us-west-a']);
    expect(() => withLocalities(SEED_SCENARIO, ['a', 'b'])).toThrow(/1 client group: give one locality for each.*got 2/);
  });

  test('every incident of the picker (failsim check\'s battery) is a valid fault list that hits its target in its window', () => {
    expect(INCIDENTS.map((k) => k.id)).toEqual(BATTERY.map((d) => d.name));
    const targets = [{ endpoint: 'dynamodb.us-east-1.amazonaws.com' }, { locality: 'us-east1' }];
    for (const kind of INCIDENTS) {
      for (const target of targets) {
        const scenario = withFaults(SEED_SCENARIO, kind.faults(target, 60_000, 90_000));
        const summary = simulate({ scenario, istio: SEED_ISTIO, duration: '2m' });
        expect(summary.incidents.map((i) => [i.endpoints, i.fromMs, i.untilMs]), kind.id).toEqual([[['dynamodb.us-east-1.amazonaws.com'], 60_000, 90_000]]);
        // The text is still the user's scenario: comments kept, faults replaced.
        expect(scenario).toContain('# (c) The article');
      }
    }
  });

  test('fault targets travel through the picker\'s values', () => {
    for (const t of [{ endpoint: 'a.example.com' }, { locality: 'us-east1/us-east1-b' }] as const) expect(parseTarget(targetValue(t))).toEqual(t);
    expect(parseTarget('a.example.com')).toBeUndefined();
    expect(parseTarget('locality:')).toBeUndefined();
  });
});

describe('errors are placed on their line', () => {
  test('a bad Istio field: the line of the field', () => {
    const config = SEED_ISTIO.replace('interval: 15s', 'interval: 15x');
    const message = errorOf(() => explain({ istio: config, scenario: SEED_SCENARIO, names }));
    const line = config.split('\n').findIndex((l) => l.includes('interval: 15x')) + 1;
    expect(locateError(message, names, { scenario: SEED_SCENARIO, config })).toEqual({ source: 'config', line });
  });

  test('invalid YAML in the Istio file: the line the parser names', () => {
    const config = SEED_ISTIO.replace('  hosts:\n', '  hosts: [\n');
    const message = errorOf(() => explain({ istio: config, scenario: SEED_SCENARIO, names }));
    const place = locateError(message, names, { scenario: SEED_SCENARIO, config });
    expect(place.source).toBe('config');
    expect(place.line).toBeGreaterThan(0);
  });

  test('a bad scenario field: the line of that field, found from its path', () => {
    const scenario = SEED_SCENARIO.replace('rate: 300/s', 'rate: -5/s');
    const message = errorOf(() => simulate({ scenario, istio: SEED_ISTIO, names }));
    expect(message).toMatch(/^c-failover\.yaml: clients\[0\]\.rate/);
    const line = scenario.split('\n').findIndex((l) => l.includes('rate: -5/s')) + 1;
    expect(locateError(message, names, { scenario, config: SEED_ISTIO })).toEqual({ source: 'scenario', line });
  });

  test('an unknown scenario field: the line of its key', () => {
    const scenario = SEED_SCENARIO.replace('seed: 1', 'seed: 1\nsed: 2');
    const message = errorOf(() => simulate({ scenario, istio: SEED_ISTIO, names }));
    const line = scenario.split('\n').indexOf('sed: 2') + 1;
    expect(locateError(message, names, { scenario, config: SEED_ISTIO })).toEqual({ source: 'scenario', line });
  });

  test('a message about neither file is not placed', () => {
    expect(locateError('incident from: expected a duration', names, { scenario: '', config: '' })).toEqual({ source: null, line: null });
  });
});
