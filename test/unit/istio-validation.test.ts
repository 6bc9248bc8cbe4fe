/**
 * Istio's validation rules for the fields failsim reads (pkg/config/validation/validation.go and
 * agent/validation.go, 1.28.0) and the Istio cases that used to give a silent wrong answer
 * (issue 16): each must now be an error like `istioctl validate` gives, or a warning.
 */
import { describe, expect, test } from 'vitest';
import { parseIstioYaml } from '../../src/istio/load.ts';
import { translateIstio } from '../../src/istio/translate.ts';

const se = (spec: string) => `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: svc}
spec:
${spec}`;
const base = (extra: string) =>
  se(`  hosts: [svc.example.com]
  ports: [{number: 80, name: http, protocol: HTTP}]
${extra}`);
const client = { locality: { region: 'r1', zone: '', subzone: '' } };

describe('ServiceEntry (ValidateServiceEntry)', () => {
  test.each([
    ['STATIC endpoint with a DNS name', base('  resolution: STATIC\n  endpoints: [{address: db.example.com}]\n'), /spec\.endpoints\[0\]\.address: endpoint address "db\.example\.com" is not a valid IP address/],
    ['HTML in a host name', se('  hosts: ["<img src=x>"]\n  ports: [{number: 80, name: http}]\n  resolution: DNS\n'), /spec\.hosts\[0\]: domain name "<img src=x>" invalid \(label "<img src=x>" invalid\)/],
    ['host "*"', se('  hosts: ["*"]\n  resolution: DNS\n'), /spec\.hosts\[0\]: invalid host \*/],
    ['NONE with endpoints', base('  resolution: NONE\n  endpoints: [{address: 10.0.0.1}]\n'), /no endpoints should be provided for resolution type none/],
    ['resolution unset (NONE) with endpoints', base('  endpoints: [{address: 10.0.0.1}]\n'), /no endpoints should be provided for resolution type none/],
    ['a unix socket that is not an absolute path', base('  resolution: STATIC\n  endpoints: [{address: "unix://sock"}]\n'), /sock is not an absolute path to a file/],
    ['DNS endpoint that is neither IP nor FQDN', base('  resolution: DNS\n  endpoints: [{address: "a_b.example.com"}]\n'), /endpoint address "a_b\.example\.com" is not a valid FQDN or an IP address/],
    ['duplicate port numbers', se('  hosts: [a.example.com]\n  resolution: DNS\n  ports: [{number: 80, name: a}, {number: 80, name: b}]\n'), /service entry port 80 already defined/],
    ['an invalid port name', se('  hosts: [a.example.com]\n  resolution: DNS\n  ports: [{number: 80, name: Http_1}]\n'), /invalid port name: Http_1/],
    ['an endpoint port not defined by the service entry', base('  resolution: STATIC\n  endpoints: [{address: 10.0.0.1, ports: {grpc: 9000}}]\n'), /endpoint port 9000 is not defined by the service entry/],
    ['an unknown protocol', se('  hosts: [a.example.com]\n  resolution: DNS\n  ports: [{number: 80, name: a, protocol: SMTP}]\n'), /unsupported protocol: SMTP/],
    ['several hosts with a TCP port', se('  hosts: [a.example.com, b.example.com]\n  resolution: DNS\n  ports: [{number: 80, name: a, protocol: TCP}]\n'), /multiple hosts provided with non-HTTP, non-TLS ports/],
    ['an invalid endpoint label', base('  resolution: STATIC\n  endpoints: [{address: 10.0.0.1, labels: {"bad key!": x}}]\n'), /invalid tag key: "bad key!"/],
  ])('%s is rejected', (_name, yaml, message) => {
    expect(() => parseIstioYaml(yaml, 'istio.yaml')).toThrow(message);
  });
  test.each([
    ['IPv4 and IPv6 STATIC endpoints and a unix socket', base('  resolution: STATIC\n  endpoints: [{address: 10.0.0.1}, {address: "2001:db8::1"}]\n')],
    ['an absolute unix socket with one port', base('  resolution: STATIC\n  endpoints: [{address: "unix:///var/run/a.sock"}]\n')],
    ['a DNS endpoint with a trailing dot', base('  resolution: DNS\n  endpoints: [{address: "db.example.com."}]\n')],
    ['a wildcard host', se('  hosts: ["*.example.com"]\n  ports: [{number: 80, name: http, protocol: HTTP}]\n  resolution: DNS\n  endpoints: [{address: a.example.com}]\n')],
  ])('%s is accepted', (_name, yaml) => {
    expect(() => parseIstioYaml(yaml, 'istio.yaml')).not.toThrow();
  });
  test('endpoints: [] gives an empty cluster with a warning', () => {
    const [t] = translateIstio(parseIstioYaml(base('  resolution: STATIC\n  endpoints: []\n'), 'istio.yaml'), client, { istioMinor: 28 });
    expect(t.cluster.endpoints).toEqual([]);
    expect(t.warnings.find((w) => w.code === 'empty-cluster')?.message).toMatch(/no endpoints.*503/);
  });
});

