/**
 * Plain Envoy config → EnvoyCluster (src/envoy/config): layouts, Envoy's defaults, value forms
 * (snake_case / camelCase, wrapped values, duration forms), the route's retry policy and timeout,
 * located errors for what Envoy (or failsim) rejects, and warnings for what failsim does not model.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { UserError } from '../../src/cli/errors.ts';
import { parseOverrides } from '../../src/config/overrides.ts';
import { parseEnvoyConfig, type EnvoyConfig } from '../../src/envoy/config/document.ts';
import { loadEnvoyConfigFile, loadIstioFile } from '../../src/node/files.ts';
import { translateIstio } from '../../src/istio/translate.ts';

const modelFile = fileURLToPath(new URL('../../models/envoy-static-failover/envoy.yaml', import.meta.url));
const seedMep50 = fileURLToPath(new URL('../../models/dynamodb-failover/istio-mep50.yaml', import.meta.url));

const STATIC = `
name: backend
connect_timeout: 0.25s
load_assignment:
  cluster_name: backend
  endpoints:
  - locality: { region: r1, zone: z1, sub_zone: s1 }
    lb_endpoints:
    - endpoint: { address: { socket_address: { address: 10.0.0.1, port_value: 8080 } } }
    - endpoint: { address: { socket_address: { address: 10.0.0.2, port_value: 8080 } } }
      load_balancing_weight: 3
  - locality: { region: r2 }
    priority: 1
    lb_endpoints:
    - endpoint: { address: { socket_address: { address: 10.0.1.1, port_value: 8080 } } }
`;

function parse(text: string, options = {}): EnvoyConfig {
  return parseEnvoyConfig(text, 'envoy.yaml', options);
}

/** The UserError message `text` gives. */
function errorOf(text: string, options = {}): string {
  try {
    parse(text, options);
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return (e as Error).message;
  }
  throw new Error('expected a UserError');
}

const codes = (c: EnvoyConfig) => c.warnings.map((w) => w.code);

/** A cluster document with `extra` YAML lines appended at the top level. */
const withFields = (extra: string) => `${STATIC}${extra}\n`;

describe('the whole document is a Cluster', () => {
  const c = parse(STATIC);
  test('endpoints with locality, priority and weight', () => {
    expect(c.layout).toBe('cluster');
    expect(c.cluster.name).toBe('backend');
    expect(c.cluster.endpoints).toEqual([
      { address: '10.0.0.1', port: 8080, locality: { region: 'r1', zone: 'z1', subzone: 's1' }, priority: 0, weight: 1, labels: {} },
      { address: '10.0.0.2', port: 8080, locality: { region: 'r1', zone: 'z1', subzone: 's1' }, priority: 0, weight: 3, labels: {} },
      { address: '10.0.1.1', port: 8080, locality: { region: 'r2', zone: '', subzone: '' }, priority: 1, weight: 1, labels: {} },
    ]);
  });
  test("Envoy's defaults, not Istio's", () => {
    expect(c.cluster.lb_policy).toBe('ROUND_ROBIN');
    expect(c.cluster.connect_timeout_ms).toBe(250);
    expect(c.cluster.healthy_panic_threshold).toBe(50);
    expect(c.cluster.overprovisioning_factor).toBe(140);
    expect(c.cluster.least_request_choice_count).toBe(2);
    expect(c.cluster.locality_weighted_lb_config).toBe(false);
    expect(c.cluster.outlier_detection).toBeUndefined();
    expect(c.discoveryType).toBe('STATIC');
    expect(parse(STATIC.replace('connect_timeout: 0.25s\n', '')).cluster.connect_timeout_ms).toBe(5000);
  });
  test('without a route: no retry policy, no route timeout, and a warning saying so', () => {
    expect(c.cluster.retry_policy).toBeUndefined();
    expect(c.cluster.route_timeout_ms).toBe(0);
    expect(c.hasRoute).toBe(false);
    expect(codes(c)).toEqual(['no-route']);
  });
  test('JSON is read as well', () => {
    const json = JSON.stringify({
      name: 'j',
      load_assignment: { cluster_name: 'j', endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: '::1', port_value: 80 } } } }] }] },
    });
    expect(parse(json).cluster.endpoints.map((e) => e.address)).toEqual(['::1']);
  });
  test('an Any-wrapped cluster (@type) is accepted; a wrong @type is not', () => {
    expect(parse(`"@type": type.googleapis.com/envoy.config.cluster.v3.Cluster\n${STATIC}`).cluster.name).toBe('backend');
    expect(errorOf(`"@type": type.googleapis.com/envoy.config.listener.v3.Listener\n${STATIC}`)).toMatch(/^envoy\.yaml: \["@type"\]: expected "type\.googleapis\.com\/envoy\.config\.cluster\.v3\.Cluster"/);
  });
});

