import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/cli/errors.ts';
import { parseDurationMs, parseRate } from '../../src/config/durations.ts';
import { parseScenarioText } from '../../src/config/load-scenario.ts';
import { readScenarioFiles } from '../../src/node/files.ts';
import { checkFaultTargets } from '../../src/sim/fault-targets.ts';

const SEED = `
name: dynamodb-failover
istio: istio.yaml
versions: { istio: "1.28" }
duration: 10m
seed: 1
clients:
  - locality: us-east1/us-east1-b
    replicas: 3
    rate: 300/s
endpoints:
  dynamodb.us-east-1.amazonaws.com: { latency: { lognormal: { median: 8ms, p99: 40ms } } }
  dynamodb.us-west-1.amazonaws.com: { latency: { lognormal: { median: 70ms, p99: 120ms } } }
faults:
  - endpoint: dynamodb.us-east-1.amazonaws.com
    from: 2m
    until: 6m
    kind: connect-refused
`;

function parse(text: string) {
  return parseScenarioText(text, 'scenario.yaml');
}

function errorOf(text: string): string {
  try {
    parse(text);
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return (e as Error).message;
  }
  throw new Error('expected a UserError');
}

describe('durations and rates', () => {
  it('parses Istio duration forms', () => {
    expect(parseDurationMs('250ms')).toBe(250);
    expect(parseDurationMs('15s')).toBe(15_000);
    expect(parseDurationMs('1m')).toBe(60_000);
    expect(parseDurationMs('1h')).toBe(3_600_000);
    expect(parseDurationMs('0.5s')).toBe(500);
    expect(parseDurationMs('1h30m')).toBe(5_400_000);
    expect(parseDurationMs('2x')).toBeUndefined();
    expect(parseDurationMs('15')).toBeUndefined();
  });
  it('parses rates to per second, keeping the sign', () => {
    expect(parseRate('300/s')).toBe(300);
    expect(parseRate('120/m')).toBe(2);
    expect(parseRate('7200/h')).toBe(2);
    expect(parseRate('-5/s')).toBe(-5);
    expect(parseRate('5/day')).toBeUndefined();
    expect(parseRate('abc')).toBeUndefined();
  });
});

