/**
 * How big a run is, estimated before it starts, and the limits that protect the user's machine
 * (docs/limits.md). A typo such as `rate: 1000000000000/s` or `replicas: 100000` would otherwise
 * run for hours or exhaust memory with no word; past a limit the run is refused with the estimate in
 * the message, unless the caller lifts the limits (`--force`).
 *
 * The estimate is deliberately simple and errs high:
 * - events: attempts — client requests (the integral of every group's rate over the run), each with
 *   as many retries as its route allows, as if every attempt failed — plus outlier-detector ticks
 *   (every proxy with a detector ticks once per `interval`).
 * - memory: per client proxy (its own detector, load balancer and retry state), per proxy and
 *   endpoint, per metrics bucket and endpoint (the time series), and per request in flight (Little's
 *   law: rate × the slowest latency an endpoint model gives). The per-item costs were measured on
 *   Node 20 (heap + array buffers after construction, 1 000–10 000 proxies, 2–100 endpoints,
 *   10⁶ buckets) and rounded up.
 */
import { UserError } from '../config/errors.ts';
import { formatDurationMs } from '../config/durations.ts';
import { DEFAULT_ENDPOINT, type EndpointSpec, type LatencySpec, type Scenario } from '../config/scenario.ts';
import type { RunModel } from './model.ts';

export interface RunLimits {
  /** Most attempts (requests with all their retries) plus detector ticks a run may simulate. */
  maxEvents: number;
  /** Most memory a run may need, in bytes (Node's default heap is 2–4 GiB). */
  maxMemoryBytes: number;
}

/** The documented defaults (docs/limits.md, `failsim run --help`). */
export const RUN_LIMITS: Readonly<RunLimits> = Object.freeze({ maxEvents: 1e9, maxMemoryBytes: 2 ** 30 });

/** Most runs (points × replications) in one sweep. */
export const MAX_SWEEP_RUNS = 100_000;

/** Measured per-item memory costs (bytes), rounded up. */
const BYTES_PER_PROXY = 28_000;
const BYTES_PER_PROXY_ENDPOINT = 300;
const BYTES_PER_BUCKET_ENDPOINT = 32;
const BYTES_PER_BUCKET = 64;
const BYTES_PER_REQUEST_IN_FLIGHT = 200;

export interface RunEstimate {
  /** Expected client requests (before retries). */
  requests: number;
  /** Most attempts: every request with every retry its route allows. */
  attempts: number;
  /** Outlier-detector ticks over all proxies. */
  detectorTicks: number;
  proxies: number;
  endpoints: number;
  buckets: number;
  /** Requests in flight at the peak rate (Little's law). */
  inFlight: number;
  memoryBytes: number;
}

/** The slowest latency a model gives (ms): the value most requests stay under, generously. */
function slowLatencyMs(l: LatencySpec): number {
  switch (l.kind) {
    case 'constant':
      return l.valueMs;
    case 'uniform':
      return l.maxMs;
    case 'exponential':
      return 5 * l.meanMs; // p99.3
    case 'lognormal':
      return l.p99Ms;
    default:
      return l.quantiles[l.quantiles.length - 1][1];
  }
}

function slowEndpointMs(e: EndpointSpec): number {
  return Math.max(slowLatencyMs(e.latency), e.connectRefusedDelayMs);
}

