/**
 * `failsim tune CONFIG... [same options as check] [--budget N] [--json] [--out DIR]`: an adaptive
 * search over the DestinationRule's outlierDetection against the incident battery; the recommended
 * settings with their scorecard next to the current ones, the trade-off and a ready-to-apply patch
 * (docs/check.md).
 */
import type { Command } from 'commander';
import { TUNED_FIELDS } from '../advise/tuned-fields.ts';
import { addAdviseOptions, type AdviseOpts } from './advise-options.ts';
import type { CommandContext } from './main.ts';

export const DEFAULT_BUDGET = 3000;

export interface TuneOpts extends AdviseOpts {
  budget?: string;
  fields?: string;
}

export function addTuneCommand(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command('tune')
    .summary('search outlierDetection (and route retry) settings against the incident battery; recommend and patch')
    .description(
      'Vary the DestinationRule\'s consecutive5xxErrors, consecutiveGatewayErrors, interval, baseEjectionTime ' +
        'and maxEjectionPercent, and where the host\'s VirtualService route has a retries block its attempts, ' +
        'retryRemoteLocalities (Istio >= 1.6) and perTryTimeout (when set), against the check battery (coarse ' +
        'grid, then refined around the Pareto front of failed requests, cross-locality traffic and quiet-day ' +
        'false ejections), within --budget runs. Prints the recommended settings with their scorecard next to ' +
        'the current ones, the trade-off and a ready-to-apply DestinationRule (and VirtualService when its ' +
        'retries change) (docs/check.md).',
    );
  addAdviseOptions(cmd)
    .option(
      '--budget <runs>',
      `most simulation runs to spend in all, never exceeded (default ${DEFAULT_BUDGET}); a run is one incident (or the quiet day) ` +
        'against one target from one client locality at one seed for one candidate setting; at least what the ' +
        "current settings' battery takes: its runs per replication x --replications",
    )
    .option('--fields <f1,f2,...>', `fields to vary (default all: ${TUNED_FIELDS.join(',')}; the retry fields where the config has a retries block)`);
  // The search, the worker pool and the report load only when the command runs (src/cli/main.ts: start-up).
  cmd.action(async (configs: string[], opts: TuneOpts) => (await import('./tune-action.ts')).tuneAction(ctx, configs, opts));
}
