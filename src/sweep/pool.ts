/**
 * The worker-thread pool that runs sweep jobs (piscina). Workers load worker-entry.mjs, which
 * registers tsx in the worker so the TypeScript simulator runs there as in the main thread.
 */
import { Piscina } from 'piscina';
import type { FlatRecord } from './flatten.ts';
import type { RunJob } from './run-job.ts';

export interface RunPool {
  run(job: RunJob): Promise<FlatRecord>;
  close(): Promise<void>;
}

export function createRunPool(workers: number): RunPool {
  const pool = new Piscina<RunJob, FlatRecord>({
    filename: new URL('./worker-entry.mjs', import.meta.url).href,
    minThreads: workers,
    maxThreads: workers,
    concurrentTasksPerWorker: 1,
    idleTimeout: 60_000,
  });
  return {
    run: (job) => pool.run(job),
    close: () => pool.destroy(),
  };
}
