/**
 * The simulation's wiring (src/sim/: model → Simulation → RunResult → summary), driven directly —
 * not through the CLI or src/api.ts — on small hand-built plain-Envoy models: one client sidecar
 * (or two) in front of two hosts, evenly spaced arrivals and constant latencies, so that every count
 * and time below follows from the scenario's definition:
 *
 *   constant arrivals at λ/s: the k-th request arrives at k·(1000/λ) ms, k = 1, 2, … while < duration
 *   (src/world/traffic.ts); ROUND_ROBIN alternates the two hosts, starting at a host the LB's seed
 *   picks; a refused connection fails after the endpoint's connectRefusedDelay (1 ms by default).
 *
 * The Envoy rules themselves (detector, LB, router) have their own unit and conformance tests; what
 * is checked here is that the simulator connects them as Envoy does: which host an attempt reaches,
 * what the router reports to the detector and when, that an ejection reaches the LB, that each
 * sidecar has its own detector, active health checks reaching the LB, route timeouts, retries,
 * no-healthy-upstream, server capacity and abandoned work, determinism, and that a model can be run
 * twice.
 */
import { describe, expect, it } from 'vitest';
import { readScenarioValue } from '../../src/config/load-scenario.ts';
import { buildRunModel } from '../../src/sim/model.ts';
import { runModel, type RunModelOutput } from '../../src/sim/run-model.ts';

const A = '10.0.0.1';
const B = '10.0.0.2';

interface EnvoyParts {
  /** Cluster-level YAML lines (outlier_detection, common_lb_config, …), indented by two spaces. */
  cluster?: string;
  /** RouteAction lines (timeout, retry_policy), indented by two spaces. */
  route?: string;
  hosts?: string[];
}

/** A plain Envoy `{cluster, route}` file: one locality, round robin, the given hosts. */
function envoyFile(p: EnvoyParts = {}): string {
  const hosts = p.hosts ?? [A, B];
  return [
    'cluster:',
    '  name: backend',
    '  type: STATIC',
    '  connect_timeout: 1s',
    '  lb_policy: ROUND_ROBIN',
    '  load_assignment:',
    '    cluster_name: backend',
    '    endpoints:',
    '    - locality: { region: r1 }',
    '      lb_endpoints:',
    ...hosts.map((h) => `      - endpoint: { address: { socket_address: { address: ${h}, port_value: 80 } } }`),
    p.cluster ?? '',
    'route:',
    '  cluster: backend',
    p.route ?? '  timeout: 0s',
    '',
  ].join('\n');
}

const DETECTOR_ONE_FAILURE = '  outlier_detection: { consecutive_5xx: 1, interval: 1s, base_ejection_time: 30s, max_ejection_percent: 100 }';

/** A scenario value: one client group at `rate`/s, evenly spaced, every endpoint 5 ms. */
function scenario(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'sim-unit',
    envoy: 'envoy.yaml',
    versions: { envoy: '1.36' },
    duration: '10s',
    seed: 1,
    clients: [{ locality: 'r1', replicas: 1, rate: '100/s', arrivals: 'constant' }],
    endpoints: { '*': { latency: { constant: '5ms' } } },
    ...extra,
  };
}

function run(envoy: string, value: Record<string, unknown>, recordEvents = true): RunModelOutput {
  const loaded = readScenarioValue(value, 'scenario.yaml');
  return runModel(buildRunModel(loaded, envoy), loaded.scenario, { recordEvents });
}

/** Attempts that reached `endpoint` (world index) in [fromMs, untilMs), whole seconds (1 s buckets). */
function attemptsBetween(out: RunModelOutput, endpoint: number, fromMs: number, untilMs: number): number {
  expect(fromMs % 1000 + untilMs % 1000).toBe(0);
  let n = 0;
  for (let b = fromMs / 1000; b < untilMs / 1000; b++) n += out.result.series.attemptsAt(b, endpoint);
  return n;
}

/** Requests arriving in [fromMs, untilMs) at `perSecond` evenly spaced arrivals (k·period, k ≥ 1). */
function arrivalsBetween(perSecond: number, fromMs: number, untilMs: number): number {
  const period = 1000 / perSecond;
  const upTo = (t: number) => Math.max(0, Math.ceil(t / period) - 1); // arrivals k·period < t, k ≥ 1
  return upTo(untilMs) - upTo(fromMs);
}

