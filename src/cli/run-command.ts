/** `failsim run <scenario>`: one simulation run; a readable summary, or JSON, and output files. */
import type { Command } from 'commander';
import { loadScenario } from '../config/load-scenario.ts';
import { parseDurationMs } from '../config/durations.ts';
import { parseOverrides, type ScenarioOverride } from '../config/overrides.ts';
import { MissingChartFontError } from '../report/chart-font.ts';
import { buildRunModel } from '../sim/model.ts';
import { writeRunOutputs } from '../report/run-outputs.ts';
import { Simulation } from '../sim/simulation.ts';
import { summarize } from '../sim/summary.ts';
import { formatRunSummary } from './format-run.ts';
import { UserError } from './errors.ts';
import type { CommandContext } from './main.ts';

interface RunOptions {
  json?: boolean;
  out?: string;
  seed?: string;
  duration?: string;
  set: string[];
  progress?: boolean;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function addRunCommand(program: Command, ctx: CommandContext): void {
  program
    .command('run')
    .summary('simulate one scenario and report what clients see')
    .description(
      'Simulate one scenario: client sidecars, each with its own Envoy (outlier detector, load balancer, ' +
        'retries), against modelled endpoints and faults. Prints a summary (or JSON with --json).',
    )
    .argument('<scenario>', 'scenario YAML file (see docs/scenario.md)')
    .option('--json', 'print the full result as one JSON document on stdout (docs/run-output.md)')
    .option('--out <dir>', 'also write summary.json, timeseries.csv, events.jsonl, events/, timeline.svg and timeline.png')
    .option('--seed <n>', 'override the scenario seed')
    .option('--duration <d>', 'override the simulated duration (e.g. 10m)')
    .option(
      '--set <field=value>',
      'override a scenario field (versions.istio=1.10), an Istio resource field\n' +
        "('DestinationRule/mydynamodb:spec.trafficPolicy.outlierDetection.maxEjectionPercent=100'),\n" +
        "or a field of a plain Envoy file ('Cluster/mydb:outlier_detection.max_ejection_percent=50', 'Route/<name>:...'); repeatable",
      collect,
      [],
    )
    .option('--no-progress', 'no progress line on stderr (shown only when stderr is a terminal)')
    .action(async (file: string, opts: RunOptions) => {
      const { scenario: scenarioOverrides, resources } = parseOverrides(opts.set);
      const extra: ScenarioOverride[] = [];
      if (opts.seed !== undefined) {
        if (!/^\d+$/.test(opts.seed)) throw new UserError(`--seed: expected a non-negative integer (got "${opts.seed}")`);
        extra.push({ target: 'scenario', path: ['seed'], value: Number(opts.seed), text: `--seed ${opts.seed}` });
      }
      if (opts.duration !== undefined) {
        if (parseDurationMs(opts.duration) === undefined) {
          throw new UserError(`--duration: expected a duration like 30s, 10m, 1h (got "${opts.duration}")`);
        }
        extra.push({ target: 'scenario', path: ['duration'], value: opts.duration, text: `--duration ${opts.duration}` });
      }
      const loaded = loadScenario(file, { overrides: [...scenarioOverrides, ...extra] });
      const model = buildRunModel(loaded, resources, file);
      const showProgress = opts.progress !== false && process.stderr.isTTY === true && !opts.json;
      const duration = loaded.scenario.durationMs;
      const sim = new Simulation(model, loaded.scenario, {
        recordEvents: opts.out !== undefined,
        onProgress: showProgress
          ? (ms) => ctx.stderr(`\rsimulated ${(ms / 1000).toFixed(0)} s of ${(duration / 1000).toFixed(0)} s`)
          : undefined,
        progressEveryMs: Math.max(1000, duration / 100),
      });
      sim.run();
      if (showProgress) ctx.stderr('\n');
      const summary = summarize(sim);
      const json = `${JSON.stringify(summary, null, 2)}\n`;
      if (opts.out !== undefined) {
        try {
          await writeRunOutputs(opts.out, sim, summary, json);
        } catch (e) {
          if (e instanceof MissingChartFontError) throw new UserError(e.message);
          throw e;
        }
      }
      ctx.stdout(opts.json ? json : formatRunSummary(summary));
    });
}
