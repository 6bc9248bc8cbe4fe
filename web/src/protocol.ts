/** Messages between the page and its simulation worker (worker.ts), and the page's status for tests. */
import type { ExplainReport } from '../../src/api.ts';
import type { TimelineData } from '../../src/report/timeline-spec.ts';
import type { BatteryInput } from './battery.ts';

/** One scenario and the mesh configuration it names, as texts, with the file names messages use. */
export interface ScenarioJob {
  scenario: string;
  config: string;
  configKind: 'istio' | 'envoy';
  names: { scenario: string; config: string };
}

export type Request =
  | { kind: 'explain'; id: number; job: ScenarioJob }
  | { kind: 'run'; id: number; job: ScenarioJob }
  | { kind: 'battery'; id: number; input: BatteryInput };

/** A request before the page numbers it. */
export type Outgoing = Request extends infer R ? (R extends Request ? Omit<R, 'id'> : never) : never;

export interface RunResult {
  /** Exactly what `failsim run --json` prints for the same scenario. */
  json: string;
  timeline: TimelineData;
  requests: number;
  /** Wall-clock time of the simulation in the worker (for the page's requests/s line). */
  elapsedMs: number;
}

export type Response =
  | { kind: 'progress'; id: number; simulatedMs: number; durationMs: number }
  | { kind: 'battery-progress'; id: number; done: number; total: number }
  | { kind: 'explained'; id: number; report: ExplainReport }
  | { kind: 'ran'; id: number; result: RunResult }
  /** `json`: exactly what `failsim check --json` prints for the same inputs. */
  | { kind: 'battery-ran'; id: number; json: string; elapsedMs: number }
  | { kind: 'failed'; id: number; message: string; internal: boolean };

/** What tests and anyone debugging read from the page (window.failsimPlayground). */
export interface PageStatus {
  ready: boolean;
  explains: number;
  runs: number;
  /** The last run: requests, ms the worker spent simulating, ms from Run to the result on the page. */
  lastRun: { requests: number; elapsedMs: number; wallMs: number } | null;
  error: string | null;
  /** The Vega-Lite spec of the timeline drawn last. */
  timelineSpec: unknown;
}
