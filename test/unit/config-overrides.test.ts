import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { parseScenarioText } from '../../src/config/load-scenario.ts';
import {
  applyResourceOverrides,
  applyScenarioOverrides,
  parseFieldPath,
  parseOverride,
  parseOverrides,
} from '../../src/config/overrides.ts';

const SCENARIO = `
name: s
istio: istio.yaml
duration: 10m
clients: [{ locality: us-east1, rate: 300/s }]
`;

const ISTIO = `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: external-svc-dns }
spec: { hosts: [mydb.com] }
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: mydynamodb }
spec:
  host: mydb.com
  trafficPolicy:
    outlierDetection: { consecutive5xxErrors: 1, interval: 15s, baseEjectionTime: 1m }
`;

describe('field paths', () => {
  it('parses keys, indexes and quoted keys', () => {
    expect(parseFieldPath('clients[0].rate')).toEqual(['clients', 0, 'rate']);
    expect(parseFieldPath('endpoints["a.b.com"].latency.constant')).toEqual(['endpoints', 'a.b.com', 'latency', 'constant']);
    expect(() => parseFieldPath('a..b')).toThrow(/empty key/);
    expect(() => parseFieldPath('a[x]')).toThrow(/expected \[N\]/);
    expect(() => parseFieldPath('a.')).toThrow(/ends with/);
  });
});

describe('scenario overrides', () => {
  it('sets scenario fields with YAML-typed values before validation', () => {
    const { scenario: overrides } = parseOverrides(['seed=3', 'clients[0].rate=100/s', 'versions.istio=1.10', 'metrics.bucket=2s']);
    const { scenario } = parseScenarioText(SCENARIO, 's.yaml', { overrides });
    expect(scenario.seed).toBe(3);
    expect(scenario.clients[0].rate).toEqual([{ fromMs: 0, perSecond: 100 }]);
    expect(scenario.versions.istio).toBe('1.10');
    expect(scenario.metrics.bucketMs).toBe(2000);
  });
  it('gives values their YAML types', () => {
    expect(parseOverride('seed=3')).toMatchObject({ target: 'scenario', value: 3 });
    expect(parseOverride('x=true')).toMatchObject({ value: true });
    expect(parseOverride('x=10s')).toMatchObject({ value: '10s' });
    expect(parseOverride('name=1.5')).toMatchObject({ value: '1.5' });
  });
  it('leads to the usual schema messages when the value is wrong', () => {
    const { scenario: overrides } = parseOverrides(['clients[0].rate=-1/s']);
    expect(() => parseScenarioText(SCENARIO, 's.yaml', { overrides })).toThrow(
      's.yaml: clients[0].rate: must be positive',
    );
  });
  it('rejects bad addresses', () => {
    expect(() => parseOverride('novalue')).toThrow(/expected field\.path=VALUE/);
    expect(() => parseOverride('=3')).toThrow(/expected field\.path=VALUE/);
    expect(() => parseOverride('DestinationRule:spec.x=1')).toThrow(/expected Kind\/name/);
    expect(() => applyScenarioOverrides({ clients: [] }, parseOverrides(['clients[3].rate=1/s']).scenario)).toThrow(/index out of range/);
    expect(() => applyScenarioOverrides({ name: 'x' }, parseOverrides(['name.first=1']).scenario)).toThrow(/name is not a mapping/);
  });
});

describe('resource overrides', () => {
  const docs = YAML.parseAllDocuments(ISTIO).map((d) => d.toJS());
  it('sets a field of the named resource and leaves the input untouched', () => {
    const { resources } = parseOverrides([
      'DestinationRule/mydynamodb:spec.trafficPolicy.outlierDetection.maxEjectionPercent=100',
      'DestinationRule/mydynamodb:spec.trafficPolicy.outlierDetection.interval=5s',
    ]);
    expect(resources[0]).toMatchObject({ kind: 'DestinationRule', name: 'mydynamodb' });
    const out = applyResourceOverrides(docs, resources, 'istio.yaml') as any[];
    expect(out[1].spec.trafficPolicy.outlierDetection).toEqual({
      consecutive5xxErrors: 1,
      interval: '5s',
      baseEjectionTime: '1m',
      maxEjectionPercent: 100,
    });
    expect((docs[1] as any).spec.trafficPolicy.outlierDetection.maxEjectionPercent).toBeUndefined();
  });
  it('names the missing resource and lists the ones present', () => {
    const { resources } = parseOverrides(['DestinationRule/other:spec.x=1']);
    expect(() => applyResourceOverrides(docs, resources, 'istio.yaml')).toThrow(
      '--set DestinationRule/other:spec.x=1: no DestinationRule named "other" in istio.yaml (resources: ServiceEntry/external-svc-dns, DestinationRule/mydynamodb)',
    );
  });
});
