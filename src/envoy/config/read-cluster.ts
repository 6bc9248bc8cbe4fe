/**
 * Envoy's v3 Cluster message → EnvoyCluster (src/envoy/cluster.ts), the same shape Istio's
 * translation produces. What is unset takes Envoy's default (not Istio's): ROUND_ROBIN,
 * connect_timeout 5 s, healthy_panic_threshold 50 %, overprovisioning_factor 140, choice_count 2.
 */
import type { ClusterEndpoint, EnvoyCluster, LbPolicy, Locality, OutlierDetectionInput, SlowStartConfig } from '../cluster.ts';
import { localityKey } from '../cluster.ts';
import { formatPath } from '../../config/issues.ts';
import {
  Diagnostics,
  readBool,
  readDuration,
  readEnum,
  readList,
  readMessage,
  readPercent,
  readRuntimeDouble,
  readString,
  readUint,
  type PathKey,
} from './fields.ts';
import { readOutlierDetection } from './read-outlier.ts';

export const CLUSTER_TYPE_URL = 'type.googleapis.com/envoy.config.cluster.v3.Cluster';
export const ENVOY_DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
export const ENVOY_DEFAULT_PANIC_THRESHOLD = 50;
export const ENVOY_DEFAULT_OVERPROVISIONING_FACTOR = 140;
export const ENVOY_DEFAULT_CHOICE_COUNT = 2;
export const ENVOY_DEFAULT_ACTIVE_REQUEST_BIAS = 1.0;

const DISCOVERY_TYPES = ['STATIC', 'STRICT_DNS', 'LOGICAL_DNS', 'EDS', 'ORIGINAL_DST'] as const;
export type DiscoveryType = (typeof DISCOVERY_TYPES)[number];
const LB_POLICIES = ['ROUND_ROBIN', 'LEAST_REQUEST', 'RING_HASH', 'RANDOM', 'MAGLEV', 'CLUSTER_PROVIDED', 'LOAD_BALANCING_POLICY_CONFIG'] as const;
const HEALTH_STATUSES = ['UNKNOWN', 'HEALTHY', 'UNHEALTHY', 'DRAINING', 'TIMEOUT', 'DEGRADED'] as const;

const DNS = 'DNS resolution is not modelled: each endpoint address is one host';
const CONNECTIONS = 'connection handling is not modelled';
const NO_BEHAVIOUR = 'it does not change endpoint selection, outlier detection or retries';

const CLUSTER = {
  name: 'Cluster',
  modelled: [
    'name',
    'type',
    'cluster_type',
    'eds_cluster_config',
    'connect_timeout',
    'lb_policy',
    'load_assignment',
    'outlier_detection',
    'least_request_lb_config',
    'round_robin_lb_config',
    'ring_hash_lb_config',
    'maglev_lb_config',
    'original_dst_lb_config',
    'common_lb_config',
    'load_balancing_policy',
    'circuit_breakers',
  ],
  unmodelled: {
    transport_socket_matches: `TLS / transport sockets: ${NO_BEHAVIOUR}`,
    transport_socket: `TLS / transport sockets: ${NO_BEHAVIOUR}`,
    alt_stat_name: `stats naming: ${NO_BEHAVIOUR}`,
    per_connection_buffer_limit_bytes: 'buffer limits are not modelled',
    health_checks: 'ignored here: failsim takes active health checks from the scenario (controlPlane.healthCheck, docs/scenario.md)',
    max_requests_per_connection: CONNECTIONS,
    upstream_http_protocol_options: `protocol options: ${NO_BEHAVIOUR}`,
    common_http_protocol_options: `protocol options: ${NO_BEHAVIOUR}`,
    http_protocol_options: `protocol options: ${NO_BEHAVIOUR}`,
    http2_protocol_options: `protocol options: ${NO_BEHAVIOUR}`,
    typed_extension_protocol_options: `protocol options: ${NO_BEHAVIOUR}`,
    protocol_selection: `protocol options: ${NO_BEHAVIOUR}`,
    dns_refresh_rate: DNS,
    dns_failure_refresh_rate: DNS,
    dns_jitter: DNS,
    respect_dns_ttl: DNS,
    dns_lookup_family: DNS,
    dns_resolvers: DNS,
    use_tcp_for_dns_lookups: DNS,
    dns_resolution_config: DNS,
    dns_resolver_options: DNS,
    typed_dns_resolver_config: DNS,
    wait_for_warm_on_init: 'cluster warming is not modelled: the cluster is ready at time 0',
    cleanup_interval: 'applies only to ORIGINAL_DST clusters',
    upstream_bind_config: CONNECTIONS,
    upstream_connection_options: CONNECTIONS,
    lb_subset_config: 'subset load balancing is not modelled: every request may go to every endpoint',
    metadata: `metadata: ${NO_BEHAVIOUR}`,
    close_connections_on_host_health_failure: CONNECTIONS,
    ignore_health_on_host_removal: 'endpoints never change during a run',
    filters: 'upstream network filters are not modelled',
    lrs_server: `load reporting: ${NO_BEHAVIOUR}`,
    lrs_report_endpoint_metrics: `load reporting: ${NO_BEHAVIOUR}`,
    track_timeout_budgets: `stats: ${NO_BEHAVIOUR}`,
    track_cluster_stats: `stats: ${NO_BEHAVIOUR}`,
    upstream_config: CONNECTIONS,
    preconnect_policy: CONNECTIONS,
    connection_pool_per_downstream_connection: CONNECTIONS,
  },
} as const;

