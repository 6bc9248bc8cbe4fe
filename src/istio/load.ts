/**
 * Reads Istio YAML exactly as users `kubectl apply` it: one file, any number of `---` documents,
 * each a ServiceEntry, DestinationRule or VirtualService in networking.istio.io v1alpha3, v1beta1
 * or v1. Everything Istio would reject is an IstioConfigError naming the file, the document
 * (index, kind/name), the path and what was expected; everything Istio accepts but failsim does not
 * model is a warning (never silence).
 */
import { LineCounter, parseAllDocuments, type Document } from 'yaml';
import type { z } from 'zod';
import { yamlToData } from '../config/yaml.ts';
import {
  API_VERSIONS,
  DestinationRuleDocSchema,
  KINDS,
  ServiceEntryDocSchema,
  VirtualServiceDocSchema,
  type DestinationRuleSpec,
  type IstioKind,
  type LocalityLbSetting,
  type OutlierDetection,
  type ServiceEntrySpec,
  type TrafficPolicy,
  type VirtualServiceSpec,
} from './schema.ts';
import { IstioConfigError, formatPath, type IstioWarning, type SourceRef } from './diagnostics.ts';
export { formatPath };
import { unmodelledFieldWarnings } from './unmodelled.ts';
import type { TopologyContext } from './locality.ts';

export interface IstioResource<S> {
  ref: SourceRef;
  name: string;
  namespace: string | undefined;
  apiVersion: string;
  spec: S;
  /** metadata as written (annotations, creationTimestamp, …). */
  metadata?: Record<string, unknown>;
  /** metadata.annotations when it is a map of strings. */
  annotations?: Record<string, string>;
  /**
   * Inputs another registry can fill (src/mesh: a Kubernetes Service and its EndpointSlices):
   * the Service's `spec.trafficDistribution`, and per endpoint (parallel to spec.endpoints) the
   * cluster, node and network Istio adds as topology labels.
   */
  trafficDistribution?: string;
  endpointTopology?: TopologyContext[];
  /** Set on a DestinationRule that stands for several (./destination-rule-merge.ts). */
  mergeWarnings?: IstioWarning[];
}

export interface IstioConfig {
  file: string;
  serviceEntries: IstioResource<ServiceEntrySpec>[];
  destinationRules: IstioResource<DestinationRuleSpec>[];
  virtualServices: IstioResource<VirtualServiceSpec>[];
  warnings: IstioWarning[];
}

/** Envoy/Istio retry_on values Istio accepts (pkg/config/validation supportedRetryOnPolicies). */
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

type Problem = { path: (string | number)[]; message: string };

export function parseIstioYaml(text: string, file: string): IstioConfig {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { merge: true, lineCounter, prettyErrors: false });
  const config: IstioConfig = { file, serviceEntries: [], destinationRules: [], virtualServices: [], warnings: [] };
  const errors: string[] = [];
  const list = Array.isArray(docs) ? docs : [docs];
  list.forEach((doc, i) => {
    const index = i + 1;
    if (doc.errors.length > 0) {
      const e = doc.errors[0];
      const line = lineCounter.linePos(e.pos[0]).line;
      errors.push(`${file}: document ${index}: not valid YAML (line ${line}): ${e.message.split('\n')[0]}`);
      return;
    }
    const value = yamlToData(doc, file, text);
    if (value === null || value === undefined) return; // an empty document, as kubectl skips it
    const lineOf = (path: (string | number)[]): number | undefined => lineOfPath(doc, lineCounter, path);
    const result = readIstioDocument(value, file, index, lineOf, config);
    errors.push(...result);
  });
  if (errors.length > 0) throw new IstioConfigError(errors.slice(0, 20).join('\n'));
  if (config.serviceEntries.length + config.destinationRules.length + config.virtualServices.length === 0) {
    throw new IstioConfigError(`${file}: no Istio resources (expected ServiceEntry, DestinationRule or VirtualService documents)`);
  }
  return config;
}

function lineOfPath(doc: Document, lc: LineCounter, path: (string | number)[]): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === 'object' && node.range) return lc.linePos(node.range[0]).line;
  }
  return undefined;
}

/**
 * Reads one parsed document into `config`; returns its problems. Exported for src/mesh, which
 * reads Kubernetes dumps (kind: List, several files) and hands each Istio document here.
 */
