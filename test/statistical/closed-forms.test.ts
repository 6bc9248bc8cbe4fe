/**
 * The simulator against closed forms of probability (fixed seeds). Each tolerance is a number of
 * standard errors computed from the distribution's own variance, so it says how far a correct
 * simulator could stray by chance, not how far this one happened to.
 *
 * - Requests until ejection: with consecutive5xxErrors k and each attempt failing independently with
 *   probability p, the attempts from an unejection to the next ejection are the waiting time for k
 *   failures in a row: mean (1−p^k)/((1−p)p^k), variance (1 − (2k+1)(1−p)p^k − p^{2k+1})/((1−p)²p^{2k})
 *   (Feller; checked against k = 1, the geometric (1−p)/p²).
 * - Retries: with N retries on 5xx and no outlier detection, a request fails only if all N+1
 *   attempts fail: success 1 − p^{N+1}, attempts per request Σ_{j=0..N} p^j = (1−p^{N+1})/(1−p).
 */
import { describe, expect, test } from 'vitest';
import { ONE_ENDPOINT_SERVICE_ENTRY, simulator } from '../helpers/simulate.ts';

/** How many standard errors a fixed-seed estimate may be off: P(|Z| > 4) ≈ 6e-5. */
const Z = 4;



const simulate = simulator('failsim-closed-forms-');

/** Mean and variance of the number of Bernoulli(p) trials until k successes in a row. */
function runWaitingTime(p: number, k: number): { mean: number; variance: number } {
  const pk = p ** k;
  return {
    mean: (1 - pk) / ((1 - p) * pk),
    variance: (1 - (2 * k + 1) * (1 - p) * pk - p ** (2 * k + 1)) / ((1 - p) ** 2 * p ** (2 * k)),
  };
}

describe('closed forms: the variance formula itself', () => {
  test('k = 1 is the geometric distribution; p = 0.5 gives the textbook values', () => {
    for (const p of [0.1, 0.5, 0.9]) {
      const g = runWaitingTime(p, 1);
      expect(g.mean).toBeCloseTo(1 / p, 12);
      expect(g.variance).toBeCloseTo((1 - p) / p ** 2, 10);
    }
    expect(runWaitingTime(0.5, 3)).toEqual({ mean: 14, variance: 142 });
    expect(runWaitingTime(0.5, 5)).toEqual({ mean: 62, variance: 3390 });
  });
});

describe('closed forms: attempts until an ejection', () => {
  // One sidecar, one endpoint answering 500 with probability p. Istio 1.28: the default retry policy
  // retries neither 500 nor (since 1.24) 503, so every request is exactly one attempt;
  // maxEjectionPercent 100 lets the only host be ejected; panic threshold 0 means an ejected host
  // gets no attempts (local 503 "no healthy upstream"). Constant arrivals every 1 ms and a 0.1 ms
  // response: an attempt always ends before the next starts, so none is in flight across an
  // ejection. The consecutive-5xx counter restarts at 0 when the detector ejects and when it
  // unejects: each cycle (unejection → next ejection) is an independent draw of the waiting time.
  // interval = baseEjectionTime = 1 ms keeps the ejected periods short (many cycles per second).
  const cases: Array<{ p: number; k: number; seconds: number; seed: number }> = [
    { p: 0.5, k: 3, seconds: 100, seed: 1 },
    { p: 0.5, k: 5, seconds: 200, seed: 2 },
    { p: 0.3, k: 2, seconds: 100, seed: 3 },
  ];
  test.each(cases)('p = $p, consecutive5xxErrors = $k', async ({ p, k, seconds, seed }) => {
    const dr = `apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata: { name: svc }
spec:
  host: svc.example.com
  trafficPolicy:
    outlierDetection: { consecutive5xxErrors: ${k}, interval: 1ms, baseEjectionTime: 1ms, maxEjectionPercent: 100 }
`;
    const s = await simulate(
      [ONE_ENDPOINT_SERVICE_ENTRY, dr],
      `name: until-ejection
istio: istio.yaml
versions: { istio: "1.28" }
duration: ${seconds}s
seed: ${seed}
clients:
  - { locality: r1, replicas: 1, rate: 1000/s, arrivals: constant }
endpoints:
  a.example.com: { latency: { constant: 100us } }
faults:
  - { endpoint: a.example.com, from: 0s, kind: http-error, code: 500, rate: ${p} }
`,
    );
    // The premises above, read from the effective configuration.
    const cluster = s.effectiveConfig[0].cluster;
    expect(cluster.healthy_panic_threshold).toBe(0);
    expect(cluster.retry_policy.retry_on).not.toContain('5xx');
    expect(cluster.retry_policy.retriable_status_codes).not.toContain(500);
    expect(s.retries).toBe(0);
    expect(s.ejections.overflow).toBe(0);

    const { mean, variance } = runWaitingTime(p, k);
    const cycles = s.ejections.enforced;
    // attempts = (sum of the `cycles` completed cycles) + R, R the attempts of the cycle still
    // running at the end. R ≥ 0 is at most one (length-biased) cycle, whose mean is E[X²]/E[X];
    // allow Z of those spread over all cycles on top of Z standard errors of the mean.
    const lengthBiased = (variance + mean * mean) / mean;
    const tolerance = Z * Math.sqrt(variance / cycles) + (Z * lengthBiased) / cycles;
    const estimate = s.attempts.total / cycles;
    expect(cycles).toBeGreaterThan(800); // enough cycles for the normal approximation
    expect(Math.abs(estimate - mean)).toBeLessThanOrEqual(tolerance);
    // The tolerance is tight enough to mean something: under 8% of the mean.
    expect(tolerance / mean).toBeLessThan(0.08);
    // While ejected, requests get a local 503 and nothing reaches the host.
    expect(s.noHealthyUpstream).toBeGreaterThanOrEqual(cycles - 1);
    expect(s.attempts.total + s.noHealthyUpstream).toBe(s.requests.total + s.requests.inFlightAtEnd);
  });
});

