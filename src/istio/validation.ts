/**
 * Istio's own validation of the resources failsim reads, beyond field types: the rules of
 * pkg/config/validation/validation.go and pkg/config/validation/agent/validation.go at 1.28.0
 * (what `istioctl validate` and the admission webhook report), with Istio's messages. Errors reject
 * the file; Istio's warnings become failsim warnings. Paths are from the document root.
 */
import { atoi, HTTP_STATUS_CODES } from './retry.ts';
import { trafficPolicies } from './traffic-policy.ts';
import { ipSubnetError, isIpAddress } from './ip.ts';
import type {
  DestinationRuleSpec,
  LocalityLbSetting,
  OutlierDetection,
  ServiceEntrySpec,
  TrafficPolicy,
  VirtualServiceSpec,
  WorkloadEntry,
} from './schema.ts';
import type { IstioKind } from './schema.ts';
import { LABEL_REGION, LABEL_SUBZONE, LABEL_ZONE } from './locality.ts';

export type Path = (string | number)[];
export interface Problem {
  path: Path;
  message: string;
}
export interface ValidationResult {
  errors: Problem[];
  warnings: Problem[];
}

/** Envoy/Istio retry_on values Istio accepts (validation.go supportedRetryOnPolicies). */
export const SUPPORTED_RETRY_ON = new Set([
  '5xx',
  'gateway-error',
  'reset',
  'reset-before-request',
  'connect-failure',
  'retriable-4xx',
  'refused-stream',
  'retriable-status-codes',
  'retriable-headers',
  'envoy-ratelimited',
  'http3-post-connect-failure',
  'cancelled',
  'deadline-exceeded',
  'internal',
  'resource-exhausted',
  'unavailable',
]);

// ------------------------------------------------------------------ names (agent/validation.go)

// The regular expressions of pkg/config/labels/instance.go (1.28.0).
const DNS1123_LABEL_FMT = '[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?';
const QUALIFIED_NAME_FMT = '(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const DNS1123_LABEL = new RegExp(`^${DNS1123_LABEL_FMT}$`);
const WILDCARD_PREFIX = new RegExp(`^(\\*|(\\*|\\*-)?${DNS1123_LABEL_FMT})$`);
const TAG = new RegExp(`^(${DNS1123_LABEL_FMT}(?:\\.${DNS1123_LABEL_FMT})*/)?(${QUALIFIED_NAME_FMT})$`);
const LABEL_VALUE = new RegExp(`^(${QUALIFIED_NAME_FMT})?$`);

/** labels.IsDNS1123Label. */
export function isDns1123Label(s: string): boolean {
  return s.length <= 63 && DNS1123_LABEL.test(s);
}
/** labels.IsWildcardDNS1123Label. */
function isWildcardDns1123Label(s: string): boolean {
  return s.length <= 63 && WILDCARD_PREFIX.test(s);
}
function dns1123Preconditions(name: string): string | undefined {
  if (name.length > 255) return `domain name "${name}" too long (max 255)`;
  if (name.length === 0) return 'empty domain name not allowed';
  return undefined;
}
function dns1123Labels(domain: string): string | undefined {
  const parts = domain.split('.');
  const tld = parts[parts.length - 1];
  if (atoi(tld) !== undefined) return `domain name "${domain}" invalid (top level domain "${tld}" cannot be all-numeric)`;
  for (let i = 0; i < parts.length; i++) {
    if (i === parts.length - 1 && parts[i] === '') return undefined;
    if (!isDns1123Label(parts[i])) return `domain name "${domain}" invalid (label "${parts[i]}" invalid)`;
  }
  return undefined;
}
/** ValidateFQDN. */
export function fqdnError(fqdn: string): string | undefined {
  return dns1123Preconditions(fqdn) ?? dns1123Labels(fqdn);
}
/** ValidateWildcardDomain: an FQDN whose first label may be a wildcard. */
export function wildcardDomainError(domain: string): string | undefined {
  const pre = dns1123Preconditions(domain);
  if (pre) return pre;
  const dot = domain.indexOf('.');
  const first = dot < 0 ? domain : domain.slice(0, dot);
  if (!isWildcardDns1123Label(first)) return `domain name "${domain}" invalid (label "${first}" invalid)`;
  return dot < 0 ? undefined : dns1123Labels(domain.slice(dot + 1));
}
/** labels validateTagKey and the label value pattern (Instance.Validate). */
function labelKeyError(key: string): string | undefined {
  const m = TAG.exec(key);
  if (!m) return `invalid tag key: "${key}"`;
  if (m[1] && m[1].length - 1 > 253) return `invalid tag key: "${key}" (DNS prefix is too long)`;
  if (m[2].length > 63) return `invalid tag key: "${key}" (name is too long)`;
  return undefined;
}
function labelValueError(value: string): string | undefined {
  return LABEL_VALUE.test(value) ? undefined : `invalid tag value: "${value}"`;
}
function labelProblems(labels: Record<string, string> | undefined, path: Path): Problem[] {
  const out: Problem[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    const e = labelKeyError(k) ?? labelValueError(v);
    if (e) out.push({ path: [...path, k], message: e });
  }
  return out;
}

