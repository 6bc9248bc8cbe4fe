/**
 * The endpoint capacity model (docs/scenario.md "Capacity") through the whole simulator, against
 * queueing theory and against its own rules.
 *
 * - M/M/1: one endpoint with one slot and an unbounded queue, exponential service of mean S,
 *   Poisson arrivals of rate λ, ρ = λS < 1. The mean sojourn time (queue + service: what the client
 *   sees as latency) is W = S/(1 − ρ) and the server is busy a fraction ρ of the time. Successive
 *   sojourn times are strongly correlated, so the run's own spread is not a valid error bar:
 *   independent replications (different seeds) give one estimate each, and the tolerance is Z
 *   standard errors of their mean (t-like, from the replications' sample variance).
 * - A full queue refuses with overloadStatus; per-try work abandoned on timeout keeps the server
 *   busy with `continue` and frees it with `cancel`.
 */
import { describe, expect, test } from 'vitest';
import { ONE_ENDPOINT_SERVICE_ENTRY, simulator } from '../helpers/simulate.ts';

/** Standard errors allowed; with 12 replications a t-distribution has P(|T| > 4) ≈ 0.002. */
const Z = 4;



const simulate = simulator('failsim-queueing-');

function meanAndStdError(xs: number[]): { mean: number; se: number } {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1);
  return { mean, se: Math.sqrt(variance / n) };
}

describe('capacity: M/M/1', () => {
  // S = 10 ms, λ = 65/s: ρ = 0.65, W = 10/0.35 = 28.57 ms. 12 replications × 200 s ≈ 156,000
  // requests in all. No DestinationRule (no outlier detection), Istio 1.28's default retries: no
  // connect failures and no 503s happen, so every request is one attempt.
  const S = 10;
  const lambda = 65;
  const rho = (lambda * S) / 1000;
  const W = S / (1 - rho);
  const replications = 12;

  test(`mean latency ≈ S/(1−ρ) = ${W.toFixed(2)} ms and utilisation ≈ ρ = ${rho}`, async () => {
    const latencies: number[] = [];
    const utilisations: number[] = [];
    for (let r = 0; r < replications; r++) {
      const s = await simulate(
        [ONE_ENDPOINT_SERVICE_ENTRY],
        `name: mm1
istio: istio.yaml
versions: { istio: "1.28" }
duration: 200s
seed: ${100 + r}
clients:
  - { locality: r1, replicas: 1, rate: ${lambda}/s }
endpoints:
  a.example.com: { latency: { exponential: { mean: ${S}ms } }, capacity: { concurrency: 1, queue: 1000000 } }
`,
      );
      expect(s.retries).toBe(0);
      expect(s.requests.failed).toBe(0);
      expect(s.capacity['a.example.com'].overloadRejections).toBe(0);
      expect(s.capacity['a.example.com'].maxBusy).toBe(1);
      latencies.push(s.latencyMs.mean);
      utilisations.push(s.capacity['a.example.com'].utilisation);
    }
    const w = meanAndStdError(latencies);
    const u = meanAndStdError(utilisations);
    expect(Math.abs(w.mean - W)).toBeLessThanOrEqual(Z * w.se);
    expect(Math.abs(u.mean - rho)).toBeLessThanOrEqual(Z * u.se);
    // The tolerances are tight enough to mean something: a server without the queue (W = S) or
    // the queueing formula off by 10 % would be rejected.
    expect((Z * w.se) / W).toBeLessThan(0.06);
    expect((Z * u.se) / rho).toBeLessThan(0.03);
    // Each replication is itself close: sojourn times far from S (no queueing) would show here.
    for (const x of latencies) expect(x).toBeGreaterThan(S * 1.5);
  });
});

