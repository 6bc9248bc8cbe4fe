import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { resolveVersions } from '../../src/envoy/profiles.ts';
import { explainIstio } from '../../src/istio/explain.ts';
import { buildMesh } from '../../src/mesh/build.ts';
import type { MeshInputFile } from '../../src/mesh/documents.ts';
import { meshIstioYaml } from '../../src/mesh/istio-yaml.ts';
import { regionOfZone } from '../../src/mesh/locality.ts';
import { runScenarioFile } from '../../src/node/files.ts';

const dir = fileURLToPath(new URL('../fixtures/mesh/', import.meta.url));
const fixture = (name: string): MeshInputFile => ({ file: name, text: readFileSync(join(dir, name), 'utf8') });
const versions = resolveVersions({ istio: '1.28' });
const zoneB = { region: 'us-east1', zone: 'us-east1-b', subzone: '' };

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['node', 'failsim', ...args], { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

function priorities(files: MeshInputFile[]) {
  const mesh = buildMesh(files);
  const report = explainIstio(mesh.istio, { clientLocalities: [zoneB], versions });
  return report.clusters.map((c) => ({ host: c.host, port: c.port, endpoints: c.endpoints, loads: c.priorityLoads, od: c.outlierDetection }));
}

describe('Kubernetes inputs (src/mesh)', () => {
  test('a Service + EndpointSlice dump over three zones explains like the equivalent STATIC ServiceEntry', () => {
    const k8s = priorities([fixture('k8s-3zones.yaml'), fixture('dr-reviews.yaml')]);
    const se = priorities([fixture('static-3zones.yaml'), fixture('dr-reviews.yaml')]);
    expect(k8s).toEqual(se);
    // Locality from the pods' nodes: the client's zone is priority 0, the two others priority 1.
    expect(k8s[0].endpoints.map((e) => `${e.locality}:${e.priority}`)).toEqual([
      ...Array(3).fill('us-east1/us-east1-b:0'),
      ...Array(3).fill('us-east1/us-east1-c:1'),
      ...Array(3).fill('us-east1/us-east1-d:1'),
    ]);
    expect(k8s[0].host).toBe('reviews.shop.svc.cluster.local');
    expect(k8s[0].port).toBe(9080);
  });

  test('the dump and the STATIC ServiceEntry give the same run, request for request', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'failsim-mesh-'));
    writeFileSync(join(tmp, 'k8s-istio.yaml'), meshIstioYaml(buildMesh([fixture('k8s-3zones.yaml'), fixture('dr-reviews.yaml')])));
    writeFileSync(join(tmp, 'static-istio.yaml'), `${fixture('static-3zones.yaml').text}---\n${fixture('dr-reviews.yaml').text.replace('host: reviews', 'host: reviews.shop.svc.cluster.local')}`);
    const scenario = (istio: string) => `name: equivalence
istio: ${istio}
versions: { istio: "1.28" }
duration: 2m
seed: 7
clients:
  - locality: us-east1/us-east1-b
    replicas: 3
    rate: 300/s
endpoints:
  "*": { latency: { lognormal: { median: 5ms, p99: 25ms } } }
faults:
  - locality: us-east1/us-east1-b
    from: 30s
    until: 90s
    kind: connect-refused
`;
    writeFileSync(join(tmp, 'k8s.yaml'), scenario('k8s-istio.yaml'));
    writeFileSync(join(tmp, 'static.yaml'), scenario('static-istio.yaml'));
    const a = runScenarioFile(join(tmp, 'k8s.yaml'));
    const b = runScenarioFile(join(tmp, 'static.yaml'));
    expect(a.requests.total).toBeGreaterThan(30_000);
    expect(a.attempts.byLocality['us-east1/us-east1-c']).toBeGreaterThan(0); // it did fail over
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  test('a DestinationRule alone is exit 2 naming the host and the two ways to give endpoints', async () => {
    const r = await cli(['explain', join(dir, 'dr-reviews.yaml')]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain('(DestinationRule/reviews): host reviews.shop.svc.cluster.local has no endpoints anywhere in the input');
    expect(r.err).toContain('kubectl get svc,endpointslices,pods,nodes');
    expect(r.err).toContain('--endpoints reviews.shop.svc.cluster.local=');
    expect(r.err).not.toContain('    at '); // no stack trace
  });

  test('--endpoints gives the missing endpoints, localities as written', async () => {
    const r = await cli([
      'explain', join(dir, 'dr-reviews.yaml'), '--endpoints', 'reviews=us-east1/us-east1-b:2,us-east1/us-east1-c:1',
      '--client-locality', 'us-east1/us-east1-c', '--istio', '1.28', '--json',
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const c = JSON.parse(r.out).clusters[0];
    expect(c.host).toBe('reviews.shop.svc.cluster.local');
    expect(c.endpoints.map((e: { address: string; priority: number }) => `${e.address}:${e.priority}`)).toEqual([
      'reviews-us-east1-b-0:1',
      'reviews-us-east1-b-1:1',
      'reviews-us-east1-c-0:0',
    ]);
    const bad = await cli(['explain', join(dir, 'k8s-3zones.yaml'), '--endpoints', 'reviews.shop.svc.cluster.local=us-east1/us-east1-b:1']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('already has 9 endpoints');
  });

  test("a Service with trafficDistribution makes readiness send a not-ready pod UNHEALTHY, as istiod does; without one it is removed", () => {
    const tmp = mkdtempSync(join(tmpdir(), 'failsim-mesh-unready-'));
    const withTd = fixture('k8s-3zones.yaml').text.replace('    sessionAffinity: None', '    sessionAffinity: None\n    trafficDistribution: PreferClose');
    expect(withTd).not.toBe(fixture('k8s-3zones.yaml').text);
    writeFileSync(join(tmp, 'td-istio.yaml'), meshIstioYaml(buildMesh([{ file: 'td.yaml', text: withTd }, fixture('dr-reviews.yaml')])));
    writeFileSync(join(tmp, 'plain-istio.yaml'), meshIstioYaml(buildMesh([fixture('k8s-3zones.yaml'), fixture('dr-reviews.yaml')])));
    const run = (istio: string, unready: string | undefined) => {
      const file = join(tmp, `${istio}-${unready ?? 'default'}.yaml`);
      writeFileSync(file, `name: unready
istio: ${istio}-istio.yaml
versions: { istio: "1.28" }
duration: 2m
seed: 3
clients:
  - locality: us-east1/us-east1-b
    replicas: 2
    rate: 200/s
endpoints:
  "*": { latency: { lognormal: { median: 5ms, p99: 25ms } } }
faults:
  - endpoint: 10.8.0.10
    from: 20s
    until: 90s
    kind: connect-refused
controlPlane:
  readiness: ${unready ? `{ unready: ${unready} }` : '{}'}
`);
      const { scenario, ...rest } = runScenarioFile(file);
      expect(rest.controlPlane!.changes.length).toBeGreaterThan(0);
      return JSON.stringify(rest);
    };
    expect(run('td', undefined)).toBe(run('td', 'unhealthy'));
    expect(run('td', undefined)).not.toBe(run('td', 'remove'));
    expect(run('plain', undefined)).toBe(run('plain', 'remove'));
    expect(run('plain', undefined)).not.toBe(run('plain', 'unhealthy'));
  });

  test('a directory of files is read like the files themselves', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'failsim-mesh-dir-'));
    writeFileSync(join(tmp, 'a-dump.yaml'), fixture('k8s-3zones.yaml').text);
    writeFileSync(join(tmp, 'b-dr.yml'), fixture('dr-reviews.yaml').text);
    writeFileSync(join(tmp, 'notes.txt'), 'not read');
    const fromDir = await cli(['explain', tmp, '--client-locality', 'us-east1/us-east1-b', '--json']);
    const fromFiles = await cli(['explain', join(dir, 'k8s-3zones.yaml'), join(dir, 'dr-reviews.yaml'), '--client-locality', 'us-east1/us-east1-b', '--json']);
    expect(fromDir.code).toBe(0);
    expect(JSON.parse(fromDir.out).clusters).toEqual(JSON.parse(fromFiles.out).clusters);
  });

  test("localities follow Istio's rules: istio-locality label, node labels (GA then beta), WorkloadEntry locality", () => {
    const text = `apiVersion: v1
kind: Service
metadata: { name: api, namespace: prod }
spec:
  selector: { app: api }
  ports: [{ name: grpc-api, port: 8080 }]
---
apiVersion: v1
kind: Node
metadata: { name: n1, labels: { failure-domain.beta.kubernetes.io/region: eu-west1, failure-domain.beta.kubernetes.io/zone: eu-west1-a, topology.istio.io/subzone: rack7 } }
---
apiVersion: v1
kind: Node
metadata: { name: n2, labels: { topology.kubernetes.io/region: eu-west1, topology.kubernetes.io/zone: eu-west1-b, failure-domain.beta.kubernetes.io/zone: old } }
---
apiVersion: v1
kind: PodList
items:
- metadata: { name: p1, namespace: prod, labels: { app: api } }
  spec: { nodeName: n1 }
  status: { podIP: 10.0.0.1, conditions: [{ type: Ready, status: "True" }] }
- metadata: { name: p2, namespace: prod, labels: { app: api } }
  spec: { nodeName: n2 }
  status: { podIP: 10.0.0.2, conditions: [{ type: Ready, status: "True" }] }
- metadata: { name: p3, namespace: prod, labels: { app: api, istio-locality: us-central1.us-central1-f } }
  spec: { nodeName: n2 }
  status: { podIP: 10.0.0.3, conditions: [{ type: Ready, status: "True" }] }
- metadata: { name: p4, namespace: prod, labels: { app: api } }
  spec: { nodeName: n2 }
  status: { podIP: 10.0.0.4, conditions: [{ type: Ready, status: "False" }] }
---
apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: { name: vm1, namespace: prod }
spec: { address: 192.168.1.5, labels: { app: api }, locality: onprem/dc1 }
---
apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: { name: vm2, namespace: prod }
spec: { address: 192.168.1.6, labels: { app: api, istio-locality: onprem.dc2 } }
`;
    const mesh = buildMesh([{ file: 'mixed.yaml', text }]);
    const svc = mesh.services.find((s) => s.host === 'api.prod.svc.cluster.local')!;
    expect(svc.endpoints.map((e) => `${e.address} ${e.locality ? `${e.locality.region}/${e.locality.zone}/${e.locality.subzone}` : 'none'}`)).toEqual([
      '10.0.0.1 eu-west1/eu-west1-a/rack7',
      '10.0.0.2 eu-west1/eu-west1-b/',
      '10.0.0.3 us-central1/us-central1-f/',
      // p4 is not ready: Istio does not send it
      '192.168.1.5 onprem/dc1/',
      '192.168.1.6 onprem/dc2/',
    ]);
    expect(svc.ports).toEqual([{ number: 8080, name: 'grpc-api', protocol: 'GRPC' }]);
    expect(svc.endpoints[0].labels['kubernetes.io/hostname']).toBe('n1');
  });

  test('EndpointSlice without pods or nodes: zone from the slice, region from the zone name, with a note; hints noted', () => {
    const text = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Service
  metadata: { name: cart, namespace: shop, annotations: { networking.istio.io/traffic-distribution: PreferClose } }
  spec: { selector: { app: cart }, ports: [{ name: http, port: 80, targetPort: web }], trafficDistribution: PreferSameZone }
- apiVersion: discovery.k8s.io/v1
  kind: EndpointSlice
  metadata: { name: cart-1, namespace: shop, labels: { kubernetes.io/service-name: cart } }
  addressType: IPv4
  ports: [{ name: http, port: 8080 }]
  endpoints:
  - { addresses: [10.1.0.1], zone: us-east-1a, hints: { forZones: [{ name: us-east-1a }] } }
  - { addresses: [10.1.0.2], zone: us-east-1b }
  - { addresses: [10.1.0.3], zone: us-east-1b, conditions: { ready: false } }
`;
    const mesh = buildMesh([{ file: 'slices.yaml', text }]);
    const svc = mesh.services[0];
    expect(svc.endpoints.map((e) => `${e.address} ${e.locality?.region}/${e.locality?.zone}`)).toEqual(['10.1.0.1 us-east-1/us-east-1a', '10.1.0.2 us-east-1/us-east-1b']);
    expect(svc.ports).toEqual([{ number: 80, name: 'http', protocol: 'HTTP', targetPort: 8080 }]);
    expect(svc.trafficDistribution).toBe('PreferSameZone'); // spec wins over the annotation (GetTrafficDistribution)
    const se = mesh.documents[0] as { metadata: { annotations: Record<string, string> } };
    expect(se.metadata.annotations['networking.istio.io/traffic-distribution']).toBe('PreferSameZone');
    // 10.1.0.3 is not ready: left out, and with a traffic distribution istiod would have sent it UNHEALTHY.
    expect(mesh.notes.map((n) => n.code)).toEqual(['unready-endpoints-left-out', 'endpointslice-hints', 'locality-from-endpointslice-zone']);
    expect(mesh.notes[0].message).toContain('1 not-ready endpoint left out: istiod sends');
    mesh.notes.shift();
    expect(mesh.notes[1].message).toContain('us-east-1a → region us-east-1');
  });

  test('EndpointSlice nodeName with Nodes but no Pods: locality from the node; WorkloadGroup noted; a ServiceEntry workloadSelector takes WorkloadEntries and pods', () => {
    const text = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Node
  metadata: { name: node-a, labels: { topology.kubernetes.io/region: europe-west4, topology.kubernetes.io/zone: europe-west4-a } }
- apiVersion: v1
  kind: Node
  metadata: { name: node-b, labels: { topology.kubernetes.io/region: europe-west4, topology.kubernetes.io/zone: europe-west4-b } }
- apiVersion: v1
  kind: Service
  metadata: { name: orders, namespace: shop }
  spec: { selector: { app: orders }, ports: [{ name: http, port: 80 }] }
- apiVersion: discovery.k8s.io/v1
  kind: EndpointSlice
  metadata: { name: orders-x1, namespace: shop, labels: { kubernetes.io/service-name: orders } }
  addressType: IPv4
  endpoints:
  - { addresses: [10.4.0.1], nodeName: node-a, zone: wrong-zone-1 }
  - { addresses: [10.4.0.2], nodeName: node-b }
- apiVersion: networking.istio.io/v1
  kind: WorkloadGroup
  metadata: { name: legacy, namespace: shop }
  spec: { metadata: { labels: { app: legacy } }, template: { serviceAccount: legacy } }
- apiVersion: networking.istio.io/v1
  kind: WorkloadEntry
  metadata: { name: legacy-vm-1, namespace: shop }
  spec: { address: 192.168.7.1, labels: { app: legacy }, locality: onprem/rack1 }
- apiVersion: v1
  kind: Pod
  metadata: { name: legacy-pod, namespace: shop, labels: { app: legacy } }
  spec: { nodeName: node-b }
  status: { podIP: 10.4.1.9, conditions: [{ type: Ready, status: "True" }] }
- apiVersion: networking.istio.io/v1
  kind: ServiceEntry
  metadata: { name: legacy, namespace: shop }
  spec:
    hosts: [legacy.internal]
    location: MESH_INTERNAL
    resolution: STATIC
    ports: [{ number: 8080, name: http, protocol: HTTP }]
    workloadSelector: { labels: { app: legacy } }
`;
    const mesh = buildMesh([{ file: 'nodes.yaml', text }]);
    const loc = (host: string) =>
      mesh.services.find((s) => s.host === host)!.endpoints.map((e) => `${e.address} ${e.locality?.region}/${e.locality?.zone}/${e.locality?.subzone} ${e.labels['kubernetes.io/hostname'] ?? '-'}`);
    // istiod's rule: the node's labels (the slice's zone is not read when the node is known).
    expect(loc('orders.shop.svc.cluster.local')).toEqual(['10.4.0.1 europe-west4/europe-west4-a/ node-a', '10.4.0.2 europe-west4/europe-west4-b/ node-b']);
    expect(loc('legacy.internal')).toEqual(['192.168.7.1 onprem/rack1/ -', '10.4.1.9 europe-west4/europe-west4-b/ node-b']);
    expect(mesh.notes.map((n) => n.code)).toEqual(['workload-group']);
    expect(mesh.notes[0]).toMatchObject({ resource: 'WorkloadGroup/legacy', file: 'nodes.yaml' });
    // The ServiceEntry the simulation reads lists them as its endpoints, the selector gone.
    const se = mesh.istio.serviceEntries.find((s) => s.name === 'legacy')!;
    expect(se.spec.endpoints!.map((e) => e.address)).toEqual(['192.168.7.1', '10.4.1.9']);
    expect(se.spec.workloadSelector).toBeUndefined();
  });

  test('a failsim scenario given as mesh input is exit 2 saying what to give instead', async () => {
    const r = await cli(['check', fileURLToPath(new URL('../../models/dynamodb-failover/c-failover.yaml', import.meta.url)), '--no-progress']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('c-failover.yaml: document 1: expected a Kubernetes resource (a mapping with apiVersion, kind, metadata); this is a failsim scenario: give its Istio file (istio: istio.yaml) instead, or run it with failsim run');
  });

  test('region of a zone name by cloud naming', () => {
    expect(regionOfZone('us-east1-b')).toBe('us-east1');
    expect(regionOfZone('us-east-1a')).toBe('us-east-1');
    expect(regionOfZone('eastus-1')).toBe('eastus');
    expect(regionOfZone('zone-a')).toBeUndefined();
  });

  test('a bad field in a dump names file, item and path', () => {
    const text = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Service
  metadata: { name: a }
  spec: { ports: [{ port: 99999 }] }
`;
    expect(() => buildMesh([{ file: 'bad.yaml', text }])).toThrow(/bad\.yaml: document 1 items\[0\] \(Service\/a\): spec\.ports\[0\]\.port: expected a port number in 1\.\.65535 \(line 7\)/);
  });
});
