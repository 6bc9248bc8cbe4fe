import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { runConformanceFile } from '../../src/conformance/runner.ts';
import type { CaseResult } from '../../src/conformance/types.ts';

const FILE = fileURLToPath(new URL('../fixtures/conformance/outlier-detection.json', import.meta.url));
const LB_FILE = fileURLToPath(new URL('../fixtures/conformance/load-balancing.json', import.meta.url));
const doc = JSON.parse(readFileSync(FILE, 'utf8'));

const scenarioCases: Array<[string, string]> = [];
for (const v of doc.vectors) for (const p of v.model_profiles_reproducing_expected_log) scenarioCases.push([v.id, p]);

describe('outlier-detection.json', () => {
  let results: CaseResult[] = [];
  const find = (vector: string, profile?: string) => results.find((r) => r.vector === vector && (profile === undefined || r.profile === profile));

  beforeAll(() => {
    results = runConformanceFile(FILE);
  });

  it('produces one case per (vector, listed profile), plus SR-math and config vectors', () => {
    expect(results.length).toBe(scenarioCases.length + doc.sr_math_vectors.length + doc.config_vectors.length);
  });

  it.each(scenarioCases)('%s under %s', (vector, profile) => {
    const r = find(vector, profile);
    expect(r, 'case was replayed').toBeDefined();
    expect(r!.differences).toEqual([]);
  });

  const srIds: Array<[string]> = doc.sr_math_vectors.map((v: any) => [v.id]);
  it.each(srIds)('SR math %s', (id) => {
    const r = find(`sr_math:${id}`);
    expect(r).toBeDefined();
    expect(r!.differences).toEqual([]);
  });

  const configCases: Array<[number, string]> = doc.config_vectors.map((v: any, i: number) => [i, String(v.source)]);
  it.each(configCases)('config vector %i (%s)', (i) => {
    const r = results.find((x) => x.vector.startsWith(`config:config_vectors[${i}]`));
    expect(r).toBeDefined();
    expect(r!.differences).toEqual([]);
  });

  it('only runs the requested profile with --profile', () => {
    const only = runConformanceFile(FILE, { profile: '1.28-1.30' });
    const listed = doc.vectors.filter((v: any) => v.model_profiles_reproducing_expected_log.includes('1.28-1.30')).length;
    const scenario = only.filter((r) => !r.vector.startsWith('sr_math:') && !r.vector.startsWith('config:'));
    expect(scenario.length).toBe(listed);
    expect(scenario.every((r) => r.profile === '1.28-1.30' && r.differences.length === 0)).toBe(true);
  });
});

describe('load-balancing.json envoy.outlier_max_ejection', () => {
  it('OD-01 capacities match every rule', () => {
    const results = runConformanceFile(LB_FILE);
    const od = results.filter((r) => r.vector.startsWith('OD-'));
    expect(od.length).toBeGreaterThan(0);
    for (const r of od) expect(r.differences, r.vector).toEqual([]);
  });
});
