/**
 * The completion shortcut (src/sim/completion-shortcut.ts: a successful attempt's end run at its
 * start when nothing can observe the difference) must be invisible: over random scenarios — plain
 * Envoy and Istio configurations, every LB policy, one to four hosts over priorities, outlier
 * detection with short intervals (ticks inside attempts), consecutive, gateway, local-origin and
 * failure-percentage detection, deferred ejection, retries with per-try and route timeouts and
 * retriable 4xx, every fault kind, capacity-limited endpoints, active health checks and readiness
 * through EDS — the run JSON (the `failsim run --json` summary, ejection intervals and outlier
 * events) is byte-identical with the shortcut on and off.
 *
 * Mutation check: each of the guard's checks, left out alone (the `shortcutChecks` test seam),
 * must make the same property fail on some scenario — so every check is needed, and the property
 * test is strong enough to see a wrong guard. One exception, CONTROL_PLANE: what it protects is the
 * outlier detector's interval counters of a host that EDS removes *and* returns (fresh) while a
 * successful attempt to it is in flight — the event-driven run reports that success to the fresh
 * host, the shortcut to the old one. Only a success-rate or failure-percentage verdict hinging on
 * that single success could show it in the run's JSON; 400 random scenarios (readiness with 50 ms
 * probes, 40 ms latencies) never produced one. The check stays: it is cheap, and without it the
 * shortcut would not be exact.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prepareRun, type SimulateInput } from '../../src/api.ts';
import { ALL_SHORTCUT_CHECKS, ShortcutCheck } from '../../src/sim/completion-shortcut.ts';
import { Simulation } from '../../src/sim/simulation.ts';
import { summarize } from '../../src/sim/summary.ts';

const ms = (v: number) => `${v}ms`;
const envoyDuration = (v: number) => `${(v / 1000).toFixed(3)}s`;

const faultArb = fc.oneof(
  fc.constant({ kind: 'connect-refused' }),
  fc.constant({ kind: 'connect-timeout' }),
  fc.constant({ kind: 'blackhole' }),
  fc.constant({ kind: 'reset' }),
  fc.record({ kind: fc.constant('http-error'), code: fc.constantFrom(500, 503, 404, 409), rate: fc.constantFrom(0.2, 0.5, 1) }),
  fc.record({ kind: fc.constant('latency'), factor: fc.constantFrom(3, 10, 30) }),
);

const scenarioArb = fc.record({
  family: fc.constantFrom('envoy', 'envoy', 'istio'),
  hostPriorities: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 4 }),
  lbPolicy: fc.constantFrom('ROUND_ROBIN', 'LEAST_REQUEST', 'RANDOM'),
  outlier: fc.option(
    fc.record({
      consecutive5xx: fc.integer({ min: 1, max: 4 }),
      intervalMs: fc.constantFrom(20, 50, 100, 300),
      baseEjectionMs: fc.constantFrom(50, 200, 1000),
      maxEjectionPercent: fc.constantFrom(0, 34, 50, 100),
      gateway: fc.boolean(),
      split: fc.boolean(),
      failurePercentage: fc.option(fc.record({ threshold: fc.constantFrom(5, 20, 50), volume: fc.integer({ min: 1, max: 20 }) })),
      successRate: fc.boolean(),
    }),
    { freq: 4 },
  ),
  retries: fc.option(
    fc.record({
      attempts: fc.integer({ min: 1, max: 3 }),
      retryOn: fc.subarray(['5xx', 'connect-failure', 'reset', 'retriable-4xx', 'retriable-status-codes', 'gateway-error'], { minLength: 1 }),
      perTryMs: fc.option(fc.constantFrom(3, 10, 40), { freq: 2 }),
      previousHosts: fc.boolean(),
      retriableCodes: fc.constantFrom([404, 503], [200]),
    }),
    { freq: 3 },
  ),
  routeTimeoutMs: fc.option(fc.constantFrom(15, 60, 400), { freq: 2 }),
  replicas: fc.integer({ min: 1, max: 3 }),
  rate: fc.constantFrom(200, 600, 1500),
  medianMs: fc.constantFrom(1, 4, 12, 40),
  p99Factor: fc.constantFrom(2, 5),
  faults: fc.array(fc.record({ host: fc.nat({ max: 3 }), fromMs: fc.integer({ min: 0, max: 1500 }), lengthMs: fc.integer({ min: 1, max: 800 }), effect: faultArb }), {
    maxLength: 2,
  }),
  ejectionDelayMs: fc.constantFrom(0, 0, 5),
  capacityHost: fc.option(fc.nat({ max: 3 }), { freq: 4 }),
  controlPlane: fc.boolean(),
  seed: fc.integer({ min: 1, max: 1000 }),
});
type ScenarioShape = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

const DURATION_MS = 2000;
const address = (h: number) => `10.0.0.${h + 1}`;

function simulateInput(s: ScenarioShape): SimulateInput {
  const hosts = s.hostPriorities.length;
  const endpoints: Record<string, unknown> = { '*': { latency: { lognormal: { median: ms(s.medianMs), p99: ms(s.medianMs * s.p99Factor) } } } };
  if (s.capacityHost !== null && s.capacityHost < hosts) {
    endpoints[address(s.capacityHost)] = {
      latency: { lognormal: { median: ms(s.medianMs), p99: ms(s.medianMs * s.p99Factor) } },
      capacity: { concurrency: 2, queue: 3 },
    };
  }
  // Faults on one endpoint must not overlap: keep the first of each pair that would.
  const faults: Record<string, unknown>[] = [];
  const taken: Array<[number, number, number]> = [];
  for (const f of s.faults) {
    const host = f.host % hosts;
    const until = Math.min(DURATION_MS, f.fromMs + f.lengthMs);
    if (taken.some(([h, a, b]) => h === host && f.fromMs < b && a < until)) continue;
    taken.push([host, f.fromMs, until]);
    faults.push({ endpoint: address(host), from: ms(f.fromMs), until: ms(until), ...f.effect });
  }
  const scenario: Record<string, unknown> = {
    name: 'shortcut-property',
    duration: ms(DURATION_MS),
    seed: s.seed,
    clients: [{ locality: 'r/z0', replicas: s.replicas, rate: `${s.rate}/s` }],
    endpoints,
    faults,
    proxy: { ejectionDelay: ms(s.ejectionDelayMs) },
  };
  if (s.family === 'istio') return istioInput(s, scenario);
  if (s.controlPlane) scenario.controlPlane = { healthCheck: { interval: '100ms', timeout: '20ms', unhealthyThreshold: 1, healthyThreshold: 1 } };
  scenario.envoy = 'envoy.yaml';
  scenario.versions = { envoy: '1.36' };
  const o = s.outlier;
  const r = s.retries;
  const cluster: Record<string, unknown> = {
    name: 'svc',
    type: 'STATIC',
    connect_timeout: '0.030s',
    lb_policy: s.lbPolicy,
    load_assignment: {
      cluster_name: 'svc',
      endpoints: s.hostPriorities.map((p, h) => ({
        locality: { region: 'r', zone: `z${h}` },
        priority: p,
        lb_endpoints: [{ endpoint: { address: { socket_address: { address: address(h), port_value: 80 } } } }],
      })),
    },
  };
  if (o !== null) {
    cluster.outlier_detection = {
      consecutive_5xx: o.consecutive5xx,
      interval: envoyDuration(o.intervalMs),
      base_ejection_time: envoyDuration(o.baseEjectionMs),
      max_ejection_percent: o.maxEjectionPercent,
      ...(o.gateway ? { consecutive_gateway_failure: 2, enforcing_consecutive_gateway_failure: 100 } : {}),
      ...(o.split ? { split_external_local_origin_errors: true, consecutive_local_origin_failure: 2 } : {}),
      ...(o.failurePercentage === null
        ? {}
        : {
            enforcing_failure_percentage: 100,
            failure_percentage_threshold: o.failurePercentage.threshold,
            failure_percentage_minimum_hosts: 1,
            failure_percentage_request_volume: o.failurePercentage.volume,
          }),
      ...(o.successRate ? { success_rate_minimum_hosts: 2, success_rate_request_volume: 3, success_rate_stdev_factor: 300 } : {}),
    };
  }
  const route: Record<string, unknown> = { cluster: 'svc', timeout: s.routeTimeoutMs === null ? '0s' : envoyDuration(s.routeTimeoutMs) };
  if (r !== null) {
    route.retry_policy = {
      retry_on: r.retryOn.join(','),
      num_retries: r.attempts,
      retriable_status_codes: r.retriableCodes,
      ...(r.perTryMs === null ? {} : { per_try_timeout: envoyDuration(r.perTryMs) }),
      ...(r.previousHosts ? { retry_host_predicate: [{ name: 'envoy.retry_host_predicates.previous_hosts' }], host_selection_retry_max_attempts: 3 } : {}),
    };
  }
  return { scenario, envoy: { cluster, route } };
}

function istioInput(s: ScenarioShape, scenario: Record<string, unknown>): SimulateInput {
  scenario.istio = 'istio.yaml';
  scenario.versions = { istio: '1.28' };
  if (s.controlPlane) scenario.controlPlane = { readiness: { period: '50ms', timeout: '20ms', failureThreshold: 1, debounceAfter: '10ms', debounceMax: '50ms' } };
  const o = s.outlier;
  const r = s.retries;
  const trafficPolicy: Record<string, unknown> = { loadBalancer: { simple: s.lbPolicy } };
  if (o !== null) {
    trafficPolicy.outlierDetection = {
      consecutive5xxErrors: o.consecutive5xx,
      ...(o.gateway ? { consecutiveGatewayErrors: 2 } : {}),
      interval: ms(o.intervalMs),
      baseEjectionTime: ms(o.baseEjectionMs),
      maxEjectionPercent: o.maxEjectionPercent,
    };
  }
  const http: Record<string, unknown> = { route: [{ destination: { host: 'svc.example.com' } }] };
  if (s.routeTimeoutMs !== null) http.timeout = ms(s.routeTimeoutMs);
  if (r !== null) {
    http.retries = {
      attempts: r.attempts,
      retryOn: r.retryOn.filter((c) => c !== 'retriable-status-codes').concat(['503']).join(','),
      ...(r.perTryMs === null ? {} : { perTryTimeout: ms(r.perTryMs) }),
    };
  }
  // Hosts in zones z0 (the clients'), z1, z2 of one region: the priorities follow the localities.
  const docs = [
    {
      apiVersion: 'networking.istio.io/v1beta1',
      kind: 'ServiceEntry',
      metadata: { name: 'svc' },
      spec: {
        hosts: ['svc.example.com'],
        location: 'MESH_INTERNAL',
        ports: [{ number: 80, name: 'http', protocol: 'HTTP' }],
        resolution: 'STATIC',
        endpoints: s.hostPriorities.map((p, h) => ({ address: address(h), locality: `r/z${p}` })),
      },
    },
    { apiVersion: 'networking.istio.io/v1beta1', kind: 'DestinationRule', metadata: { name: 'svc' }, spec: { host: 'svc.example.com', trafficPolicy } },
    { apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService', metadata: { name: 'svc' }, spec: { hosts: ['svc.example.com'], http: [http] } },
  ];
  return { scenario, istio: docs };
}

/** The run's JSON outputs and how many completions skipped their event. */
function run(input: SimulateInput, shortcut: boolean, checks = ALL_SHORTCUT_CHECKS): { json: string; taken: number } {
  const { loaded, model } = prepareRun(input);
  const sim = new Simulation(model, loaded.scenario, { recordEvents: true, completionShortcut: shortcut, shortcutChecks: checks });
  const result = sim.run();
  const json = JSON.stringify({ summary: summarize(result), intervals: result.ejectionIntervals, events: result.outlierEvents });
  return { json, taken: sim.shortcutCompletions };
}

