/**
 * What `failsim run --json` prints: the run's results as one JSON document (docs/run-output.md
 * documents every field). Every number here was counted by the simulation; a thing that never
 * happened is null, never estimated.
 */
import { localityKey } from '../envoy/cluster.ts';
import { STAT_NAMES } from '../envoy/outlier/stats.ts';
import { computeIncidents } from '../metrics/incidents.ts';
import type { RunResult } from './run-result.ts';

export interface RunSummary {
  scenario: string;
  seed: number;
  durationMs: number;
  profile: { envoy: string; istio: string | null; outlier: string };
  requests: {
    total: number;
    succeeded: number;
    failed: number;
    errorRate: number | null;
    inFlightAtEnd: number;
    /** Per client group (scenario order), as its clients see them. */
    byClientGroup: Array<{ locality: string; total: number; failed: number; errorRate: number | null }>;
  };
  attempts: {
    total: number;
    failed: number;
    byEndpoint: Record<string, number>;
    byLocality: Record<string, number>;
    byPriority: Record<string, number>;
  };
  retryAmplification: number | null;
  retries: number;
  noHealthyUpstream: number;
  routeTimeouts: number;
  ejections: {
    detected: number;
    enforced: number;
    notEnforced: number;
    overflow: number;
    maxConcurrent: number;
    stats: Record<string, number>;
  };
  latencyMs: { p50: number | null; p90: number | null; p99: number | null; p999: number | null; mean: number | null };
  incidents: Array<{
    endpoint: string;
    endpoints: string[];
    kind: string;
    fromMs: number;
    untilMs: number;
    detectionMs: { median: number | null; max: number | null; proxiesDetected: number; proxies: number } | null;
    mitigationMs: number | null;
    failbackMs: number | null;
    requests: number;
    errors: number;
    errorRate: number | null;
  }>;
  falseEjections: number;
  /** The metric settings the incident figures were computed with (docs/metrics.md). */
  metricSettings: {
    bucketMs: number;
    mitigation: { windowMs: number; threshold: number };
    failback: { toleranceShare: number; windowMs: number };
  };
  /** Endpoints with a `capacity`: mean utilisation of their servers, peaks and refusals. */
  capacity: Record<string, { utilisation: number; maxBusy: number; maxQueued: number; overloadRejections: number }>;
  /**
   * Only when the scenario turns on a control-plane process: every EDS / active health-check change
   * applied, in time order (`sidecar` null for an EDS push, which reaches every sidecar).
   */
  controlPlane?: { changes: Array<{ atMs: number; mechanism: string; endpoint: string; sidecar: string | null; down: boolean }> };
  effectiveConfig: Array<{
    clients: string;
    replicas: number;
    cluster: unknown;
    outlierDetection: unknown;
    maxEjectableHostsNote?: string;
  }>;
}

function locText(l: { region: string; zone: string; subzone: string }): string {
  return localityKey(l).replace(/\/+$/, '');
}

export function summarize(run: RunResult): RunSummary {
  const { model, scenario, series, counters } = run;
  const addresses = model.endpoints.map((e) => e.address);
  const byEndpoint: Record<string, number> = {};
  const byLocality: Record<string, number> = {};
  model.endpoints.forEach((e, i) => {
    byEndpoint[e.address] = counters.attemptsByEndpoint[i];
    const key = locText(e.locality);
    byLocality[key] = (byLocality[key] ?? 0) + counters.attemptsByEndpoint[i];
  });
  const byPriority: Record<string, number> = {};
  counters.attemptsByPriority.forEach((n, p) => {
    byPriority[String(p)] = n;
  });

  // Detector counters summed over every sidecar.
  const stats: Record<string, number> = {};
  for (const name of STAT_NAMES) stats[name] = 0;
  for (const sidecar of run.sidecars) {
    if (sidecar.outlierStats === null) continue;
    for (const name of STAT_NAMES) stats[name] += sidecar.outlierStats[name];
  }
  const detected = STAT_NAMES.filter((n) => n.startsWith('ejections_detected_')).reduce((a, n) => a + stats[n], 0);
  const enforced = stats.ejections_enforced_total;
  const overflow = stats.ejections_overflow;

  const report = computeIncidents(series, run.ejectionLog, scenario.metrics);
  const latency = series.latency.summary();
  const total = counters.requestsFinished;
  const failed = counters.requestsFailed;
  const failedAttempts = counters.failedAttemptsByEndpoint.reduce((a, b) => a + b, 0);
  const v = model.versions;
  return {
    scenario: scenario.name,
    seed: scenario.seed,
    durationMs: scenario.durationMs,
    profile: { envoy: `1.${v.envoyMinor}`, istio: v.istioMinor === undefined ? null : `1.${v.istioMinor}`, outlier: v.profile },
    requests: {
      total,
      succeeded: total - failed,
      failed,
      errorRate: total > 0 ? failed / total : null,
      inFlightAtEnd: counters.requestsInFlight,
      byClientGroup: model.groups.map((g) => {
        const n = counters.requestsByGroup[g.index];
        const f = counters.failedByGroup[g.index];
        return { locality: g.spec.localityText, total: n, failed: f, errorRate: n > 0 ? f / n : null };
      }),
    },
    attempts: { total: counters.attempts, failed: failedAttempts, byEndpoint, byLocality, byPriority },
    retryAmplification: total > 0 ? counters.attempts / counters.requestsStarted : null,
    retries: counters.retries,
    noHealthyUpstream: counters.noHealthyUpstream,
    routeTimeouts: counters.routeTimeouts,
    ejections: {
      detected,
      enforced,
      // A detection passed to ejectHost either overflowed the cap, lost the enforcement roll or ejected.
      notEnforced: detected - enforced - overflow,
      overflow,
      maxConcurrent: run.maxConcurrentEjections,
      stats,
    },
    latencyMs: { p50: latency.p50, p90: latency.p90, p99: latency.p99, p999: latency.p999, mean: latency.mean },
    incidents: report.incidents.map((inc) => {
      const eps = inc.endpoints.map((e) => addresses[e]);
      return {
        endpoint: eps.join(','),
        endpoints: eps,
        kind: inc.kind,
        fromMs: inc.fromMs,
        untilMs: inc.untilMs,
        detectionMs: inc.detectionMs.proxiesDetected === 0 ? null : inc.detectionMs,
        mitigationMs: inc.mitigationMs,
        failbackMs: inc.failbackMs,
        requests: inc.requests,
        errors: inc.errors,
        errorRate: inc.errorRate,
      };
    }),
    falseEjections: report.falseEjections,
    metricSettings: scenario.metrics,
    capacity: Object.fromEntries(
      run.capacity.map((c) => [
        addresses[c.endpoint],
        { utilisation: c.utilisation, maxBusy: c.maxBusy, maxQueued: c.maxQueued, overloadRejections: c.overloadRejections },
      ]),
    ),
    ...(scenario.controlPlane.readiness === null && scenario.controlPlane.healthCheck === null
      ? {}
      : {
          controlPlane: {
            changes: run.controlPlaneChanges.map((c) => ({
              atMs: c.atMs,
              mechanism: c.mechanism,
              endpoint: addresses[c.endpoint],
              sidecar: c.sidecar < 0 ? null : run.sidecars[c.sidecar].name,
              down: c.down,
            })),
          },
        }),
    effectiveConfig: model.groups.map((g) => ({
      clients: g.spec.localityText,
      replicas: g.spec.replicas,
      cluster: g.cluster,
      outlierDetection: g.outlier ?? null,
    })),
  };
}
