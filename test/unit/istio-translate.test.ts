import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { parseIstioYaml } from '../../src/istio/load.ts';
import { loadIstioFile } from '../../src/node/files.ts';
import { translateIstio } from '../../src/istio/translate.ts';
import { IstioConfigError } from '../../src/istio/diagnostics.ts';
import { parseDurationMs } from '../../src/config/durations.ts';

const model = (f: string) => fileURLToPath(new URL(`../../models/dynamodb-failover/${f}`, import.meta.url));
const client = { locality: { region: 'us-east1', zone: 'us-east1-b', subzone: '' } };
const EAST = 'dynamodb.us-east-1.amazonaws.com';
const WEST = 'dynamodb.us-west-1.amazonaws.com';

function priorities(file: string, istioMinor: number): Record<string, number> {
  const [t] = translateIstio(loadIstioFile(model(file)), client, { istioMinor });
  return Object.fromEntries(t.cluster.endpoints.map((e) => [e.address, e.priority]));
}

describe('seed translation (dynamodb-failover)', () => {
  test('with the DestinationRule: in-region endpoint priority 0, us-west priority 1', () => {
    for (const m of [10, 23, 24, 28]) expect(priorities('istio.yaml', m)).toEqual({ [EAST]: 0, [WEST]: 1 });
  });
  test('ServiceEntry alone: both endpoints priority 0 (no outlierDetection, no failover)', () => {
    expect(priorities('serviceentry.yaml', 28)).toEqual({ [EAST]: 0, [WEST]: 0 });
    const [t] = translateIstio(loadIstioFile(model('serviceentry.yaml')), client, { istioMinor: 28 });
    expect(t.cluster.outlier_detection).toBeUndefined();
    expect(t.cluster.healthy_panic_threshold).toBe(50);
  });
  test('outlier detection mapping and panic threshold', () => {
    const [t] = translateIstio(loadIstioFile(model('istio.yaml')), client, { istioMinor: 28 });
    expect(t.cluster.outlier_detection).toEqual({
      enforcing_success_rate: 0,
      consecutive_5xx: 1,
      enforcing_consecutive_5xx: 100,
      interval_ms: 15_000,
      base_ejection_time_ms: 60_000,
    });
    expect(t.cluster.healthy_panic_threshold).toBe(0);
    expect(t.cluster.connect_timeout_ms).toBe(10_000);
    expect(t.cluster.name).toBe('outbound|80||mydb.com');
  });
});

