/**
 * `failsim run` and `failsim explain` on a plain Envoy configuration (models/envoy-static-failover),
 * in process through main(). The run is shortened (2 min, fault from 1 min to 1.5 min) to keep the
 * test fast; expectations come from the configuration (one host per priority, consecutive_5xx 1,
 * retries on connect-failure), and the same world on the equivalent Istio configuration must give
 * the same traffic.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { main } from '../../src/cli/main.ts';

const model = fileURLToPath(new URL('../../models/envoy-static-failover/', import.meta.url));
const SCENARIO = join(model, 'scenario.yaml');
const ENVOY = join(model, 'envoy.yaml');
const ISTIO_EQUIVALENT = fileURLToPath(new URL('../../models/dynamodb-failover/c-failover-istio-1.28-mep50.yaml', import.meta.url));
const EAST = 'dynamodb.us-east-1.amazonaws.com';
const WEST = 'dynamodb.us-west-1.amazonaws.com';
const SHORT = ['--duration', '2m', '--set', 'faults[0].until=90s'];

const tmp = mkdtempSync(join(tmpdir(), 'failsim-run-envoy-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['node', 'failsim', ...args], { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

async function runJson(args: string[]): Promise<any> {
  const r = await cli(['run', ...args, '--json']);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.out);
}

describe('failsim run on an envoy: scenario', () => {
  test('the broken priority-0 endpoint is ejected and traffic fails over to priority 1', async () => {
    const s = await runJson([SCENARIO, ...SHORT]);
    expect(s.profile.istio).toBeNull();
    expect(s.profile.envoy).toBe('1.31');
    // Retries on connect-failure with previous_hosts: the failed attempt's request is retried on the
    // other host once the only priority-0 host is ejected after its first failure.
    expect(s.ejections.enforced).toBeGreaterThan(0);
    expect(s.requests.failed).toBe(0);
    expect(s.attempts.byEndpoint[WEST]).toBeGreaterThan(0);
    const incident = s.incidents[0];
    expect(incident.detectionMs.median).not.toBeNull();
    expect(incident.detectionMs.max).toBeLessThan(1000);
  }, 30_000);

  test('the same traffic as the equivalent Istio configuration', async () => {
    const [envoy, istio] = await Promise.all([runJson([SCENARIO, ...SHORT]), runJson([ISTIO_EQUIVALENT, ...SHORT])]);
    expect(envoy.attempts.byEndpoint).toEqual(istio.attempts.byEndpoint);
    expect(envoy.requests).toEqual(istio.requests);
    expect(envoy.ejections).toEqual(istio.ejections);
  }, 30_000);

  test('Cluster/<name>: overrides: with Envoy’s default max_ejection_percent (10) no host can be ejected', async () => {
    const s = await runJson([SCENARIO, ...SHORT, '--set', 'Cluster/mydb:outlier_detection.max_ejection_percent=10']);
    expect(s.ejections.enforced).toBe(0);
    expect(s.ejections.overflow).toBeGreaterThan(0);
    expect(s.attempts.byEndpoint[WEST] ?? 0).toBe(0);
    expect(s.requests.failed).toBeGreaterThan(0);
  }, 30_000);

  test('Istio resource overrides on an Envoy file are a clear error', async () => {
    const r = await cli(['run', SCENARIO, '--set', 'DestinationRule/mydynamodb:spec.host=x']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^failsim: --set DestinationRule\/mydynamodb:spec\.host=x: envoy\.yaml is an Envoy file: resource overrides take Cluster\/<cluster name>/);
  });

  test('a mistake in the Envoy file names the file and the path', async () => {
    const bad = join(tmp, 'bad.yaml');
    writeFileSync(bad, 'name: c\nlb_policy: MAGLEV\nload_assignment: { cluster_name: c, endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: 10.0.0.1, port_value: 80 } } } }] }] }\n');
    const scenario = join(tmp, 'scenario.yaml');
    writeFileSync(scenario, 'name: bad\nenvoy: bad.yaml\nduration: 10s\nclients: [{ locality: r1, rate: 10/s }]\n');
    const r = await cli(['run', scenario]);
    expect(r.code).toBe(2);
    expect(r.err).toBe('failsim: bad.yaml: lb_policy: MAGLEV is not modelled; failsim supports ROUND_ROBIN, LEAST_REQUEST and RANDOM\n');
  });
});

describe('failsim explain on an Envoy file', () => {
  test('the cluster as given, with Envoy defaults, the ejection cap and the traps', async () => {
    const r = await cli(['explain', ENVOY, '--envoy', '1.31', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.istioMinor).toBeNull();
    expect(doc.envoyMinor).toBe(31);
    expect(doc.clusters).toHaveLength(1);
    const c = doc.clusters[0];
    expect(c.clusterName).toBe('mydb');
    expect(c.endpoints.map((e: any) => [e.address, e.priority])).toEqual([[EAST, 0], [WEST, 1]]);
    expect(c.outlierDetection).toMatchObject({ consecutive_5xx: 1, interval_ms: 15_000, base_ejection_time_ms: 60_000, max_ejection_percent: 100, enforcing_success_rate: 100 });
    expect(c.maxEjectableHosts).toBe(2);
    expect(c.priorityLoads).toEqual([100, 0]);
    expect(c.retryPolicy.num_retries).toBe(2);
    expect(c.warnings.map((w: any) => w.code)).toEqual(expect.arrayContaining(['panic-disabled', 'retries-same-priority']));
    // Envoy wording, not Istio's.
    expect(c.warnings.find((w: any) => w.code === 'retries-same-priority').message).toMatch(/envoy\.retry_priorities\.previous_priorities/);
    expect(doc.warnings.map((w: any) => w.code)).toContain('dns-one-host-per-address');
    expect(doc.warnings.map((w: any) => w.code)).not.toContain('no-client-locality');
  });

  test('with max_ejection_percent 10 it warns that nothing can be ejected, naming the Envoy field', async () => {
    const file = join(tmp, 'mep10.yaml');
    const { readFileSync } = await import('node:fs');
    writeFileSync(file, readFileSync(ENVOY, 'utf8').replace('max_ejection_percent: 100', 'max_ejection_percent: 10'));
    const r = await cli(['explain', file, '--envoy', '1.31']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^plain Envoy cluster file, Envoy 1\.31/);
    expect(r.out).toMatch(/warning \[ejection-cap-ejects-nothing\]: .*Set outlier_detection\.max_ejection_percent to at least 50\./);
  });

  test('a scenario with envoy: is explained from its envoy file and versions', async () => {
    const r = await cli(['explain', SCENARIO, '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.envoyMinor).toBe(31);
    expect(doc.clusters[0].clusterName).toBe('mydb');
  });
});