describe('the model file (the seed example on plain Envoy)', () => {
  const envoy = loadEnvoyConfigFile(modelFile, 'envoy.yaml');
  const [istio] = translateIstio(loadIstioFile(seedMep50), { locality: { region: 'us-east1', zone: 'us-east1-b', subzone: '' } }, { istioMinor: 28 });
  test('same endpoints, priorities and weights as Istio 1.28 gives the seed client', () => {
    const view = (e: { address: string; port: number; priority: number; weight: number; locality: unknown }) => [e.address, e.port, e.priority, e.weight, e.locality];
    expect(envoy.cluster.endpoints.map(view)).toEqual(istio.cluster.endpoints.map(view));
  });
  test('same outlier detection knobs and retry policy', () => {
    const od = envoy.cluster.outlier_detection!;
    for (const k of ['consecutive_5xx', 'interval_ms', 'base_ejection_time_ms'] as const) expect(od[k]).toBe(istio.cluster.outlier_detection![k]);
    expect(od.max_ejection_percent).toBe(100);
    expect(envoy.cluster.healthy_panic_threshold).toBe(istio.cluster.healthy_panic_threshold);
    // Istio ≥ 1.24 lists retriable-status-codes with no codes, which retries nothing more: the model leaves it out.
    const istioRetry = istio.cluster.retry_policy!;
    expect(istioRetry.retriable_status_codes).toEqual([]);
    expect(envoy.cluster.retry_policy).toEqual({ ...istioRetry, retry_on: istioRetry.retry_on.filter((r) => r !== 'retriable-status-codes') });
    expect(envoy.cluster.route_timeout_ms).toBe(istio.cluster.route_timeout_ms);
  });
});

