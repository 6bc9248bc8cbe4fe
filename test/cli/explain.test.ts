import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { main } from '../../src/cli/main.ts';

const seed = fileURLToPath(new URL('../../models/dynamodb-failover/istio.yaml', import.meta.url));
const seOnly = fileURLToPath(new URL('../../models/dynamodb-failover/serviceentry.yaml', import.meta.url));

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['node', 'failsim', ...args], { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

describe('failsim explain', () => {
  test('seed on Istio 1.28: nothing can be ejected, with a warning', async () => {
    const r = await run(['explain', seed, '--client-locality', 'us-east1/us-east1-b', '--istio', '1.28', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.clusters).toHaveLength(1);
    const c = doc.clusters[0];
    expect(c.maxEjectableHosts).toBe(0);
    expect(c.warnings.map((w: any) => w.code)).toContain('ejection-cap-ejects-nothing');
    expect(c.warnings.map((w: any) => w.code)).toContain('failover-cannot-complete');
    expect(c.warnings.map((w: any) => w.code)).toContain('panic-disabled');
  });
  test('seed on Istio 1.10 (legacy cap): one host can be ejected', async () => {
    const r = await run(['explain', seed, '--client-locality', 'us-east1/us-east1-b', '--istio', '1.10', '--json']);
    expect(r.code).toBe(0);
    const c = JSON.parse(r.out).clusters[0];
    expect(c.maxEjectableHosts).toBe(1);
    expect(c.warnings.map((w: any) => w.code)).not.toContain('ejection-cap-ejects-nothing');
  });
  test('--json shape', async () => {
    const r = await run(['explain', seed, '--client-locality', 'us-east1/us-east1-b', '--istio', '1.28', '--json']);
    const c = JSON.parse(r.out).clusters[0];
    for (const key of ['host', 'clientLocality', 'endpoints', 'outlierDetection', 'healthyPanicThreshold', 'lbPolicy', 'retryPolicy', 'maxEjectableHosts', 'warnings']) {
      expect(c).toHaveProperty(key);
    }
    expect(c.host).toBe('mydb.com');
    expect(c.clientLocality).toBe('us-east1/us-east1-b');
    expect(c.endpoints).toEqual([
      { address: 'dynamodb.us-east-1.amazonaws.com', port: 80, locality: 'us-east1', priority: 0, weight: 1, localityWeight: null },
      { address: 'dynamodb.us-west-1.amazonaws.com', port: 80, locality: 'us-west', priority: 1, weight: 1, localityWeight: null },
    ]);
    expect(c.outlierDetection).toMatchObject({ consecutive_5xx: 1, interval_ms: 15000, base_ejection_time_ms: 60000, max_ejection_percent: 10, max_ejection_time_ms: 300000 });
    expect(c.healthyPanicThreshold).toBe(0);
    expect(c.lbPolicy).toBe('LEAST_REQUEST');
    expect(c.retryPolicy.num_retries).toBe(2);
    for (const w of c.warnings) expect(Object.keys(w)).toEqual(expect.arrayContaining(['code', 'message']));
  });
  test('ServiceEntry alone: failover is off because there is no outlierDetection', async () => {
    const r = await run(['explain', seOnly, '--client-locality', 'us-east1/us-east1-b', '--json']);
    const c = JSON.parse(r.out).clusters[0];
    expect(c.endpoints.map((e: any) => e.priority)).toEqual([0, 0]);
    expect(c.maxEjectableHosts).toBeNull();
    expect(c.warnings.map((w: any) => w.code)).toContain('failover-needs-outlier-detection');
  });
  test('human-readable output names endpoints, priorities and warnings', async () => {
    const r = await run(['explain', seed, '--client-locality', 'us-east1/us-east1-b', '--istio', '1.28']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('dynamodb.us-west-1.amazonaws.com:80');
    expect(r.out).toContain('priority 1');
    expect(r.out).toContain('max ejectable hosts at once: 0 of 2');
    expect(r.out).toContain('warning [ejection-cap-ejects-nothing]');
  });
  test('a scenario file with istio:, clients[].locality and versions', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'failsim-explain-'));
    writeFileSync(join(dir, 'istio.yaml'), (await import('node:fs')).readFileSync(seed, 'utf8'));
    writeFileSync(join(dir, 'scenario.yaml'), 'name: s\nistio: istio.yaml\nversions: { istio: "1.10" }\nclients:\n  - locality: us-east1/us-east1-b\n  - locality: us-west\n');
    const r = await run(['explain', join(dir, 'scenario.yaml'), '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.clusters.map((c: any) => c.clientLocality)).toEqual(['us-east1/us-east1-b', 'us-west']);
    expect(doc.clusters[0].maxEjectableHosts).toBe(1);
    expect(doc.clusters[1].endpoints.map((e: any) => e.priority)).toEqual([1, 0]);
  });
  test('bad file: exit 2, a message naming the problem, no stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'failsim-explain-'));
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: x}\nspec:\n  host: a\n  trafficPolicy:\n    outlierDetection: {interval: 15x}\n');
    const r = await run(['explain', bad]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('document 1 (DestinationRule/x): spec.trafficPolicy.outlierDetection.interval: expected a duration like 250ms, 15s, 1m, 1h');
    expect(r.err).not.toMatch(/\n\s+at /);
    const missing = await run(['explain', join(dir, 'nope.yaml')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/nope.yaml: cannot read file/);
    const badVersion = await run(['explain', seed, '--istio', '2.0']);
    expect(badVersion.code).toBe(2);
  });
});
