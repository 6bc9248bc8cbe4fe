/** Runs one scenario file end to end in-process (what `failsim run --json` does, minus the CLI). */
import { loadScenario } from '../config/load-scenario.ts';
import { parseOverrides } from '../config/overrides.ts';
import { buildRunModel } from './model.ts';
import { Simulation } from './simulation.ts';
import { summarize, type RunSummary } from './summary.ts';

export function runScenarioFile(file: string, sets: readonly string[] = []): RunSummary {
  const { scenario, resources } = parseOverrides(sets);
  const loaded = loadScenario(file, { overrides: scenario });
  const sim = new Simulation(buildRunModel(loaded, resources, file), loaded.scenario);
  sim.run();
  return summarize(sim);
}
