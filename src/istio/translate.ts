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
import { augmentTopologyLabels, DEFAULT_CLUSTER_ID, parseLocality, workloadEntryLocalityLabel, type TopologyContext } from './locality.ts';
import { effectiveTrafficPolicy, portLevelReplacementWarnings } from './traffic-policy.ts';
import { consolidatedDestinationRule } from './destination-rule-merge.ts';
import { readTrafficDistribution, trafficDistributionSetting, type TrafficDistribution } from './traffic-distribution.ts';
import type { IstioConfig, IstioResource } from './load.ts';
import { resourceWarning, type IstioWarning, type SourceRef } from './diagnostics.ts';
import { healthyPanicThreshold, sendsUnhealthyEndpoints, translateOutlierDetection } from './outlier.ts';
import { translateRetries } from './retry.ts';
import type {
  DestinationRuleSpec,
  HttpRoute,
  OutlierDetection,
  ServiceEntrySpec,
  ServicePort,
  VirtualServiceSpec,
  WorkloadEntry,
} from './schema.ts';

/** Envoy's / Istio's connect timeout default (MeshConfig connectTimeout 10s). */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_OVERPROVISIONING_FACTOR = 140;
export const LEAST_REQUEST_CHOICE_COUNT = 2;

export interface ClientProxy {
  locality: Locality;
  /** Workload labels; topology labels from the locality, network, cluster and node are added as Istio does. */
  labels?: Record<string, string>;
  network?: string;
  /** Cluster ID (default Istio's `Kubernetes`). */
  cluster?: string;
  /** Kubernetes node name (`kubernetes.io/hostname`); none by default. */
  node?: string;
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
  localitySettingSource: 'destinationRule' | 'trafficDistribution' | 'mesh' | 'none';
  /** The locality setting asks for failover (failover/failoverPriority rules or the default). */
  localitySettingEnabled: boolean;
  /** The effective Istio outlierDetection block (undefined: none). */
  outlierDetection: OutlierDetection | undefined;
  /** Where that block is in the DestinationRule, relative to `spec` (for messages). */
  outlierDetectionPath: (string | number)[] | undefined;
  /** The effective Istio locality setting (after precedence). */
  localitySetting: LocalityLbSettingInput | null;
  /** The service's traffic distribution as Istio reads it for this version ('Any' when none). */
  trafficDistribution: TrafficDistribution;
  /** EDS sends a not-ready endpoint as UNHEALTHY instead of leaving it out (./outlier.ts sendsUnhealthyEndpoints). */
  sendsUnhealthyEndpoints: boolean;
  /**
   * Every endpoint the service has for this port and subset, before `distribute` removes any for
   * this client: the world's endpoints (a removed endpoint still exists for other clients).
   */
  serviceEndpoints: { address: string; locality: Locality; removed: boolean }[];
  warnings: IstioWarning[];
}

const HTTP_PROTOCOLS = new Set(['HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB', 'HTTP_PROXY']);

export function translateIstio(config: IstioConfig, client: ClientProxy, options: TranslateOptions): TranslatedCluster[] {
  const out: TranslatedCluster[] = [];
  for (const se of config.serviceEntries) {
    for (const host of se.spec.hosts) {
      const ports = se.spec.ports ?? [];
      for (const port of ports) {
        const dr = findDestinationRule(config, host, options.istioMinor);
        const subsets: (string | undefined)[] = [undefined, ...(dr?.spec.subsets ?? []).map((s) => s.name)];
        for (const subset of subsets) out.push(translateOne(config, se, host, port, subset, dr, client, options));
      }
    }
  }
  return out;
}

const refWarn = resourceWarning;

function hostMatches(pattern: string, host: string): boolean {
  if (pattern === host) return true;
  if (pattern.startsWith('*')) return host.endsWith(pattern.slice(1));
  return false;
}

