/**
 * `failsim init`: the world `check` builds for one client locality, with one example incident
 * (the hard down of its priority-0 locality), as a commented scenario for `failsim run`.
 */
import YAML from 'yaml';
import type { BatteryPlan, Cell } from './battery.ts';
import { DISTANCES, distance, type World } from './world.ts';
import { parseLocality } from '../istio/locality.ts';
import type { Mesh } from '../mesh/build.ts';

const block = (value: unknown): string => YAML.stringify(value, { lineWidth: 0, flowCollectionPadding: true }).trimEnd();
const flow = (value: unknown): string => YAML.stringify(value, { lineWidth: 0, collectionStyle: 'flow' }).trim();
const indent = (text: string): string => text.replace(/^/gm, '  ');

/** The scenario text; `istioFile` is what its istio: key names (written by the caller). */
export function initScenario(plan: BatteryPlan, mesh: Mesh, world: World, istioFile: string, command: string): string {
  const cell: Cell = plan.cells.find((c) => c.incident === 'hard-down') ?? plan.cells[0];
  const s = cell.scenario as {
    versions?: unknown;
    clients: Record<string, unknown>[];
    endpoints: Record<string, unknown>;
    faults: Record<string, unknown>[];
  };
  const client = parseLocality(cell.client);
  const svc = mesh.services.find((x) => x.host === cell.host)!;
  const lines: string[] = [];
  lines.push(`# Written by \`${command}\`:`);
  lines.push(`# the world failsim check builds for the clients in ${cell.client}, with one example incident.`);
  lines.push('# Run it with `failsim run <this file>`; every field is in docs/scenario.md.');
  lines.push(`name: ${cell.host.split('.')[0]}-${cell.client.replace(/\//g, '-')}`);
  lines.push(`# The mesh as Istio sees it: a ServiceEntry per Kubernetes Service (its ready endpoints, labels and`);
  lines.push(`# localities) and your DestinationRules / VirtualServices. Edit that file to try other settings.`);
  lines.push(`istio: ${istioFile}`);
  if (s.versions) lines.push(`versions: ${flow(s.versions)}   # the Istio (or Envoy) release whose behaviour to reproduce`);
  else lines.push('# versions: { istio: "1.28" }   # the release whose behaviour to reproduce (default: the newest)');
  lines.push('duration: 8m30s   # 30 s of normal traffic, the 5-minute incident, 3 minutes to fail back');
  lines.push('seed: 1           # same seed, same run; change it (or --seed) for another replication');
  lines.push('clients:');
  lines.push(`  # ${world.clients.replicas} sidecars, each with its own outlier detector and load balancer, sending`);
  lines.push(`  # ${world.clients.rate} in all (Poisson arrivals) to ${cell.host}`);
  lines.push(indent(block(s.clients)));
  lines.push('endpoints:');
  lines.push(`  # Latency by distance from ${cell.client}: same zone, same region, another region`);
  lines.push(`  # (${DISTANCES.map((d) => `${d} ${flow(world.latency[d])}`).join(', ')}),`);
  lines.push('  # and how long a refused connection takes (one round trip).');
  for (const [address, model] of Object.entries(s.endpoints)) {
    const e = svc.endpoints.find((x) => x.address === address);
    const where = e?.locality ? `${[e.locality.region, e.locality.zone, e.locality.subzone].filter(Boolean).join('/')}, ${distance(client, e.locality)}` : 'no locality';
    lines.push(`  ${JSON.stringify(address)}: ${flow(model)}   # ${where}`);
  }
  lines.push('faults:');
  lines.push('  # One example: the locality that gets these clients\' priority-0 traffic refuses connections.');
  lines.push('  # Other kinds: connect-timeout, blackhole, http-error {code, rate}, flapping {down, up},');
  lines.push('  # latency {factor}, reset; a fault targets one endpoint (endpoint:) or a locality (locality:).');
  lines.push(indent(block(s.faults)));
  lines.push('metrics:');
  lines.push(`  # Mitigation = the clients' error rate over 10 s falls to the SLO's ${+(plan.slo.errorRate * 100).toPrecision(6)}% and stays.`);
  lines.push(indent(block((cell.scenario as { metrics: unknown }).metrics)));
  return `${lines.join('\n')}\n`;
}