const COMMON_LB = {
  name: 'CommonLbConfig',
  modelled: ['healthy_panic_threshold', 'zone_aware_lb_config', 'locality_weighted_lb_config'],
  unmodelled: {
    update_merge_window: 'host-set changes (ejections) take effect at once, as with update_merge_window 0',
    ignore_new_hosts_until_first_hc: 'active health checking is not modelled',
    close_connections_on_host_set_change: CONNECTIONS,
    consistent_hashing_lb_config: 'consistent-hash load balancing is not modelled',
    override_host_status: 'host overrides are not modelled',
  },
} as const;

const LOAD_ASSIGNMENT = {
  name: 'ClusterLoadAssignment',
  modelled: ['cluster_name', 'endpoints', 'policy'],
  unmodelled: { named_endpoints: 'named endpoints are not supported; give each endpoint its address inline' },
} as const;

const LOCALITY_LB_ENDPOINTS = {
  name: 'LocalityLbEndpoints',
  modelled: ['locality', 'lb_endpoints', 'load_balancing_weight', 'priority', 'leds_cluster_locality_config'],
  unmodelled: { metadata: `metadata: ${NO_BEHAVIOUR}`, proximity: 'proximity is not used by Envoy\'s load balancers' },
} as const;

const LB_ENDPOINT = {
  name: 'LbEndpoint',
  modelled: ['endpoint', 'health_status', 'load_balancing_weight', 'endpoint_name'],
  unmodelled: { metadata: `metadata: ${NO_BEHAVIOUR}` },
} as const;

const ENDPOINT = {
  name: 'Endpoint',
  modelled: ['address'],
  unmodelled: {
    health_check_config: 'active health checking is not modelled',
    hostname: `the hostname is used for host rewrites and logs: ${NO_BEHAVIOUR}`,
    additional_addresses: 'only the first address is modelled (Happy Eyeballs is not)',
  },
} as const;

const SOCKET_ADDRESS = {
  name: 'SocketAddress',
  modelled: ['address', 'port_value', 'named_port', 'protocol'],
  unmodelled: {
    resolver_name: DNS,
    ipv4_compat: NO_BEHAVIOUR,
    network_namespace_filepath: NO_BEHAVIOUR,
  },
} as const;

export interface ClusterReading {
  cluster: EnvoyCluster;
  discoveryType: DiscoveryType;
  /** common_lb_config.zone_aware_lb_config is present (zone-aware routing is not modelled). */
  zoneAwareConfigured: boolean;
  /** least_request_lb_config.active_request_bias (Envoy's default 1.0 when unset). */
  activeRequestBias: number;
  /** circuit_breakers.thresholds[DEFAULT].max_retries, or Envoy's default 3. */
  maxRetriesCircuitBreaker: number;
}

interface RawEndpoint {
  address: string;
  port: number;
  locality: Locality;
  priority: number;
  weight: number;
  path: readonly PathKey[];
}

