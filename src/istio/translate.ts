/**
 * Istio resources → the effective Envoy cluster one client proxy gets, per ServiceEntry host, port
 * and DestinationRule subset (LB spec §11–12, outlier spec §13). The locality algorithms are the
 * standalone functions of ./failover.ts (the ones the conformance replay calls).
 */
import type { ClusterEndpoint, EnvoyCluster, LbPolicy, Locality, SlowStartConfig } from '../envoy/cluster.ts';
import { localityKey } from '../envoy/cluster.ts';
import { parseDurationMs } from '../config/durations.ts';
import {
  applyLocalityLoadBalancer,
  applyZoneAwareLoadBalancer,
  type IstioLbEndpoint,
  type LocalityLbEndpoints,
  type LocalityLbSettingInput,
  type LocalityMode,
} from './failover.ts';
import { augmentTopologyLabels, formatLocality, LABEL_REGION, LABEL_SUBZONE, LABEL_ZONE, parseLocality } from './locality.ts';
import type { IstioConfig, IstioResource } from './load.ts';
import { formatPath, type IstioWarning, type SourceRef } from './diagnostics.ts';
import { healthyPanicThreshold, translateOutlierDetection } from './outlier.ts';
import { translateRetries } from './retry.ts';
import type {
  ConnectionPool,
  DestinationRuleSpec,
  HttpRoute,
  LoadBalancerSettings,
  OutlierDetection,
  ServiceEntrySpec,
  ServicePort,
  TrafficPolicy,
  VirtualServiceSpec,
  WorkloadEntry,
} from './schema.ts';

/** Envoy's / Istio's connect timeout default (MeshConfig connectTimeout 10s). */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_OVERPROVISIONING_FACTOR = 140;
export const LEAST_REQUEST_CHOICE_COUNT = 2;

export interface ClientProxy {
  locality: Locality;
  /** Workload labels; topology labels from the locality (and network) are added as Istio does. */
  labels?: Record<string, string>;
  network?: string;
}

export interface TranslateOptions {
  /** Istio minor version (1.N). */
  istioMinor: number;
  /** Istio master after 2026-07-17: network-first failoverPriority (PR #60829). */
  networkFirstFailoverPriority?: boolean;
  /** Istio master after 1.30: honour `zoneAwareLbSetting`. */
  zoneAwareLbSetting?: boolean;
  /** Istio master after 2026-07-17: PILOT_AUTO_SEND_UNHEALTHY_ENDPOINTS (panic 0 unless minHealthPercent > 0). */
  autoSendUnhealthyEndpoints?: boolean;
  /** PILOT_SEND_UNHEALTHY_ENDPOINTS (default false). */
  sendUnhealthyEndpoints?: boolean;
  /** MeshConfig localityLbSetting (default `{enabled: true}`); null = none. */
  meshLocalityLbSetting?: LocalityLbSettingInput | null;
  /** ENABLE_LOCALITY_WEIGHTED_LB_CONFIG (Istio ≥ 1.24; default false). */
  enableLocalityWeightedLbConfig?: boolean;
}

/** Everything failsim knows about a master build, as one switch. */
export function istioMasterOptions(istioMinor: number): TranslateOptions {
  return { istioMinor, networkFirstFailoverPriority: true, zoneAwareLbSetting: true, autoSendUnhealthyEndpoints: true };
}

export interface TranslatedCluster {
  host: string;
  port: number;
  subset: string | undefined;
  serviceEntry: SourceRef;
  destinationRule: SourceRef | undefined;
  virtualService: SourceRef | undefined;
  resolution: string;
  protocol: string;
  cluster: EnvoyCluster;
  /** How priorities/weights were assigned. */
  localityMode: LocalityMode;
  /** Where the locality setting came from. */
  localitySettingSource: 'destinationRule' | 'mesh' | 'none';
  /** The locality setting asks for failover (failover/failoverPriority rules or the default). */
  localitySettingEnabled: boolean;
  /** The effective Istio outlierDetection block (undefined: none). */
  outlierDetection: OutlierDetection | undefined;
  /** The effective Istio locality setting (after precedence). */
  localitySetting: LocalityLbSettingInput | null;
  warnings: IstioWarning[];
}

const HTTP_PROTOCOLS = new Set(['HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB', 'HTTP_PROXY']);

