/**
 * `failsim check CONFIG... [--client-locality R/Z[/S]]... [--istio V | --envoy V] [--slo errorRate=0.1%]
 * [--json] [--out DIR]`: the standard incident battery against the user's mesh, a scorecard and a
 * verdict; exit 0 pass, 1 fail, 2 bad input (docs/check.md).
 */
import type { Command } from 'commander';
import { addAdviseOptions, type AdviseOpts } from './advise-options.ts';
import type { CommandContext } from './main.ts';

export function addCheckCommand(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command('check')
    .summary('run the standard incident battery against your mesh: scorecard and pass/fail verdict')
    .description(
      'Build a world around your mesh configuration (Kubernetes Services, EndpointSlices, Pods, Nodes, Istio ' +
        'resources), hit each locality that gets priority-0 traffic with the standard incidents (hard down, ' +
        'blackhole, 20% 503 brownout, flapping, 10x latency, pod restart) and a quiet day with background ' +
        '500s then 503s, and judge each against the SLO. Exit 0 when every incident meets it, 1 when any fails, 2 on ' +
        'bad input (docs/check.md).',
    );
  // The battery, the worker pool and the report load only when the command runs (src/cli/main.ts: start-up).
  addAdviseOptions(cmd).action(async (configs: string[], opts: AdviseOpts) => (await import('./check-action.ts')).checkAction(ctx, configs, opts));
}