/** Reads one Cluster message at `path`. Returns undefined when errors were recorded. */
export function readCluster(d: Diagnostics, value: unknown, path: readonly PathKey[]): ClusterReading | undefined {
  const errorsBefore = d.errors.length;
  const m = readMessage(d, value, path, CLUSTER, CLUSTER_TYPE_URL);
  if (!m) return undefined;
  const at = (...k: PathKey[]) => [...path, ...k];

  let name = '';
  if (m.name === undefined) d.error(at('name'), 'required: the cluster name');
  else name = readString(d, m.name, at('name'), true) ?? '';

  // ---- discovery type
  let discoveryType: DiscoveryType = 'STATIC';
  if (m.cluster_type !== undefined) {
    d.error(at('cluster_type'), 'custom cluster types are not supported; use type STATIC, STRICT_DNS or LOGICAL_DNS with load_assignment');
  }
  if (m.type !== undefined) discoveryType = readEnum(d, m.type, at('type'), DISCOVERY_TYPES) ?? 'STATIC';
  if (discoveryType === 'ORIGINAL_DST') {
    d.error(at('type'), 'ORIGINAL_DST clusters have no endpoint list (each request goes to the address the client asked for); failsim needs STATIC, STRICT_DNS or LOGICAL_DNS with load_assignment');
  }
  if (discoveryType === 'EDS') {
    if (m.load_assignment === undefined) {
      d.error(at('type'), 'EDS gets its endpoints from a management server; failsim needs them inline: use type STATIC (or STRICT_DNS) with load_assignment');
    } else {
      d.warn('eds-inline-endpoints', at('type'), 'type EDS: Envoy takes the endpoints from the management server and ignores load_assignment; failsim simulates load_assignment as if EDS had sent it');
    }
  }
  if (m.eds_cluster_config !== undefined) {
    d.warn('unmodelled-field', at('eds_cluster_config'), 'eds_cluster_config is not modelled: the endpoints come from load_assignment');
  }

  // ---- connect timeout
  const connectTimeoutMs =
    m.connect_timeout === undefined ? ENVOY_DEFAULT_CONNECT_TIMEOUT_MS : (readDuration(d, m.connect_timeout, at('connect_timeout'), true) ?? 0);

  // ---- LB policy and its config
  let lbPolicy: LbPolicy = 'ROUND_ROBIN';
  if (m.load_balancing_policy !== undefined) {
    d.error(at('load_balancing_policy'), 'typed load balancing policies are not supported; use lb_policy ROUND_ROBIN, LEAST_REQUEST or RANDOM');
  }
  if (m.lb_policy !== undefined) {
    const p = readEnum(d, m.lb_policy, at('lb_policy'), LB_POLICIES);
    if (p === 'ROUND_ROBIN' || p === 'LEAST_REQUEST' || p === 'RANDOM') lbPolicy = p;
    else if (p !== undefined) d.error(at('lb_policy'), `${p} is not modelled; failsim supports ROUND_ROBIN, LEAST_REQUEST and RANDOM`);
  }
  const lbConfigs = ['least_request_lb_config', 'round_robin_lb_config', 'ring_hash_lb_config', 'maglev_lb_config', 'original_dst_lb_config'].filter(
    (k) => m[k] !== undefined,
  );
  if (lbConfigs.length > 1) d.error(path, `${lbConfigs.join(' and ')} are alternatives (one lb_config); give at most one`);
  for (const k of ['ring_hash_lb_config', 'maglev_lb_config', 'original_dst_lb_config']) {
    if (m[k] !== undefined) d.warn('unmodelled-field', at(k), `${k} is not modelled: it applies only to its own lb_policy, not ${lbPolicy}`);
  }
  let choiceCount = ENVOY_DEFAULT_CHOICE_COUNT;
  let activeRequestBias = ENVOY_DEFAULT_ACTIVE_REQUEST_BIAS;
  let slowStart: SlowStartConfig | undefined;
  if (m.least_request_lb_config !== undefined) {
    const p = at('least_request_lb_config');
    const c = readMessage(d, m.least_request_lb_config, p, {
      name: 'LeastRequestLbConfig',
      modelled: ['choice_count', 'active_request_bias', 'slow_start_config'],
      unmodelled: {
        enable_full_scan: 'the full-scan variant is not modelled: failsim picks choice_count random hosts',
        selection_method: 'the full-scan variant is not modelled: failsim picks choice_count random hosts',
      },
    });
    if (lbPolicy !== 'LEAST_REQUEST') d.warn('lb-config-ignored', p, `least_request_lb_config is ignored with lb_policy ${lbPolicy}`);
    else if (c) {
      if (c.choice_count !== undefined) choiceCount = readUint(d, c.choice_count, [...p, 'choice_count'], 2) ?? choiceCount;
      if (c.active_request_bias !== undefined) {
        activeRequestBias = readRuntimeDouble(d, c.active_request_bias, [...p, 'active_request_bias'], 0) ?? activeRequestBias;
        if (activeRequestBias !== ENVOY_DEFAULT_ACTIVE_REQUEST_BIAS) {
          d.warn('unmodelled-field', [...p, 'active_request_bias'], `active_request_bias ${activeRequestBias} is not modelled: failsim uses Envoy's default 1.0 (it matters only when host weights differ)`);
        }
      }
      if (c.slow_start_config !== undefined) slowStart = readSlowStart(d, c.slow_start_config, [...p, 'slow_start_config']);
    }
  }
  if (m.round_robin_lb_config !== undefined) {
    const p = at('round_robin_lb_config');
    const c = readMessage(d, m.round_robin_lb_config, p, {
      name: 'RoundRobinLbConfig',
      modelled: ['slow_start_config'],
      unmodelled: { locality_lb_config: 'only common_lb_config locality settings are read' },
    });
    if (lbPolicy !== 'ROUND_ROBIN') d.warn('lb-config-ignored', p, `round_robin_lb_config is ignored with lb_policy ${lbPolicy}`);
    else if (c?.slow_start_config !== undefined) slowStart = readSlowStart(d, c.slow_start_config, [...p, 'slow_start_config']);
  }

  // ---- common_lb_config
  let panic = ENVOY_DEFAULT_PANIC_THRESHOLD;
  let localityWeighted = false;
  let zoneAwareConfigured = false;
  if (m.common_lb_config !== undefined) {
    const p = at('common_lb_config');
    const c = readMessage(d, m.common_lb_config, p, COMMON_LB);
    if (c) {
      if (c.healthy_panic_threshold !== undefined) panic = readPercent(d, c.healthy_panic_threshold, [...p, 'healthy_panic_threshold']) ?? panic;
      if (c.zone_aware_lb_config !== undefined && c.locality_weighted_lb_config !== undefined) {
        d.error(p, 'zone_aware_lb_config and locality_weighted_lb_config are alternatives; give at most one');
      }
      if (c.locality_weighted_lb_config !== undefined) {
        readMessage(d, c.locality_weighted_lb_config, [...p, 'locality_weighted_lb_config'], { name: 'LocalityWeightedLbConfig', modelled: [] });
        localityWeighted = true;
      }
      if (c.zone_aware_lb_config !== undefined) zoneAwareConfigured = true;
    }
  }

  // ---- circuit breakers: only max_retries matters to failsim, and it is not modelled
  let maxRetriesCircuitBreaker = 3;
  if (m.circuit_breakers !== undefined) {
    maxRetriesCircuitBreaker = readMaxRetries(d, m.circuit_breakers, at('circuit_breakers'));
    d.warn('unmodelled-field', at('circuit_breakers'), 'circuit_breakers is not modelled: failsim behaves as with unlimited connections, requests and retries');
  }

  // ---- outlier detection
  let outlier: OutlierDetectionInput | undefined;
  if (m.outlier_detection !== undefined) outlier = readOutlierDetection(d, m.outlier_detection, at('outlier_detection')) ?? {};

  // ---- endpoints
  const la = m.load_assignment === undefined ? undefined : readLoadAssignment(d, m.load_assignment, at('load_assignment'), discoveryType, localityWeighted);
  if (m.load_assignment === undefined && discoveryType !== 'EDS' && discoveryType !== 'ORIGINAL_DST') {
    d.error(at('load_assignment'), 'required: the endpoints (load_assignment.endpoints[].lb_endpoints[])');
  }

  const named = uniqueAddresses(d, la?.endpoints ?? []);
  if (d.errors.length > errorsBefore) return undefined;
  const endpoints: ClusterEndpoint[] = named.map((e) => ({
    address: e.address,
    port: e.port,
    locality: e.locality,
    priority: e.priority,
    weight: e.weight,
    labels: {},
  }));
  if (slowStart && lbPolicy === 'RANDOM') slowStart = undefined;
  const cluster: EnvoyCluster = {
    name,
    endpoints,
    locality_weighted_lb_config: localityWeighted,
    locality_weights: localityWeighted ? (la?.localityWeights ?? {}) : {},
    lb_policy: lbPolicy,
    least_request_choice_count: choiceCount,
    slow_start: slowStart,
    overprovisioning_factor: la?.overprovisioningFactor ?? ENVOY_DEFAULT_OVERPROVISIONING_FACTOR,
    healthy_panic_threshold: panic,
    outlier_detection: outlier,
    connect_timeout_ms: connectTimeoutMs,
    // The route's settings are filled in by the document reader.
    route_timeout_ms: 0,
    retry_policy: undefined,
  };
  return { cluster, discoveryType, zoneAwareConfigured, activeRequestBias, maxRetriesCircuitBreaker };
}