export function translateIstio(config: IstioConfig, client: ClientProxy, options: TranslateOptions): TranslatedCluster[] {
  const out: TranslatedCluster[] = [];
  for (const se of config.serviceEntries) {
    for (const host of se.spec.hosts) {
      const ports = se.spec.ports ?? [];
      for (const port of ports) {
        const dr = findDestinationRule(config, host);
        const subsets: (string | undefined)[] = [undefined, ...(dr?.spec.subsets ?? []).map((s) => s.name)];
        for (const subset of subsets) out.push(translateOne(config, se, host, port, subset, dr, client, options));
      }
    }
  }
  return out;
}

function refWarn(ref: SourceRef, code: string, message: string, pathParts?: (string | number)[]): IstioWarning {
  return {
    code,
    message,
    file: ref.file,
    document: ref.document,
    resource: `${ref.kind}/${ref.name}`,
    path: pathParts ? formatPath(['spec', ...pathParts]) : undefined,
    pathParts,
  };
}

function hostMatches(pattern: string, host: string): boolean {
  if (pattern === host) return true;
  if (pattern.startsWith('*')) return host.endsWith(pattern.slice(1));
  return false;
}

function findDestinationRule(config: IstioConfig, host: string): IstioResource<DestinationRuleSpec> | undefined {
  const exact = config.destinationRules.find((d) => d.spec.host === host);
  if (exact) return exact;
  // The most specific wildcard wins, as Istio's host matching does.
  const wild = config.destinationRules.filter((d) => d.spec.host.startsWith('*') && hostMatches(d.spec.host, host));
  wild.sort((a, b) => b.spec.host.length - a.spec.host.length);
  return wild[0];
}

interface EffectivePolicy {
  loadBalancer?: LoadBalancerSettings;
  connectionPool?: ConnectionPool;
  outlierDetection?: OutlierDetection;
  /** Path (relative to spec) of the block each field came from, for messages. */
  from: Record<string, (string | number)[]>;
}

/** Port-level settings replace whole fields of the top level; a subset's policy replaces those again. */
function effectivePolicy(dr: DestinationRuleSpec | undefined, port: number, subset: string | undefined): EffectivePolicy {
  const eff: EffectivePolicy = { from: {} };
  const apply = (p: TrafficPolicy | undefined, path: (string | number)[]): void => {
    if (!p) return;
    for (const f of ['loadBalancer', 'connectionPool', 'outlierDetection'] as const) {
      if (p[f] !== undefined) {
        (eff as unknown as Record<string, unknown>)[f] = p[f];
        eff.from[f] = [...path, f];
      }
    }
    p.portLevelSettings?.forEach((pl, i) => {
      if (pl.port.number !== port) return;
      for (const f of ['loadBalancer', 'connectionPool', 'outlierDetection'] as const) {
        if (pl[f] !== undefined) {
          (eff as unknown as Record<string, unknown>)[f] = pl[f];
          eff.from[f] = [...path, 'portLevelSettings', i, f];
        }
      }
    });
  };
  apply(dr?.trafficPolicy, ['trafficPolicy']);
  if (subset !== undefined && dr) {
    const i = dr.subsets!.findIndex((s) => s.name === subset);
    apply(dr.subsets![i].trafficPolicy, ['subsets', i, 'trafficPolicy']);
  }
  return eff;
}

/** Endpoint locality: the `locality` field, else the locality labels (LB spec §11.8). */
function endpointLocality(ep: WorkloadEntry): Locality {
  if (ep.locality) return parseLocality(ep.locality);
  const labels = ep.labels ?? {};
  if (labels['topology.istio.io/locality']) return parseLocality(labels['topology.istio.io/locality']);
  if (labels['istio-locality']) return parseLocality(labels['istio-locality'].replace(/\./g, '/'));
  return { region: labels[LABEL_REGION] ?? '', zone: labels[LABEL_ZONE] ?? '', subzone: labels[LABEL_SUBZONE] ?? '' };
}

interface BuiltEndpoint {
  address: string;
  port: number;
  locality: Locality;
  labels: Record<string, string>;
  weight: number;
}

function buildEndpoints(se: ServiceEntrySpec, host: string, port: ServicePort, subsetLabels: Record<string, string> | undefined): BuiltEndpoint[] {
  const targetPort = port.targetPort ?? port.number;
  const entries: WorkloadEntry[] =
    se.endpoints && se.endpoints.length > 0
      ? se.endpoints
      : se.resolution === 'DNS' || se.resolution === 'DNS_ROUND_ROBIN'
        ? [{ address: host }]
        : [];
  const out: BuiltEndpoint[] = [];
  for (const ep of entries) {
    const labels = ep.labels ?? {};
    if (subsetLabels && !Object.entries(subsetLabels).every(([k, v]) => labels[k] === v)) continue;
    const locality = endpointLocality(ep);
    out.push({
      address: ep.address ?? host,
      port: (port.name !== undefined ? ep.ports?.[port.name] : undefined) ?? targetPort,
      locality,
      labels: augmentTopologyLabels(labels, locality, ep.network),
      weight: ep.weight && ep.weight > 0 ? ep.weight : 1,
    });
  }
  return out;
}