/** ValidateProtocol: names protocol.Parse knows (case-insensitive); empty means sniffing. */
const PROTOCOLS = new Set(['tcp', 'udp', 'grpc', 'grpc-web', 'http', 'http_proxy', 'http2', 'https', 'tls', 'mongo', 'redis', 'mysql']);

// ------------------------------------------------------------------ ServiceEntry

function serviceEntryProblems(se: ServiceEntrySpec): ValidationResult {
  const errors: Problem[] = [];
  const warnings: Problem[] = [];
  const resolution = se.resolution ?? 'NONE';
  // ValidateAlphaWorkloadSelector.
  const selector = se.workloadSelector as { labels?: unknown } | undefined;
  if (selector !== undefined && selector !== null && typeof selector === 'object') {
    const labels = selector.labels !== null && typeof selector.labels === 'object' ? (selector.labels as Record<string, unknown>) : {};
    for (const [k, v] of Object.entries(labels)) {
      const pair = `${k}=${String(v)}`;
      if (k === '') errors.push({ path: ['spec', 'workloadSelector', 'labels'], message: `empty key is not supported in selector: "${pair}"` });
      if (k.includes('*') || String(v).includes('*')) errors.push({ path: ['spec', 'workloadSelector', 'labels', k], message: `wildcard is not supported in selector: "${pair}"` });
    }
    if (Object.keys(labels).length === 0) warnings.push({ path: ['spec', 'workloadSelector'], message: 'service entry: workload selector specified without labels, will be applied to all services in namespace' });
  }
  if (se.workloadSelector !== undefined && se.endpoints !== undefined) {
    errors.push({ path: ['spec'], message: 'only one of WorkloadSelector or Endpoints is allowed in Service Entry' });
  }
  se.hosts.forEach((h, i) => {
    if (h === '*') {
      errors.push({ path: ['spec', 'hosts', i], message: `invalid host ${h}` });
      return;
    }
    const e = wildcardDomainError(h);
    if (e) errors.push({ path: ['spec', 'hosts', i], message: e });
    if (resolution !== 'DYNAMIC_DNS' && h.includes('*') && !h.startsWith('*.')) {
      warnings.push({ path: ['spec', 'hosts', i], message: `partial wildcard "${h}" not allowed` });
    }
  });
  const addresses = Array.isArray(se.addresses) ? (se.addresses as unknown[]) : [];
  let cidr = false;
  addresses.forEach((a, i) => {
    if (typeof a !== 'string') {
      const hint = a !== null && typeof a === 'object' ? ' (YAML read a mapping: in a [flow, list] an address ending in ":" needs quotes)' : '';
      errors.push({ path: ['spec', 'addresses', i], message: `expected an IP address or CIDR block${hint}` });
      return;
    }
    const text = a;
    cidr ||= text.includes('/');
    const e = ipSubnetError(text);
    if (e) errors.push({ path: ['spec', 'addresses', i], message: e });
  });
  if (cidr && resolution !== 'NONE' && resolution !== 'STATIC') {
    errors.push({ path: ['spec', 'addresses'], message: 'CIDR addresses are allowed only for NONE/STATIC resolution types' });
  }
  const names = new Set<string>();
  const numbers = new Set<number>();
  (se.ports ?? []).forEach((p, i) => {
    const name = p.name ?? '';
    if (names.has(name)) errors.push({ path: ['spec', 'ports', i, 'name'], message: `service entry port name "${name}" already defined` });
    names.add(name);
    if (numbers.has(p.number)) errors.push({ path: ['spec', 'ports', i, 'number'], message: `service entry port ${p.number} already defined` });
    numbers.add(p.number);
    if (!isDns1123Label(name)) errors.push({ path: ['spec', 'ports', i, 'name'], message: `invalid port name: ${name}` });
    if (p.protocol !== undefined && p.protocol !== '' && !PROTOCOLS.has(p.protocol.toLowerCase())) {
      errors.push({ path: ['spec', 'ports', i, 'protocol'], message: `unsupported protocol: ${p.protocol}` });
    }
  });
  const endpoints = se.endpoints ?? [];
  const endpointPorts = (ep: WorkloadEntry, i: number): void => {
    for (const [name, port] of Object.entries(ep.ports ?? {})) {
      if (!names.has(name)) errors.push({ path: ['spec', 'endpoints', i, 'ports', name], message: `endpoint port ${port} is not defined by the service entry` });
      if (!isDns1123Label(name)) errors.push({ path: ['spec', 'endpoints', i, 'ports', name], message: `invalid port name: ${name}` });
    }
  };
  switch (resolution) {
    case 'NONE':
      if (endpoints.length !== 0) errors.push({ path: ['spec', 'endpoints'], message: 'no endpoints should be provided for resolution type none' });
      break;
    case 'STATIC':
      endpoints.forEach((ep, i) => {
        const path = ['spec', 'endpoints', i];
        const addr = ep.address ?? '';
        if (addr === '') {
          if (!ep.network) errors.push({ path: [...path, 'address'], message: 'address is required' });
          else warnings.push({ path: [...path, 'address'], message: `address is unset with network "${ep.network}"` });
        }
        if (addr.startsWith('unix://')) {
          const socket = addr.slice('unix://'.length);
          if (socket.length === 0) errors.push({ path: [...path, 'address'], message: 'unix address must not be empty' });
          else if (!socket.startsWith('@') && (!socket.startsWith('/') || socket.endsWith('/'))) {
            errors.push({ path: [...path, 'address'], message: `${socket} is not an absolute path to a file` });
          }
          if (Object.keys(ep.ports ?? {}).length !== 0) errors.push({ path: [...path, 'ports'], message: `unix endpoint ${addr} must not include ports` });
          if (names.size !== 1) errors.push({ path, message: 'exactly 1 service port required for unix endpoints' });
        } else if (addr !== '' && !isIpAddress(addr)) {
          errors.push({ path: [...path, 'address'], message: `endpoint address "${addr}" is not a valid IP address` });
        }
        endpointPorts(ep, i);
        errors.push(...labelProblems(ep.labels, [...path, 'labels']));
      });
      break;
    case 'DNS':
    case 'DNS_ROUND_ROBIN':
      if (endpoints.length === 0) {
        const bad = se.hosts.map((h) => fqdnError(h)).find((e) => e !== undefined);
        if (bad) errors.push({ path: ['spec', 'hosts'], message: `hosts must be FQDN or contain only prefix wildcards if no endpoints are provided for resolution mode ${resolution}, ${bad}` });
      }
      if (resolution === 'DNS_ROUND_ROBIN' && endpoints.length > 1) {
        errors.push({ path: ['spec', 'endpoints'], message: `there must only be 0 or 1 endpoint for resolution mode ${resolution}` });
      }
      endpoints.forEach((ep, i) => {
        const addr = ep.address ?? '';
        if (!isIpAddress(addr) && fqdnError(addr) !== undefined) {
          errors.push({ path: ['spec', 'endpoints', i, 'address'], message: `endpoint address "${addr}" is not a valid FQDN or an IP address` });
        }
        errors.push(...labelProblems(ep.labels, ['spec', 'endpoints', i, 'labels']));
        endpointPorts(ep, i);
      });
      break;
    case 'DYNAMIC_DNS':
      se.hosts.forEach((h, i) => {
        if (!h.startsWith('*')) errors.push({ path: ['spec', 'hosts', i], message: `host must be wildcarded for resolution mode ${resolution}` });
      });
      if (addresses.length !== 0) errors.push({ path: ['spec', 'addresses'], message: `addresses cannot be set for resolution type ${resolution}` });
      if (endpoints.length !== 0) errors.push({ path: ['spec', 'endpoints'], message: `endpoints cannot be set for resolution type ${resolution}` });
      if ((se.location ?? 'MESH_EXTERNAL') !== 'MESH_EXTERNAL') errors.push({ path: ['spec', 'location'], message: `location must be MESH_EXTERNAL for resolution type ${resolution}` });
      break;
  }
  if (resolution !== 'NONE' && se.hosts.length > 1) {
    const i = (se.ports ?? []).findIndex((p) => !isHttpOrTls(p.protocol));
    if (i >= 0) errors.push({ path: ['spec', 'ports', i, 'protocol'], message: 'multiple hosts provided with non-HTTP, non-TLS ports' });
  }
  return { errors, warnings };
}

