/**
 * `failsim init CONFIG... > scenario.yaml`: a commented scenario for the mesh (the world check
 * builds, one example incident), and the Istio file it names (--istio-out, default mesh-istio.yaml).
 */
import type { Command } from 'commander';
import { addAdviseOptions, type AdviseOpts } from './advise-options.ts';
import type { CommandContext } from './main.ts';

export interface InitOpts extends AdviseOpts {
  istioOut?: string;
}

export function addInitCommand(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command('init')
    .summary('write a commented scenario for your mesh (the world check builds) to stdout')
    .description(
      'Write, to stdout, a commented scenario for the mesh: the clients, endpoint latencies by distance ' +
        'and one example incident that failsim check would run, for editing by hand and failsim run. ' +
        'The Istio configuration it simulates is written to --istio-out (default mesh-istio.yaml).',
    );
  addAdviseOptions(cmd, false)
    .option('--slo <errorRate=P%[,window=D]>', 'the SLO whose error rate sets the mitigation threshold (default errorRate=0.1%)', (v: string, p: string[] | undefined) => [...(p ?? []), v])
    .option('--istio-out <file>', 'where to write the Istio configuration the scenario names (default mesh-istio.yaml)');
  // The mesh readers load only when the command runs (src/cli/main.ts: start-up).
  cmd.action(async (configs: string[], opts: InitOpts) => (await import('./init-action.ts')).initAction(ctx, configs, opts));
}
