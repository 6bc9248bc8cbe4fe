/**
 * A run's totals, as clients and upstreams see them: requests (after retries) and attempts, in all
 * and per client group, endpoint and priority, plus the per-bucket series (time-series.ts). The
 * simulator calls one method per thing that happened; nothing here allocates after construction.
 */
import type { RunSeries } from './time-series.ts';

export class RunCounters {
  requestsStarted = 0;
  requestsFinished = 0;
  requestsFailed = 0;
  attempts = 0;
  retries = 0;
  /** Local 503 UH replies: no host could be chosen. */
  noHealthyUpstream = 0;
  routeTimeouts = 0;
  readonly attemptsByEndpoint: Float64Array;
  readonly failedAttemptsByEndpoint: Float64Array;
  /** Finished and failed requests per client group. */
  readonly requestsByGroup: Float64Array;
  readonly failedByGroup: Float64Array;
  /** Attempts by the priority the picked host has in its sidecar's cluster. */
  readonly attemptsByPriority: Float64Array;

  constructor(
    readonly series: RunSeries,
    groups: number,
    endpoints: number,
    priorities: number,
  ) {
    this.attemptsByEndpoint = new Float64Array(endpoints);
    this.failedAttemptsByEndpoint = new Float64Array(endpoints);
    this.requestsByGroup = new Float64Array(groups);
    this.failedByGroup = new Float64Array(groups);
    this.attemptsByPriority = new Float64Array(priorities);
  }

  get requestsInFlight(): number {
    return this.requestsStarted - this.requestsFinished;
  }

  /** An attempt to `endpoint` (a host of `priority`) started at `timeMs`. */
  attemptStarted(timeMs: number, endpoint: number, priority: number): void {
    this.attempts++;
    this.attemptsByPriority[priority]++;
    this.series.recordAttempt(timeMs, endpoint);
    this.attemptsByEndpoint[endpoint]++;
  }

  /** The attempt to `endpoint` started at `startedAtMs` failed (counted in the bucket of its start). */
  attemptFailed(startedAtMs: number, endpoint: number): void {
    this.series.recordAttemptFailure(startedAtMs, endpoint);
    this.failedAttemptsByEndpoint[endpoint]++;
  }

  /** A request of client `group` finished at `timeMs` after `latencyMs`; `failed` as its client sees it. */
  requestFinished(timeMs: number, group: number, failed: boolean, latencyMs: number): void {
    this.requestsFinished++;
    this.requestsByGroup[group]++;
    if (failed) {
      this.requestsFailed++;
      this.failedByGroup[group]++;
    }
    this.series.recordRequest(timeMs, failed, latencyMs);
  }
}