function readSlowStart(d: Diagnostics, value: unknown, path: readonly PathKey[]): SlowStartConfig | undefined {
  const c = readMessage(d, value, path, { name: 'SlowStartConfig', modelled: ['slow_start_window', 'aggression', 'min_weight_percent'] });
  if (!c) return undefined;
  if (c.slow_start_window === undefined) {
    d.error([...path, 'slow_start_window'], 'required: a duration like "60s"');
    return undefined;
  }
  const window = readDuration(d, c.slow_start_window, [...path, 'slow_start_window']);
  const aggression = c.aggression === undefined ? 1 : readRuntimeDouble(d, c.aggression, [...path, 'aggression'], 0);
  const minWeight = c.min_weight_percent === undefined ? 10 : readPercent(d, c.min_weight_percent, [...path, 'min_weight_percent']);
  if (window === undefined || aggression === undefined || minWeight === undefined) return undefined;
  return { window_ms: window, aggression, min_weight_percent: minWeight };
}

/** circuit_breakers.thresholds[] with priority DEFAULT (or unset): max_retries (default 3). */
function readMaxRetries(d: Diagnostics, value: unknown, path: readonly PathKey[]): number {
  const c = readMessage(d, value, path, { name: 'CircuitBreakers', modelled: ['thresholds', 'per_host_thresholds'] });
  let max = 3;
  if (!c || c.thresholds === undefined) return max;
  const list = readList(d, c.thresholds, [...path, 'thresholds']) ?? [];
  list.forEach((t, i) => {
    if (t === null || typeof t !== 'object' || Array.isArray(t)) return;
    const rec = t as Record<string, unknown>;
    const priority = rec.priority ?? 'DEFAULT';
    const mr = rec.max_retries ?? rec.maxRetries;
    if (priority === 'DEFAULT' && mr !== undefined) max = readUint(d, mr, [...path, 'thresholds', i, 'max_retries']) ?? max;
  });
  return max;
}