/** The property, for a guard with `checks`: shortcut on and off give the same bytes. */
function sameOutput(checks: number, seen?: { runs: number; withShortcuts: number; taken: number }) {
  return fc.property(scenarioArb, (shape) => {
    const input = simulateInput(shape);
    const off = run(input, false);
    const on = run(input, true, checks);
    if (seen !== undefined) {
      seen.runs++;
      if (on.taken > 0) seen.withShortcuts++;
      seen.taken += on.taken;
    }
    return on.json === off.json;
  });
}

describe('completion shortcut', () => {
  it('gives byte-identical run JSON with the shortcut on and off', () => {
    const seen = { runs: 0, withShortcuts: 0, taken: 0 };
    fc.assert(sameOutput(ALL_SHORTCUT_CHECKS, seen), { seed: 13, numRuns: 300 });
    // Not vacuous: the shortcut ran in a good share of the scenarios (the others have a fault,
    // route timeout or LEAST_REQUEST over several hosts on every path), many thousand times in all.
    expect(seen.withShortcuts).toBeGreaterThan(seen.runs / 4);
    expect(seen.taken).toBeGreaterThan(50_000);
  });

  // Each check left out alone must be caught: the scenarios above reach every situation it guards.
  for (const [name, bit] of Object.entries(ShortcutCheck).filter(([name]) => name !== 'CONTROL_PLANE')) {
    it(`fails without the ${name} check (mutation)`, () => {
      const result = fc.check(sameOutput(ALL_SHORTCUT_CHECKS & ~bit), { seed: 13, numRuns: 400, endOnFailure: true });
      expect(result.failed, `leaving out ${name} went unnoticed in ${result.numRuns} scenarios`).toBe(true);
    });
  }
});