export function readIstioDocument(
  value: unknown,
  file: string,
  index: number,
  lineOf: (path: (string | number)[]) => number | undefined,
  config: IstioConfig,
): string[] {
  const head = `${file}: document ${index}`;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return [`${head}: expected a Kubernetes resource (a mapping with apiVersion, kind, metadata, spec)`];
  }
  const obj = value as Record<string, unknown>;
  const kind = obj.kind;
  const apiVersion = obj.apiVersion;
  if (typeof kind !== 'string') return [`${head}: kind: expected one of ${KINDS.join(', ')}`];
  const metaName = (obj.metadata as { name?: unknown } | undefined)?.name;
  const label = typeof metaName === 'string' ? `${kind}/${metaName}` : kind;
  const where = `${head} (${label})`;
  const at = (p: Problem): string => {
    const line = lineOf(p.path);
    const path = formatPath(p.path);
    return `${where}: ${path ? `${path}: ` : ''}${p.message}${line !== undefined ? ` (line ${line})` : ''}`;
  };
  if (!(KINDS as readonly string[]).includes(kind)) {
    return [at({ path: ['kind'], message: `unknown kind "${kind}": failsim reads ${KINDS.join(', ')}` })];
  }
  if (typeof apiVersion !== 'string' || !(API_VERSIONS as readonly string[]).includes(apiVersion)) {
    return [
      at({
        path: ['apiVersion'],
        message: `unknown apiVersion ${JSON.stringify(apiVersion)} for ${kind}: expected one of ${API_VERSIONS.join(', ')}`,
      }),
    ];
  }
  const schema =
    kind === 'ServiceEntry' ? ServiceEntryDocSchema : kind === 'DestinationRule' ? DestinationRuleDocSchema : VirtualServiceDocSchema;
  const parsed = (schema as z.ZodTypeAny).safeParse(obj);
  if (!parsed.success) {
    return parsed.error.issues.map((issue: z.core.$ZodIssue) => {
      const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
      if (issue.code === 'unrecognized_keys') {
        const keys = (issue as { keys: string[] }).keys;
        return at({ path: [...path, keys[0]], message: `unknown field${keys.length > 1 ? `s ${keys.join(', ')}` : ''} (not in Istio's ${kind} API)` });
      }
      return at({ path, message: issue.message });
    });
  }
  const doc = parsed.data as { metadata: { name: string; namespace?: string; annotations?: unknown }; spec: unknown };
  const ref: SourceRef = { file, document: index, kind: kind as IstioKind, name: doc.metadata.name };
  const semantic = semanticProblems(kind as IstioKind, doc.spec);
  if (semantic.length > 0) return semantic.map(at);
  const annotations = stringMapOrUndefined(doc.metadata.annotations);
  const resource = { ref, name: doc.metadata.name, namespace: doc.metadata.namespace, apiVersion, spec: doc.spec, metadata: doc.metadata as Record<string, unknown>, ...(annotations ? { annotations } : {}) };
  if (kind === 'ServiceEntry') config.serviceEntries.push(resource as IstioResource<ServiceEntrySpec>);
  else if (kind === 'DestinationRule') config.destinationRules.push(resource as IstioResource<DestinationRuleSpec>);
  else config.virtualServices.push(resource as IstioResource<VirtualServiceSpec>);
  for (const w of unmodelledFieldWarnings(kind as IstioKind, doc.spec)) {
    config.warnings.push({ ...w, file, document: index, resource: label, line: lineOf(['spec', ...(w.pathParts ?? [])]) });
  }
  if (kind === 'DestinationRule') {
    for (const w of deprecatedWarnings(doc.spec as DestinationRuleSpec)) {
      config.warnings.push({ ...w, file, document: index, resource: label, line: lineOf(['spec', ...(w.pathParts ?? [])]) });
    }
  }
  return [];
}

function stringMapOrUndefined(value: unknown): Record<string, string> | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** Each traffic policy of a DestinationRule with its path (top level, port level, subsets). */
export function trafficPolicies(spec: DestinationRuleSpec): { path: (string | number)[]; policy: TrafficPolicy }[] {
  const out: { path: (string | number)[]; policy: TrafficPolicy }[] = [];
  const add = (path: (string | number)[], policy: TrafficPolicy | undefined): void => {
    if (!policy) return;
    out.push({ path, policy });
    policy.portLevelSettings?.forEach((p, i) => out.push({ path: [...path, 'portLevelSettings', i], policy: p as TrafficPolicy }));
  };
  add(['trafficPolicy'], spec.trafficPolicy);
  spec.subsets?.forEach((s, i) => add(['subsets', i, 'trafficPolicy'], s.trafficPolicy));
  return out;
}

