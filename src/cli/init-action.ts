/** What `failsim init` does (its options: init-command.ts): the scenario on stdout, the Istio file it names. */
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { initScenario } from '../advise/init.ts';
import { readAdviseInputs } from './advise-inputs.ts';
import type { InitOpts } from './init-command.ts';
import type { CommandContext } from './main.ts';

export function initAction(ctx: CommandContext, configs: string[], opts: InitOpts): void {
  const { mesh, world, plan } = readAdviseInputs(configs, { ...opts, replications: '1' });
  const istioFile = opts.istioOut ?? 'mesh-istio.yaml';
  writeFileSync(istioFile, plan.istio);
  ctx.stdout(initScenario(plan, mesh, world, istioFile, `failsim init ${configs.map((c) => basename(c)).join(' ')}`));
  ctx.stderr(`failsim: wrote ${istioFile} (the scenario's istio: file)\n`);
}
