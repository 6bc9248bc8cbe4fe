/**
 * Streaming run metrics on fixed-resolution time buckets: typed arrays sized once from
 * duration / bucket, updated per request and attempt without allocating. Memory is
 * O(buckets × endpoints) and does not grow with the number of requests.
 *
 * Which time each record uses (the caller passes it):
 * - requests: the time the client sees the result (completion), so error rates line up with what
 *   clients experience when they experience it;
 * - attempts: the time the attempt starts (when the load balancer sends it), so traffic shares
 *   show where the LB was sending traffic;
 * - ejections: the time the ejection (or unejection) takes effect.
 * Times at or after the run's end count in the last bucket; negative times in the first.
 */
import { LatencyHistogram } from './histogram.ts';

export class RunSeries {
  readonly bucketCount: number;
  /** Client-visible requests finished per bucket, and how many of them failed. */
  readonly requests: Float64Array;
  readonly failures: Float64Array;
  /** Attempts started per (bucket, endpoint), at [bucket * endpointCount + endpoint]. */
  readonly attempts: Float64Array;
  /** Attempts per (bucket, endpoint) whose result was a failure (any non-success outcome). */
  readonly attemptFailures: Float64Array;
  /** Per (bucket, endpoint): the most proxies that had the endpoint ejected at once during the bucket. */
  readonly ejectedProxiesMax: Float64Array;
  /** Per bucket: the most (proxy, endpoint) ejections in force at once during the bucket. */
  readonly ejectedHostsMax: Float64Array;
  /** Client-visible latency of every finished request (successes and failures). */
  readonly latency = new LatencyHistogram();

  private readonly ejectedNow: Float64Array;
  private readonly ejectedFilledTo: Int32Array;
  private ejectedTotalNow = 0;
  private ejectedTotalFilledTo = 0;

  constructor(
    readonly durationMs: number,
    readonly bucketMs: number,
    readonly endpointCount: number,
  ) {
    if (!(bucketMs > 0) || !(durationMs > 0)) throw new RangeError('durationMs and bucketMs must be positive');
    this.bucketCount = Math.ceil(durationMs / bucketMs);
    const nb = this.bucketCount;
    this.requests = new Float64Array(nb);
    this.failures = new Float64Array(nb);
    this.attempts = new Float64Array(nb * endpointCount);
    this.attemptFailures = new Float64Array(nb * endpointCount);
    this.ejectedProxiesMax = new Float64Array(nb * endpointCount);
    this.ejectedHostsMax = new Float64Array(nb);
    this.ejectedNow = new Float64Array(endpointCount);
    this.ejectedFilledTo = new Int32Array(endpointCount);
  }

  /** The bucket of a time, clamped to the run. */
  bucketOf(timeMs: number): number {
    const b = Math.floor(timeMs / this.bucketMs);
    return b < 0 ? 0 : b >= this.bucketCount ? this.bucketCount - 1 : b;
  }

  /** A client request finished at `timeMs` after `latencyMs`; failed = what the client sees after retries. */
  recordRequest(timeMs: number, failed: boolean, latencyMs: number): void {
    const b = this.bucketOf(timeMs);
    this.requests[b]++;
    if (failed) this.failures[b]++;
    this.latency.record(latencyMs);
  }

  /** An attempt to `endpoint` started at `timeMs` (its failure, if it fails, comes later: recordAttemptFailure). */
  recordAttempt(timeMs: number, endpoint: number): void {
    this.attempts[this.bucketOf(timeMs) * this.endpointCount + endpoint]++;
  }

  /**
   * An attempt to `endpoint` started at `startMs` turned out to fail. Attempts are counted when they
   * start and their failures when they are known (a queued attempt may still time out), both in the
   * bucket of the start.
   */
  recordAttemptFailure(startMs: number, endpoint: number): void {
    this.attemptFailures[this.bucketOf(startMs) * this.endpointCount + endpoint]++;
  }

  /** One proxy ejected `endpoint` at `timeMs`. */
  recordEjection(timeMs: number, endpoint: number): void {
    this.changeEjected(this.bucketOf(timeMs), endpoint, 1);
  }

  /** One proxy brought `endpoint` back at `timeMs`. */
  recordUnejection(timeMs: number, endpoint: number): void {
    this.changeEjected(this.bucketOf(timeMs), endpoint, -1);
  }

  /** Carries the ejection levels in force to the last bucket; call once after the run. */
  finish(): void {
    const last = this.bucketCount - 1;
    for (let e = 0; e < this.endpointCount; e++) this.fillEndpoint(e, last);
    this.fillTotal(last);
  }

  /** Attempts of bucket b to endpoint e. */
  attemptsAt(bucket: number, endpoint: number): number {
    return this.attempts[bucket * this.endpointCount + endpoint];
  }

  // The level between events is constant, so buckets skipped since the last event get it lazily.
  private fillEndpoint(e: number, upTo: number): void {
    const level = this.ejectedNow[e];
    const n = this.endpointCount;
    for (let k = this.ejectedFilledTo[e]; k <= upTo; k++) {
      if (this.ejectedProxiesMax[k * n + e] < level) this.ejectedProxiesMax[k * n + e] = level;
    }
    this.ejectedFilledTo[e] = upTo;
  }

  private fillTotal(upTo: number): void {
    const level = this.ejectedTotalNow;
    for (let k = this.ejectedTotalFilledTo; k <= upTo; k++) {
      if (this.ejectedHostsMax[k] < level) this.ejectedHostsMax[k] = level;
    }
    this.ejectedTotalFilledTo = upTo;
  }

  private changeEjected(b: number, e: number, delta: number): void {
    this.fillEndpoint(e, b);
    this.fillTotal(b);
    this.ejectedNow[e] += delta;
    this.ejectedTotalNow += delta;
    const i = b * this.endpointCount + e;
    if (this.ejectedProxiesMax[i] < this.ejectedNow[e]) this.ejectedProxiesMax[i] = this.ejectedNow[e];
    if (this.ejectedHostsMax[b] < this.ejectedTotalNow) this.ejectedHostsMax[b] = this.ejectedTotalNow;
  }
}