/** Istio's own validation beyond field types (pkg/config/validation). Paths are from the document root. */
function semanticProblems(kind: IstioKind, spec: unknown): Problem[] {
  const problems: Problem[] = [];
  if (kind === 'DestinationRule') {
    const dr = spec as DestinationRuleSpec;
    for (const { path, policy } of trafficPolicies(dr)) {
      const base = ['spec', ...path];
      const isPortLevel = path[path.length - 2] === 'portLevelSettings';
      const keys = Object.keys(policy).filter((k) => (isPortLevel ? k !== 'port' : true));
      if (keys.length === 0) problems.push({ path: base, message: 'traffic policy must have at least one field' });
      const od = policy.outlierDetection;
      if (od) problems.push(...outlierProblems(od, [...base, 'outlierDetection']));
      const lb = policy.loadBalancer?.localityLbSetting;
      if (lb) problems.push(...localityProblems(lb, [...base, 'loadBalancer', 'localityLbSetting']));
      if (policy.loadBalancer?.simple && policy.loadBalancer.consistentHash) {
        problems.push({ path: [...base, 'loadBalancer'], message: 'simple and consistentHash cannot both be set' });
      }
    }
    const names = new Set<string>();
    dr.subsets?.forEach((s, i) => {
      if (names.has(s.name)) problems.push({ path: ['spec', 'subsets', i, 'name'], message: `duplicate subset name "${s.name}"` });
      names.add(s.name);
    });
  } else if (kind === 'VirtualService') {
    const vs = spec as VirtualServiceSpec;
    vs.http?.forEach((route, i) => {
      const r = route.retries;
      if (!r) return;
      const base = ['spec', 'http', i, 'retries'];
      if (r.attempts !== undefined && r.attempts < 0) problems.push({ path: [...base, 'attempts'], message: 'attempts cannot be negative' });
      if (r.retryOn !== undefined) {
        for (const raw of r.retryOn.split(',')) {
          const cond = raw.trim();
          if (cond === '' || /^\d+$/.test(cond)) continue;
          if (!SUPPORTED_RETRY_ON.has(cond)) {
            problems.push({ path: [...base, 'retryOn'], message: `"${cond}" is not a valid retryOn condition (expected an HTTP status code or one of ${[...SUPPORTED_RETRY_ON].join(', ')})` });
          }
        }
      }
    });
  }
  return problems;
}

function outlierProblems(od: OutlierDetection, base: (string | number)[]): Problem[] {
  const out: Problem[] = [];
  if (od.consecutiveErrors !== undefined && od.consecutiveErrors < 0) {
    out.push({ path: [...base, 'consecutiveErrors'], message: 'outlier detection consecutive errors cannot be negative' });
  }
  if (!od.splitExternalLocalOriginErrors && (od.consecutiveLocalOriginFailures ?? 0) > 0) {
    out.push({
      path: [...base, 'consecutiveLocalOriginFailures'],
      message: 'consecutive local origin failures is specified, but splitExternalLocalOriginErrors is not true',
    });
  }
  return out;
}

function localityProblems(lb: LocalityLbSetting, base: (string | number)[]): Problem[] {
  const out: Problem[] = [];
  if ((lb.distribute?.length ?? 0) > 0 && (lb.failover?.length ?? 0) > 0) {
    out.push({ path: base, message: "can not simultaneously specify 'distribute' and 'failover'" });
  }
  lb.distribute?.forEach((d, i) => {
    let total = 0;
    for (const [loc, w] of Object.entries(d.to)) {
      if (w <= 0 || w > 100) out.push({ path: [...base, 'distribute', i, 'to', loc], message: 'locality weight must be in range [1, 100]' });
      total += w;
    }
    if (total !== 100) out.push({ path: [...base, 'distribute', i, 'to'], message: `total locality weight ${total} != 100` });
  });
  lb.failover?.forEach((f, i) => {
    const p = [...base, 'failover', i];
    if (f.from === f.to) out.push({ path: p, message: 'locality lb failover settings must specify different regions' });
    else if (f.from.includes('/') || f.to.includes('/')) out.push({ path: p, message: 'locality lb failover only specifies regions (no "/")' });
    else if (f.from.includes('*') || f.to.includes('*')) out.push({ path: p, message: "locality lb failover region should not contain '*' wildcard" });
  });
  return out;
}

function deprecatedWarnings(dr: DestinationRuleSpec): Omit<IstioWarning, 'file' | 'document' | 'resource'>[] {
  const out: Omit<IstioWarning, 'file' | 'document' | 'resource'>[] = [];
  for (const { path, policy } of trafficPolicies(dr)) {
    const od = policy.outlierDetection;
    if (od?.consecutiveErrors !== undefined && od.consecutiveErrors !== 0) {
      const pathParts = [...path, 'outlierDetection', 'consecutiveErrors'];
      out.push({
        code: 'deprecated-consecutive-errors',
        message:
          'consecutiveErrors is deprecated: Istio ≤ 1.4 maps it to consecutive gateway errors only (500s never eject); Istio ≥ 1.7 ignores it. Use consecutive5xxErrors or consecutiveGatewayErrors.',
        path: formatPath(['spec', ...pathParts]),
        pathParts,
      });
    }
    if (policy.loadBalancer?.warmupDurationSecs !== undefined && policy.loadBalancer.warmup !== undefined) {
      const pathParts = [...path, 'loadBalancer', 'warmupDurationSecs'];
      out.push({ code: 'warmup-overridden', message: 'warmupDurationSecs is ignored because warmup is set', path: formatPath(['spec', ...pathParts]), pathParts });
    }
  }
  return out;
}
