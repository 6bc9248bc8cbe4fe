/** `failsim run <scenario>`: one simulation run; a readable summary, or JSON, and output files. */
import type { Command } from 'commander';
import type { CommandContext } from './main.ts';

export interface RunOptions {
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
      'override a scenario field (versions.istio=1.10), an Istio resource field ' +
        "('DestinationRule/mydynamodb:spec.trafficPolicy.outlierDetection.maxEjectionPercent=100'), " +
        "or a field of a plain Envoy file ('Cluster/mydb:outlier_detection.max_ejection_percent=50', 'Route/<name>:...'); repeatable",
      collect,
      [],
    )
    .option('--no-progress', 'no progress bar on stderr (shown on a terminal when a run takes over a second)')
    .option('--force', 'run even when the estimate passes the limits (1e9 requests + detector ticks, 1 GiB; docs/limits.md)')
    // The simulator loads only when the command runs (src/cli/main.ts: start-up).
    .action(async (file: string, opts: RunOptions) => (await import('./run-action.ts')).runAction(ctx, file, opts));
}