describe('value forms', () => {
  test('camelCase field names (proto3 JSON) mean the same as snake_case', () => {
    const camel = parse(`
name: c
lbPolicy: LEAST_REQUEST
connectTimeout: 1s
leastRequestLbConfig: { choiceCount: 3 }
commonLbConfig: { healthyPanicThreshold: { value: 20 } }
outlierDetection: { consecutive5xx: 3, baseEjectionTime: 45s, maxEjectionPercent: 50 }
loadAssignment:
  clusterName: c
  policy: { overprovisioningFactor: 200 }
  endpoints:
  - locality: { subZone: s }
    lbEndpoints:
    - endpoint: { address: { socketAddress: { address: 10.0.0.1, portValue: 80 } } }
      loadBalancingWeight: 2
`).cluster;
    expect(camel.lb_policy).toBe('LEAST_REQUEST');
    expect(camel.connect_timeout_ms).toBe(1000);
    expect(camel.least_request_choice_count).toBe(3);
    expect(camel.healthy_panic_threshold).toBe(20);
    expect(camel.outlier_detection).toEqual({ consecutive_5xx: 3, base_ejection_time_ms: 45_000, max_ejection_percent: 50 });
    expect(camel.overprovisioning_factor).toBe(200);
    expect(camel.endpoints[0]).toMatchObject({ weight: 2, locality: { region: '', zone: '', subzone: 's' } });
  });
  test('wrapped values, numeric strings and {seconds, nanos} durations', () => {
    const od = parse(
      withFields(`outlier_detection:
  consecutive_5xx: { value: 2 }
  consecutive_gateway_failure: "4"
  interval: { seconds: 2, nanos: 500000000 }
  max_ejection_time_jitter: 0.0015s
  always_eject_one_host: { value: true }`),
    ).cluster.outlier_detection;
    expect(od).toEqual({ consecutive_5xx: 2, consecutive_gateway_failure: 4, interval_ms: 2500, max_ejection_time_jitter_ms: 1, always_eject_one_host: true });
  });
  test('an empty outlier_detection turns the detector on with every default', () => {
    expect(parse(withFields('outlier_detection: {}')).cluster.outlier_detection).toEqual({});
  });
  test('healthy_panic_threshold 0 disables panic', () => {
    expect(parse(withFields('common_lb_config: { healthy_panic_threshold: { value: 0 } }')).cluster.healthy_panic_threshold).toBe(0);
  });
  test('slow start under round_robin_lb_config, with Envoy defaults for aggression and min weight', () => {
    const c = parse(withFields('round_robin_lb_config: { slow_start_config: { slow_start_window: 60s } }')).cluster;
    expect(c.slow_start).toEqual({ window_ms: 60_000, aggression: 1, min_weight_percent: 10 });
    const lr = parse(
      withFields(`lb_policy: LEAST_REQUEST
least_request_lb_config:
  slow_start_config: { slow_start_window: 30s, aggression: { default_value: 2, runtime_key: k }, min_weight_percent: { value: 25 } }`),
    ).cluster;
    expect(lr.slow_start).toEqual({ window_ms: 30_000, aggression: 2, min_weight_percent: 25 });
  });
  test('locality weights with locality_weighted_lb_config, keyed by priority and locality', () => {
    const c = parse(
      STATIC.replace('  - locality: { region: r1, zone: z1, sub_zone: s1 }\n', '  - locality: { region: r1, zone: z1, sub_zone: s1 }\n    load_balancing_weight: 7\n') +
        'common_lb_config: { locality_weighted_lb_config: {} }\n',
    );
    expect(c.cluster.locality_weighted_lb_config).toBe(true);
    expect(c.cluster.locality_weights).toEqual({ '0|r1/z1/s1': 7 });
    // r2 has hosts but no weight: it gets no traffic under locality-weighted LB, which deserves a warning.
    expect(c.warnings.find((w) => w.code === 'locality-without-weight')?.path).toBe('load_assignment.endpoints[1]');
  });
  test('an address listed with two ports becomes address:port', () => {
    const c = parse(STATIC.replace('address: 10.0.0.2, port_value: 8080', 'address: 10.0.0.1, port_value: 9090'));
    expect(c.cluster.endpoints.map((e) => e.address)).toEqual(['10.0.0.1:8080', '10.0.0.1:9090', '10.0.1.1']);
  });
});

