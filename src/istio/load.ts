/**
 * Reads Istio YAML exactly as users `kubectl apply` it: one file, any number of `---` documents,
 * each a ServiceEntry, DestinationRule or VirtualService in networking.istio.io v1alpha3, v1beta1
 * or v1. Everything Istio would reject is an IstioConfigError naming the file, the document
 * (index, kind/name), the path and what was expected; everything Istio accepts but failsim does not
 * model is a warning (never silence).
 */
import { LineCounter, parseAllDocuments, type Document } from 'yaml';
import type { z } from 'zod';
import { parseAllYamlDocuments, yamlToData } from '../config/yaml.ts';
import {
  API_VERSIONS,
  DestinationRuleDocSchema,
  KINDS,
  ServiceEntryDocSchema,
  VirtualServiceDocSchema,
  type DestinationRuleSpec,
  type IstioKind,
  type ServiceEntrySpec,
  type VirtualServiceSpec,
} from './schema.ts';
import { IstioConfigError, formatPath, type IstioWarning, type SourceRef } from './diagnostics.ts';
export { formatPath };
import { unmodelledFieldWarnings } from './unmodelled.ts';
import { SUPPORTED_RETRY_ON, validateIstioSpec } from './validation.ts';
import { trafficPolicies } from './traffic-policy.ts';
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

export { SUPPORTED_RETRY_ON };

type Problem = { path: (string | number)[]; message: string };

export function parseIstioYaml(text: string, file: string): IstioConfig {
  const lineCounter = new LineCounter();
  const docs = parseAllYamlDocuments(text, file, { merge: true, lineCounter, prettyErrors: false });
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

/**
 * The 1-based line of `path` (or its nearest ancestor) in document `document` (1-based) of Istio YAML
 * text; undefined when the text does not parse or has no such document.
 */
export function lineOfDocumentPath(text: string, document: number, path: (string | number)[]): number | undefined {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { merge: true, lineCounter, prettyErrors: false });
  const doc = Array.isArray(docs) ? docs[document - 1] : undefined;
  return doc === undefined ? undefined : lineOfPath(doc, lineCounter, path);
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
  if (obj.spec === undefined || obj.spec === null) return [at({ path: ['spec'], message: 'spec is required' })];
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
  const validation = validateIstioSpec(kind as IstioKind, doc.spec);
  if (validation.errors.length > 0) return validation.errors.map(at);
  const annotations = stringMapOrUndefined(doc.metadata.annotations);
  const resource = { ref, name: doc.metadata.name, namespace: doc.metadata.namespace, apiVersion, spec: doc.spec, metadata: doc.metadata as Record<string, unknown>, ...(annotations ? { annotations } : {}) };
  if (kind === 'ServiceEntry') config.serviceEntries.push(resource as IstioResource<ServiceEntrySpec>);
  else if (kind === 'DestinationRule') config.destinationRules.push(resource as IstioResource<DestinationRuleSpec>);
  else config.virtualServices.push(resource as IstioResource<VirtualServiceSpec>);
  for (const w of unmodelledFieldWarnings(kind as IstioKind, doc.spec)) {
    config.warnings.push({ ...w, file, document: index, resource: label, line: lineOf(['spec', ...(w.pathParts ?? [])]) });
  }
  for (const w of validation.warnings) {
    const pathParts = w.path.slice(1);
    config.warnings.push({ code: 'istio-validation-warning', message: `Istio's validation warns: ${w.message}`, path: formatPath(w.path), pathParts, file, document: index, resource: label, line: lineOf(w.path) });
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

export { trafficPolicies };

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
