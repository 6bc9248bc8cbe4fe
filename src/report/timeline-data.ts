/**
 * What the run timeline shows, read from a run's result. Browser-safe (no node: imports): the
 * playground page's worker computes it next to the run's JSON.
 */
import { localityKey } from '../envoy/cluster.ts';
import type { RunSummary } from '../sim/summary.ts';
import type { RunResult } from '../sim/run-result.ts';
import type { TimelineData } from './timeline-spec.ts';

function locText(l: { region: string; zone: string; subzone: string }): string {
  return localityKey(l).replace(/\/+$/, '');
}

export function proxyName(run: RunResult, proxy: number): string {
  return run.sidecars[proxy].name;
}

export function timelineData(run: RunResult, summary: RunSummary): TimelineData {
  const s = run.series;
  const eps = run.model.endpoints;
  const n = eps.length;
  const times: number[] = [];
  const errorRate: (number | null)[] = [];
  const localities = [...new Set(eps.map((e) => locText(e.locality)))].sort();
  const share: Record<string, (number | null)[]> = {};
  for (const l of localities) share[l] = [];
  for (let b = 0; b < s.bucketCount; b++) {
    times.push(b * s.bucketMs);
    errorRate.push(s.requests[b] > 0 ? s.failures[b] / s.requests[b] : null);
    let total = 0;
    for (let e = 0; e < n; e++) total += s.attempts[b * n + e];
    const per: Record<string, number> = {};
    for (let e = 0; e < n; e++) {
      const l = locText(eps[e].locality);
      per[l] = (per[l] ?? 0) + s.attempts[b * n + e];
    }
    for (const l of localities) share[l].push(total > 0 ? per[l] / total : null);
  }
  return {
    title: `${summary.scenario} — Envoy ${summary.profile.envoy}${summary.profile.istio ? ` (Istio ${summary.profile.istio})` : ''}, profile ${summary.profile.outlier}`,
    bucketMs: s.bucketMs,
    times,
    clientErrorRate: errorRate,
    trafficShareByLocality: share,
    ejections: run.ejectionIntervals.map((i) => ({
      host: eps[i.endpoint].address,
      proxy: proxyName(run, i.proxy),
      fromMs: i.fromMs,
      untilMs: i.untilMs,
    })),
    faults: run.faultWindows.map((w) => ({
      label: `${w.kind} ${Array.from(w.endpoints, (e) => eps[e].address).join(', ')}`,
      fromMs: w.fromMs,
      untilMs: w.untilMs,
    })),
    durationMs: run.scenario.durationMs,
  };
}