/** Istio groups endpoints by locality label, groups ordered by the sorted label string. */
function groupByLocality(endpoints: BuiltEndpoint[]): { groups: LocalityLbEndpoints[]; byId: Map<string, BuiltEndpoint> } {
  const byKey = new Map<string, BuiltEndpoint[]>();
  const byId = new Map<string, BuiltEndpoint>();
  endpoints.forEach((e, i) => {
    const key = formatLocality(e.locality);
    let list = byKey.get(key);
    if (!list) byKey.set(key, (list = []));
    list.push(e);
    byId.set(String(i), e);
  });
  const ids = new Map<BuiltEndpoint, string>();
  endpoints.forEach((e, i) => ids.set(e, String(i)));
  const groups = [...byKey.keys()].sort().map((key) => {
    const eps = byKey.get(key)!;
    const lbEndpoints: IstioLbEndpoint[] = eps.map((e) => ({ id: ids.get(e)!, labels: e.labels, weight: e.weight }));
    return { locality: eps[0].locality, endpoints: lbEndpoints, weight: eps.reduce((s, e) => s + e.weight, 0), priority: 0 };
  });
  return { groups, byId };
}

function findRoute(
  config: IstioConfig,
  host: string,
  port: number,
  subset: string | undefined,
): { vs: IstioResource<VirtualServiceSpec>; route: HttpRoute; index: number } | undefined {
  for (const vs of config.virtualServices) {
    if (!(vs.spec.hosts ?? []).some((h) => hostMatches(h, host))) continue;
    const http = vs.spec.http ?? [];
    for (let i = 0; i < http.length; i++) {
      const dests = http[i].route ?? [];
      const hit = dests.some(
        (d) => hostMatches(d.destination.host, host) && (d.destination.subset ?? undefined) === subset && (d.destination.port === undefined || d.destination.port.number === port),
      );
      if (hit) return { vs, route: http[i], index: i };
    }
  }
  return undefined;
}