describe('durations, percentages and retries', () => {
  const dr = (policy: string) =>
    base('  resolution: STATIC\n  endpoints: [{address: 10.0.0.1}]\n') +
    `---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: dr}
spec:
  host: svc.example.com
  trafficPolicy:
${policy}`;
  test.each([
    ['interval below 1ms (ValidateDuration)', '    outlierDetection: {interval: 500us}\n', /interval: duration must be at least 1ms/],
    ['baseEjectionTime 0', '    outlierDetection: {baseEjectionTime: 0s}\n', /baseEjectionTime: duration must be at least 1ms/],
    ['connectTimeout with µs precision', '    connectionPool: {tcp: {connectTimeout: 1500us}}\n', /only durations to ms precision are supported/],
    ['maxEjectionPercent over 100', '    outlierDetection: {maxEjectionPercent: 101}\n', /maxEjectionPercent: expected an integer percentage in 0\.\.100/],
    ['an empty connection pool', '    connectionPool: {}\n', /connection pool must have at least one field/],
    ['failover with a topology failoverPriority', '    outlierDetection: {consecutive5xxErrors: 1}\n    loadBalancer: {localityLbSetting: {failover: [{from: a, to: b}], failoverPriority: [topology.kubernetes.io/zone]}}\n', /can not simultaneously set 'failover' and topology label 'topology\.kubernetes\.io\/zone'/],
    ['overlapping distribute sources', '    loadBalancer: {localityLbSetting: {distribute: [{from: "a/*", to: {b: 100}}, {from: "a/z", to: {b: 100}}]}}\n', /locality a\/z overlap with previous specified ones/],
    ['a subset name that is not a DNS label', '    outlierDetection: {consecutive5xxErrors: 1}\n  subsets: [{name: V_1}]\n', /subset name is invalid: V_1/],
  ])('%s is rejected', (_name, policy, message) => {
    expect(() => parseIstioYaml(dr(policy), 'istio.yaml')).toThrow(message);
  });
  test('failover without outlier detection is Istio warning, not an error', () => {
    const c = parseIstioYaml(dr('    loadBalancer: {localityLbSetting: {failover: [{from: a, to: b}]}}\n'), 'istio.yaml');
    expect(c.warnings.find((w) => w.code === 'istio-validation-warning')?.message).toMatch(/outlier detection policy must be provided for failover/);
  });
  const vs = (retries: string) =>
    base('  resolution: STATIC\n  endpoints: [{address: 10.0.0.1}]\n') +
    `---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: vs}
spec:
  hosts: [svc.example.com]
  http:
  - route: [{destination: {host: svc.example.com}}]
    retries: ${retries}
`;
  test.each([
    ['a space after the comma (validateHTTPRetry does not trim)', '{attempts: 2, retryOn: "5xx, 503"}', /" 503" is not a valid retryOn policy/],
    ['an integer that is no HTTP status', '{attempts: 2, retryOn: "5xx,599"}', /"599" is not a valid retryOn policy/],
    ['a policy with attempts 0', '{attempts: 0, perTryTimeout: 1s}', /http retry policy configured when attempts are set to 0 \(disabled\)/],
  ])('retries: %s is rejected', (_name, retries, message) => {
    expect(() => parseIstioYaml(vs(retries), 'istio.yaml')).toThrow(message);
  });
  test('retryOn "5xx,503,retriable-4xx" is valid and 503 becomes a status code', () => {
    const [t] = translateIstio(parseIstioYaml(vs('{attempts: 2, retryOn: "5xx,503,retriable-4xx"}'), 'istio.yaml'), client, { istioMinor: 28 });
    expect(t.cluster.retry_policy).toMatchObject({ retry_on: ['5xx', 'retriable-4xx', 'retriable-status-codes'], retriable_status_codes: [503] });
  });
});