interface LoadAssignment {
  endpoints: RawEndpoint[];
  localityWeights: Record<string, number>;
  overprovisioningFactor: number;
}

function readLoadAssignment(
  d: Diagnostics,
  value: unknown,
  path: readonly PathKey[],
  discoveryType: DiscoveryType,
  localityWeighted: boolean,
): LoadAssignment | undefined {
  const m = readMessage(d, value, path, LOAD_ASSIGNMENT);
  if (!m) return undefined;
  if (m.cluster_name === undefined) d.error([...path, 'cluster_name'], 'required (Envoy rejects a load_assignment without cluster_name)');
  else readString(d, m.cluster_name, [...path, 'cluster_name'], true);

  let overprovisioningFactor = ENVOY_DEFAULT_OVERPROVISIONING_FACTOR;
  if (m.policy !== undefined) {
    const p = [...path, 'policy'];
    const pol = readMessage(d, m.policy, p, {
      name: 'ClusterLoadAssignment.Policy',
      modelled: ['overprovisioning_factor', 'weighted_priority_health'],
      unmodelled: {
        drop_overloads: 'load shedding (drop_overloads) is not modelled',
        endpoint_stale_after: 'endpoints never go stale during a run',
      },
    });
    if (pol?.overprovisioning_factor !== undefined) {
      overprovisioningFactor = readUint(d, pol.overprovisioning_factor, [...p, 'overprovisioning_factor'], 1) ?? overprovisioningFactor;
    }
    if (pol?.weighted_priority_health !== undefined && readBool(d, pol.weighted_priority_health, [...p, 'weighted_priority_health'])) {
      d.warn('unmodelled-field', [...p, 'weighted_priority_health'], 'weighted_priority_health is not modelled: priority health counts hosts, not their weights');
    }
  }

  const endpoints: RawEndpoint[] = [];
  const localityWeights: Record<string, number> = {};
  const seenLocality = new Map<string, number>();
  const groups = m.endpoints === undefined ? [] : (readList(d, m.endpoints, [...path, 'endpoints']) ?? []);
  groups.forEach((g, gi) => {
    const gp = [...path, 'endpoints', gi];
    const lle = readMessage(d, g, gp, LOCALITY_LB_ENDPOINTS);
    if (!lle) return;
    if (lle.leds_cluster_locality_config !== undefined) {
      d.error([...gp, 'leds_cluster_locality_config'], 'LEDS gets the endpoints from a management server; failsim needs them inline in lb_endpoints');
    }
    const locality = lle.locality === undefined ? { region: '', zone: '', subzone: '' } : readLocality(d, lle.locality, [...gp, 'locality']);
    const priority = lle.priority === undefined ? 0 : (readUint(d, lle.priority, [...gp, 'priority'], 0, 128) ?? 0);
    const key = `${priority}|${localityKey(locality)}`;
    if (seenLocality.has(key)) {
      d.warn('duplicate-locality', gp, `locality ${JSON.stringify(localityKey(locality))} at priority ${priority} is also endpoints[${seenLocality.get(key)}]: Envoy merges their hosts and keeps the last load_balancing_weight`);
    }
    seenLocality.set(key, gi);
    if (lle.load_balancing_weight !== undefined) {
      const w = readUint(d, lle.load_balancing_weight, [...gp, 'load_balancing_weight'], 1);
      if (w !== undefined) localityWeights[key] = w;
    } else if (localityWeighted) {
      delete localityWeights[key];
    }
    const lbEndpoints = lle.lb_endpoints === undefined ? [] : (readList(d, lle.lb_endpoints, [...gp, 'lb_endpoints']) ?? []);
    if (lbEndpoints.length > 0 && localityWeighted && lle.load_balancing_weight === undefined) {
      d.warn('locality-without-weight', gp, `with locality_weighted_lb_config a locality without load_balancing_weight gets no traffic (locality ${JSON.stringify(localityKey(locality))}, priority ${priority})`);
    }
    lbEndpoints.forEach((e, ei) => {
      const ep = readLbEndpoint(d, e, [...gp, 'lb_endpoints', ei]);
      if (!ep) return;
      const ap = [...gp, 'lb_endpoints', ei];
      if ((discoveryType === 'STATIC' || discoveryType === 'EDS') && !isIpAddress(ep.address)) {
        d.error([...ap, 'endpoint', 'address', 'socket_address', 'address'], `type ${discoveryType} takes IP addresses (Envoy rejects ${JSON.stringify(ep.address)}); use type STRICT_DNS for DNS names`);
        return;
      }
      endpoints.push({ ...ep, locality, priority, path: ap });
    });
  });
  if (endpoints.length === 0 && d.errors.length === 0) d.error([...path, 'endpoints'], 'expected at least one lb_endpoint with a socket address');
  if (discoveryType === 'LOGICAL_DNS' && (groups.length !== 1 || endpoints.length !== 1)) {
    d.error([...path, 'endpoints'], 'LOGICAL_DNS clusters take exactly one locality with one lb_endpoint (Envoy rejects more)');
  }
  if (discoveryType === 'STRICT_DNS' || discoveryType === 'LOGICAL_DNS') {
    d.warn('dns-one-host-per-address', [...path, 'endpoints'], `type ${discoveryType}: Envoy resolves each address to its current IPs (one host per IP${discoveryType === 'LOGICAL_DNS' ? ', of which it connects to the first' : ''}); failsim models each address as one host`);
  }
  return { endpoints, localityWeights, overprovisioningFactor };
}

