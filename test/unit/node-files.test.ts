/**
 * src/node/files.ts: a scenario file → the texts `simulate` takes, the mesh file resolved against the
 * scenario's folder after `--set` overrides (which may name another file).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readScenarioFiles } from '../../src/node/files.ts';

const SCENARIO = (key: string) => `name: s
${key}
duration: 10s
clients: [{ locality: r1, rate: 1/s }]
`;

describe('readScenarioFiles', () => {
  const dir = mkdtempSync(join(tmpdir(), 'failsim-files-'));
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'sub', 'istio.yaml'), 'first');
  writeFileSync(join(dir, 'sub', 'other.yaml'), 'second');
  writeFileSync(join(dir, 's.yaml'), SCENARIO('istio: sub/istio.yaml'));
  writeFileSync(join(dir, 'e.yaml'), SCENARIO('envoy: sub/other.yaml'));
  writeFileSync(join(dir, 'd.yaml'), SCENARIO('istio: sub'));

  it('reads the file the scenario names, relative to the scenario, and keeps the names for messages', () => {
    const files = readScenarioFiles(join(dir, 's.yaml'), { seed: 3 });
    expect(files.istio).toBe('first');
    expect(files.envoy).toBeUndefined();
    expect(files.seed).toBe(3);
    expect(files.names).toEqual({ scenario: join(dir, 's.yaml'), config: 'sub/istio.yaml' });
    expect(readScenarioFiles(join(dir, 'e.yaml')).envoy).toBe('second');
  });

  it('follows a --set that names another file', () => {
    const files = readScenarioFiles(join(dir, 's.yaml'), { sets: ['istio=sub/other.yaml'] });
    expect(files.istio).toBe('second');
    expect(files.configPath).toBe(join(dir, 'sub', 'other.yaml'));
  });

  it('names the scenario and the path when the mesh file is missing or not a file', () => {
    expect(() => readScenarioFiles(join(dir, 's.yaml'), { sets: ['istio=nope.yaml'] })).toThrow(
      `${join(dir, 's.yaml')}: istio: file not found: ${join(dir, 'nope.yaml')}`,
    );
    expect(() => readScenarioFiles(join(dir, 'd.yaml'))).toThrow(`${join(dir, 'd.yaml')}: istio: not a file: ${join(dir, 'sub')}`);
  });

  it('reports a scenario error before looking for the mesh file', () => {
    expect(() => readScenarioFiles(join(dir, 's.yaml'), { sets: ['istio=nope.yaml', 'duration=soon'] })).toThrow(/duration: expected a duration/);
  });
});
