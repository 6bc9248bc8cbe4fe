/**
 * Divergences from Istio's translation closed by issue 15, each against the Istio source line that
 * decides it (file and tag in each test's name or comment). Every test fails on the old behaviour.
 */
import { describe, expect, test } from 'vitest';
import { parseIstioYaml } from '../../src/istio/load.ts';
import { localityWeightedLbConfig, translateIstio, type ClientProxy } from '../../src/istio/translate.ts';

const client: ClientProxy = { locality: { region: 'r1', zone: 'z1', subzone: '' } };

const se = (resolution: string, extra = '', metadata = '') => `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: svc${metadata}}
spec:
  hosts: [svc.example.com]
  location: MESH_EXTERNAL
  ports: [{number: 80, name: http, protocol: HTTP}, {number: 9090, name: grpc, protocol: GRPC}]
  resolution: ${resolution}
  endpoints:
  - {address: ${resolution === 'STATIC' ? '10.0.0.1' : 'a.example.com'}, locality: r1/z1}
  - {address: ${resolution === 'STATIC' ? '10.0.0.2' : 'b.example.com'}, locality: r2/z1}
${extra}`;

/** A STATIC ServiceEntry with one HTTP port and the given `endpoints:` lines (YAML, indented). */
const staticServiceEntry = (endpoints: string) => `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: svc}
spec:
  hosts: [svc.example.com]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: STATIC
  endpoints:
${endpoints}`;

const dr = (body: string, name = 'dr') => `---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ${name}}
spec:
  host: svc.example.com
${body}`;

function cluster(yaml: string, istioMinor: number, port = 80, subset?: string, proxy: ClientProxy = client) {
  const all = translateIstio(parseIstioYaml(yaml, 'istio.yaml'), proxy, { istioMinor });
  const c = all.find((t) => t.port === port && t.subset === subset);
  if (!c) throw new Error(`no cluster for port ${port} subset ${subset}`);
  return c;
}
const priorities = (c: ReturnType<typeof cluster>) => Object.fromEntries(c.cluster.endpoints.map((e) => [e.address, e.priority]));

describe('item 1: a port-level policy replaces the destination-level one (util.go GetPortLevelTrafficPolicy, 1.28.0)', () => {
  const yaml =
    se('STATIC') +
    dr(`  trafficPolicy:
    outlierDetection: {consecutive5xxErrors: 3, interval: 1s, baseEjectionTime: 30s}
    portLevelSettings:
    - port: {number: 9090}
      connectionPool: {tcp: {connectTimeout: 2s}}
`);
  test('port 9090 gets no outlier detection, no locality priorities and the default panic threshold', () => {
    const c = cluster(yaml, 28, 9090);
    expect(c.cluster.outlier_detection).toBeUndefined();
    expect(priorities(c)).toEqual({ '10.0.0.1': 0, '10.0.0.2': 0 });
    expect(c.cluster.healthy_panic_threshold).toBe(50);
    expect(c.cluster.connect_timeout_ms).toBe(2000);
    expect(c.warnings.find((w) => w.code === 'port-level-replaces')?.path).toBe('spec.trafficPolicy.portLevelSettings[0]');
  });
  test('port 80 keeps the destination-level policy', () => {
    const c = cluster(yaml, 28, 80);
    expect(c.cluster.outlier_detection?.consecutive_5xx).toBe(3);
    expect(priorities(c)).toEqual({ '10.0.0.1': 0, '10.0.0.2': 1 });
    expect(c.cluster.connect_timeout_ms).toBe(10_000);
  });
  test('the first port-level entry for a port wins (the `break` in GetPortLevelTrafficPolicy)', () => {
    const two =
      se('STATIC') +
      dr(`  trafficPolicy:
    portLevelSettings:
    - port: {number: 80}
      connectionPool: {tcp: {connectTimeout: 1s}}
    - port: {number: 80}
      connectionPool: {tcp: {connectTimeout: 5s}}
`);
    expect(cluster(two, 28).cluster.connect_timeout_ms).toBe(1000);
  });
  test("a subset's port-level entry replaces all fields from Istio 1.8 (cluster_builder.go MergeTrafficPolicy, 1.8.0), field by field before (cluster.go applyTrafficPolicy, 1.5.0)", () => {
    const yaml2 =
      se('STATIC') +
      dr(`  trafficPolicy:
    outlierDetection: {consecutive5xxErrors: 3}
  subsets:
  - name: v1
    trafficPolicy:
      portLevelSettings:
      - port: {number: 80}
        connectionPool: {tcp: {connectTimeout: 2s}}
`);
    expect(cluster(yaml2, 8, 80, 'v1').cluster.outlier_detection).toBeUndefined();
    expect(cluster(yaml2, 7, 80, 'v1').cluster.outlier_detection?.consecutive_5xx).toBe(3);
  });
});