describe('version-dependent defaults', () => {
  const cfg = () => loadIstioFile(model('istio.yaml'));
  test('lb_policy: ROUND_ROBIN before 1.14, LEAST_REQUEST since', () => {
    expect(translateIstio(cfg(), client, { istioMinor: 13 })[0].cluster.lb_policy).toBe('ROUND_ROBIN');
    expect(translateIstio(cfg(), client, { istioMinor: 14 })[0].cluster.lb_policy).toBe('LEAST_REQUEST');
  });
  test('retriable_status_codes [503] through 1.23, [] from 1.24; host selection attempts 3 on 1.1', () => {
    expect(translateIstio(cfg(), client, { istioMinor: 23 })[0].cluster.retry_policy!.retriable_status_codes).toEqual([503]);
    expect(translateIstio(cfg(), client, { istioMinor: 24 })[0].cluster.retry_policy!.retriable_status_codes).toEqual([]);
    expect(translateIstio(cfg(), client, { istioMinor: 1 })[0].cluster.retry_policy!.host_selection_retry_max_attempts).toBe(3);
    expect(translateIstio(cfg(), client, { istioMinor: 2 })[0].cluster.retry_policy!.host_selection_retry_max_attempts).toBe(5);
  });
  test('locality_weighted_lb_config always ≤ 1.23, only with failover rules ≥ 1.24', () => {
    expect(translateIstio(cfg(), client, { istioMinor: 23 })[0].cluster.locality_weighted_lb_config).toBe(true);
    expect(translateIstio(cfg(), client, { istioMinor: 24 })[0].cluster.locality_weighted_lb_config).toBe(false);
  });
  test('enforcing_success_rate 0 since 1.7; panic 50 unless minHealthPercent > 0 before 1.3', () => {
    expect(translateIstio(cfg(), client, { istioMinor: 6 })[0].cluster.outlier_detection!.enforcing_success_rate).toBeUndefined();
    expect(translateIstio(cfg(), client, { istioMinor: 2 })[0].cluster.healthy_panic_threshold).toBe(50);
    expect(translateIstio(cfg(), client, { istioMinor: 3 })[0].cluster.healthy_panic_threshold).toBe(0);
  });
  test('consecutiveErrors ≤ 1.4 maps to gateway errors only; ignored with a warning ≥ 1.7', () => {
    const yaml = `apiVersion: networking.istio.io/v1alpha3
kind: ServiceEntry
metadata: {name: se}
spec:
  hosts: [a.example]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: STATIC
  endpoints: [{address: 10.0.0.1}]
---
apiVersion: networking.istio.io/v1alpha3
kind: DestinationRule
metadata: {name: dr}
spec:
  host: a.example
  trafficPolicy:
    outlierDetection: {consecutiveErrors: 3, maxEjectionPercent: 100}
`;
    const c = parseIstioYaml(yaml, 'x.yaml');
    expect(c.warnings.map((w) => w.code)).toContain('deprecated-consecutive-errors');
    const old = translateIstio(c, client, { istioMinor: 4 })[0];
    expect(old.cluster.outlier_detection).toMatchObject({ consecutive_gateway_failure: 3, enforcing_consecutive_gateway_failure: 100, enforcing_consecutive_5xx: 0, max_ejection_percent: 100 });
    const recent = translateIstio(c, client, { istioMinor: 20 })[0];
    expect(recent.cluster.outlier_detection!.consecutive_gateway_failure).toBeUndefined();
    expect(recent.warnings.map((w) => w.code)).toContain('version-ignored-field');
  });
  test('VirtualService retries override the default; attempts 0 disables retries', () => {
    const base = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: se}
spec:
  hosts: [a.example]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: STATIC
  endpoints: [{address: 10.0.0.1}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: vs}
spec:
  hosts: [a.example]
  http:
  - route: [{destination: {host: a.example}}]
    timeout: 3s
`;
    const withRetries = `${base}    retries: {attempts: 4, perTryTimeout: 500ms, retryOn: "5xx,503", retryRemoteLocalities: true}\n`;
    const [t] = translateIstio(parseIstioYaml(withRetries, 'x.yaml'), client, { istioMinor: 28 });
    expect(t.cluster.route_timeout_ms).toBe(3000);
    expect(t.cluster.retry_policy).toMatchObject({
      num_retries: 4,
      per_try_timeout_ms: 500,
      retry_on: ['5xx', 'retriable-status-codes'],
      retriable_status_codes: [503],
      previous_priorities_update_frequency: 2,
    });
    const [none] = translateIstio(parseIstioYaml(`${base}    retries: {attempts: 0}\n`, 'x.yaml'), client, { istioMinor: 28 });
    expect(none.cluster.retry_policy).toBeUndefined();
    expect(none.warnings.map((w) => w.code)).toContain('retries-disabled');
  });
});

describe('warnings and errors', () => {
  const se = `apiVersion: networking.istio.io/v1beta1
kind: ServiceEntry
metadata: {name: se}
spec:
  hosts: [a.example]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: DNS
  endpoints: [{address: a1.example, locality: r1}]
`;
  const dr = (trafficPolicy: string) => `---
apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata:
  name: mydynamodb
spec:
  host: a.example
  trafficPolicy:
${trafficPolicy}`;

  test('unmodelled fields give a warning with code and path', () => {
    const c = parseIstioYaml(se + dr('    tls: {mode: SIMPLE}\n    connectionPool: {http: {http1MaxPendingRequests: 10}}\n'), 'istio.yaml');
    const paths = c.warnings.filter((w) => w.code === 'unmodelled-field').map((w) => w.path);
    expect(paths).toContain('spec.trafficPolicy.tls');
    expect(paths).toContain('spec.trafficPolicy.connectionPool.http.http1MaxPendingRequests');
  });
  test('bad duration names file, document, kind/name and path', () => {
    expect(() => parseIstioYaml(se + dr('    outlierDetection: {interval: 15x}\n'), 'istio.yaml')).toThrow(
      'istio.yaml: document 2 (DestinationRule/mydynamodb): spec.trafficPolicy.outlierDetection.interval: expected a duration like 250ms, 15s, 1m, 1h',
    );
  });
  test('negative, out-of-range and wrongly typed values are errors', () => {
    expect(() => parseIstioYaml(se + dr('    outlierDetection: {consecutive5xxErrors: -1}\n'), 'istio.yaml')).toThrow(/consecutive5xxErrors: expected a non-negative integer/);
    expect(() => parseIstioYaml(se + dr('    outlierDetection: {maxEjectionPercent: 150}\n'), 'istio.yaml')).toThrow(/maxEjectionPercent: expected an integer percentage/);
    expect(() => parseIstioYaml(se + dr('    outlierDetection: {interval: 0s}\n'), 'istio.yaml')).toThrow(/at least 1ms/);
    expect(() => parseIstioYaml(se + dr('    loadBalancer: {simple: FASTEST}\n'), 'istio.yaml')).toThrow(/loadBalancer.simple: expected one of/);
  });
  test('unknown fields, kinds and apiVersions are errors', () => {
    expect(() => parseIstioYaml(se + dr('    outlierDetection: {consecutive5xxError: 1}\n'), 'istio.yaml')).toThrow(/spec.trafficPolicy.outlierDetection.consecutive5xxError: unknown field/);
    expect(() => parseIstioYaml(se.replace('kind: ServiceEntry', 'kind: Gateway'), 'istio.yaml')).toThrow(/document 1 \(Gateway\/se\): kind: unknown kind "Gateway"/);
    expect(() => parseIstioYaml(se.replace('v1beta1', 'v2'), 'istio.yaml')).toThrow(/apiVersion: unknown apiVersion "networking.istio.io\/v2"/);
  });
  test('bad YAML is an error with a line number', () => {
    expect(() => parseIstioYaml('kind: [unclosed\n', 'bad.yaml')).toThrow(/bad.yaml: document 1: not valid YAML \(line \d+\)/);
  });
  test('Istio semantic validation: distribute and failover together, local-origin failures without split', () => {
    expect(() =>
      parseIstioYaml(se + dr('    loadBalancer:\n      localityLbSetting:\n        distribute: [{from: r1, to: {r1: 100}}]\n        failover: [{from: r1, to: r2}]\n'), 'istio.yaml'),
    ).toThrow(/can not simultaneously specify/);
    expect(() => parseIstioYaml(se + dr('    outlierDetection: {consecutiveLocalOriginFailures: 2}\n'), 'istio.yaml')).toThrow(/split external local origin errors is set to false/);
  });
});

describe('durations', () => {
  test('Go duration forms', () => {
    expect(parseDurationMs('250ms')).toBe(250);
    expect(parseDurationMs('15s')).toBe(15_000);
    expect(parseDurationMs('1m')).toBe(60_000);
    expect(parseDurationMs('1h30m')).toBe(5_400_000);
    expect(parseDurationMs('1.5s')).toBe(1500);
    expect(parseDurationMs('0')).toBe(0);
    expect(parseDurationMs('15')).toBeUndefined();
    expect(parseDurationMs('15x')).toBeUndefined();
    expect(parseDurationMs('')).toBeUndefined();
  });
  test('IstioConfigError is the error type', () => {
    expect(() => parseIstioYaml('', 'empty.yaml')).toThrow(IstioConfigError);
  });
});