function isHttpOrTls(protocol: string | undefined): boolean {
  const p = (protocol ?? '').toLowerCase();
  return ['http', 'http2', 'grpc', 'grpc-web', 'http_proxy', 'https', 'tls'].includes(p);
}

// ------------------------------------------------------------------ DestinationRule

function outlierProblems(od: OutlierDetection, base: Path, out: ValidationResult): void {
  if (od.consecutiveErrors !== undefined && od.consecutiveErrors < 0) {
    out.errors.push({ path: [...base, 'consecutiveErrors'], message: 'outlier detection consecutive errors cannot be negative' });
  }
  if (!od.splitExternalLocalOriginErrors && (od.consecutiveLocalOriginFailures ?? 0) > 0) {
    out.errors.push({
      path: [...base, 'consecutiveLocalOriginFailures'],
      message: 'outlier detection consecutive local origin failures is specified, but split external local origin errors is set to false',
    });
  }
}

/** agent.ValidateLocalityLbSetting. */
function localityProblems(lb: LocalityLbSetting, base: Path, hasOutlier: boolean, out: ValidationResult): void {
  const distribute = lb.distribute ?? [];
  const failover = lb.failover ?? [];
  const priority = lb.failoverPriority ?? [];
  if (distribute.length > 0 && failover.length > 0) {
    out.errors.push({ path: base, message: "can not simultaneously specify 'distribute' and 'failover'" });
    return;
  }
  if (failover.length > 0) {
    const topo = priority.find((p) => p === LABEL_REGION || p === LABEL_ZONE || p === LABEL_SUBZONE);
    if (topo) {
      out.errors.push({ path: [...base, 'failoverPriority'], message: `can not simultaneously set 'failover' and topology label '${topo}' in 'failover_priority'` });
      return;
    }
  }
  const sources: string[] = [];
  for (let i = 0; i < distribute.length; i++) {
    const d = distribute[i];
    sources.push(d.from);
    let total = 0;
    for (const [loc, w] of Object.entries(d.to)) {
      if (w <= 0 || w > 100) {
        out.errors.push({ path: [...base, 'distribute', i, 'to', loc], message: 'locality weight must be in range [1, 100]' });
        return;
      }
      total += w;
    }
    if (total !== 100) {
      out.errors.push({ path: [...base, 'distribute', i, 'to'], message: `total locality weight ${total} != 100` });
      return;
    }
    const e = localitiesError(Object.keys(d.to));
    if (e) out.errors.push({ path: [...base, 'distribute', i, 'to'], message: e });
  }
  const e = localitiesError(sources);
  if (e) out.errors.push({ path: [...base, 'distribute'], message: e });
  if ((failover.length > 0 || priority.length > 0) && !hasOutlier) {
    out.warnings.push({ path: base, message: 'outlier detection policy must be provided for failover' });
  }
  failover.forEach((f, i) => {
    const p = [...base, 'failover', i];
    if (f.from === f.to) out.errors.push({ path: p, message: 'locality lb failover settings must specify different regions' });
    if (f.from.includes('/') || f.to.includes('/')) out.errors.push({ path: p, message: 'locality lb failover only specify region' });
    if (f.from.includes('*') || f.to.includes('*')) out.errors.push({ path: p, message: "locality lb failover region should not contain '*' wildcard" });
  });
}

