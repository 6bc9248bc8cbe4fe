/**
 * The standard incident battery `failsim check` runs against a mesh: for every client locality, each
 * locality that gets its priority-0 traffic is hit by six incidents (one run each), and the client
 * has a quiet day with background noise. A cell is one (incident, target, client) run; it is
 * replicated with seeds 1..R, the same seeds for every cell and every tuning point (common random
 * numbers). Pure: the plan is scenarios as objects and the Istio configuration as YAML text.
 */
import { explain, type ExplainReport } from '../api.ts';
import { UserError } from '../config/errors.ts';
import { parseRate } from '../config/durations.ts';
import type { Locality } from '../envoy/cluster.ts';
import { formatLocality, parseLocality } from '../istio/locality.ts';
import type { Mesh, MeshService } from '../mesh/build.ts';
import { meshIstioYaml } from '../mesh/istio-yaml.ts';
import type { Slo } from './slo.ts';
import { distance, isLocal, type World } from './world.ts';

export type IncidentName = 'hard-down' | 'blackhole' | 'brownout' | 'flapping' | 'gray-failure' | 'pod-restart';

export interface IncidentDef {
  name: IncidentName;
  /** The fault kind in scenario terms, for output. */
  kind: string;
  description: string;
  /** A whole locality, or one pod (endpoint) of it. */
  scope: 'locality' | 'pod';
  /** The fault's fields besides its target and window. */
  fault: Record<string, unknown>;
  fromMs: number;
  untilMs: number;
  durationMs: number;
}

const WARM_UP_MS = 30_000;
const INCIDENT_MS = 300_000;
const AFTER_MS = 180_000;
const window = (ms: number) => ({ fromMs: WARM_UP_MS, untilMs: WARM_UP_MS + ms, durationMs: WARM_UP_MS + ms + AFTER_MS });

/** Five minutes each (a pod restart: 20 s), after 30 s of normal traffic and followed by 3 min to fail back. */
export const INCIDENTS: readonly IncidentDef[] = [
  { name: 'hard-down', kind: 'connect-refused', description: 'every pod refuses connections', scope: 'locality', fault: { kind: 'connect-refused' }, ...window(INCIDENT_MS) },
  { name: 'blackhole', kind: 'connect-timeout', description: 'connections time out (the cluster connect timeout)', scope: 'locality', fault: { kind: 'connect-timeout' }, ...window(INCIDENT_MS) },
  { name: 'brownout', kind: 'http-error 503 20%', description: '20 % of requests answered 503', scope: 'locality', fault: { kind: 'http-error', code: 503, rate: 0.2 }, ...window(INCIDENT_MS) },
  { name: 'flapping', kind: 'flapping', description: 'connections refused 10 s, healthy 20 s, in turn', scope: 'locality', fault: { kind: 'flapping', down: '10s', up: '20s' }, ...window(INCIDENT_MS) },
  { name: 'gray-failure', kind: 'latency x10', description: '10x slower, no errors', scope: 'locality', fault: { kind: 'latency', factor: 10 }, ...window(INCIDENT_MS) },
  { name: 'pod-restart', kind: 'connect-refused 20s', description: 'one pod refuses connections for 20 s while it restarts', scope: 'pod', fault: { kind: 'connect-refused' }, ...window(20_000) },
];

/**
 * A quiet day (false-ejection check): 10 minutes, every endpoint answering 0.01 % of requests with
 * 500 for the first 5 minutes, then with 503. Both halves feed consecutive_5xx; only the 503s feed
 * consecutive_gateway_failure (502/503/504: src/envoy/outlier/detector.ts putHttpResponseCode), so
 * consecutiveGatewayErrors: 1 shows its false ejections here too instead of looking free to tune.
 */
export const QUIET_DAY = {
  durationMs: 600_000,
  text: '0.01% background 500s, then 503s, on every endpoint',
  faults: [
    { from: '0s', until: '300s', kind: 'http-error', code: 500, rate: 0.0001 },
    { from: '300s', kind: 'http-error', code: 503, rate: 0.0001 },
  ],
} as const;