function findDestinationRule(config: IstioConfig, host: string, istioMinor: number): IstioResource<DestinationRuleSpec> | undefined {
  const rules = config.destinationRules;
  const exact = rules.filter((d) => d.spec.host === host);
  if (exact.length > 0) return consolidatedDestinationRule(exact, istioMinor);
  // The most specific wildcard wins, as Istio's host matching does.
  const wild = rules.filter((d) => d.spec.host.startsWith('*') && hostMatches(d.spec.host, host));
  if (wild.length === 0) return undefined;
  const best = wild.reduce((a, b) => (b.spec.host.length > a.spec.host.length ? b : a)).spec.host;
  return consolidatedDestinationRule(wild.filter((d) => d.spec.host === best), istioMinor);
}

interface BuiltEndpoint {
  address: string;
  port: number;
  /** The raw locality label (Istio groups endpoints by this string). */
  localityLabel: string;
  locality: Locality;
  labels: Record<string, string>;
  weight: number;
}

function buildEndpoints(
  se: IstioResource<ServiceEntrySpec>,
  host: string,
  port: ServicePort,
  subsetLabels: Record<string, string> | undefined,
  istioMinor: number,
): BuiltEndpoint[] {
  const spec = se.spec;
  const targetPort = port.targetPort ?? port.number;
  const listed = spec.endpoints && spec.endpoints.length > 0;
  const entries: WorkloadEntry[] = listed ? spec.endpoints! : spec.resolution === 'DNS' || spec.resolution === 'DNS_ROUND_ROBIN' ? [{ address: host }] : [];
  const out: BuiltEndpoint[] = [];
  entries.forEach((ep, i) => {
    const rawLabels = ep.labels ?? {};
    if (subsetLabels && !Object.entries(subsetLabels).every(([k, v]) => rawLabels[k] === v)) return;
    const localityLabel = workloadEntryLocalityLabel(ep.locality, rawLabels);
    const locality = parseLocality(localityLabel);
    const topology: TopologyContext = (listed ? se.endpointTopology?.[i] : undefined) ?? {};
    out.push({
      address: ep.address ?? host,
      port: (port.name !== undefined ? ep.ports?.[port.name] : undefined) ?? targetPort,
      localityLabel,
      locality,
      labels: augmentTopologyLabels(rawLabels, locality, topology.network ?? ep.network, {
        cluster: topology.cluster ?? DEFAULT_CLUSTER_ID,
        node: topology.node,
        istioMinor,
      }),
      weight: ep.weight && ep.weight > 0 ? ep.weight : 1,
    });
  });
  return out;
}

/**
 * Istio groups endpoints by their raw locality label and orders the groups by that string
 * (pilot/pkg/xds/endpoints/endpoint_builder.go, `sort.Strings(locs)`, 1.28.0).
 */
