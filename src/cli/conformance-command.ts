/** `failsim conformance FILE... [--profile P]`: replays conformance vector files. */
import type { Command } from 'commander';
import { OUTLIER_PROFILES, isOutlierProfileId } from '../envoy/profiles.ts';
import { runConformanceFile } from '../conformance/runner.ts';
import type { CaseResult } from '../conformance/types.ts';
import { UserError } from './errors.ts';
import type { CommandContext } from './main.ts';

export function addConformanceCommand(program: Command, ctx: CommandContext): void {
  program
    .command('conformance')
    .summary('replay conformance vectors through the Envoy/Istio modules')
    .description(
      'Replay conformance vector files (shared/conformance format) through the Envoy and Istio modules.\n' +
        'Prints one line per failure and a closing "N passed, M failed".\n' +
        'Exit 0 if all passed, 1 if any failed, 2 for an unreadable or malformed file.',
    )
    .argument('<files...>', 'vector files (outlier-detection.json, load-balancing.json, ...)')
    .option('--profile <profile>', `only this outlier semantics profile (${OUTLIER_PROFILES.join(', ')})`)
    .option('-v, --verbose', 'also print one line per passing case')
    .action((files: string[], opts: { profile?: string; verbose?: boolean }) => {
      if (opts.profile !== undefined && !isOutlierProfileId(opts.profile)) {
        throw new UserError(`--profile: "${opts.profile}" is not one of ${OUTLIER_PROFILES.join(', ')}`);
      }
      const results: CaseResult[] = [];
      for (const file of files) results.push(...runConformanceFile(file, { profile: opts.profile }));
      let passed = 0;
      let failed = 0;
      for (const r of results) {
        const label = `${r.file}: ${r.vector}${r.profile ? ` [${r.profile}]` : ''}`;
        if (r.differences.length === 0) {
          passed++;
          if (opts.verbose) ctx.stdout(`ok   ${label}\n`);
        } else {
          failed++;
          ctx.stdout(`FAIL ${label}: ${r.differences.join('; ')}\n`);
        }
      }
      ctx.stdout(`${passed} passed, ${failed} failed\n`);
      ctx.setExitCode(failed > 0 ? 1 : 0);
    });
}