describe('several DestinationRules for one host (destination_rule.go mergeDestinationRule, 1.28.0)', () => {
  const rule = (name: string, body: string, meta = '') => `---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ${name}${meta}}
spec:
  host: svc.example.com
${body}`;
  const yaml =
    base('  resolution: STATIC\n  endpoints: [{address: 10.0.0.1, labels: {v: "1"}}, {address: 10.0.0.2, labels: {v: "2"}}]\n') +
    rule('b-second', '  trafficPolicy:\n    outlierDetection: {consecutive5xxErrors: 9}\n  subsets: [{name: v1, labels: {v: "2"}}, {name: v2, labels: {v: "2"}}]\n') +
    rule('a-first', '  trafficPolicy:\n    outlierDetection: {consecutive5xxErrors: 3}\n  subsets: [{name: v1, labels: {v: "1"}}]\n');
  test('sorted by name at equal creation time: the first top-level policy wins, subsets concatenate, duplicates dropped', () => {
    const all = translateIstio(parseIstioYaml(yaml, 'istio.yaml'), client, { istioMinor: 28 });
    const main = all.find((t) => t.subset === undefined)!;
    expect(main.cluster.outlier_detection?.consecutive_5xx).toBe(3);
    expect(all.map((t) => t.subset)).toEqual([undefined, 'v1', 'v2']);
    expect(all.find((t) => t.subset === 'v1')!.cluster.endpoints.map((e) => e.address)).toEqual(['10.0.0.1']);
    const codes = main.warnings.map((w) => w.code);
    expect(codes).toContain('destination-rule-policy-ignored');
    expect(codes).toContain('duplicate-subset');
  });
  test('an older creationTimestamp comes first', () => {
    const older = yaml.replace('name: b-second}', 'name: b-second, creationTimestamp: "2020-01-01T00:00:00Z"}').replace('name: a-first}', 'name: a-first, creationTimestamp: "2021-01-01T00:00:00Z"}');
    const [main] = translateIstio(parseIstioYaml(older, 'istio.yaml'), client, { istioMinor: 28 });
    expect(main.cluster.outlier_detection?.consecutive_5xx).toBe(9);
  });
  test('a later rule gives the top-level policy when the first has none', () => {
    const y = base('  resolution: STATIC\n  endpoints: [{address: 10.0.0.1}]\n') + rule('a', '  subsets: [{name: v1}]\n') + rule('b', '  trafficPolicy:\n    outlierDetection: {consecutive5xxErrors: 4}\n');
    const [main] = translateIstio(parseIstioYaml(y, 'istio.yaml'), client, { istioMinor: 28 });
    expect(main.cluster.outlier_detection?.consecutive_5xx).toBe(4);
    expect(main.warnings.map((w) => w.code)).toContain('destination-rules-merged');
  });
});