/** Estimates the size of a run of `model` (no simulation). */
export function estimateRun(model: RunModel, scenario: Scenario): RunEstimate {
  const durationMs = scenario.durationMs;
  let requests = 0;
  let attempts = 0;
  let peakRate = 0;
  let proxies = 0;
  let detectorTicks = 0;
  for (const g of model.groups) {
    const segments = g.spec.rate;
    let groupRequests = 0;
    segments.forEach((seg, i) => {
      const end = i + 1 < segments.length ? segments[i + 1].fromMs : durationMs;
      groupRequests += (seg.perSecond * Math.max(0, end - seg.fromMs)) / 1000;
    });
    requests += groupRequests;
    attempts += groupRequests * (1 + (g.retryPolicy?.numRetries ?? 0));
    peakRate += Math.max(...segments.map((s) => s.perSecond));
    proxies += g.spec.replicas;
    if (g.outlier !== undefined && g.outlier.interval_ms > 0) detectorTicks += g.spec.replicas * Math.floor(durationMs / g.outlier.interval_ms);
  }
  const endpoints = model.endpoints.length;
  const buckets = Math.ceil(durationMs / scenario.metrics.bucketMs);
  // Latency faults stretch latencies: take the largest factor and added latency any fault gives.
  let factor = 1;
  let addMs = 0;
  for (const f of scenario.faults) {
    const effect = f.kind === 'flapping' ? f.of : f;
    if (effect.kind === 'latency') {
      factor = Math.max(factor, effect.factor);
      addMs = Math.max(addMs, effect.addMs);
    }
  }
  const specs = model.endpoints.map((e) => scenario.endpoints[e.address] ?? scenario.endpoints['*'] ?? DEFAULT_ENDPOINT);
  const slowMs = Math.max(0, ...specs.map(slowEndpointMs)) * factor + addMs;
  const inFlight = Math.min(requests, (peakRate * slowMs) / 1000);
  const memoryBytes =
    proxies * (BYTES_PER_PROXY + endpoints * BYTES_PER_PROXY_ENDPOINT) +
    buckets * (BYTES_PER_BUCKET + endpoints * BYTES_PER_BUCKET_ENDPOINT) +
    inFlight * BYTES_PER_REQUEST_IN_FLIGHT;
  return { requests, attempts, detectorTicks, proxies, endpoints, buckets, inFlight, memoryBytes };
}

/** `1.2e13`, `34 000`: counts for messages. */
export function formatCount(n: number): string {
  if (n >= 1e7) return n.toExponential(1).replace('e+', 'e');
  return Math.round(n).toLocaleString('en-US').replaceAll(',', ' ');
}

export function formatBytes(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(1)} GiB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(0)} MiB`;
  return `${Math.ceil(n / 1024)} KiB`;
}

/** One line: what the run is estimated to do and need. */
export function describeEstimate(e: RunEstimate, durationMs: number): string {
  return (
    `about ${formatCount(e.requests)} requests (at most ${formatCount(e.attempts)} attempts with retries) and ${formatCount(e.detectorTicks)} detector ticks over ${formatDurationMs(durationMs)}, ` +
    `${formatCount(e.proxies)} client proxies × ${e.endpoints} endpoints, ${formatCount(e.buckets)} metrics buckets, ~${formatBytes(e.memoryBytes)} of memory`
  );
}

/**
 * Throws a UserError when the estimate passes a limit: the message gives the estimate, the limit,
 * what usually causes it and how to go on (`liftHint`, e.g. "pass --force").
 */
export function checkRunLimits(e: RunEstimate, scenario: Scenario, where: string, liftHint: string, limits: RunLimits = RUN_LIMITS): void {
  const problems: string[] = [];
  const events = e.attempts + e.detectorTicks;
  if (!(events <= limits.maxEvents)) {
    problems.push(
      `${formatCount(events)} attempts and detector ticks is more than the limit of ${formatCount(limits.maxEvents)} ` +
        '(check clients[].rate, replicas and duration, retry attempts, and the outlier detection interval)',
    );
  }
  if (!(e.memoryBytes <= limits.maxMemoryBytes)) {
    problems.push(
      `~${formatBytes(e.memoryBytes)} of memory is more than the limit of ${formatBytes(limits.maxMemoryBytes)} ` +
        '(check clients[].replicas, duration against metrics.bucket, and latencies)',
    );
  }
  if (problems.length === 0) return;
  throw new UserError(
    `${where}: the run is too big: ${problems.join('; ')}.\n` +
      `${where}: estimate: ${describeEstimate(e, scenario.durationMs)}.\n` +
      `${where}: ${liftHint} to run it anyway (docs/limits.md)`,
  );
}
