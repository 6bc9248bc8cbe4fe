/**
 * `failsim init CONFIG... > scenario.yaml`: a commented scenario for the mesh (the world check
 * builds, one example incident), and the Istio file it names (--istio-out, default mesh-istio.yaml).
 */
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { initScenario } from '../advise/init.ts';
import { addAdviseOptions, readAdviseInputs, type AdviseOpts } from './advise-options.ts';
import type { CommandContext } from './main.ts';

interface InitOpts extends AdviseOpts {
  istioOut?: string;
}

export function addInitCommand(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command('init')
    .summary('write a commented scenario for your mesh (the world check builds) to stdout')
    .description(
      'Write, to stdout, a commented scenario for the mesh: the clients, endpoint latencies by distance\n' +
        'and one example incident that failsim check would run, for editing by hand and failsim run.\n' +
        'The Istio configuration it simulates is written to --istio-out (default mesh-istio.yaml).',
    );
  addAdviseOptions(cmd, false)
    .option('--slo <errorRate=P%[,window=D]>', 'the SLO whose error rate sets the mitigation threshold (default errorRate=0.1%)', (v: string, p: string[] | undefined) => [...(p ?? []), v])
    .option('--istio-out <file>', 'where to write the Istio configuration the scenario names (default mesh-istio.yaml)');
  cmd.action((configs: string[], opts: InitOpts) => {
    const { mesh, world, plan } = readAdviseInputs(configs, { ...opts, replications: '1' });
    const istioFile = opts.istioOut ?? 'mesh-istio.yaml';
    writeFileSync(istioFile, plan.istio);
    ctx.stdout(initScenario(plan, mesh, world, istioFile, `failsim init ${configs.map((c) => basename(c)).join(' ')}`));
    ctx.stderr(`failsim: wrote ${istioFile} (the scenario's istio: file)\n`);
  });
}