describe('simulation wiring: source → router → LB → world', () => {
  it('without faults: every arrival is one attempt, round robin splits them evenly, latency is the endpoint\'s', () => {
    const out = run(envoyFile(), scenario());
    const s = out.summary;
    const requests = arrivalsBetween(100, 0, 10_000); // 10, 20, …, 9990 ms
    expect(requests).toBe(999);
    expect(s.requests.total).toBe(requests);
    expect(s.requests.failed).toBe(0);
    expect(s.requests.inFlightAtEnd).toBe(0); // the last answer comes at 9995 ms
    expect(s.attempts.total).toBe(requests);
    const split = [s.attempts.byEndpoint[A], s.attempts.byEndpoint[B]].sort();
    expect(split).toEqual([Math.floor(requests / 2), Math.ceil(requests / 2)]);
    expect(s.retries).toBe(0);
    expect(s.latencyMs.mean).toBe(5);
    expect(s.ejections.enforced).toBe(0);
  });

  it('a request still waiting for its answer at the end is in flight, not finished', () => {
    // Arrivals at 10, 20, …, 9990 ms; with 25 ms answers the last two (9980, 9990) are in flight.
    const out = run(envoyFile(), scenario({ endpoints: { '*': { latency: { constant: '25ms' } } } }));
    expect(out.summary.requests.total).toBe(997);
    expect(out.summary.requests.inFlightAtEnd).toBe(2);
    expect(out.summary.attempts.total).toBe(999);
  });
});

describe('simulation wiring: world → detector → LB', () => {
  const faulty = scenario({ faults: [{ endpoint: A, from: '2s', kind: 'connect-refused' }] });
  const retryConnect = '  timeout: 0s\n  retry_policy: { retry_on: connect-failure, num_retries: 2 }';

  it('the first refused attempt ejects the host (consecutive_5xx 1), the retry goes to the other, and no attempt reaches the ejected host again', () => {
    const out = run(envoyFile({ cluster: DETECTOR_ONE_FAILURE, route: retryConnect }), faulty);
    const s = out.summary;
    // Round robin gives A every other request: either the odd ones (first at 2010 ms) or the even
    // ones (first at 2000 ms). That attempt is refused 1 ms later and A is ejected at that moment.
    const [interval, ...more] = out.result.ejectionIntervals;
    expect(more).toEqual([]);
    expect(interval.proxy).toBe(0);
    expect(interval.endpoint).toBe(0);
    expect(interval.untilMs).toBeNull(); // 30 s base ejection time > the rest of the run
    const firstAtA = interval.fromMs - 1;
    expect([2000, 2010]).toContain(firstAtA);
    // A's attempts: every other request up to and including that one, and none after.
    expect(s.attempts.byEndpoint[A]).toBe(firstAtA / 20 + (firstAtA === 2010 ? 0.5 : 0));
    expect(attemptsBetween(out, 0, 3000, 10_000)).toBe(0);
    // The one refused attempt was retried (on B) and succeeded: no request failed.
    expect(s.retries).toBe(1);
    expect(s.attempts.total).toBe(999 + 1);
    expect(s.attempts.failed).toBe(1);
    expect(s.requests.failed).toBe(0);
    expect(s.ejections.stats.ejections_enforced_consecutive_5xx).toBe(1);
    expect(s.incidents[0].detectionMs!.max).toBe(interval.fromMs - 2000);
  });

  it('each sidecar has its own detector: two replicas eject the failing host separately', () => {
    const twoSidecars = { ...faulty, clients: [{ locality: 'r1', replicas: 2, rate: '100/s', arrivals: 'constant' }] };
    const out = run(envoyFile({ cluster: DETECTOR_ONE_FAILURE, route: retryConnect }), twoSidecars);
    const intervals = out.result.ejectionIntervals;
    expect(intervals.map((i) => [i.proxy, i.endpoint])).toEqual(expect.arrayContaining([[0, 0], [1, 0]]));
    expect(intervals).toHaveLength(2);
    // Replicas take arrivals in turn (sidecar 0: 10, 30, 50 … ms; sidecar 1: 20, 40 …), each sidecar's
    // round robin alternating A and B over its own requests: its first request to A after 2 s
    // arrives within 4 arrival periods (40 ms) of the fault and is refused 1 ms later.
    for (const i of intervals) {
      expect(i.fromMs).toBeGreaterThan(2000);
      expect(i.fromMs).toBeLessThanOrEqual(2041);
    }
    expect(out.summary.retries).toBe(2);
    expect(out.summary.requests.failed).toBe(0);
    expect(out.summary.incidents[0].detectionMs!.proxiesDetected).toBe(2);
  });

  it('an ejected host comes back at a detector tick once its ejection time has passed, and gets traffic again', () => {
    const shortEjection = '  outlier_detection: { consecutive_5xx: 1, interval: 1s, base_ejection_time: 1s, max_ejection_percent: 100 }';
    const out = run(envoyFile({ cluster: shortEjection, route: retryConnect }), scenario({ faults: [{ endpoint: A, from: '2s', until: '2500ms', kind: 'connect-refused' }] }));
    const [interval, ...more] = out.result.ejectionIntervals;
    expect(more).toEqual([]);
    // Unejected at the first 1 s tick at least base_ejection_time (1 s) after the ejection.
    expect(interval.untilMs! - interval.fromMs).toBeGreaterThanOrEqual(1000);
    expect(interval.untilMs! - interval.fromMs).toBeLessThan(2000);
    // Back in rotation after the fault: A takes every other request again.
    const from = Math.ceil(interval.untilMs! / 1000) * 1000;
    const back = attemptsBetween(out, 0, from, 10_000);
    expect(Math.abs(back - arrivalsBetween(100, from, 10_000) / 2)).toBeLessThanOrEqual(1);
    expect(out.summary.requests.failed).toBe(0);
  });

  it('no healthy upstream (all hosts ejected, panic threshold 0): an immediate failure, never retried, no attempt', () => {
    const oneHost = envoyFile({
      hosts: [A],
      cluster: `${DETECTOR_ONE_FAILURE}\n  common_lb_config: { healthy_panic_threshold: { value: 0 } }`,
      route: retryConnect,
    });
    const out = run(oneHost, faulty);
    const s = out.summary;
    // Requests at 10 … 1990 ms succeed; the one at 2000 ms is refused, ejects A and is retried:
    // the retry finds no host. Every later request finds none at its first attempt.
    const before = arrivalsBetween(100, 0, 2000);
    expect(s.attempts.total).toBe(before + 1);
    expect(s.noHealthyUpstream).toBe(999 - before);
    expect(s.retries).toBe(1);
    expect(s.requests.failed).toBe(999 - before);
    expect(out.result.ejectionIntervals.map((i) => i.fromMs)).toEqual([2001]);
  });
});

