/** `failsim conformance FILE... [--profile P]`: replays conformance vector files. */
import type { Command } from 'commander';
import { OUTLIER_PROFILES } from '../envoy/profiles.ts';
import type { CommandContext } from './main.ts';

export interface ConformanceOpts {
  profile?: string;
  verbose?: boolean;
}

export function addConformanceCommand(program: Command, ctx: CommandContext): void {
  program
    .command('conformance')
    .summary('replay conformance vectors through the Envoy/Istio modules')
    .description(
      'Replay conformance vector files (shared/conformance format) through the Envoy and Istio modules. ' +
        'Prints one line per failure and a closing "N passed, M failed". ' +
        'Exit 0 if all passed, 1 if any failed, 2 for an unreadable or malformed file.',
    )
    .argument('<files...>', 'vector files (outlier-detection.json, load-balancing.json, ...)')
    .option('--profile <profile>', `only this outlier semantics profile (${OUTLIER_PROFILES.join(', ')})`)
    .option('-v, --verbose', 'also print one line per passing case')
    // The vector runner loads only when the command runs (src/cli/main.ts: start-up).
    .action(async (files: string[], opts: ConformanceOpts) => (await import('./conformance-action.ts')).conformanceAction(ctx, files, opts));
}
