/**
 * The options check, tune and init share (CONFIG..., the world, the SLO, versions, client
 * localities); advise-inputs.ts reads them into a mesh, a world and a battery plan.
 */
import type { Command } from 'commander';

export interface AdviseOpts {
  clientLocality?: string[];
  istio?: string;
  envoy?: string;
  slo?: string[];
  world?: string;
  replications?: string;
  workers?: string;
  host?: string;
  endpoints?: string[];
  json?: boolean;
  out?: string;
  progress?: boolean;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** The options every advise command takes. */
export function addAdviseOptions(cmd: Command, withRuns = true): Command {
  cmd
    .argument('<configs...>', 'Kubernetes and Istio YAML: files or directories (kubectl get svc,endpointslices,destinationrules,... -o yaml)')
    .option('--client-locality <region/zone/subzone>', 'client sidecars here (repeatable; default: every locality of the endpoints)', collect)
    .option('--istio <version>', 'Istio release to reproduce, e.g. 1.28 (default: the newest)')
    .option('--envoy <version>', 'Envoy release (instead of --istio)')
    .option('--host <host>', 'check this service only (default: the hosts the DestinationRules name)')
    .option('--endpoints <host=region/zone:count,...>', 'endpoints for a host the files give none for (repeatable)', collect)
    .option('--world <file>', 'latency by distance, clients and per-endpoint models (docs/check.md)');
  if (withRuns) {
    cmd
      .option('--slo <errorRate=P%[,window=D]>', 'the objective incidents are judged against (default errorRate=0.1%,window=1d)', collect)
      .option('--replications <n>', 'runs per incident, with seeds 1..n (default 10)')
      .option('--workers <n>', 'worker threads (default: available parallelism)')
      .option('--json', 'one JSON document on stdout')
      .option('--out <dir>', 'write the runs, the scenarios and an HTML report here')
      .option('--no-progress', 'no progress bar on stderr');
  }
  return cmd;
}