describe('simulation wiring: control plane → LB', () => {
  it('active health checks: each sidecar marks the refusing host after 2 failed checks, sends it nothing while marked, and takes it back after 2 passes', () => {
    const out = run(
      envoyFile(),
      scenario({
        clients: [{ locality: 'r1', replicas: 2, rate: '100/s', arrivals: 'constant' }],
        faults: [{ endpoint: A, from: '2s', until: '5s', kind: 'connect-refused' }],
        controlPlane: { healthCheck: { interval: '1s', timeout: '100ms', unhealthyThreshold: 2, healthyThreshold: 2 } },
      }),
    );
    const changes = out.summary.controlPlane!.changes;
    expect(changes.map((c) => [c.endpoint, c.sidecar, c.down])).toEqual(
      expect.arrayContaining([[A, 'clients0-sidecar0', true], [A, 'clients0-sidecar1', true], [A, 'clients0-sidecar0', false], [A, 'clients0-sidecar1', false]]),
    );
    expect(changes).toHaveLength(4);
    // Checks 1 s apart (each armed when the previous answer came): the second refused check after
    // 2 s marks the host (≥ 1 s and < 2 s after the fault, plus the 1 ms refusal); the second pass
    // after 5 s brings it back.
    const down = Math.max(...changes.filter((c) => c.down).map((c) => c.atMs));
    const up = Math.min(...changes.filter((c) => !c.down).map((c) => c.atMs));
    expect(down - 2000).toBeGreaterThanOrEqual(1000);
    expect(down - 2000).toBeLessThan(2000 + 10);
    expect(up - 5000).toBeGreaterThanOrEqual(1000);
    expect(up - 5000).toBeLessThan(2000 + 10);
    expect(attemptsBetween(out, 0, Math.ceil(down / 1000) * 1000, Math.floor(up / 1000) * 1000)).toBe(0);
    const after = Math.ceil(up / 1000) * 1000;
    expect(Math.abs(attemptsBetween(out, 0, after, 10_000) - arrivalsBetween(100, after, 10_000) / 2)).toBeLessThanOrEqual(1);
    // No retries and no detector: the requests that failed are those sent to the host from the
    // fault's start until it was marked, half of the arrivals then.
    const failed = out.summary.requests.failed;
    expect(Math.abs(failed - arrivalsBetween(100, 2000, down) / 2)).toBeLessThanOrEqual(2);
    expect(out.summary.ejections.enforced).toBe(0);
  });
});