describe('scenario schema', () => {
  it('parses the seed example with defaults filled in', () => {
    const { scenario, configKind, configName } = parse(SEED);
    expect(configKind).toBe('istio');
    expect(configName).toBe('istio.yaml');
    expect(scenario.durationMs).toBe(600_000);
    expect(scenario.versions.istio).toBe('1.28');
    expect(scenario.clients[0]).toMatchObject({
      locality: { region: 'us-east1', zone: 'us-east1-b', subzone: '' },
      replicas: 3,
      rate: [{ fromMs: 0, perSecond: 300 }],
      arrivals: 'poisson',
      host: undefined,
      labels: {},
    });
    expect(scenario.endpoints['dynamodb.us-east-1.amazonaws.com'].latency).toEqual({ kind: 'lognormal', medianMs: 8, p99Ms: 40 });
    expect(scenario.endpoints['dynamodb.us-east-1.amazonaws.com'].connectRefusedDelayMs).toBe(1);
    expect(scenario.faults).toEqual([
      { kind: 'connect-refused', target: { endpoint: 'dynamodb.us-east-1.amazonaws.com' }, fromMs: 120_000, untilMs: 360_000 },
    ]);
    expect(scenario.metrics).toEqual({
      bucketMs: 1000,
      mitigation: { windowMs: 10_000, threshold: 0.01 },
      failback: { toleranceShare: 0.05, windowMs: 10_000 },
    });
    expect(scenario.proxy.ejectionDelayMs).toBe(0);
  });

  it('parses every latency kind, fault kind, piecewise rates and an unquoted version', () => {
    const text = SEED.replace('"1.28"', '1.10')
      .replace('rate: 300/s', 'rate: [{from: 0s, rate: 100/s}, {from: 2m, rate: 500/s}]\n    arrivals: constant')
      .replace(
        'faults:',
        `  a: { latency: { constant: 5ms } }
  b: { latency: { uniform: { min: 1ms, max: 3ms } }, connectRefusedDelay: 30ms }
  c: { latency: { exponential: { mean: 4ms } } }
  d: { latency: { empirical: { quantiles: [[0.5, 10ms], [0.99, 40ms], [1, 80ms]] } } }
faults:
  - { locality: us-west1/b, from: 7m, kind: http-error, rate: 0.5 }
  - { endpoint: a, from: 1m, until: 2m, kind: latency, factor: 3 }
  - { endpoint: b, from: 1m, kind: flapping, up: 10s, down: 5s, distribution: exponential, of: { kind: http-error, code: 500 } }
  - { endpoint: c, from: 1m, kind: flapping, up: 10s, down: 5s }`,
      );
    const { scenario } = parse(text);
    expect(scenario.versions.istio).toBe('1.10');
    expect(scenario.clients[0].rate).toEqual([
      { fromMs: 0, perSecond: 100 },
      { fromMs: 120_000, perSecond: 500 },
    ]);
    expect(scenario.endpoints.b).toEqual({ latency: { kind: 'uniform', minMs: 1, maxMs: 3 }, connectRefusedDelayMs: 30 });
    expect(scenario.endpoints.d.latency).toEqual({ kind: 'empirical', quantiles: [[0.5, 10], [0.99, 40], [1, 80]] });
    expect(scenario.faults[0]).toMatchObject({ kind: 'http-error', code: 503, rate: 0.5, untilMs: 600_000 });
    expect(scenario.faults[0].target).toEqual({ locality: { region: 'us-west1', zone: 'b', subzone: '' }, localityText: 'us-west1/b' });
    expect(scenario.faults[1]).toMatchObject({ kind: 'latency', factor: 3, addMs: 0 });
    expect(scenario.faults[2]).toMatchObject({ kind: 'flapping', upMs: 10_000, downMs: 5000, distribution: 'exponential', of: { kind: 'http-error', code: 500, rate: 1 } });
    expect(scenario.faults[3]).toMatchObject({ kind: 'flapping', distribution: 'fixed', of: { kind: 'connect-refused' } });
  });

  const bad: Array<[string, string, string]> = [
    ['unknown top-level field', SEED.replace('seed: 1', 'seed: 1\ncolour: red'), 'scenario.yaml: colour: unknown field'],
    ['unknown nested field', SEED.replace('replicas: 3', 'replicas: 3\n    weight: 2'), 'scenario.yaml: clients[0].weight: unknown field'],
    ['parameter of another kind', SEED.replace('kind: connect-refused', 'kind: connect-refused\n    code: 500'), 'scenario.yaml: faults[0].code: unknown field'],
    ['bad duration', SEED.replace('from: 2m', 'from: 2x'), 'scenario.yaml: faults[0].from: expected a duration like 250ms, 15s, 1m (got "2x")'],
    ['number as duration', SEED.replace('duration: 10m', 'duration: 600'), 'scenario.yaml: duration: expected a duration like 250ms, 15s, 1m (got 600)'],
    ['negative rate', SEED.replace('rate: 300/s', 'rate: -5/s'), 'scenario.yaml: clients[0].rate: must be positive (got "-5/s")'],
    ['zero rate', SEED.replace('rate: 300/s', 'rate: 0/s'), 'scenario.yaml: clients[0].rate: must be positive'],
    ['malformed rate', SEED.replace('rate: 300/s', 'rate: 300'), 'scenario.yaml: clients[0].rate: expected a rate like 300/s'],
    ['unknown fault kind', SEED.replace('kind: connect-refused', 'kind: explode'), 'scenario.yaml: faults[0].kind: expected one of connect-refused'],
    ['until before from', SEED.replace('until: 6m', 'until: 1m'), 'scenario.yaml: faults[0].until: must be later than from'],
    ['until after the end', SEED.replace('until: 6m', 'until: 11m'), 'scenario.yaml: faults[0].until: must not be after the end of the run'],
    ['from after the end', SEED.replace('from: 2m\n    until: 6m', 'from: 12m'), 'scenario.yaml: faults[0].from: must be before the end of the run'],
    ['missing name', SEED.replace('name: dynamodb-failover', ''), 'scenario.yaml: name: is required'],
    ['both istio and envoy', SEED.replace('istio: istio.yaml', 'istio: istio.yaml\nenvoy: cluster.yaml'), 'expected exactly one of istio'],
    ['two latency kinds', SEED.replace('{ lognormal: { median: 70ms, p99: 120ms } }', '{ constant: 1ms, exponential: { mean: 2ms } }'), 'expected exactly one latency kind'],
    ['p99 below median', SEED.replace('median: 70ms, p99: 120ms', 'median: 70ms, p99: 20ms'), '.latency.lognormal.p99: must not be less than median'],
    ['window not a bucket multiple', SEED + 'metrics: { bucket: 1s, mitigation: { window: 1500ms } }\n', 'scenario.yaml: metrics.mitigation.window: must be a whole number of metrics.bucket'],
    ['bad locality', SEED.replace('us-east1/us-east1-b', 'a/b/c/d'), 'scenario.yaml: clients[0].locality: expected a locality like'],
    ['fault without target', SEED.replace('endpoint: dynamodb.us-east-1.amazonaws.com\n    from', 'from'), 'scenario.yaml: faults[0]: expected exactly one of endpoint or locality'],
  ];
  it.each(bad)('rejects %s with a message naming the field', (_label, text, expected) => {
    expect(errorOf(text)).toContain(expected);
  });

  it('reports broken YAML with line and column', () => {
    const msg = errorOf('name: x\nclients: [a\nduration: 1m\n');
    expect(msg).toMatch(/^scenario\.yaml:\d+:\d+: invalid YAML: /);
    expect(errorOf('name: a\nname: b\n')).toMatch(/^scenario\.yaml:2:1: invalid YAML: Map keys must be unique/);
  });

  it('rejects an empty file and a non-mapping', () => {
    expect(errorOf('')).toContain('the file is empty');
    expect(errorOf('- a\n- b\n')).toContain('expected a mapping');
  });
});