describe('capacity: overload refusal', () => {
  // Constant arrivals every 10 ms, constant 15 ms service, one slot, no queue: every second
  // request finds the slot busy (the previous one has 5 ms to go) and is refused at once.
  test('a full queue answers overloadStatus, counted in overloadRejections', async () => {
    const s = await simulate(
      [ONE_ENDPOINT_SERVICE_ENTRY],
      `name: refuse
istio: istio.yaml
versions: { istio: "1.28" }
duration: 10s
clients:
  - { locality: r1, replicas: 1, rate: 100/s, arrivals: constant }
endpoints:
  a.example.com: { latency: { constant: 15ms }, capacity: { concurrency: 1 } }
`,
    );
    const c = s.capacity['a.example.com'];
    // Istio 1.28's default policy does not retry 503: each refusal is a failed request.
    expect(s.retries).toBe(0);
    expect(c.overloadRejections).toBe(s.requests.failed);
    expect(Math.abs(c.overloadRejections - s.requests.total / 2)).toBeLessThanOrEqual(1);
    expect(c.maxQueued).toBe(0);
    // Served requests take 15 ms (no queueing), refusals the 1 ms refusal delay.
    expect(s.latencyMs.p99).toBeGreaterThanOrEqual(14);
    // Busy 15 ms of every 20.
    expect(c.utilisation).toBeCloseTo(0.75, 2);
  });

  test('with a queue, the same load waits instead of being refused', async () => {
    const s = await simulate(
      [ONE_ENDPOINT_SERVICE_ENTRY],
      `name: queue
istio: istio.yaml
versions: { istio: "1.28" }
duration: 10s
clients:
  - { locality: r1, replicas: 1, rate: 50/s, arrivals: constant }
endpoints:
  a.example.com: { latency: { constant: 15ms }, capacity: { concurrency: 1, queue: 5, overloadStatus: 529 } }
`,
    );
    expect(s.capacity['a.example.com'].overloadRejections).toBe(0);
    expect(s.requests.failed).toBe(0);
    expect(s.latencyMs.p50).toBeCloseTo(15, 0);
  });
});

describe('capacity: abandoned work', () => {
  // ρ = 0.9 offered (90/s × 10 ms exponential), a 15 ms route timeout, no retries. With `continue`
  // every job is served even after its client left, so the server does all the offered work:
  // utilisation ≈ ρ. With `cancel` the work of timed-out requests stops at the timeout (queued
  // jobs are dropped, jobs in service are cut short): utilisation is clearly lower, and fewer
  // requests time out because the queue no longer holds dead work.
  const vs = `apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: { name: svc }
spec:
  hosts: [svc.example.com]
  http:
  - route: [{ destination: { host: svc.example.com } }]
    timeout: 15ms
    retries: { attempts: 0 }
`;
  const run = (mode: string) =>
    simulate(
      [ONE_ENDPOINT_SERVICE_ENTRY, vs],
      `name: abandon-${mode}
istio: istio.yaml
versions: { istio: "1.28" }
duration: 200s
seed: 7
clients:
  - { locality: r1, replicas: 1, rate: 90/s }
endpoints:
  a.example.com: { latency: { exponential: { mean: 10ms } }, capacity: { concurrency: 1, queue: 100000, abandonedWork: ${mode} } }
`,
    );

  test('continue keeps the server busy with dead work; cancel frees it', async () => {
    const cont = await run('continue');
    const cancel = await run('cancel');
    const uc = cont.capacity['a.example.com'].utilisation;
    const ux = cancel.capacity['a.example.com'].utilisation;
    // ±0.05 is more than 10 standard errors of a 200 s utilisation estimate at ρ = 0.9
    // (relaxation time S/(1−√ρ)² ≈ 4 s: ~50 independent stretches, sd of each ≤ 0.3).
    expect(Math.abs(uc - 0.9)).toBeLessThan(0.05);
    expect(ux).toBeLessThan(uc - 0.1);
    expect(cont.routeTimeouts).toBeGreaterThan(0);
    expect(cancel.routeTimeouts).toBeLessThan(cont.routeTimeouts);
    // Same traffic (common random numbers): same number of requests.
    expect(cancel.requests.total + cancel.requests.inFlightAtEnd).toBe(cont.requests.total + cont.requests.inFlightAtEnd);
  });
});
