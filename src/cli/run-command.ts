/** `failsim run <scenario>`: one simulation run; a readable summary, or JSON, and output files. */
import type { Command } from 'commander';
import { simulateRun } from '../api.ts';
import { parseDurationMs } from '../config/durations.ts';
import { readScenarioFiles } from '../node/files.ts';
import { MissingChartFontError } from '../report/chart-font.ts';
import { writeRunOutputs } from '../report/run-outputs.ts';
import { formatRunSummary } from './format-run.ts';
import { UserError } from './errors.ts';
import type { CommandContext } from './main.ts';
import { runProgress } from './progress.ts';
import { prepareOutputDir } from './output-dir.ts';

interface RunOptions {
  json?: boolean;
  out?: string;
  seed?: string;
  duration?: string;
  set: string[];
  progress?: boolean;
  force?: boolean;
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
    .option('--no-progress', 'no progress bar on stderr (shown on a terminal when a run takes over a second)')
    .option('--force', 'run even when the estimate passes the limits (1e9 requests + detector ticks, 1 GiB; docs/limits.md)')
    .action(async (file: string, opts: RunOptions) => {
      if (opts.seed !== undefined && !/^\d+$/.test(opts.seed)) {
        throw new UserError(`--seed: expected a non-negative integer (got "${opts.seed}")`);
      }
      if (opts.duration !== undefined && parseDurationMs(opts.duration) === undefined) {
        throw new UserError(`--duration: expected a duration like 30s, 10m, 1h (got "${opts.duration}")`);
      }
      const progress = runProgress(opts.progress !== false);
      const input = readScenarioFiles(file, {
        sets: opts.set,
        seed: opts.seed === undefined ? undefined : Number(opts.seed),
        duration: opts.duration,
        onProgress: progress.active ? progress.update : undefined,
      });
      if (opts.out !== undefined) prepareOutputDir(opts.out, '--out');
      let output;
      try {
        output = simulateRun({ ...input, limits: opts.force ? 'none' : ctx.limits }, { recordEvents: opts.out !== undefined });
      } finally {
        progress.stop();
      }
      const { summary, result } = output;
      const json = `${JSON.stringify(summary, null, 2)}\n`;
      if (opts.out !== undefined) {
        try {
          await writeRunOutputs(opts.out, result, summary, json);
        } catch (e) {
          if (e instanceof MissingChartFontError) throw new UserError(e.message);
          throw e;
        }
      }
      ctx.stdout(opts.json ? json : formatRunSummary(summary));
    });
}
