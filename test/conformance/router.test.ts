/**
 * router.json: Envoy's router rules (per-try timer from pool ready, route timeout vs attempt end and
 * what it reports, no healthy upstream never retried, back-off, previous_hosts with
 * host_selection_retry_max_attempts) replayed through src/envoy/router/upstream-requests.ts under
 * every profile each vector names.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { replayForCategory } from '../../src/conformance/categories.ts';
import { ROUTER_CATEGORIES } from '../../src/conformance/router-replay.ts';
import { runConformanceFile } from '../../src/conformance/runner.ts';
import '../../src/conformance/register-all.ts';

const file = fileURLToPath(new URL('../fixtures/conformance/router.json', import.meta.url));
const vectors: any[] = JSON.parse(readFileSync(file, 'utf8')).vectors;

describe('router.json through the category registry', () => {
  test('every router category has vectors, each citing its source test', () => {
    for (const c of ROUTER_CATEGORIES) expect(vectors.some((v) => v.category === c), c).toBe(true);
    for (const v of vectors) {
      expect(v.source.repo, v.id).toBe('envoyproxy/envoy');
      expect(typeof v.source.file === 'string' && typeof v.source.test === 'string', v.id).toBe(true);
      expect(v.profiles.length, v.id).toBeGreaterThan(0);
    }
  });
  for (const vector of vectors) {
    test(`${vector.id} ${vector.category} under ${vector.profiles.join(', ')}`, () => {
      expect(replayForCategory(vector.category)!(vector)).toEqual([]);
    });
  }
  test('the conformance runner reports no failure', () => {
    expect(runConformanceFile(file).filter((r) => r.differences.length > 0)).toEqual([]);
  });
});

describe('the router replay notices wrong expectations', () => {
  const byId = (id: string) => structuredClone(vectors.find((v) => v.id === id));
  test('a per-try timer counted from the attempt start instead of pool ready', () => {
    const v = byId('RT-01');
    v.expected.outlier_reports[1] = '@5 h0 LOCAL_ORIGIN_TIMEOUT 504';
    v.expected.response.at_ms = 5;
    expect(replayForCategory(v.category)!(v).length).toBeGreaterThan(0);
  });
  test('a route timeout while connecting that reports a timeout', () => {
    const v = byId('RT-04');
    v.expected.outlier_reports = ['@500 h0 LOCAL_ORIGIN_TIMEOUT 504'];
    expect(replayForCategory(v.category)!(v).length).toBeGreaterThan(0);
  });
  test('a no-healthy-upstream retry that is retried again', () => {
    const v = byId('RT-07');
    v.expected.attempts.push({ at_ms: 5, host: null });
    expect(replayForCategory(v.category)!(v).length).toBeGreaterThan(0);
  });
  test('another back-off', () => {
    const v = byId('RT-08');
    v.input.backoff_random = [189, 190, 190];
    expect(replayForCategory(v.category)!(v).length).toBeGreaterThan(0);
  });
  test('an unknown expected key is reported rather than silently skipped', () => {
    const v = byId('RT-02');
    v.expected.retries = 0;
    expect(replayForCategory(v.category)!(v)).toEqual(['expected.retries is not checked by the router replay']);
  });
});
