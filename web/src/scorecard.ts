/** One scorecard row per incident of the battery, read from that incident's run. */
import type { RunSummary } from '../../src/api.ts';

export interface ScorecardRow {
  id: string;
  label: string;
  /** Client error rate over the incident's window (after retries); null when no request finished in it. */
  errorRate: number | null;
  failedRequests: number;
  /** Fault start → first ejection of the faulted endpoint, median over sidecars; null when none ejected it. */
  detectionMs: number | null;
  mitigationMs: number | null;
  failbackMs: number | null;
  /** Share of the run's attempts that went to priorities other than 0 (the failover share). */
  failoverShare: number | null;
  falseEjections: number;
}

export function scorecardRow(incident: { id: string; label: string }, summary: RunSummary): ScorecardRow {
  const windows = summary.incidents;
  const requests = windows.reduce((n, w) => n + w.requests, 0);
  const errors = windows.reduce((n, w) => n + w.errors, 0);
  const medians = windows.map((w) => w.detectionMs?.median ?? null).filter((v): v is number => v !== null);
  const worst = (values: (number | null)[]): number | null =>
    values.length === 0 || values.some((v) => v === null) ? null : Math.max(...(values as number[]));
  const total = summary.attempts.total;
  const p0 = summary.attempts.byPriority['0'] ?? 0;
  return {
    id: incident.id,
    label: incident.label,
    errorRate: requests > 0 ? errors / requests : null,
    failedRequests: summary.requests.failed,
    detectionMs: medians.length === windows.length && medians.length > 0 ? Math.max(...medians) : null,
    mitigationMs: worst(windows.map((w) => w.mitigationMs)),
    failbackMs: worst(windows.map((w) => w.failbackMs)),
    failoverShare: total > 0 ? (total - p0) / total : null,
    falseEjections: summary.falseEjections,
  };
}