describe('simulation wiring: timeouts and retries', () => {
  const slowA = { '*': { latency: { constant: '5ms' } }, [A]: { latency: { constant: '100ms' } } };

  it('a route timeout ends the request with a failure at the timeout, and reports the attempt to the detector', () => {
    const noDetector = run(envoyFile({ route: '  timeout: 0.05s' }), scenario({ endpoints: slowA }));
    const s = noDetector.summary;
    const toA = s.attempts.byEndpoint[A];
    expect([499, 500]).toContain(toA);
    // A's requests arrive every 20 ms from 10 ms (500 of them) or from 20 ms (499); each times out
    // 50 ms after it arrived, and those whose timeout falls at or after the end are in flight.
    const firstAtA = toA === 500 ? 10 : 20;
    const atA = Array.from({ length: toA }, (_, i) => firstAtA + 20 * i);
    const timedOut = atA.filter((t) => t + 50 < 10_000).length;
    expect(s.requests.inFlightAtEnd).toBe(toA - timedOut);
    expect(s.routeTimeouts).toBe(timedOut);
    expect(s.requests.failed).toBe(timedOut);
    expect(s.attempts.failed).toBe(timedOut);
    expect(s.latencyMs.mean).toBeCloseTo((timedOut * 50 + (999 - toA) * 5) / (timedOut + 999 - toA), 9);
    // With consecutive_5xx 5: Envoy reports a timed-out attempt awaiting headers as a local-origin
    // timeout (504, counted as a 5xx): the 5th request sent to A ejects it, 50 ms after it arrived.
    const fiveTimeouts = '  outlier_detection: { consecutive_5xx: 5, interval: 1s, base_ejection_time: 30s, max_ejection_percent: 100 }';
    const out = run(envoyFile({ cluster: fiveTimeouts, route: '  timeout: 0.05s' }), scenario({ endpoints: slowA }));
    const [interval] = out.result.ejectionIntervals;
    expect(interval.fromMs).toBe(firstAtA + 4 * 20 + 50);
    // Requests 6 and 7 to A (firstAtA + 100, + 120 ms) were sent before that ejection; they time
    // out too. The 8th would come at firstAtA + 140 ms, after it: it goes to B.
    expect(out.summary.attempts.byEndpoint[A]).toBe(7);
    expect(out.summary.routeTimeouts).toBe(7);
  });

  it('retriable 503s: each request tries 1 + num_retries times, with back-off between tries, then fails', () => {
    const out = run(
      envoyFile({ hosts: [A], route: '  timeout: 0s\n  retry_policy: { retry_on: retriable-status-codes, retriable_status_codes: [503], num_retries: 2 }' }),
      scenario({ clients: [{ locality: 'r1', replicas: 1, rate: '10/s', arrivals: 'constant' }], faults: [{ endpoint: A, from: '0s', kind: 'http-error', code: 503 }] }),
    );
    const s = out.summary;
    const requests = arrivalsBetween(10, 0, 10_000);
    expect(s.requests.total).toBe(requests);
    expect(s.requests.failed).toBe(requests);
    expect(s.attempts.total).toBe(3 * requests);
    expect(s.retries).toBe(2 * requests);
    // Three 5 ms answers and two jittered back-offs, below 25 ms and 50 ms (Envoy's default base 25 ms).
    expect(s.latencyMs.mean!).toBeGreaterThanOrEqual(15);
    expect(s.latencyMs.mean!).toBeLessThan(15 + 25 + 50);
    expect(s.latencyMs.mean!).toBeGreaterThan(15 + 10); // the back-offs are drawn, not zero
  });
});

