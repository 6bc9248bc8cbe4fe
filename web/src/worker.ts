/**
 * The simulation worker: explains and runs scenarios off the page's thread, so the page never
 * freezes. The page creates it from a Blob URL of this bundle (a file:// page cannot load a worker
 * script by URL) and cancels a run by terminating it.
 */
import { explain, simulateRun, UserError, type RunSummary } from '../../src/api.ts';
import { timelineData } from '../../src/report/timeline-data.ts';
import type { Request, Response, RunResult, ScenarioJob } from './protocol.ts';
import { runCheck } from './battery.ts';

interface WorkerScope {
  onmessage: ((event: MessageEvent<Request>) => void) | null;
  postMessage(message: Response): void;
}
const scope = self as unknown as WorkerScope;

function post(message: Response): void {
  scope.postMessage(message);
}

function meshInput(job: ScenarioJob): { istio?: string; envoy?: string } {
  return job.configKind === 'istio' ? { istio: job.config } : { envoy: job.config };
}

/** `failsim run --json`'s document text (src/cli/run-command.ts prints the same). */
export function runJson(summary: RunSummary): string {
  return `${JSON.stringify(summary, null, 2)}\n`;
}

function runOne(job: ScenarioJob, onProgress: (simulatedMs: number, durationMs: number) => void): RunResult {
  const started = performance.now();
  const { summary, result } = simulateRun({ scenario: job.scenario, ...meshInput(job), names: job.names, onProgress }, { recordEvents: true });
  const elapsedMs = performance.now() - started;
  return { json: runJson(summary), timeline: timelineData(result, summary), requests: summary.requests.total, elapsedMs };
}

function handle(request: Request): void {
  const { id } = request;
  switch (request.kind) {
    case 'explain': {
      const report = explain({ ...meshInput(request.job), scenario: request.job.scenario, names: request.job.names });
      post({ kind: 'explained', id, report });
      return;
    }
    case 'run': {
      const result = runOne(request.job, (simulatedMs, durationMs) => post({ kind: 'progress', id, simulatedMs, durationMs }));
      post({ kind: 'ran', id, result });
      return;
    }
    case 'battery': {
      const started = performance.now();
      const doc = runCheck(request.input, (done, total) => post({ kind: 'battery-progress', id, done, total }));
      post({ kind: 'battery-ran', id, json: `${JSON.stringify(doc, null, 2)}\n`, elapsedMs: performance.now() - started });
      return;
    }
  }
}

scope.onmessage = (event) => {
  const request = event.data;
  try {
    handle(request);
  } catch (e) {
    const internal = !(e instanceof UserError);
    const message = internal ? `internal error: ${(e as Error)?.stack ?? String(e)}` : (e as Error).message;
    post({ kind: 'failed', id: request.id, message, internal });
  }
};
