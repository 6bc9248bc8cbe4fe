/**
 * The scorecard of a battery: per incident and target, what the affected clients saw (pooled over
 * client localities within a replication, then mean and 95 % interval over replications), whether
 * it fits the SLO's error budget; the quiet day's false ejections; and the verdict.
 */
import { summarizeValues } from '../sweep/stats.ts';
import { INCIDENTS, type BatteryPlan, type IncidentName } from './battery.ts';
import type { RunMetrics } from './job.ts';

export interface Interval {
  mean: number | null;
  low: number | null;
  high: number | null;
}

export interface IncidentScore {
  host: string;
  name: IncidentName;
  kind: string;
  target: string;
  clients: string[];
  /** Client error rate during the incident window. */
  errorRate: Interval;
  /** Requests failed by the run (mean per run). */
  failedRequests: number;
  /** Failed requests over the error budget of one SLO window of the affected clients' traffic. */
  budgetUsed: number;
  /** Means over the runs where it happened; null when it never did. `…Runs`: in how many runs. */
  detectionMs: number | null;
  detectionRuns: number;
  mitigationMs: number | null;
  mitigationRuns: number;
  failbackMs: number | null;
  failbackRuns: number;
  /** Share of attempts sent outside the client's own locality, over the run. */
  crossLocalityShare: number;
  runs: number;
  pass: boolean;
}

export interface QuietDayScore {
  /** Ejections per 10-minute quiet day (every one is false: no endpoint is broken). */
  falseEjections: number;
  crossLocalityShare: number;
  errorRate: Interval;
  noHealthyUpstream: number;
  pass: boolean;
}

export interface Scorecard {
  verdict: 'pass' | 'fail';
  slo: string;
  incidents: IncidentScore[];
  quietDay: QuietDayScore;
  replications: number;
}

function mean(xs: number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
}

function interval(xs: number[]): Interval {
  const s = summarizeValues(xs);
  return { mean: s.mean, low: s.low, high: s.high };
}

/** Mean over the replications where every client saw it happen, and in how many replications. */
function happened(perRep: (number | null)[]): { value: number | null; runs: number } {
  const xs = perRep.filter((v): v is number => v !== null);
  return { value: xs.length ? mean(xs) : null, runs: xs.length };
}

export function scoreBattery(plan: BatteryPlan, results: readonly RunMetrics[]): Scorecard {
  const byCell = plan.cells.map(() => new Array<RunMetrics | undefined>(plan.replications));
  for (const r of results) byCell[r.cell][r.replication] = r;
  const reps = Array.from({ length: plan.replications }, (_, i) => i);

  // Incident cells grouped by (host, incident, target): the clients that send it priority-0 traffic.
  const groups = new Map<string, number[]>();
  plan.cells.forEach((c, i) => {
    if (c.incident === 'quiet-day') return;
    const key = `${c.host}\u0000${c.incident}\u0000${c.target}`;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  const incidents: IncidentScore[] = [];
  for (const cellIdx of groups.values()) {
    const first = plan.cells[cellIdx[0]];
    const def = INCIDENTS.find((d) => d.name === first.incident)!;
    const runs = reps.map((r) => cellIdx.map((i) => byCell[i][r]!));
    const errorRates = runs.map((rs) => {
      const req = rs.reduce((a, m) => a + (m.incident?.requests ?? 0), 0);
      return req > 0 ? rs.reduce((a, m) => a + (m.incident?.errors ?? 0), 0) / req : 0;
    });
    const failed = runs.map((rs) => rs.reduce((a, m) => a + m.failed, 0));
    const rate = cellIdx.reduce((a, i) => a + plan.cells[i].ratePerSecond, 0);
    const budget = plan.slo.errorRate * rate * (plan.slo.windowMs / 1000);
    const worst = (pick: (m: RunMetrics) => number | null) =>
      happened(runs.map((rs) => (rs.some((m) => pick(m) === null) ? null : Math.max(...rs.map((m) => pick(m)!)))));
    const detection = worst((m) => m.incident?.detectionMs ?? null);
    const mitigation = worst((m) => m.incident?.mitigationMs ?? null);
    const failback = worst((m) => m.incident?.failbackMs ?? null);
    const cross = runs.map((rs) => {
      const att = rs.reduce((a, m) => a + m.attempts, 0);
      return att > 0 ? 1 - rs.reduce((a, m) => a + m.localAttempts, 0) / att : 0;
    });
    const budgetUsed = mean(failed) / budget;
    incidents.push({
      host: first.host,
      name: def.name,
      kind: def.kind,
      target: first.target,
      clients: cellIdx.map((i) => plan.cells[i].client),
      errorRate: interval(errorRates),
      failedRequests: mean(failed),
      budgetUsed,
      detectionMs: detection.value,
      detectionRuns: detection.runs,
      mitigationMs: mitigation.value,
      mitigationRuns: mitigation.runs,
      failbackMs: failback.value,
      failbackRuns: failback.runs,
      crossLocalityShare: mean(cross),
      runs: plan.replications,
      pass: budgetUsed <= 1,
    });
  }

  const quietCells = plan.cells.map((c, i) => (c.incident === 'quiet-day' ? i : -1)).filter((i) => i >= 0);
  const quietRuns = reps.map((r) => quietCells.map((i) => byCell[i][r]!));
  const quietErrors = quietRuns.map((rs) => {
    const req = rs.reduce((a, m) => a + m.requests, 0);
    return req > 0 ? rs.reduce((a, m) => a + m.failed, 0) / req : 0;
  });
  const quietError = interval(quietErrors);
  const quietDay: QuietDayScore = {
    falseEjections: mean(quietRuns.map((rs) => rs.reduce((a, m) => a + m.ejectionsEnforced, 0))),
    crossLocalityShare: mean(
      quietRuns.map((rs) => {
        const att = rs.reduce((a, m) => a + m.attempts, 0);
        return att > 0 ? 1 - rs.reduce((a, m) => a + m.localAttempts, 0) / att : 0;
      }),
    ),
    errorRate: quietError,
    noHealthyUpstream: mean(quietRuns.map((rs) => rs.reduce((a, m) => a + m.noHealthyUpstream, 0))),
    pass: (quietError.mean ?? 0) <= plan.slo.errorRate,
  };
  const verdict = incidents.every((i) => i.pass) && quietDay.pass ? 'pass' : 'fail';
  return { verdict, slo: plan.slo.text, incidents, quietDay, replications: plan.replications };
}
