/**
 * One run of a built model: simulate, then summarise. Every pipeline (src/api.ts, and through it the
 * CLI, sweeps, golden summaries, notebooks; the bench directly) runs a scenario through this one
 * function, so what `failsim run --json` prints is what every other entry point computes.
 */
import type { Scenario } from '../config/scenario.ts';
import type { RunModel } from './model.ts';
import type { RunResult } from './run-result.ts';
import { Simulation } from './simulation.ts';
import { summarize, type RunSummary } from './summary.ts';

export interface RunModelOptions {
  /** Keep per-host ejection intervals and outlier events (timeline, event logs, notebooks' charts). */
  recordEvents?: boolean;
  /** Called every `progressEveryMs` of simulated time with the current time and the run's duration. */
  onProgress?: (simulatedMs: number, durationMs: number) => void;
  /** Default: a hundredth of the run, at least 1 s. */
  progressEveryMs?: number;
}

export interface RunModelOutput {
  /** The document `failsim run --json` prints (docs/run-output.md). */
  summary: RunSummary;
  /** What the run's output files and charts read (src/report/run-outputs.ts). */
  result: RunResult;
}

export function runModel(model: RunModel, scenario: Scenario, options: RunModelOptions = {}): RunModelOutput {
  const durationMs = scenario.durationMs;
  const { onProgress } = options;
  const sim = new Simulation(model, scenario, {
    recordEvents: options.recordEvents ?? false,
    onProgress: onProgress === undefined ? undefined : (ms) => onProgress(ms, durationMs),
    progressEveryMs: options.progressEveryMs ?? Math.max(1000, durationMs / 100),
  });
  const result = sim.run();
  return { summary: summarize(result), result };
}