describe('readScenarioFiles', () => {
  it('resolves the istio file against the scenario directory and checks it exists', () => {
    const dir = mkdtempSync(join(tmpdir(), 'failsim-scenario-'));
    writeFileSync(join(dir, 'scenario.yaml'), SEED);
    expect(() => readScenarioFiles(join(dir, 'scenario.yaml'))).toThrow(/istio: file not found/);
    writeFileSync(join(dir, 'istio.yaml'), 'kind: ServiceEntry\n');
    const files = readScenarioFiles(join(dir, 'scenario.yaml'));
    expect(files.configPath).toBe(join(dir, 'istio.yaml'));
    expect(files.scenarioPath).toBe(join(dir, 'scenario.yaml'));
    expect(files.istio).toBe('kind: ServiceEntry\n');
    expect(files.scenario).toBe(SEED);
    expect(() => readScenarioFiles(join(dir, 'missing.yaml'))).toThrow(/missing\.yaml: file not found/);
  });
});

describe('checkFaultTargets', () => {
  const { scenario } = parse(SEED.replace('kind: connect-refused', 'kind: connect-refused\n  - { locality: eu-west1, from: 1m, kind: blackhole }'));
  const east = { region: 'us-east1', zone: '', subzone: '' };
  const west = { region: 'us-west', zone: '', subzone: '' };
  it('accepts known endpoints and localities', () => {
    const s2 = parse(SEED).scenario;
    expect(() =>
      checkFaultTargets(s2, ['dynamodb.us-east-1.amazonaws.com', 'dynamodb.us-west-1.amazonaws.com'], [east, west], 'scenario.yaml'),
    ).not.toThrow();
  });
  it('names unknown endpoints and localities', () => {
    let msg = '';
    try {
      checkFaultTargets(scenario, ['dynamodb.us-west-1.amazonaws.com'], [east, west], 'scenario.yaml');
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toContain('scenario.yaml: faults[0].endpoint: no endpoint "dynamodb.us-east-1.amazonaws.com"');
    expect(msg).toContain('scenario.yaml: faults[1].locality: no endpoint in locality "eu-west1"');
    expect(msg).toContain('scenario.yaml: endpoints["dynamodb.us-east-1.amazonaws.com"]: no endpoint with this address');
  });
});

describe('controlPlane', () => {
  it('is off unless given; readiness: {} takes Kubernetes and Istio defaults', () => {
    expect(parse(SEED).scenario.controlPlane).toEqual({ readiness: null, healthCheck: null });
    expect(parse(`${SEED}controlPlane:\n  readiness: {}\n`).scenario.controlPlane.readiness).toEqual({
      periodMs: 10_000,
      timeoutMs: 1000,
      failureThreshold: 3,
      successThreshold: 1,
      propagationMs: 0,
      debounceAfterMs: 100,
      debounceMaxMs: 10_000,
      pushDelayMs: 0,
      unready: undefined, // as istiod does for the service (src/sim/control-plane-events.ts)
    });
  });

  it('rejects readiness on a plain Envoy model, health checks on an Istio one, unknown fields and a timeout over the period', () => {
    expect(errorOf(`${SEED}controlPlane:\n  healthCheck: { interval: 5s, timeout: 1s, unhealthyThreshold: 3, healthyThreshold: 2 }\n`)).toMatch(
      /scenario\.yaml: controlPlane\.healthCheck: active health checking needs an envoy: model/,
    );
    const envoy = SEED.replace('istio: istio.yaml', 'envoy: envoy.yaml').replace('versions: { istio: "1.28" }', '');
    expect(errorOf(`${envoy}controlPlane:\n  readiness: {}\n`)).toMatch(/controlPlane\.readiness: readiness .* needs an istio: model/);
    expect(errorOf(`${SEED}controlPlane:\n  readiness: { perod: 5s }\n`)).toMatch(/controlPlane\.readiness.*perod/);
    expect(errorOf(`${SEED}controlPlane:\n  readiness: { period: 1s, timeout: 2s }\n`)).toMatch(/controlPlane\.readiness\.timeout: must not be longer than period/);
  });

  it('health checks need Envoy\'s four required fields; the interval variants default as Envoy does', () => {
    const envoy = SEED.replace('istio: istio.yaml', 'envoy: envoy.yaml').replace('versions: { istio: "1.28" }', '');
    expect(errorOf(`${envoy}controlPlane:\n  healthCheck: { interval: 5s }\n`)).toMatch(/controlPlane\.healthCheck\.timeout: is required/);
    const hc = parse(`${envoy}controlPlane:\n  healthCheck: { interval: 5s, timeout: 1s, unhealthyThreshold: 3, healthyThreshold: 2, unhealthyInterval: 7s }\n`).scenario.controlPlane.healthCheck!;
    expect([hc.type, hc.unhealthyIntervalMs, hc.unhealthyEdgeIntervalMs, hc.healthyEdgeIntervalMs, hc.intervalJitterMs]).toEqual(['http', 7000, 7000, 5000, 0]);
  });
});