describe('item 2: DNS ServiceEntry with only failoverPriority keeps every endpoint at priority 0 on Istio 1.12–1.29', () => {
  // cluster_traffic_policy.go applyLocalityLoadBalancer passes nil wrapped endpoints
  // ("TODO: enable failoverPriority for `STRICT_DNS` cluster type", 1.28.0), and
  // loadbalancer.go applyFailoverPriorities returns early on them.
  const rule = dr(`  trafficPolicy:
    outlierDetection: {consecutive5xxErrors: 3}
    loadBalancer:
      localityLbSetting:
        failoverPriority: [topology.kubernetes.io/region]
`);
  const yaml = se('DNS') + rule;
  test('all priority 0 with a warning', () => {
    const c = cluster(yaml, 28);
    expect(priorities(c)).toEqual({ 'a.example.com': 0, 'b.example.com': 0 });
    expect(c.localityMode).toBe('failoverPriority');
    expect(c.warnings.some((w) => w.code === 'version-ignored-field' && /no endpoint labels/.test(w.message))).toBe(true);
  });
  test('the same rule on a STATIC ServiceEntry splits by region', () => {
    expect(priorities(cluster(se('STATIC') + rule, 28))).toEqual({ '10.0.0.1': 0, '10.0.0.2': 1 });
  });
  test('a failover list next to it still applies (Istio ≥ 1.20 composes it)', () => {
    const withFailover = yaml.replace('failoverPriority: [topology.kubernetes.io/region]', 'failoverPriority: [foo]\n        failover: [{from: r1, to: r2}]');
    expect(priorities(cluster(withFailover, 28))).toEqual({ 'a.example.com': 0, 'b.example.com': 1 });
  });
});

describe('item 3: traffic distribution (loadbalancer.go GetLocalityLbSetting, service.go GetTrafficDistribution)', () => {
  const annotated = (value: string, resolution = 'STATIC') =>
    se(resolution, '', `, annotations: {networking.istio.io/traffic-distribution: ${value}}`);
  test('PreferClose on a ServiceEntry keeps traffic local without outlier detection (1.25+), panic 0', () => {
    const c = cluster(annotated('PreferClose'), 28);
    expect(priorities(c)).toEqual({ '10.0.0.1': 0, '10.0.0.2': 1 });
    expect(c.trafficDistribution).toBe('PreferSameZone');
    expect(c.localitySettingSource).toBe('trafficDistribution');
    expect(c.cluster.healthy_panic_threshold).toBe(0);
    expect(c.cluster.locality_weighted_lb_config).toBe(true);
    expect(c.cluster.outlier_detection).toBeUndefined();
  });
  test('ignored before 1.25, with a warning', () => {
    const c = cluster(annotated('PreferClose'), 24);
    expect(priorities(c)).toEqual({ '10.0.0.1': 0, '10.0.0.2': 0 });
    expect(c.warnings.map((w) => w.code)).toContain('traffic-distribution-ignored');
  });
  test('PreferSameZone is unknown on 1.25–1.26 and known from 1.27 (PreferSameZone added in 1.27.0)', () => {
    expect(cluster(annotated('PreferSameZone'), 26).trafficDistribution).toBe('Any');
    expect(cluster(annotated('PreferSameZone'), 27).trafficDistribution).toBe('PreferSameZone');
    expect(cluster(annotated('PreferClose'), 26).trafficDistribution).toBe('PreferClose');
  });
  test('PreferSameNode ranks the client node first (kubernetes.io/hostname, label.go AugmentLabels)', () => {
    const yaml = staticServiceEntry(`  - {address: 10.0.0.1, locality: r1/z1}
  - {address: 10.0.0.2, locality: r1/z1}
`);
    const config = parseIstioYaml(yaml, 'istio.yaml');
    config.serviceEntries[0].trafficDistribution = 'PreferSameNode';
    config.serviceEntries[0].endpointTopology = [{ node: 'node-a' }, { node: 'node-b' }];
    const [c] = translateIstio(config, { ...client, node: 'node-b' }, { istioMinor: 28 });
    expect(Object.fromEntries(c.cluster.endpoints.map((e) => [e.address, e.priority]))).toEqual({ '10.0.0.1': 1, '10.0.0.2': 0 });
  });
  test("a DestinationRule's localityLbSetting wins over the distribution", () => {
    const c = cluster(annotated('PreferClose') + dr('  trafficPolicy:\n    loadBalancer: {localityLbSetting: {enabled: false}}\n'), 28);
    expect(priorities(c)).toEqual({ '10.0.0.1': 0, '10.0.0.2': 0 });
    expect(c.localitySettingSource).toBe('destinationRule');
  });
});