export interface BatteryOptions {
  /** Client sidecar localities; default: every locality of the service's endpoints. */
  clientLocalities?: readonly string[];
  versions?: { istio?: string; envoy?: string };
  world: World;
  slo: Slo;
  replications: number;
  /** Check only this host (default: the hosts the DestinationRules name, else every service). */
  host?: string;
}

export interface Cell {
  host: string;
  incident: IncidentName | 'quiet-day';
  /** The locality (or pod) hit, as text; the client's locality for the quiet day. */
  target: string;
  client: string;
  /** Requests per second of the cell's clients (for the error budget). */
  ratePerSecond: number;
  /** Endpoint addresses in the client's own locality (cross-locality share = the others). */
  localEndpoints: string[];
  scenario: Record<string, unknown>;
}

export interface BatteryPlan {
  hosts: string[];
  istio: string;
  cells: Cell[];
  replications: number;
  slo: Slo;
  istioMinor: number | null;
  envoyMinor: number;
  /** Explain warnings for the checked hosts, and the notes from reading the mesh. */
  warnings: { code: string; message: string }[];
}

/** One run: a cell at one replication (seed = replication + 1), with extra `--set`s (tuning points). */
export interface BatteryJob {
  cell: number;
  replication: number;
  name: string;
  scenario: Record<string, unknown>;
  istio: string;
  seed: number;
  sets: string[];
  client: string;
  localEndpoints: string[];
}

export function planBattery(mesh: Mesh, options: BatteryOptions): BatteryPlan {
  const istio = meshIstioYaml(mesh);
  const services = checkedServices(mesh, options.host);
  const versions = options.versions ?? {};
  const rate = parseRate(options.world.clients.rate);
  if (rate === undefined || rate <= 0) throw new UserError(`clients.rate: expected a rate like 300/s (got ${JSON.stringify(options.world.clients.rate)})`);
  const cells: Cell[] = [];
  const warnings = new Map<string, { code: string; message: string }>();
  for (const n of mesh.notes) warnings.set(`${n.code}:${n.message}`, { code: n.code, message: n.resource ? `${n.resource}: ${n.message}` : n.message });
  let report: ExplainReport | undefined;
  for (const svc of services) {
    const clients = clientLocalities(svc, options.clientLocalities);
    for (const clientText of clients) {
      report = explain({ istio, clientLocalities: [clientText], versions, names: { config: 'mesh' } });
      const cluster = report.clusters.find((c) => c.host === svc.host && c.subset === null);
      if (!cluster) throw new UserError(`${svc.host}: no cluster for this host (is its port HTTP?)`);
      for (const w of [...report.warnings, ...cluster.warnings]) {
        if (w.code === 'no-client-locality') continue;
        warnings.set(`${w.code}:${w.message}`, { code: w.code, message: w.message });
      }
      const client = parseLocality(clientText);
      const endpointLocality = new Map(svc.endpoints.map((e) => [e.address, e.locality]));
      const localEndpoints = svc.endpoints.filter((e) => isLocal(client, e.locality)).map((e) => e.address);
      const base = (name: string, durationMs: number, faults: Record<string, unknown>[]): Record<string, unknown> => ({
        name,
        istio: 'mesh.yaml',
        ...(versions.istio || versions.envoy ? { versions: { ...(versions.istio ? { istio: versions.istio } : {}), ...(versions.envoy ? { envoy: versions.envoy } : {}) } } : {}),
        duration: `${durationMs / 1000}s`,
        seed: 1,
        clients: [{ locality: clientText, replicas: options.world.clients.replicas, rate: options.world.clients.rate, host: svc.host }],
        endpoints: endpointModels(svc, client, options.world),
        faults,
        metrics: { mitigation: { threshold: options.slo.errorRate } },
      });
      const p0 = cluster.endpoints.filter((e) => e.priority === 0);
      const targets = [...new Set(p0.map((e) => e.locality))];
      for (const target of targets) {
        for (const inc of INCIDENTS) {
          const firstPod = p0.find((e) => e.locality === target)!.address;
          const where = inc.scope === 'pod' ? { endpoint: firstPod } : { locality: target || formatLocality(endpointLocality.get(firstPod) ?? null) };
          const fault = { ...where, from: `${inc.fromMs / 1000}s`, until: `${inc.untilMs / 1000}s`, ...inc.fault };
          cells.push({
            host: svc.host,
            incident: inc.name,
            target: inc.scope === 'pod' ? `${target} (${firstPod})` : target,
            client: clientText,
            ratePerSecond: rate,
            localEndpoints,
            scenario: base(`check ${inc.name} ${target} from ${clientText}`, inc.durationMs, [fault]),
          });
        }
      }
      const noise = [...new Set(svc.endpoints.map((e) => e.address))].flatMap((address) => QUIET_DAY.faults.map((f) => ({ endpoint: address, ...f })));
      cells.push({
        host: svc.host,
        incident: 'quiet-day',
        target: clientText,
        client: clientText,
        ratePerSecond: rate,
        localEndpoints,
        scenario: base(`check quiet day from ${clientText}`, QUIET_DAY.durationMs, noise),
      });
    }
  }
  return {
    hosts: services.map((s) => s.host),
    istio,
    cells,
    replications: options.replications,
    slo: options.slo,
    istioMinor: report?.istioMinor ?? null,
    envoyMinor: report?.envoyMinor ?? 0,
    warnings: [...warnings.values()],
  };
}

