/**
 * Istio's locality integration test (tests/integration/pilot/locality_test.go, 1.28.0), replayed as
 * failsim scenarios: the same ServiceEntry/DestinationRule template, a client in region/zone/subzone,
 * and Istio's expected traffic split (all to one service, or 80/20 for distribute) within Istio's
 * tolerance of ±3 requests in 50. The cases live in test/fixtures/istio-locality (source noted there).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { simulator } from '../helpers/simulate.ts';

interface Case {
  name: string;
  setting?: string;
  trafficDistribution?: string;
  resolution: 'DNS' | 'STATIC';
  local: string;
  nearLocal?: string;
  remote: string;
  network?: boolean;
  expected: Record<string, number>;
}
const data = JSON.parse(readFileSync(fileURLToPath(new URL('../fixtures/istio-locality/cases.json', import.meta.url)), 'utf8')) as {
  settings: Record<string, string>;
  cases: Case[];
};

const STATIC_ADDRESS: Record<string, string> = { b: '10.0.0.2', c: '10.0.0.3', naked: '10.0.0.4', unroutable: '10.10.10.10' };
function address(service: string, resolution: string): string {
  if (service === 'fake') return 'fake-should-fail.example.com';
  return resolution === 'DNS' ? `${service}.example.com` : STATIC_ADDRESS[service];
}
const indent = (text: string, n: number) => text.split('\n').map((l) => ' '.repeat(n) + l).join('\n');

/** localityTemplate of locality_test.go, filled in for one case. */
function istioYaml(c: Case): string {
  const ep = (service: string, locality: string) =>
    `  - address: ${address(service, c.resolution)}\n    locality: ${locality}\n${c.network ? '    network: network-1\n' : ''}`;
  let yaml = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: external-service-locality
${c.trafficDistribution ? `  annotations:\n    networking.istio.io/traffic-distribution: ${c.trafficDistribution}\n` : ''}spec:
  hosts:
  - ${c.name.toLowerCase().replace(/\//g, '-')}-fake-locality.example.com
  location: MESH_EXTERNAL
  ports:
  - name: http
    number: 80
    protocol: HTTP
  resolution: ${c.resolution}
  endpoints:
${ep(c.local, 'region/zone/subzone')}${ep(c.remote, 'notregion/notzone/notsubzone')}${c.nearLocal ? ep(c.nearLocal, '"nearregion/zone/subzone"') : ''}`;
  if (c.setting) {
    yaml += `---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: external-service-locality
spec:
  host: ${c.name.toLowerCase().replace(/\//g, '-')}-fake-locality.example.com
  trafficPolicy:
    connectionPool:
      tcp:
        connectTimeout: 250ms
    loadBalancer:
      simple: ROUND_ROBIN
      localityLbSetting:
${indent(data.settings[c.setting], 8)}
    outlierDetection:
      interval: 1s
      baseEjectionTime: 10m
      maxEjectionPercent: 100
`;
  }
  return yaml;
}

function scenario(c: Case): string {
  const dead = [c.local, c.nearLocal, c.remote].filter((s): s is string => s === 'fake' || s === 'unroutable');
  const faults = dead.map((s) => `  - endpoint: ${address(s, c.resolution)}\n    from: 0s\n    kind: ${s === 'fake' ? 'connect-refused' : 'connect-timeout'}\n`);
  return `name: ${c.name}
istio: istio.yaml
versions: { istio: "1.28" }
duration: 20s
seed: 1
clients:
  - locality: region/zone/subzone
    replicas: 1
    rate: 50/s
${c.network ? '    labels: { topology.istio.io/network: network-1 }\n' : ''}endpoints:
  "*": { latency: { constant: 5ms } }
${faults.length ? `faults:\n${faults.join('')}` : ''}`;
}

const simulate = simulator('failsim-locality-');
const TOLERANCE = 3 / 50; // common.AlmostEquals(reqs, expect, 3) over sendCount = 50

describe("Istio's locality_test.go cases as scenarios (Istio 1.28)", () => {
  test('all ten cases are here, the three TrafficDistribution ones included', () => {
    expect(data.cases.length).toBe(10);
    expect(data.cases.filter((c) => c.trafficDistribution).length).toBe(3);
  });
  for (const c of data.cases) {
    test(`${c.name}: ${JSON.stringify(c.expected)}`, async () => {
      const s = await simulate([istioYaml(c)], scenario(c));
      const byEndpoint = s.attempts.byEndpoint as Record<string, number>;
      const total = Object.values(byEndpoint).reduce((a, b) => a + b, 0);
      const services = [c.local, c.nearLocal, c.remote].filter((x): x is string => x !== undefined);
      for (const service of services) {
        const share = (byEndpoint[address(service, c.resolution)] ?? 0) / total;
        expect(Math.abs(share - (c.expected[service] ?? 0)), `${service}: ${share}`).toBeLessThanOrEqual(TOLERANCE);
      }
    });
  }
});