describe('item 4: topology labels topology.istio.io/cluster (≥ 1.12) and kubernetes.io/hostname (≥ 1.18) (label.go AugmentLabels)', () => {
  const yaml =
    se('STATIC') +
    dr(`  trafficPolicy:
    outlierDetection: {consecutive5xxErrors: 3}
    loadBalancer:
      localityLbSetting:
        failoverPriority: [topology.istio.io/cluster]
`);
  test('ServiceEntry endpoints carry the config cluster ID (default Kubernetes) and match a default proxy', () => {
    const c = cluster(yaml, 28);
    expect(c.cluster.endpoints.every((e) => e.labels?.['topology.istio.io/cluster'] === 'Kubernetes')).toBe(true);
    expect(priorities(c)).toEqual({ '10.0.0.1': 0, '10.0.0.2': 0 });
  });
  test('a proxy in another cluster ranks them lower', () => {
    const c = cluster(yaml, 28, 80, undefined, { ...client, cluster: 'east' });
    expect(priorities(c)).toEqual({ '10.0.0.1': 0, '10.0.0.2': 0 });
    const config = parseIstioYaml(yaml, 'istio.yaml');
    config.serviceEntries[0].endpointTopology = [{ cluster: 'east' }, { cluster: 'west' }];
    const [t] = translateIstio(config, { ...client, cluster: 'east' }, { istioMinor: 28 });
    expect(Object.fromEntries(t.cluster.endpoints.map((e) => [e.address, e.priority]))).toEqual({ '10.0.0.1': 0, '10.0.0.2': 1 });
  });
});

describe('item 6: when locality_weighted_lb_config is set, by Istio version (cluster.go / cluster_traffic_policy.go applyLoadBalancer)', () => {
  const failover = { failover: [{ from: 'r1', to: 'r2' }] };
  test.each([
    // [minor, setting, hasOD, expected]
    [5, null, true, true], // 1.5.0: whenever outlier detection is set
    [5, { enabled: true }, false, false],
    [6, null, true, false], // 1.6.0: OD and a locality setting
    [8, { enabled: true }, true, true],
    [9, { enabled: true }, true, false], // 1.9.0: only distribute/failover
    [11, failover, false, true],
    [12, { enabled: true }, false, true], // 1.12.0: whenever a setting exists
    [23, { enabled: true }, false, true],
    [24, { enabled: true }, true, false], // 1.24.0: failover rules with failover enabled, or distribute
    [24, failover, true, true],
  ] as const)('Istio 1.%i, setting %j, outlier detection %s → %s', (minor, setting, od, expected) => {
    expect(localityWeightedLbConfig(minor, setting as never, od, od, false)).toBe(expected);
  });
});

describe('item 5: distribute removes endpoints for a client; the world and explain still know them', () => {
  // loadbalancer.go applyLocalityWeights (1.28.0): entries no `to` matches lose their LbEndpoints;
  // the matched ones get weight ceil(original·to / Σ originals).
  const yaml =
    se('STATIC') +
    dr(`  trafficPolicy:
    loadBalancer:
      localityLbSetting:
        distribute: [{from: r1/*, to: {r1/z1: 100}}]
`);
  test('the removed endpoint is in serviceEndpoints (the world), not in the cluster', () => {
    const c = cluster(yaml, 28);
    expect(c.cluster.endpoints.map((e) => e.address)).toEqual(['10.0.0.1']);
    expect(c.serviceEndpoints).toEqual([
      { address: '10.0.0.1', locality: { region: 'r1', zone: 'z1', subzone: '' }, removed: false },
      { address: '10.0.0.2', locality: { region: 'r2', zone: 'z1', subzone: '' }, removed: true },
    ]);
  });
  test('explain shows locality weights and the dropped endpoint', async () => {
    const { explainIstio } = await import('../../src/istio/explain.ts');
    const { resolveVersions } = await import('../../src/envoy/profiles.ts');
    const r = explainIstio(parseIstioYaml(yaml, 'istio.yaml'), { clientLocalities: [client.locality], versions: resolveVersions({ istio: '1.28' }) });
    const c = r.clusters.find((x) => x.port === 80 && x.subset === null)!;
    expect(c.endpoints.map((e) => e.localityWeight)).toEqual([100]);
    expect(c.droppedEndpoints.map((d) => d.address)).toEqual(['10.0.0.2']);
  });
});