function isIpAddress(a: string): boolean {
  return /^(\d{1,3})(\.\d{1,3}){3}$/.test(a) || (a.includes(':') && /^[0-9a-fA-F:.]+$/.test(a));
}

function readLocality(d: Diagnostics, value: unknown, path: readonly PathKey[]): Locality {
  const m = readMessage(d, value, path, { name: 'Locality', modelled: ['region', 'zone', 'sub_zone'] });
  const part = (k: string) => (m?.[k] === undefined ? '' : (readString(d, m[k], [...path, k]) ?? ''));
  return { region: part('region'), zone: part('zone'), subzone: part('sub_zone') };
}

function readLbEndpoint(d: Diagnostics, value: unknown, path: readonly PathKey[]): { address: string; port: number; weight: number } | undefined {
  const m = readMessage(d, value, path, LB_ENDPOINT);
  if (!m) return undefined;
  if (m.endpoint_name !== undefined) {
    d.error([...path, 'endpoint_name'], 'named endpoints are not supported; give the endpoint with its socket address');
    return undefined;
  }
  if (m.health_status !== undefined) {
    const h = readEnum(d, m.health_status, [...path, 'health_status'], HEALTH_STATUSES);
    if (h !== undefined && h !== 'UNKNOWN' && h !== 'HEALTHY') {
      d.warn('unmodelled-field', [...path, 'health_status'], `health_status ${h} is not modelled: failsim starts every host healthy (use faults to make an endpoint fail)`);
    }
  }
  const weight = m.load_balancing_weight === undefined ? 1 : readUint(d, m.load_balancing_weight, [...path, 'load_balancing_weight'], 1);
  if (m.endpoint === undefined) {
    d.error([...path, 'endpoint'], 'required: endpoint.address.socket_address');
    return undefined;
  }
  const e = readMessage(d, m.endpoint, [...path, 'endpoint'], ENDPOINT);
  if (!e) return undefined;
  const ap = [...path, 'endpoint', 'address'];
  if (e.address === undefined) {
    d.error(ap, 'required: socket_address {address, port_value}');
    return undefined;
  }
  const a = readMessage(d, e.address, ap, { name: 'Address', modelled: ['socket_address', 'pipe', 'envoy_internal_address'] });
  if (!a) return undefined;
  if (a.socket_address === undefined) {
    d.error(ap, 'expected socket_address {address, port_value} (pipes and internal addresses are not supported)');
    return undefined;
  }
  const sp = [...ap, 'socket_address'];
  const s = readMessage(d, a.socket_address, sp, SOCKET_ADDRESS);
  if (!s) return undefined;
  if (s.named_port !== undefined) d.error([...sp, 'named_port'], 'named ports are not supported; give port_value');
  if (s.protocol !== undefined && s.protocol !== 'TCP') d.error([...sp, 'protocol'], `expected TCP (HTTP upstreams), got ${JSON.stringify(s.protocol)}`);
  const address = s.address === undefined ? undefined : readString(d, s.address, [...sp, 'address'], true);
  if (s.address === undefined) d.error([...sp, 'address'], 'required: an IP address or DNS name');
  if (s.port_value === undefined) d.error([...sp, 'port_value'], 'required: the port (0-65535)');
  const port = s.port_value === undefined ? undefined : readUint(d, s.port_value, [...sp, 'port_value'], 0, 65535);
  if (address === undefined || port === undefined || weight === undefined) return undefined;
  return { address, port, weight };
}

/**
 * failsim names endpoints by address (faults and latency models are keyed by it): an address that
 * appears with several ports becomes `address:port` for each of them. The same address and port
 * twice is an error (Envoy would make two hosts of it; failsim could not tell them apart).
 */
function uniqueAddresses(d: Diagnostics, endpoints: RawEndpoint[]): RawEndpoint[] {
  const ports = new Map<string, Set<number>>();
  const first = new Map<string, RawEndpoint>();
  for (const e of endpoints) {
    const key = `${e.address}:${e.port}`;
    const earlier = first.get(key);
    if (earlier) {
      d.error(e.path, `${key} is listed twice (also at ${formatPath(earlier.path)}); failsim names endpoints by address: give each once and use load_balancing_weight for a bigger share`);
      continue;
    }
    first.set(key, e);
    let s = ports.get(e.address);
    if (!s) ports.set(e.address, (s = new Set()));
    s.add(e.port);
  }
  return endpoints.map((e) => (ports.get(e.address)!.size > 1 ? { ...e, address: `${e.address}:${e.port}` } : e));
}
