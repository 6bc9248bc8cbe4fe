/**
 * `failsim explain <scenario-or-istio-or-envoy-yaml> [--client-locality r/z/s]... [--istio 1.x | --envoy 1.x] [--cluster name] [--json]`:
 * the effective Envoy cluster each client locality gets from the user's Istio YAML (or the cluster
 * of a plain Envoy file, docs/envoy-config.md), with Envoy's defaults filled in and warnings for the
 * known traps. See docs/explain.md.
 */
import type { Command } from 'commander';
import type { CommandContext } from './main.ts';

export interface ExplainOpts {
  clientLocality?: string[];
  istio?: string;
  envoy?: string;
  cluster?: string;
  endpoints?: string[];
  json?: boolean;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function addExplainCommand(program: Command, ctx: CommandContext): void {
  program
    .command('explain')
    .summary('show the effective Envoy cluster each client sidecar gets, with warnings')
    .description(
      'Show the effective Envoy cluster each client proxy gets from Istio YAML: endpoint priorities and ' +
        'weights, outlier detection with Envoy defaults, panic threshold, LB policy, retry policy, the ' +
        'ejection cap, and warnings for known traps. Input: Istio and Kubernetes YAML files or directories (kubectl get -o yaml dumps), or a scenario whose ' +
        '`istio:` key names one; or a plain Envoy cluster file (docs/envoy-config.md) or a scenario whose ' +
        '`envoy:` key names one.',
    )
    .argument(
      '<files...>',
      'Istio and Kubernetes YAML (ServiceEntry/DestinationRule/VirtualService, Service/EndpointSlice/Pod/Node/WorkloadEntry, kubectl -o yaml dumps; files or directories), or one Envoy cluster file or scenario',
    )
    .option('--client-locality <region/zone/subzone>', 'client proxy locality (repeatable)', collect)
    .option('--endpoints <host=region/zone:count,...>', 'endpoints for a host the files give none for (repeatable)', collect)
    .option('--istio <version>', 'Istio release whose translation and Envoy to reproduce, e.g. 1.28')
    .option('--envoy <version>', 'Envoy release (Istio version inferred as Envoy − 8)')
    .option('--cluster <name>', 'Envoy bootstrap file: which of static_resources.clusters to explain')
    .option('--json', 'machine-readable output (see docs/explain.md)')
    // The Istio translation loads only when the command runs (src/cli/main.ts: start-up).
    .action(async (files: string[], opts: ExplainOpts) => (await import('./explain-action.ts')).explainAction(ctx, files, opts));
}