/** Every run of a plan: cells × replications, replication-major so early results cover every cell. */
export function batteryJobs(plan: BatteryPlan, sets: readonly string[] = []): BatteryJob[] {
  const jobs: BatteryJob[] = [];
  for (let r = 0; r < plan.replications; r++) {
    plan.cells.forEach((cell, i) => {
      jobs.push({
        cell: i,
        replication: r,
        name: String(cell.scenario.name),
        scenario: cell.scenario,
        istio: plan.istio,
        seed: r + 1,
        sets: [...sets],
        client: cell.client,
        localEndpoints: cell.localEndpoints,
      });
    });
  }
  return jobs;
}

/** The hosts to check: the one asked for, else those a DestinationRule names, else every service. */
function checkedServices(mesh: Mesh, host: string | undefined): MeshService[] {
  const withEndpoints = mesh.services.filter((s) => s.endpoints.length > 0);
  if (host !== undefined) {
    const svc = withEndpoints.find((s) => s.host === host || s.host.startsWith(`${host}.`));
    if (!svc) throw new UserError(`--host ${host}: no service with endpoints of that name (known: ${withEndpoints.map((s) => s.host).join(', ')})`);
    return [svc];
  }
  const named = withEndpoints.filter((s) => mesh.istio.destinationRules.some((dr) => dr.spec.host === s.host));
  return named.length > 0 ? named : withEndpoints;
}

function clientLocalities(svc: MeshService, given: readonly string[] | undefined): string[] {
  if (given && given.length > 0) return [...given];
  const found = [...new Set(svc.endpoints.filter((e) => e.locality && e.locality.region).map((e) => formatLocality(e.locality)))];
  if (found.length === 0) {
    throw new UserError(`${svc.host}: its endpoints have no locality, so failsim cannot place the clients: give --client-locality REGION/ZONE`);
  }
  return found.sort();
}

/** Each endpoint's latency model seen from the client: by distance, or the world file's own entry. */
function endpointModels(svc: MeshService, client: Locality, world: World): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const e of svc.endpoints) {
    const d = distance(client, e.locality);
    const own = world.endpoints[e.address];
    out[e.address] = {
      latency: own?.latency ?? world.latency[d],
      connectRefusedDelay: own?.connectRefusedDelay ?? world.connectRefusedDelay[d],
    };
  }
  return out;
}