describe('the route: timeout and retry policy', () => {
  const doc = (route: string) => `cluster:\n${STATIC.replace(/^/gm, '  ')}\nroute:\n${route.replace(/^/gm, '  ')}\n`;
  test("a route without timeout or retry_policy: Envoy's 15 s timeout, no retries", () => {
    const c = parse(doc('cluster: backend'));
    expect(c.layout).toBe('cluster-and-route');
    expect(c.cluster.route_timeout_ms).toBe(15_000);
    expect(c.cluster.retry_policy).toBeUndefined();
    expect(codes(c)).not.toContain('no-route');
  });
  test("retry_policy with Envoy's defaults", () => {
    const c = parse(doc('timeout: 0s\nretry_policy: { retry_on: "5xx, reset" }'));
    expect(c.cluster.route_timeout_ms).toBe(0);
    expect(c.cluster.retry_policy).toEqual({
      num_retries: 1,
      retry_on: ['5xx', 'reset'],
      retriable_status_codes: [],
      per_try_timeout_ms: 0,
      previous_hosts_predicate: false,
      host_selection_retry_max_attempts: 1,
      backoff_base_interval_ms: 25,
      backoff_max_interval_ms: 250,
    });
    expect(codes(c)).toContain('retry-circuit-breaker-not-modelled');
  });
  test('every modelled retry field', () => {
    const p = parse(
      doc(`retry_policy:
  retry_on: retriable-status-codes,connect-failure
  num_retries: 3
  per_try_timeout: 2s
  retriable_status_codes: [503, 504]
  retry_back_off: { base_interval: 0.1s }
  host_selection_retry_max_attempts: 4
  retry_host_predicate: [{ name: envoy.retry_host_predicates.previous_hosts }]
  retry_priority:
    name: envoy.retry_priorities.previous_priorities
    typed_config:
      "@type": type.googleapis.com/envoy.extensions.retry.priority.previous_priorities.v3.PreviousPrioritiesConfig
      update_frequency: 2`),
    ).cluster.retry_policy;
    expect(p).toEqual({
      num_retries: 3,
      retry_on: ['retriable-status-codes', 'connect-failure'],
      retriable_status_codes: [503, 504],
      per_try_timeout_ms: 2000,
      previous_hosts_predicate: true,
      host_selection_retry_max_attempts: 4,
      previous_priorities_update_frequency: 2,
      backoff_base_interval_ms: 100,
      backoff_max_interval_ms: 1000,
    });
  });
  test('retry mistakes Envoy rejects are errors naming the path', () => {
    expect(errorOf(doc('retry_policy: { retry_on: "5xx,bogus" }'))).toBe('envoy.yaml: route.retry_policy.retry_on: unknown retry condition(s) "bogus"');
    expect(errorOf(doc('retry_policy: { retry_on: 5xx, retry_back_off: { base_interval: 1s, max_interval: 0.5s } }'))).toMatch(
      /^envoy\.yaml: route\.retry_policy\.retry_back_off\.max_interval: must be at least base_interval \(1000 ms\)/,
    );
    expect(errorOf(doc('retry_policy: { retry_on: 5xx, retry_priority: { name: envoy.retry_priorities.previous_priorities } }'))).toMatch(
      /route\.retry_policy\.retry_priority\.typed_config\.update_frequency: required/,
    );
    expect(errorOf(doc('cluster: other'))).toBe('envoy.yaml: route.cluster: names cluster "other", but the cluster is "backend"');
  });
  test('retry fields failsim does not model are warnings', () => {
    const c = parse(doc('hedge_policy: { initial_requests: 2 }\nretry_policy: { retry_on: 5xx, retriable_status_codes: [503], retriable_headers: [{ name: x }] }'));
    const paths = c.warnings.map((w) => `${w.code} ${w.path}`);
    expect(paths).toContain('unmodelled-field route.hedge_policy');
    expect(paths).toContain('unmodelled-field route.retry_policy.retriable_headers');
    expect(paths).toContain('status-codes-unused route.retry_policy.retriable_status_codes');
  });
});

describe('bootstrap layout', () => {
  const bootstrap = `
admin: { address: { socket_address: { address: 127.0.0.1, port_value: 9901 } } }
static_resources:
  listeners:
  - name: l
    filter_chains:
    - filters:
      - name: envoy.filters.network.http_connection_manager
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
          route_config:
            virtual_hosts:
            - name: vh
              domains: ["*"]
              retry_policy: { retry_on: connect-failure, num_retries: 4 }
              routes:
              - match: { prefix: /a }
                route: { cluster: other, timeout: 1s }
              - match: { prefix: / }
                route: { cluster: backend, timeout: 3s }
  clusters:
  - name: other
    load_assignment: { cluster_name: other, endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: 10.9.9.9, port_value: 1 } } } }] }] }
${STATIC.replace(/^/gm, '    ').replace(/^ {4}name: backend/m, '  - name: backend')}
`;
  test('picks the named cluster and the route to it; the virtual host retry policy applies', () => {
    const c = parse(bootstrap, { clusterName: 'backend' });
    expect(c.layout).toBe('bootstrap');
    expect(c.cluster.endpoints).toHaveLength(3);
    expect(c.cluster.route_timeout_ms).toBe(3000);
    expect(c.cluster.retry_policy).toMatchObject({ num_retries: 4, retry_on: ['connect-failure'] });
    expect(codes(c)).toContain('bootstrap-partial');
  });
  test('several clusters and no name: an error listing them', () => {
    expect(errorOf(bootstrap)).toBe('envoy.yaml: static_resources.clusters: 2 clusters (other, backend): say which one to simulate (clients[].host in a scenario)');
    expect(errorOf(bootstrap, { clusterName: 'nope' })).toMatch(/no cluster named "nope" \(clusters: other, backend\)/);
  });
  test('errors inside a bootstrap cluster carry the full path', () => {
    expect(errorOf(bootstrap.replace('lb_endpoints: [{ endpoint', 'lb_endpoints: [{ endpont'), { clusterName: 'other' })).toMatch(
      /^envoy\.yaml: static_resources\.clusters\[0\]\.load_assignment\.endpoints\[0\]\.lb_endpoints\[0\]\.endpont: unknown field/,
    );
  });
  test('a local cluster means zone-aware routing, which is not modelled', () => {
    const c = parse(`cluster_manager: { local_cluster_name: backend }\n${bootstrap}`, { clusterName: 'backend' });
    expect(c.zoneAwareConfigured).toBe(true);
    expect(c.warnings.find((w) => w.code === 'zone-aware-not-modelled')?.path).toBe('cluster_manager.local_cluster_name');
  });
});

