/**
 * Runs check/tune jobs on the sweep's worker pool (one thread per core by default).
 * Results come back in job order whatever order the threads finish in, so the output does not
 * depend on the number of workers.
 */
import { availableParallelism } from 'node:os';
import type { BatteryJob } from '../advise/battery.ts';
import type { JobRunner, RunMetrics } from '../advise/job.ts';
import { createWorkerPool } from '../sweep/pool.ts';

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

/** A JobRunner on `workers` threads; call close() when done. */
export function createAdvisePool(workers: number): { runner: JobRunner; close: () => Promise<void> } {
  const pool = createWorkerPool<BatteryJob, RunMetrics>(new URL('./advise-worker.mjs', import.meta.url).href, workers);
  const runner: JobRunner = async (jobs, onDone) => {
    let done = 0;
    return Promise.all(
      jobs.map((job) =>
        pool.run(job).then((m) => {
          done++;
          onDone?.(done, jobs.length);
          return m;
        }),
      ),
    );
  };
  return { runner, close: () => pool.close() };
}