/** agent validateLocalities: wildcards only at the end, no empty parts, no overlaps. */
function localitiesError(localities: string[]): string | undefined {
  const seen: { parts: string[] }[] = [];
  for (const loc of localities) {
    const stars = loc.split('*').length - 1;
    if (stars > 0 && (stars > 1 || !loc.endsWith('*'))) return `locality ${loc} wildcard '*' number can not exceed 1 and must be in the end`;
    if (seen.some((s) => s.parts[0] === '*')) return `locality ${loc} overlap with previous specified ones`;
    const parts = splitN(loc, '/', 3);
    if (parts.some((p) => p === '')) return `locality ${loc} must not contain empty region/zone/subzone info`;
    const overlaps = seen.some((s) => {
      const n = Math.min(s.parts.length, parts.length);
      for (let k = 0; k < n; k++) if (s.parts[k] !== parts[k] && s.parts[k] !== '*' && parts[k] !== '*') return false;
      return true;
    });
    if (overlaps) return `locality ${loc} overlap with previous specified ones`;
    seen.push({ parts });
  }
  return undefined;
}

function splitN(text: string, sep: string, n: number): string[] {
  const parts = text.split(sep);
  return parts.length <= n ? parts : [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
}

function policyProblems(policy: TrafficPolicy, base: Path, isPortLevel: boolean, out: ValidationResult): void {
  const fields = isPortLevel
    ? ['outlierDetection', 'connectionPool', 'loadBalancer', 'tls']
    : ['outlierDetection', 'connectionPool', 'loadBalancer', 'tls', 'portLevelSettings', 'tunnel', 'proxyProtocol', 'retryBudget'];
  const record = policy as Record<string, unknown>;
  if (!fields.some((f) => record[f] !== undefined)) {
    out.errors.push({ path: base, message: isPortLevel ? 'port traffic policy must have at least one field' : 'traffic policy must have at least one field' });
    return;
  }
  if (!isPortLevel && record.tunnel !== undefined && record.proxyProtocol !== undefined) {
    out.errors.push({ path: base, message: 'tunnel and proxyProtocol must not be set together' });
  }
  if (policy.outlierDetection) outlierProblems(policy.outlierDetection, [...base, 'outlierDetection'], out);
  const pool = policy.connectionPool;
  if (pool && pool.http === undefined && pool.tcp === undefined) {
    out.errors.push({ path: [...base, 'connectionPool'], message: 'connection pool must have at least one field' });
  }
  const lb = policy.loadBalancer;
  if (lb?.localityLbSetting) localityProblems(lb.localityLbSetting, [...base, 'loadBalancer', 'localityLbSetting'], policy.outlierDetection !== undefined, out);
  if (lb?.simple && lb.consistentHash) out.errors.push({ path: [...base, 'loadBalancer'], message: 'simple and consistentHash cannot both be set' });
}

function destinationRuleProblems(dr: DestinationRuleSpec): ValidationResult {
  const out: ValidationResult = { errors: [], warnings: [] };
  const e = wildcardDomainError(dr.host);
  if (e) out.errors.push({ path: ['spec', 'host'], message: e });
  for (const { path, policy } of trafficPolicies(dr)) {
    const isPortLevel = path[path.length - 2] === 'portLevelSettings';
    policyProblems(policy, ['spec', ...path], isPortLevel, out);
  }
  const names = new Set<string>();
  dr.subsets?.forEach((s, i) => {
    if (names.has(s.name)) out.errors.push({ path: ['spec', 'subsets', i, 'name'], message: `duplicate subset names: ${s.name}` });
    names.add(s.name);
    if (s.name === '') out.errors.push({ path: ['spec', 'subsets', i, 'name'], message: 'name cannot be empty' });
    else if (!isDns1123Label(s.name)) out.errors.push({ path: ['spec', 'subsets', i, 'name'], message: `subset name is invalid: ${s.name}` });
    out.errors.push(...labelProblems(s.labels, ['spec', 'subsets', i, 'labels']));
  });
  return out;
}

// ------------------------------------------------------------------ VirtualService

function virtualServiceProblems(vs: VirtualServiceSpec): ValidationResult {
  const out: ValidationResult = { errors: [], warnings: [] };
  vs.http?.forEach((route, i) => {
    const r = route.retries;
    if (!r) return;
    const base = ['spec', 'http', i, 'retries'];
    const attempts = r.attempts ?? 0;
    if (attempts < 0) out.errors.push({ path: [...base, 'attempts'], message: 'attempts cannot be negative' });
    if (attempts === 0 && (r.perTryTimeout !== undefined || (r.retryOn ?? '') !== '' || r.retryRemoteLocalities !== undefined)) {
      out.errors.push({ path: base, message: 'http retry policy configured when attempts are set to 0 (disabled)' });
    }
    if (r.retryOn !== undefined && r.retryOn !== '') {
      // validateHTTPRetry splits without trimming: " 503" and "" are invalid parts.
      for (const part of r.retryOn.split(',')) {
        const n = atoi(part) ?? 0;
        if (!HTTP_STATUS_CODES.has(n) && !SUPPORTED_RETRY_ON.has(part)) {
          out.errors.push({ path: [...base, 'retryOn'], message: `"${part}" is not a valid retryOn policy` });
        }
      }
    }
  });
  return out;
}

export function validateIstioSpec(kind: IstioKind, spec: unknown): ValidationResult {
  if (kind === 'ServiceEntry') return serviceEntryProblems(spec as ServiceEntrySpec);
  if (kind === 'DestinationRule') return destinationRuleProblems(spec as DestinationRuleSpec);
  return virtualServiceProblems(spec as VirtualServiceSpec);
}