describe('simulation wiring: server capacity', () => {
  const oneServer = (abandonedWork: string, latency: string) => ({
    [A]: { latency: { constant: latency }, capacity: { concurrency: 1, queue: 0, abandonedWork } },
  });

  it('a full server refuses with 503 after one round trip; utilisation is the busy share of the run', () => {
    // 15 ms of work every 10 ms: each admitted request keeps the server busy through the next arrival.
    const out = run(envoyFile({ hosts: [A] }), scenario({ endpoints: oneServer('continue', '15ms') }));
    const s = out.summary;
    expect(s.capacity[A].overloadRejections).toBe(499); // requests 2, 4, …, 998
    expect(s.requests.failed).toBe(499);
    expect(s.capacity[A].maxBusy).toBe(1);
    expect(s.capacity[A].maxQueued).toBe(0);
    // Busy 15 ms for each of the 500 admitted requests, the last (9990 ms) cut at the end of the run.
    expect(s.capacity[A].utilisation).toBeCloseTo((499 * 15 + 10) / 10_000, 9);
    expect(s.requests.inFlightAtEnd).toBe(1);
  });

  for (const [timeout, route] of [
    ['a per-try timeout', '  timeout: 0s\n  retry_policy: { retry_on: 5xx, num_retries: 0, per_try_timeout: 0.02s }'],
    ['the route timeout', '  timeout: 0.02s'],
  ]) {
    it(`${timeout} abandons the job: with \`cancel\` the slot is freed at once, with \`continue\` the work goes on`, () => {
      const slow = (work: string) => scenario({ endpoints: oneServer(work, '30ms'), clients: [{ locality: 'r1', replicas: 1, rate: '10/s', arrivals: 'constant' }] });
      const cancel = run(envoyFile({ hosts: [A], route }), slow('cancel')).summary;
      const keep = run(envoyFile({ hosts: [A], route }), slow('continue')).summary;
      const requests = arrivalsBetween(10, 0, 10_000);
      for (const s of [cancel, keep]) {
        expect(s.requests.failed).toBe(requests); // every attempt times out at 20 ms
        expect(s.capacity[A].overloadRejections).toBe(0); // 100 ms apart: the slot is always free again
      }
      expect(cancel.capacity[A].utilisation).toBeCloseTo((requests * 20) / 10_000, 9);
      expect(keep.capacity[A].utilisation).toBeCloseTo((requests * 30) / 10_000, 9);
    });
  }
});

describe('simulation: determinism', () => {
  const poisson = scenario({
    clients: [{ locality: 'r1', replicas: 2, rate: '200/s' }],
    endpoints: { '*': { latency: { lognormal: { median: '5ms', p99: '40ms' } } } },
    faults: [{ endpoint: A, from: '3s', until: '6s', kind: 'http-error', code: 503, rate: 0.5 }],
  });
  const envoy = envoyFile({
    cluster: '  outlier_detection: { consecutive_5xx: 3, interval: 1s, base_ejection_time: 2s, max_ejection_percent: 100 }',
    route: '  timeout: 1s\n  retry_policy: { retry_on: 5xx, num_retries: 1 }',
  });

  it('the same model and seed give the same bytes; a model can be run again; another seed gives another run', () => {
    const loaded = readScenarioValue(poisson, 'scenario.yaml');
    const model = buildRunModel(loaded, envoy);
    const first = JSON.stringify(runModel(model, loaded.scenario).summary);
    const again = JSON.stringify(runModel(model, loaded.scenario).summary); // same model object
    const fresh = JSON.stringify(run(envoy, poisson, false).summary);
    expect(again).toBe(first);
    expect(fresh).toBe(first);
    const other = run(envoy, { ...poisson, seed: 2 }, false).summary;
    expect(other.seed).toBe(2);
    expect(other.requests.total).not.toBe(JSON.parse(first).requests.total);
  });

  it('recording events changes no result', () => {
    const loaded = readScenarioValue(poisson, 'scenario.yaml');
    const model = buildRunModel(loaded, envoy);
    const plain = runModel(model, loaded.scenario, { recordEvents: false });
    const recorded = runModel(model, loaded.scenario, { recordEvents: true });
    expect(JSON.stringify(recorded.summary)).toBe(JSON.stringify(plain.summary));
    expect(plain.result.ejectionIntervals).toEqual([]);
    expect(recorded.result.ejectionIntervals.length).toBe(recorded.summary.ejections.enforced);
  });

  it('progress is reported in simulated time, every progressEveryMs, up to the duration, and changes no result', () => {
    const loaded = readScenarioValue(poisson, 'scenario.yaml');
    const model = buildRunModel(loaded, envoy);
    const seen: Array<[number, number]> = [];
    const out = runModel(model, loaded.scenario, { onProgress: (ms, d) => seen.push([ms, d]), progressEveryMs: 3000 });
    expect(seen).toEqual([[3000, 10_000], [6000, 10_000], [9000, 10_000], [10_000, 10_000]]);
    expect(JSON.stringify(out.summary)).toBe(JSON.stringify(runModel(model, loaded.scenario).summary));
  });
});