function groupByLocality(endpoints: BuiltEndpoint[]): { groups: LocalityLbEndpoints[]; byId: Map<string, BuiltEndpoint> } {
  const byKey = new Map<string, number[]>();
  const byId = new Map<string, BuiltEndpoint>();
  endpoints.forEach((e, i) => {
    let list = byKey.get(e.localityLabel);
    if (!list) byKey.set(e.localityLabel, (list = []));
    list.push(i);
    byId.set(String(i), e);
  });
  const keys = [...byKey.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const groups = keys.map((key) => {
    const ids = byKey.get(key)!;
    const lbEndpoints: IstioLbEndpoint[] = ids.map((i) => ({ id: String(i), labels: endpoints[i].labels, weight: endpoints[i].weight }));
    return { locality: parseLocality(key), endpoints: lbEndpoints, weight: lbEndpoints.reduce((s, e) => s + e.weight, 0), priority: 0 };
  });
  return { groups, byId };
}

/** A VirtualService applies to sidecars when it names no gateways or names `mesh` (VirtualService.gateways). */
function appliesToSidecars(vs: VirtualServiceSpec): boolean {
  const gateways = vs.gateways as unknown;
  return !Array.isArray(gateways) || gateways.length === 0 || gateways.includes('mesh');
}

/** The VirtualService http route sidecars use for host:port (port undefined: any port). */
export function findRoute(
  config: IstioConfig,
  host: string,
  port: number | undefined,
  subset: string | undefined,
): { vs: IstioResource<VirtualServiceSpec>; route: HttpRoute; index: number } | undefined {
  for (const vs of config.virtualServices) {
    if (!appliesToSidecars(vs.spec)) continue;
    if (!(vs.spec.hosts ?? []).some((h) => hostMatches(h, host))) continue;
    const http = vs.spec.http ?? [];
    for (let i = 0; i < http.length; i++) {
      const dests = http[i].route ?? [];
      const hit = dests.some(
        (d) => hostMatches(d.destination.host, host) && (d.destination.subset ?? undefined) === subset && (d.destination.port === undefined || port === undefined || d.destination.port.number === port),
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
  const eff = effectiveTrafficPolicy(dr?.spec, port.number, subset, minor);
  const drRef = dr?.ref;
  const subsetSpec = subset !== undefined ? dr!.spec.subsets!.find((s) => s.name === subset) : undefined;
  if (dr?.mergeWarnings) warnings.push(...dr.mergeWarnings);
  warnings.push(...portLevelReplacementWarnings(dr?.spec, drRef, port.number, subset));

  if (resolution === 'NONE') {
    warnings.push(refWarn(se.ref, 'passthrough-resolution', `resolution NONE makes a passthrough (ORIGINAL_DST) cluster: Envoy sends each request to the address the client asked for, with no endpoint list, priorities or load balancing; Istio takes no endpoints with it, so failsim has none to model`, ['resolution']));
  }
  if (resolution === 'DNS_ROUND_ROBIN' && (se.spec.endpoints?.length ?? 0) > 1) {
    warnings.push(refWarn(se.ref, 'dns-round-robin', 'DNS_ROUND_ROBIN makes a LOGICAL_DNS cluster that uses only the first endpoint; failsim models every endpoint as a host', ['resolution']));
  }

  // ---- endpoints and priorities
  const built = buildEndpoints(se, host, port, subsetSpec?.labels, minor);
  if (built.length === 0) {
    const why =
      (se.spec.endpoints?.length ?? 0) === 0
        ? `the ServiceEntry lists no endpoints${resolution === 'STATIC' ? ' (resolution STATIC)' : ''}: Envoy gets an empty cluster and every request fails with 503 "no healthy upstream"`
        : `no endpoint has the labels of subset ${subset}: the cluster is empty and every request to it fails with 503 "no healthy upstream"`;
    warnings.push(refWarn(se.ref, 'empty-cluster', why, ['endpoints']));
  }
  const { groups, byId } = groupByLocality(built);
  const lb = eff.loadBalancer;
  const hasOD = eff.outlierDetection !== undefined;
  const proxyLabels = augmentTopologyLabels(client.labels, client.locality, client.network, {
    cluster: client.cluster ?? DEFAULT_CLUSTER_ID,
    node: client.node,
    istioMinor: minor,
  });
  const fpOptions = { keyValueOverrides: minor >= 18, networkFirst: options.networkFirstFailoverPriority ?? false };

  // ---- which locality setting applies (loadbalancer.go GetLocalityLbSetting): DR, else the
  // service's traffic distribution (forcing failover), else the mesh-wide setting.
  const td = readTrafficDistribution({ specValue: se.trafficDistribution, annotations: se.annotations }, minor);
  if (td.ignored) warnings.push(refWarn(se.ref, 'traffic-distribution-ignored', td.ignored));
  let localitySetting: LocalityLbSettingInput | null;
  let localitySettingSource: TranslatedCluster['localitySettingSource'];
  let forceFailover = false;
  const drLocality = lb?.localityLbSetting;
  const tdSetting = trafficDistributionSetting(td.distribution);
  if (drLocality) {
    localitySetting = drLocality.enabled === false ? null : drLocality;
    localitySettingSource = 'destinationRule';
    if (tdSetting) warnings.push(refWarn(drRef!, 'traffic-distribution-overridden', `the DestinationRule's localityLbSetting takes precedence over the service's traffic distribution ${td.distribution}`, [...(eff.from.loadBalancer ?? []), 'localityLbSetting']));
  } else if (tdSetting) {
    localitySetting = tdSetting;
    localitySettingSource = 'trafficDistribution';
    forceFailover = true;
  } else {
    const mesh = options.meshLocalityLbSetting === undefined ? { enabled: true } : options.meshLocalityLbSetting;
    localitySetting = mesh && mesh.enabled !== false ? mesh : null;
    localitySettingSource = mesh ? 'mesh' : 'none';
  }
  const enableFailover = hasOD || forceFailover;

  let result: { groups: LocalityLbEndpoints[]; mode: LocalityMode; removed?: boolean[] };
  const zoneAware = lb?.zoneAwareLbSetting;
  if (zoneAware && !options.zoneAwareLbSetting) {
    warnings.push(refWarn(drRef!, 'version-ignored-field', `zoneAwareLbSetting exists only on Istio master (after 1.30); ignored for Istio 1.${minor}`, [...(eff.from.loadBalancer ?? []), 'zoneAwareLbSetting']));
  }
  if (zoneAware && options.zoneAwareLbSetting && zoneAware.enabled !== false) {
    result = applyZoneAwareLoadBalancer(groups, client.locality, proxyLabels, zoneAware, fpOptions);
    warnings.push(refWarn(drRef!, 'zone-aware-partial', 'zoneAwareLbSetting: failsim assigns the region-bucket priorities; Envoy zone-aware routing inside a priority needs a local cluster and is not applied by this translation', [...(eff.from.loadBalancer ?? []), 'zoneAwareLbSetting']));
  } else {
    // Istio 1.12–1.29 builds DNS (STRICT_DNS) cluster endpoints in the cluster builder and passes
    // no endpoint labels to the priority code ("TODO: enable failoverPriority for `STRICT_DNS`",
    // cluster_traffic_policy.go applyLocalityLoadBalancer, 1.28.0): applyFailoverPriorities returns
    // early and every endpoint stays at priority 0; a `failover` list still applies on top.
    const isDns = resolution === 'DNS' || resolution === 'DNS_ROUND_ROBIN';
    const fpSupported = minor >= 12;
    const labelsReachPriorities = !(isDns && minor < 30);
    if (localitySetting?.failoverPriority?.length && enableFailover && !(fpSupported && labelsReachPriorities) && localitySettingSource === 'destinationRule') {
      warnings.push(
        refWarn(drRef!, 'version-ignored-field', !fpSupported ? `failoverPriority exists only since Istio 1.12; ignored` : `Istio 1.${minor} passes no endpoint labels to failoverPriority for DNS (STRICT_DNS) clusters: every endpoint keeps priority 0${(localitySetting.failover?.length ?? 0) > 0 && minor >= 20 ? ' before the failover rules apply' : ''} (fixed after 1.29)`, [...(eff.from.loadBalancer ?? []), 'localityLbSetting', 'failoverPriority']),
      );
    }
    if (forceFailover && isDns && minor < 30) {
      warnings.push(refWarn(se.ref, 'traffic-distribution-dns', `traffic distribution ${td.distribution} on a DNS ServiceEntry: Istio 1.${minor} passes no endpoint labels to the priority code for DNS clusters, so every endpoint stays at priority 0`, ['resolution']));
    }
    result = applyLocalityLoadBalancer(groups, client.locality, proxyLabels, localitySetting, enableFailover, {
      ...fpOptions,
      composeFailoverWithPriority: minor >= 20,
      failoverPrioritySupported: fpSupported,
      endpointLabelsAvailable: labelsReachPriorities,
    });
  }

  const endpoints: ClusterEndpoint[] = [];
  const localityWeights: Record<string, number> = {};
  const kept = new Set<string>();
  result.groups.forEach((g) => {
    const loc = g.locality ?? { region: '', zone: '', subzone: '' };
    if (g.endpoints.length > 0 && g.weight !== null) localityWeights[`${g.priority}|${localityKey(loc)}`] = g.weight;
    for (const ep of g.endpoints) {
      const b = byId.get(ep.id)!;
      kept.add(ep.id);
      endpoints.push({ address: b.address, port: b.port, locality: b.locality, priority: g.priority, weight: b.weight, labels: b.labels });
    }
  });
  const serviceEndpoints = built.map((b, i) => ({ address: b.address, locality: b.locality, removed: !kept.has(String(i)) }));

  const localityWeighted = localityWeightedLbConfig(minor, localitySetting, hasOD, enableFailover, options.enableLocalityWeightedLbConfig ?? false);

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
      warnings.push(refWarn(drRef!, 'passthrough-lb', `loadBalancer.simple PASSTHROUGH makes an ORIGINAL_DST cluster (no load balancing); failsim uses ${defaultPolicy} instead`, [...(eff.from.loadBalancer ?? []), 'simple']));
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
    for (const ig of t.ignored) warnings.push(refWarn(drRef!, 'version-ignored-field', `${ig.field}: ${ig.why} (Istio 1.${minor})`, [...(eff.from.outlierDetection ?? []), ig.field]));
  }
  const panicInput = {
    istioMinor: minor,
    hasOutlierDetection: hasOD,
    minHealthPercent: eff.outlierDetection?.minHealthPercent,
    forcesUnhealthyEndpoints: (options.sendUnhealthyEndpoints ?? false) || td.distribution !== 'Any',
    autoSendUnhealthyEndpoints: options.autoSendUnhealthyEndpoints ?? false,
  };
  const panic = healthyPanicThreshold(panicInput);

  // ---- connect timeout
  const ct = eff.connectionPool?.tcp?.connectTimeout;
  const connectTimeoutMs = ct !== undefined ? parseDurationMs(ct)! : DEFAULT_CONNECT_TIMEOUT_MS;

  // ---- route: retries and timeout
  const isHttp = protocol === '' || HTTP_PROTOCOLS.has(protocol);
  const route = isHttp ? findRoute(config, host, port.number, subset) : undefined;
  for (const vs of config.virtualServices) {
    if (!appliesToSidecars(vs.spec) && (vs.spec.hosts ?? []).some((h) => hostMatches(h, host))) {
      warnings.push(refWarn(vs.ref, 'virtual-service-gateway-only', `the VirtualService is bound only to gateways (no "mesh" in gateways): it does not apply to sidecar clients, so its routes, retries and timeout are not used here`, ['gateways']));
    }
  }
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
    outlierDetectionPath: eff.from.outlierDetection,
    localitySetting,
    trafficDistribution: td.distribution,
    sendsUnhealthyEndpoints: sendsUnhealthyEndpoints(panicInput),
    serviceEndpoints,
    warnings,
  };
}

/**
 * Whether Istio sets `common_lb_config.locality_weighted_lb_config`, release by release:
 * 1.1–1.5 whenever the cluster has outlier detection (cluster.go applyLoadBalancer, 1.1.0 and
 * 1.5.0); 1.6–1.8 with outlier detection and a locality setting (1.6.0, 1.8.0); 1.9–1.11 when the
 * setting has distribute or failover rules (1.9.0, 1.11.0); 1.12–1.23 whenever a locality setting
 * applies (1.12.0, cluster_traffic_policy.go 1.23.0); since 1.24 with
 * ENABLE_LOCALITY_WEIGHTED_LB_CONFIG, failover rules with failover enabled, or distribute
 * (cluster_traffic_policy.go applyLocalityLoadBalancer, 1.24.0 and 1.28.0).
 */
export function localityWeightedLbConfig(
  istioMinor: number,
  setting: LocalityLbSettingInput | null,
  hasOutlierDetection: boolean,
  enableFailover: boolean,
  enableLocalityWeightedLbConfigFlag: boolean,
): boolean {
  const distribute = (setting?.distribute?.length ?? 0) > 0;
  const failover = (setting?.failover?.length ?? 0) > 0;
  const failoverPriority = (setting?.failoverPriority?.length ?? 0) > 0;
  if (istioMinor <= 5) return hasOutlierDetection;
  if (istioMinor <= 8) return hasOutlierDetection && setting !== null;
  if (istioMinor <= 11) return distribute || failover;
  if (istioMinor <= 23) return setting !== null;
  return enableLocalityWeightedLbConfigFlag || (setting !== null && enableFailover && (failover || failoverPriority)) || distribute;
}
