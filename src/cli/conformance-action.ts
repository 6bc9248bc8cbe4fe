/** What `failsim conformance` does (its options: conformance-command.ts): replay the files, print, set the exit code. */
import { OUTLIER_PROFILES, isOutlierProfileId } from '../envoy/profiles.ts';
import { runConformanceFile } from '../conformance/runner.ts';
import type { CaseResult } from '../conformance/types.ts';
import type { ConformanceOpts } from './conformance-command.ts';
import { UserError } from './errors.ts';
import type { CommandContext } from './main.ts';

export function conformanceAction(ctx: CommandContext, files: string[], opts: ConformanceOpts): void {
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
}
