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

export interface WorkerPool<J, R> {
  run(job: J): Promise<R>;
  close(): Promise<void>;
}

/** A pool of `workers` threads, each running the default export of the module at `entry` (a file URL). */
export function createWorkerPool<J, R>(entry: string, workers: number): WorkerPool<J, R> {
  const pool = new Piscina<J, R>({
    filename: entry,
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

export function createRunPool(workers: number): RunPool {
  return createWorkerPool<RunJob, FlatRecord>(new URL('./worker-entry.mjs', import.meta.url).href, workers);
}
