/**
 * One battery run through the public API, reduced to the few numbers the scorecard reads (so a
 * worker thread or a Web Worker sends back a small record, not the whole run document).
 */
import { simulate, type RunSummary } from '../api.ts';
import type { BatteryJob } from './battery.ts';

export interface RunMetrics {
  cell: number;
  replication: number;
  requests: number;
  failed: number;
  /** The run's (only) incident window; null for the quiet day. */
  incident: {
    requests: number;
    errors: number;
    detectionMs: number | null;
    mitigationMs: number | null;
    failbackMs: number | null;
  } | null;
  attempts: number;
  /** Attempts sent to endpoints in the client's own locality. */
  localAttempts: number;
  ejectionsEnforced: number;
  noHealthyUpstream: number;
  latencyMeanMs: number | null;
}

export function runBatteryJob(job: BatteryJob): RunMetrics {
  const summary = simulate({
    scenario: job.scenario,
    istio: job.istio,
    seed: job.seed,
    sets: job.sets,
    names: { scenario: job.name, config: 'mesh' },
  });
  return metricsOf(job, summary);
}

export function metricsOf(job: Pick<BatteryJob, 'cell' | 'replication' | 'localEndpoints'>, s: RunSummary): RunMetrics {
  const inc = s.incidents.length === 1 ? s.incidents[0] : undefined;
  let localAttempts = 0;
  for (const address of job.localEndpoints) localAttempts += s.attempts.byEndpoint[address] ?? 0;
  return {
    cell: job.cell,
    replication: job.replication,
    requests: s.requests.total,
    failed: s.requests.failed,
    incident: inc
      ? {
          requests: inc.requests,
          errors: inc.errors,
          detectionMs: inc.detectionMs?.median ?? null,
          mitigationMs: inc.mitigationMs,
          failbackMs: inc.failbackMs,
        }
      : null,
    attempts: s.attempts.total,
    localAttempts,
    ejectionsEnforced: s.ejections.enforced,
    noHealthyUpstream: s.noHealthyUpstream,
    latencyMeanMs: s.latencyMs.mean,
  };
}

/** Runs jobs and reports each as it finishes; the CLI's runs in a worker pool, this one in-process. */
export type JobRunner = (jobs: readonly BatteryJob[], onDone?: (done: number, total: number) => void) => Promise<RunMetrics[]>;

/** In-process, one after another (tests, the browser's worker). */
export const runJobsInProcess: JobRunner = async (jobs, onDone) => {
  const out: RunMetrics[] = [];
  for (const job of jobs) {
    out.push(runBatteryJob(job));
    onDone?.(out.length, jobs.length);
  }
  return out;
};
