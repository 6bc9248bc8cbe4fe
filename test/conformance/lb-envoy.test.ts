import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { replayForCategory } from '../../src/conformance/categories.ts';
import { runConformanceFile } from '../../src/conformance/runner.ts';
import '../../src/conformance/register-all.ts';

const file = fileURLToPath(new URL('../fixtures/conformance/load-balancing.json', import.meta.url));
const isOurs = (v: any) => String(v.category).startsWith('envoy.') && v.category !== 'envoy.outlier_max_ejection';
const vectors: any[] = JSON.parse(readFileSync(file, 'utf8')).vectors.filter(isOurs);

describe('load-balancing.json envoy.* vectors (through the category registry)', () => {
  test('there are envoy LB vectors to replay', () => {
    expect(vectors.length).toBeGreaterThan(40);
  });
  for (const vector of vectors) {
    test(`${vector.id} ${vector.category}`, () => {
      const replay = replayForCategory(vector.category);
      expect(replay, `no replay registered for ${vector.category}`).toBeDefined();
      expect(replay!(vector)).toEqual([]);
    });
  }
});

describe('the conformance runner on load-balancing.json', () => {
  test('reports no failure for any envoy.* LB vector', () => {
    const ids = new Set(vectors.map((v) => v.id));
    const failures = runConformanceFile(file).filter((r) => ids.has(r.vector) && r.differences.length > 0);
    expect(failures).toEqual([]);
  });
});

describe('a replay notices a wrong expectation (it does not pass everything)', () => {
  test('a corrupted priority load is reported', () => {
    const v = structuredClone(vectors.find((x) => x.category === 'envoy.priority_load'));
    v.expected.healthy_load = v.expected.healthy_load.map((x: number, i: number) => (i === 0 ? x + 1 : x));
    expect(replayForCategory(v.category)!(v).length).toBeGreaterThan(0);
  });
  test('a corrupted EDF pick sequence is reported', () => {
    const v = structuredClone(vectors.find((x) => x.id === 'EDF-02'));
    v.expected.picks[0] = 1 - v.expected.picks[0];
    expect(replayForCategory(v.category)!(v).length).toBeGreaterThan(0);
  });
  test('an unknown expected key is reported rather than silently skipped', () => {
    const v = structuredClone(vectors.find((x) => x.category === 'envoy.choose_priority'));
    v.expected.something_new = 1;
    expect(replayForCategory(v.category)!(v)).toEqual(['expected.something_new is not checked by the envoy LB replay']);
  });
});

describe('the informative values of the priority-load vectors also hold', () => {
  for (const vector of vectors.filter((v) => v.category === 'envoy.priority_load')) {
    const info = vector.expected._informative;
    if (!info) continue;
    test(`${vector.id} health / degraded availability / NTA`, async () => {
      const { PriorityLoadState } = await import('../../src/envoy/lb/priority-load.ts');
      const cfg = vector.input.config ?? {};
      const prs: any[] = vector.input.priorities;
      const state = new PriorityLoadState(prs.length, new Int32Array(prs.length).fill(cfg.overprovisioning_factor ?? 140), cfg.weighted_priority_health ?? false);
      prs.forEach((pr, p) => {
        const w: number[] = pr.weights ?? new Array(pr.hosts).fill(1);
        const sum = (a: number, b: number) => w.slice(a, b).reduce((x, y) => x + y, 0);
        const h = pr.healthy ?? 0;
        const d = pr.degraded ?? 0;
        const e = pr.excluded ?? 0;
        state.updatePriority(p, {
          hosts: pr.hosts, healthy: h, degraded: d, excluded: e,
          hostsWeight: sum(0, pr.hosts), healthyWeight: sum(0, h), degradedWeight: sum(h, h + d), excludedWeight: sum(h + d, h + d + e),
        });
      });
      state.recalculatePanic(cfg.healthy_panic_threshold ?? 50);
      if (info.health) expect(Array.from(state.health)).toEqual(info.health);
      if (info.degraded_availability) expect(Array.from(state.degradedAvailability)).toEqual(info.degraded_availability);
      if ('normalized_total_availability' in info) expect(state.normalizedTotalAvailability).toBe(info.normalized_total_availability);
      if (info.panic) expect(Array.from(state.panic, (x) => x === 1)).toEqual(info.panic);
    });
  }
});