function translateOne(
  config: IstioConfig,
  se: IstioResource<ServiceEntrySpec>,
  host: string,
  port: ServicePort,
  subset: string | undefined,
  dr: IstioResource<DestinationRuleSpec> | undefined,
  client: ClientProxy,
  options: TranslateOptions,
): TranslatedCluster {
  const minor = options.istioMinor;
  const warnings: IstioWarning[] = [];
  const resolution = se.spec.resolution ?? 'NONE';
  const protocol = (port.protocol ?? '').toUpperCase();
  const eff = effectivePolicy(dr?.spec, port.number, subset);
  const drRef = dr?.ref;
  const subsetSpec = subset !== undefined ? dr!.spec.subsets!.find((s) => s.name === subset) : undefined;

  if (resolution === 'NONE') {
    warnings.push(refWarn(se.ref, 'passthrough-resolution', `resolution NONE makes a passthrough (ORIGINAL_DST) cluster: Envoy sends each request to the address the client asked for, with no endpoint list, priorities or load balancing; failsim models the listed endpoints as an EDS cluster`, ['resolution']));
  }
  if (resolution === 'DNS_ROUND_ROBIN' && (se.spec.endpoints?.length ?? 0) > 1) {
    warnings.push(refWarn(se.ref, 'dns-round-robin', 'DNS_ROUND_ROBIN makes a LOGICAL_DNS cluster that uses only the first endpoint; failsim models every endpoint as a host', ['resolution']));
  }

  // ---- endpoints and priorities
  const built = buildEndpoints(se.spec, host, port, subsetSpec?.labels);
  const { groups, byId } = groupByLocality(built);
  const lb = eff.loadBalancer;
  const hasOD = eff.outlierDetection !== undefined;
  const proxyLabels = augmentTopologyLabels(client.labels, client.locality, client.network);
  const fpOptions = { keyValueOverrides: minor >= 18, networkFirst: options.networkFirstFailoverPriority ?? false };

  let localitySetting: LocalityLbSettingInput | null;
  let localitySettingSource: TranslatedCluster['localitySettingSource'];
  const drLocality = lb?.localityLbSetting;
  if (drLocality) {
    localitySetting = drLocality.enabled === false ? null : drLocality;
    localitySettingSource = 'destinationRule';
  } else {
    const mesh = options.meshLocalityLbSetting === undefined ? { enabled: true } : options.meshLocalityLbSetting;
    localitySetting = mesh && mesh.enabled !== false ? mesh : null;
    localitySettingSource = mesh ? 'mesh' : 'none';
  }

  let result: { groups: LocalityLbEndpoints[]; mode: LocalityMode; removed?: boolean[] };
  const zoneAware = lb?.zoneAwareLbSetting;
  if (zoneAware && !options.zoneAwareLbSetting) {
    warnings.push(refWarn(drRef!, 'version-ignored-field', `zoneAwareLbSetting exists only on Istio master (after 1.30); ignored for Istio 1.${minor}`, [...eff.from.loadBalancer, 'zoneAwareLbSetting']));
  }
  if (zoneAware && options.zoneAwareLbSetting && zoneAware.enabled !== false) {
    result = applyZoneAwareLoadBalancer(groups, client.locality, proxyLabels, zoneAware, fpOptions);
    warnings.push(refWarn(drRef!, 'zone-aware-partial', 'zoneAwareLbSetting: failsim assigns the region-bucket priorities; Envoy zone-aware routing inside a priority needs a local cluster and is not applied by this translation', [...eff.from.loadBalancer, 'zoneAwareLbSetting']));
  } else {
    const isDns = resolution === 'DNS' || resolution === 'DNS_ROUND_ROBIN';
    const fpSupported = minor >= 12 && !(isDns && minor < 30);
    if (localitySetting?.failoverPriority?.length && !fpSupported && drRef) {
      warnings.push(
        refWarn(drRef, 'version-ignored-field', minor < 12 ? `failoverPriority exists only since Istio 1.12; ignored` : `Istio 1.${minor} does not apply failoverPriority to DNS (STRICT_DNS) clusters (since 1.30)`, [...(eff.from.loadBalancer ?? []), 'localityLbSetting', 'failoverPriority']),
      );
    }
    result = applyLocalityLoadBalancer(groups, client.locality, proxyLabels, localitySetting, hasOD, {
      ...fpOptions,
      composeFailoverWithPriority: minor >= 20,
      failoverPrioritySupported: fpSupported,
    });
  }

  const endpoints: ClusterEndpoint[] = [];
  const localityWeights: Record<string, number> = {};
  result.groups.forEach((g) => {
    const loc = g.locality ?? { region: '', zone: '', subzone: '' };
    if (g.endpoints.length > 0 && g.weight !== null) localityWeights[`${g.priority}|${localityKey(loc)}`] = g.weight;
    for (const ep of g.endpoints) {
      const b = byId.get(ep.id)!;
      endpoints.push({ address: b.address, port: b.port, locality: b.locality, priority: g.priority, weight: b.weight, labels: b.labels });
    }
  });

  // ---- locality_weighted_lb_config (LB spec §11.6)
  let localityWeighted: boolean;
  if (minor <= 23) localityWeighted = localitySetting !== null;
  else {
    const failoverRules = (localitySetting?.failover?.length ?? 0) > 0 || (localitySetting?.failoverPriority?.length ?? 0) > 0;
    localityWeighted =
      (options.enableLocalityWeightedLbConfig ?? false) ||
      (localitySetting !== null && hasOD && failoverRules) ||
      (localitySetting?.distribute?.length ?? 0) > 0;
  }

  // ---- LB policy
  const defaultPolicy: LbPolicy = minor >= 14 ? 'LEAST_REQUEST' : 'ROUND_ROBIN';
  let lbPolicy: LbPolicy = defaultPolicy;
  switch (lb?.simple) {
    case 'ROUND_ROBIN':
      lbPolicy = 'ROUND_ROBIN';
      break;
    case 'LEAST_REQUEST':
    case 'LEAST_CONN':
      lbPolicy = 'LEAST_REQUEST';
      break;
    case 'RANDOM':
      lbPolicy = 'RANDOM';
      break;
    case 'PASSTHROUGH':
      warnings.push(refWarn(drRef!, 'passthrough-lb', `loadBalancer.simple PASSTHROUGH makes an ORIGINAL_DST cluster (no load balancing); failsim uses ${defaultPolicy} instead`, [...eff.from.loadBalancer, 'simple']));
      break;
    default:
      break;
  }

  // ---- slow start
  let slowStart: SlowStartConfig | undefined;
  if (lb?.warmup) {
    slowStart = {
      window_ms: parseDurationMs(lb.warmup.duration)!,
      aggression: lb.warmup.aggression ?? 1,
      min_weight_percent: lb.warmup.minimumPercent ?? 10,
    };
  } else if (lb?.warmupDurationSecs !== undefined) {
    const ms = parseDurationMs(lb.warmupDurationSecs)!;
    if (ms > 0) slowStart = { window_ms: ms, aggression: 1, min_weight_percent: 10 };
  }
  if (slowStart && lbPolicy === 'RANDOM') {
    warnings.push(refWarn(drRef!, 'warmup-ignored', 'warmup applies only to ROUND_ROBIN and LEAST_REQUEST; ignored with RANDOM', eff.from.loadBalancer));
    slowStart = undefined;
  }

  // ---- outlier detection and panic
  let outlier: EnvoyCluster['outlier_detection'];
  if (eff.outlierDetection) {
    const t = translateOutlierDetection(eff.outlierDetection, minor);
    outlier = t.outlier_detection;
    for (const ig of t.ignored) warnings.push(refWarn(drRef!, 'version-ignored-field', `${ig.field}: ${ig.why} (Istio 1.${minor})`, [...eff.from.outlierDetection, ig.field]));
  }
  const panic = healthyPanicThreshold({
    istioMinor: minor,
    hasOutlierDetection: hasOD,
    minHealthPercent: eff.outlierDetection?.minHealthPercent,
    forcesUnhealthyEndpoints: options.sendUnhealthyEndpoints ?? false,
    autoSendUnhealthyEndpoints: options.autoSendUnhealthyEndpoints ?? false,
  });

  // ---- connect timeout
  const ct = eff.connectionPool?.tcp?.connectTimeout;
  const connectTimeoutMs = ct !== undefined ? parseDurationMs(ct)! : DEFAULT_CONNECT_TIMEOUT_MS;

  // ---- route: retries and timeout
  const isHttp = protocol === '' || HTTP_PROTOCOLS.has(protocol);
  const route = isHttp ? findRoute(config, host, port.number, subset) : undefined;
  let retry: EnvoyCluster['retry_policy'];
  let routeTimeoutMs = 0;
  if (isHttp) {
    const consistentHash = lb?.consistentHash !== undefined;
    const t = translateRetries(route?.route.retries, minor, consistentHash);
    retry = t.policy;
    for (const ig of t.ignored) warnings.push(refWarn(route!.vs.ref, 'version-ignored-field', `retries.${ig.field}: ${ig.why} (Istio 1.${minor})`, ['http', route!.index, 'retries', ig.field]));
    if (route?.route.retries && (route.route.retries.attempts ?? 0) <= 0) {
      warnings.push(refWarn(route.vs.ref, 'retries-disabled', 'retries without attempts > 0 disables retries entirely (Istio treats attempts ≤ 0 as "no retry policy")', ['http', route.index, 'retries']));
    }
    if (route?.route.timeout !== undefined) routeTimeoutMs = parseDurationMs(route.route.timeout)!;
    if (route && (route.route.route?.length ?? 0) > 1) {
      warnings.push(refWarn(route.vs.ref, 'traffic-split', 'a route with several destinations splits traffic between clusters; failsim explains each cluster on its own', ['http', route.index, 'route']));
    }
    if (protocol === '') {
      warnings.push(refWarn(se.ref, 'protocol-sniffed', `port ${port.number} has no protocol: Istio auto-detects it; failsim assumes HTTP`, ['ports']));
    }
  } else {
    warnings.push(refWarn(se.ref, 'non-http-port', `port ${port.number} is ${protocol}: TCP proxying has no HTTP retries or route timeout`, ['ports']));
  }

  const cluster: EnvoyCluster = {
    name: `outbound|${port.number}|${subset ?? ''}|${host}`,
    endpoints,
    locality_weighted_lb_config: localityWeighted,
    locality_weights: localityWeighted ? localityWeights : {},
    lb_policy: lbPolicy,
    least_request_choice_count: LEAST_REQUEST_CHOICE_COUNT,
    slow_start: slowStart,
    overprovisioning_factor: DEFAULT_OVERPROVISIONING_FACTOR,
    healthy_panic_threshold: panic,
    outlier_detection: outlier,
    connect_timeout_ms: connectTimeoutMs,
    route_timeout_ms: routeTimeoutMs,
    retry_policy: retry,
  };
  return {
    host,
    port: port.number,
    subset,
    serviceEntry: se.ref,
    destinationRule: drRef,
    virtualService: route?.vs.ref,
    resolution,
    protocol: protocol || 'HTTP',
    cluster,
    localityMode: result.mode,
    localitySettingSource,
    localitySettingEnabled: localitySetting !== null,
    outlierDetection: eff.outlierDetection,
    localitySetting,
    warnings,
  };
}