describe('errors: file, path and what was expected', () => {
  test('unknown fields', () => {
    expect(errorOf(withFields('outlier_detection: { consecutive_5xxx: 1 }'))).toBe(
      'envoy.yaml: outlier_detection.consecutive_5xxx: unknown field (Envoy\'s OutlierDetection has no field "consecutive_5xxx")',
    );
    expect(errorOf(withFields('lb_polcy: RANDOM'))).toMatch(/^envoy\.yaml: lb_polcy: unknown field/);
  });
  test('load balancing policies failsim does not model name the field', () => {
    expect(errorOf(withFields('lb_policy: RING_HASH'))).toBe('envoy.yaml: lb_policy: RING_HASH is not modelled; failsim supports ROUND_ROBIN, LEAST_REQUEST and RANDOM');
    expect(errorOf(withFields('lb_policy: FASTEST'))).toMatch(/^envoy\.yaml: lb_policy: expected one of ROUND_ROBIN, LEAST_REQUEST/);
  });
  test('discovery types without inline endpoints', () => {
    expect(errorOf('name: e\ntype: EDS\neds_cluster_config: { service_name: e }\n')).toMatch(/^envoy\.yaml: type: EDS gets its endpoints from a management server/);
    const eds = parse(`type: EDS\n${STATIC}`);
    expect(codes(eds)).toContain('eds-inline-endpoints');
    expect(errorOf(`type: ORIGINAL_DST\nname: o\n`)).toMatch(/^envoy\.yaml: type: ORIGINAL_DST clusters have no endpoint list/);
  });
  test('STATIC takes IP addresses; STRICT_DNS takes names (one host per name, with a warning)', () => {
    const named = STATIC.replace('10.0.0.1', 'db.example.com');
    expect(errorOf(named)).toMatch(/load_assignment\.endpoints\[0\]\.lb_endpoints\[0\]\.endpoint\.address\.socket_address\.address: type STATIC takes IP addresses/);
    const dns = parse(`type: STRICT_DNS\n${named}`);
    expect(dns.cluster.endpoints[0].address).toBe('db.example.com');
    expect(codes(dns)).toContain('dns-one-host-per-address');
    expect(errorOf(`type: LOGICAL_DNS\n${named}`)).toMatch(/LOGICAL_DNS clusters take exactly one locality with one lb_endpoint/);
  });
  test('bad values', () => {
    expect(errorOf(STATIC.replace('0.25s', '250ms'))).toBe('envoy.yaml: connect_timeout: expected a duration like "0.1s" or "10s", got "250ms"');
    expect(errorOf(withFields('outlier_detection: { interval: 10 }'))).toMatch(/outlier_detection\.interval: .*\(Envoy durations are strings with an s unit\)/);
    expect(errorOf(withFields('outlier_detection: { base_ejection_time: 60s, max_ejection_time: 30s }'))).toBe(
      'envoy.yaml: outlier_detection.max_ejection_time: max_ejection_time (30000 ms) cannot be smaller than base_ejection_time (60000 ms)',
    );
    expect(errorOf(withFields('outlier_detection: { max_ejection_percent: 150 }'))).toBe('envoy.yaml: outlier_detection.max_ejection_percent: expected a whole number in [0, 100], got 150');
    expect(errorOf(STATIC.replace('load_balancing_weight: 3', 'load_balancing_weight: 0'))).toMatch(/lb_endpoints\[1\]\.load_balancing_weight: expected a whole number in \[1, 4294967295\], got 0/);
    expect(errorOf(withFields('least_request_lb_config: { choice_count: 1 }\nlb_policy: LEAST_REQUEST'))).toMatch(/least_request_lb_config\.choice_count: expected a whole number in \[2,/);
  });
  test('the same address and port twice', () => {
    expect(errorOf(STATIC.replace('10.0.0.2', '10.0.0.1'))).toMatch(/lb_endpoints\[1\]: 10\.0\.0\.1:8080 is listed twice \(also at load_assignment\.endpoints\[0\]\.lb_endpoints\[0\]\)/);
  });
  test('missing pieces', () => {
    expect(errorOf('connect_timeout: 1s\n')).toMatch(/^envoy\.yaml: name: required/);
    expect(errorOf(STATIC.replace('  cluster_name: backend\n', ''))).toMatch(/load_assignment\.cluster_name: required/);
    expect(errorOf('- a\n')).toMatch(/^envoy\.yaml: expected a mapping/);
  });
  test('every error is reported at once', () => {
    expect(errorOf(withFields('lb_policy: MAGLEV\noutlier_detection: { interval: -1s }')).split('\n')).toHaveLength(2);
  });
});

describe('warnings for fields Envoy accepts and failsim does not model', () => {
  test('each names its code and path', () => {
    const c = parse(
      withFields(`health_checks: [{ timeout: 1s }]
transport_socket: { name: tls }
circuit_breakers: { thresholds: [{ max_retries: 10 }] }
common_lb_config: { zone_aware_lb_config: { min_cluster_size: 3 }, update_merge_window: 0s }`),
    );
    const seen = c.warnings.map((w) => `${w.code} ${w.path}`);
    for (const expected of [
      'unmodelled-field health_checks',
      'unmodelled-field transport_socket',
      'unmodelled-field circuit_breakers',
      'unmodelled-field common_lb_config.update_merge_window',
      'zone-aware-not-modelled common_lb_config.zone_aware_lb_config',
    ]) {
      expect(seen).toContain(expected);
    }
    expect(c.zoneAwareConfigured).toBe(true);
  });
  test('health_status other than HEALTHY/UNKNOWN, active_request_bias and lb configs of another policy', () => {
    const c = parse(
      STATIC.replace('      load_balancing_weight: 3', '      load_balancing_weight: 3\n      health_status: DRAINING') +
        'least_request_lb_config: { active_request_bias: { default_value: 2 } }\n',
    );
    const seen = c.warnings.map((w) => `${w.code} ${w.path}`);
    expect(seen).toContain('unmodelled-field load_assignment.endpoints[0].lb_endpoints[1].health_status');
    expect(seen).toContain('lb-config-ignored least_request_lb_config');
  });
});

describe('--set Cluster/<name>: and Route/<name>: overrides', () => {
  const withRoute = `cluster:\n${STATIC.replace(/^/gm, '  ')}\nroute: { cluster: backend, retry_policy: { retry_on: 5xx } }\n`;
  const set = (...texts: string[]) => parseOverrides(texts).resources;
  test('change the cluster and the route before validation', () => {
    const c = parse(withRoute, { overrides: set('Cluster/backend:outlier_detection.max_ejection_percent=30', 'Route/backend:retry_policy.num_retries=5') });
    expect(c.cluster.outlier_detection).toEqual({ max_ejection_percent: 30 });
    expect(c.cluster.retry_policy?.num_retries).toBe(5);
  });
  test('a route can be added to a {cluster, route} document that has none', () => {
    const c = parse(`cluster:\n${STATIC.replace(/^/gm, '  ')}\n`, { overrides: set('Route/backend:timeout=2s') });
    expect(c.cluster.route_timeout_ms).toBe(2000);
  });
  test('values still go through validation', () => {
    expect(errorOf(withRoute, { overrides: set('Cluster/backend:lb_policy=MAGLEV') })).toMatch(/^envoy\.yaml: cluster\.lb_policy: MAGLEV is not modelled/);
  });
  test('Istio kinds, wrong names and routes that cannot exist are errors', () => {
    expect(errorOf(withRoute, { overrides: set('DestinationRule/x:spec.host=y') })).toMatch(/^--set DestinationRule\/x:spec\.host=y: envoy\.yaml is an Envoy file: resource overrides take Cluster\/<cluster name>/);
    expect(errorOf(withRoute, { overrides: set('Cluster/nope:name=x') })).toMatch(/no cluster named "nope" in envoy\.yaml \(the cluster is "backend"\)/);
    expect(errorOf(STATIC, { overrides: set('Route/backend:timeout=1s') })).toMatch(/envoy\.yaml has no route to cluster "backend" \(write the file as \{cluster: \.\.\., route: \.\.\.\}/);
  });
});