describe('closed forms: retries', () => {
  // No DestinationRule, so no outlier detection: the endpoint is never ejected. The VirtualService
  // retries 5xx N times. Traffic stops one second before the end so every request has finished
  // (back-off is at most 250 ms a retry), and no partial requests bias the ratios.
  const cases: Array<{ p: number; n: number; seed: number }> = [
    { p: 0.5, n: 2, seed: 11 },
    { p: 0.3, n: 1, seed: 12 },
    { p: 0.6, n: 4, seed: 13 },
  ];
  test.each(cases)('p = $p, attempts (retries) = $n', async ({ p, n, seed }) => {
    const vs = `apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: { name: svc }
spec:
  hosts: [svc.example.com]
  http:
  - route: [{ destination: { host: svc.example.com } }]
    retries: { attempts: ${n}, retryOn: 5xx }
`;
    const s = await simulate(
      [ONE_ENDPOINT_SERVICE_ENTRY, vs],
      `name: retries
istio: istio.yaml
versions: { istio: "1.28" }
duration: 11s
seed: ${seed}
clients:
  - locality: r1
    replicas: 2
    rate: [{ from: 0s, rate: 2000/s }, { from: 10s, rate: 0/s }]
endpoints:
  a.example.com: { latency: { exponential: { mean: 2ms } } }
faults:
  - { endpoint: a.example.com, from: 0s, kind: http-error, code: 500, rate: ${p} }
`,
    );
    const policy = s.effectiveConfig[0].cluster.retry_policy;
    expect(policy.num_retries).toBe(n);
    expect(policy.retry_on).toContain('5xx');
    expect(s.effectiveConfig[0].outlierDetection).toBeNull();
    expect(s.requests.inFlightAtEnd).toBe(0);
    expect(s.noHealthyUpstream).toBe(0);

    const requests = s.requests.total;
    expect(requests).toBeGreaterThan(15_000);
    // Success: Binomial(requests, q) with q = 1 − p^{N+1}.
    const q = 1 - p ** (n + 1);
    const successRate = s.requests.succeeded / requests;
    expect(Math.abs(successRate - q)).toBeLessThanOrEqual(Z * Math.sqrt((q * (1 - q)) / requests));
    // Attempts per request A = min(G, N+1), G geometric: E[A] = Σ_{j=0..N} p^j,
    // E[A²] = Σ_{j=1..N+1} (2j−1) p^{j−1} (P(A ≥ j) = p^{j−1}).
    let ea = 0;
    let ea2 = 0;
    for (let j = 1; j <= n + 1; j++) {
      ea += p ** (j - 1);
      ea2 += (2 * j - 1) * p ** (j - 1);
    }
    expect(ea).toBeCloseTo((1 - p ** (n + 1)) / (1 - p), 12);
    const perRequest = s.attempts.total / requests;
    expect(Math.abs(perRequest - ea)).toBeLessThanOrEqual(Z * Math.sqrt((ea2 - ea * ea) / requests));
    expect(s.retryAmplification).toBeCloseTo(perRequest, 12);
    // Every failed request used all its attempts; every retry is one extra attempt.
    expect(s.retries).toBe(s.attempts.total - requests);
    expect(s.attempts.failed).toBeGreaterThanOrEqual(s.requests.failed * (n + 1));
  });
});