describe('item 7: smaller divergences', () => {
  const vs = (extra: string, retries = '{attempts: 5, retryOn: "5xx"}') => `---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: vs}
spec:
  hosts: [svc.example.com]
${extra}  http:
  - route: [{destination: {host: svc.example.com}}]
    retries: ${retries}
`;
  test('a VirtualService bound only to gateways does not apply to sidecars (VirtualService.gateways: "mesh" for sidecars)', () => {
    const c = cluster(se('STATIC') + vs('  gateways: [istio-system/ingress]\n'), 28);
    expect(c.cluster.retry_policy?.num_retries).toBe(2); // Istio's default policy
    expect(c.virtualService).toBeUndefined();
    expect(c.warnings.map((w) => w.code)).toContain('virtual-service-gateway-only');
    expect(cluster(se('STATIC') + vs('  gateways: [mesh, istio-system/ingress]\n'), 28).cluster.retry_policy?.num_retries).toBe(5);
  });
  test('retryRemoteLocalities exists from Istio 1.6 (route/retry/retry.go, 1.6.0)', () => {
    const y = se('STATIC') + vs('', '{attempts: 2, retryRemoteLocalities: true}');
    expect(cluster(y, 5).cluster.retry_policy?.previous_priorities_update_frequency).toBeUndefined();
    expect(cluster(y, 6).cluster.retry_policy?.previous_priorities_update_frequency).toBe(2);
  });
  test('retryIgnorePreviousHosts: true keeps previous_hosts on a consistent-hash route (retry.go ConvertPolicy, 1.26.0)', () => {
    const y = se('STATIC') + dr('  trafficPolicy:\n    loadBalancer: {consistentHash: {httpHeaderName: x-user}}\n') + vs('', '{attempts: 2, retryIgnorePreviousHosts: true}');
    expect(cluster(y, 28).cluster.retry_policy?.previous_hosts_predicate).toBe(true);
  });
  test('an integer in retryOn is a status code only if http.StatusText knows it (retry.go parseRetryOn, 1.28.0)', async () => {
    const { parseRetryOn } = await import('../../src/istio/retry.ts');
    expect(parseRetryOn('5xx,503,999,+504')).toEqual({ retryOn: ['5xx', '999'], codes: [503, 504] });
  });
  test('split local-origin errors are honoured from Istio 1.11 (v1alpha3/cluster.go applyOutlierDetection, 1.11.0)', () => {
    const y = se('STATIC') + dr('  trafficPolicy:\n    outlierDetection: {splitExternalLocalOriginErrors: true, consecutiveLocalOriginFailures: 3}\n');
    expect(cluster(y, 10).cluster.outlier_detection?.split_external_local_origin_errors).toBeUndefined();
    expect(cluster(y, 11).cluster.outlier_detection).toMatchObject({ split_external_local_origin_errors: true, consecutive_local_origin_failure: 3 });
  });
  test('endpoint locality comes only from the locality field or the istio-locality label (serviceentry/conversion.go convertEndpoint, 1.28.0)', () => {
    const y = staticServiceEntry(`  - {address: 10.0.0.1, labels: {topology.kubernetes.io/region: r1, topology.kubernetes.io/zone: z1}}
  - {address: 10.0.0.2, labels: {istio-locality: r2.z1}}
`);
    const c = cluster(y, 28);
    expect(c.cluster.endpoints.map((e) => [e.address, e.locality.region, e.locality.zone])).toEqual([
      ['10.0.0.1', '', ''],
      ['10.0.0.2', 'r2', 'z1'],
    ]);
  });
  test('groups are ordered by the raw locality label (endpoint_builder.go sort.Strings(locs), 1.28.0)', () => {
    const y = staticServiceEntry(`  - {address: 10.0.0.1, locality: "r1/"}
  - {address: 10.0.0.2, locality: "r1"}
`);
    // "r1" and "r1/" are two LocalityLbEndpoints with the same locality, "r1" first.
    expect(cluster(y, 28).cluster.endpoints.map((e) => e.address)).toEqual(['10.0.0.2', '10.0.0.1']);
  });
});
