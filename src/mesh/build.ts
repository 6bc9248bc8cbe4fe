/**
 * The user's mesh as Istio sees it: Kubernetes Services with their EndpointSlices, Pods and Nodes,
 * WorkloadEntries, and the Istio networking resources, from one or many files (`kubectl get ... -o
 * yaml` dumps included) → an IstioConfig for src/istio's translation, in which every service is a
 * ServiceEntry with its endpoints, localities and labels.
 *
 * A Kubernetes Service becomes a MESH_INTERNAL, STATIC ServiceEntry for
 * `<name>.<namespace>.svc.cluster.local`: the same model Istio builds from it (one IstioEndpoint per
 * ready address, with the pod's labels and locality), written in the form src/istio already reads.
 * Its `spec.trafficDistribution` (or the `networking.istio.io/traffic-distribution` annotation) is
 * carried as that annotation on the ServiceEntry, the form Istio reads on ServiceEntries
 * (pilot/pkg/model/service.go GetTrafficDistribution, 1.28.0). Endpoints carry the pod's labels
 * plus `kubernetes.io/hostname` (its node), which Istio adds to endpoint labels
 * (pilot/pkg/serviceregistry/util/label AugmentLabels).
 *
 * The result keeps the user's own documents (with short host names resolved as Istio does:
 * pilot/pkg/model/config.go ResolveShortnameToFQDN) and the generated ServiceEntries as plain
 * documents too (`documents`), so that a run can be given the same configuration as YAML text.
 */
import type { z } from 'zod';
import { UserError } from '../config/errors.ts';
import type { Locality } from '../envoy/cluster.ts';
import { formatPath, type IstioWarning, type SourceRef } from '../istio/diagnostics.ts';
import { readIstioDocument, type IstioConfig, type IstioResource } from '../istio/load.ts';
import { formatLocality } from '../istio/locality.ts';
import { KINDS as ISTIO_KINDS, type DestinationRuleSpec, type ServiceEntrySpec, type ServicePort, type VirtualServiceSpec } from '../istio/schema.ts';
import { resourceLabel, splitResources, type MeshInputFile, type RawResource } from './documents.ts';
import { flagEndpointAddress, type EndpointsFlag } from './endpoints-flag.ts';
import {
  KUBE_KINDS,
  KUBE_SCHEMAS,
  type KubeEndpointSlice,
  type KubeKind,
  type KubeNode,
  type KubePod,
  type KubeService,
  type KubeWorkloadEntry,
} from './kube.ts';
import { nodeLocality, podLocality, regionOfZone, workloadEntryLocality } from './locality.ts';

export const DEFAULT_DOMAIN = 'cluster.local';
export const TRAFFIC_DISTRIBUTION_ANNOTATION = 'networking.istio.io/traffic-distribution';
const LABEL_HOSTNAME = 'kubernetes.io/hostname';
const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

export interface MeshEndpoint {
  address: string;
  /** null: Istio would give it no locality. */
  locality: Locality | null;
  labels: Record<string, string>;
  /** Where the endpoint came from, e.g. `EndpointSlice default/reviews-abc12`. */
  source: string;
}

export interface MeshService {
  host: string;
  namespace: string | undefined;
  /** What defined the service. */
  origin: 'Service' | 'ServiceEntry' | '--endpoints';
  /** The name of the ServiceEntry src/istio sees (generated or the user's). */
  serviceEntry: string;
  ports: ServicePort[];
  endpoints: MeshEndpoint[];
  trafficDistribution: string | undefined;
}

export interface Mesh {
  istio: IstioConfig;
  /** Every Istio document of `istio`, as plain objects in the same order (for YAML text). */
  documents: Record<string, unknown>[];
  services: MeshService[];
  /** How the input was read: fallbacks, ignored kinds, resolved names (not Istio validation warnings). */
  notes: IstioWarning[];
}

export interface BuildMeshOptions {
  endpoints?: readonly EndpointsFlag[];
  domain?: string;
}

interface Kube<T> {
  raw: RawResource;
  obj: T;
}

const INPUT_HELP = 'kubectl get svc,endpointslices,pods,nodes,destinationrules,virtualservices,serviceentries -n NAMESPACE -o yaml';

export function buildMesh(files: readonly MeshInputFile[], options: BuildMeshOptions = {}): Mesh {
  const domain = options.domain ?? DEFAULT_DOMAIN;
  const resources = splitResources(files);
  const notes: IstioWarning[] = [];
  const note = (code: string, message: string, r?: RawResource): void => {
    notes.push({ code, message, ...(r ? { file: r.file, document: r.document, resource: `${r.kind}${r.name ? `/${r.name}` : ''}` } : {}) });
  };
  const istio: IstioConfig = { file: files.map((f) => f.file).join(', '), serviceEntries: [], destinationRules: [], virtualServices: [], warnings: [] };
  const documents = new Map<object, Record<string, unknown>>();
  const kube: { [K in KubeKind]: Kube<unknown>[] } = { Service: [], EndpointSlice: [], Pod: [], Node: [], WorkloadEntry: [], WorkloadGroup: [] };
  const ignored = new Map<string, number>();
  const errors: string[] = [];

  for (const r of resources) {
    if ((ISTIO_KINDS as readonly string[]).includes(r.kind)) {
      const before = countIstio(istio);
      const problems = readIstioDocument(r.value, r.file, r.document, r.lineOf, istio);
      errors.push(...problems.map((p) => (r.item ? p.replace(`document ${r.document}`, `document ${r.document} ${r.item}`) : p)));
      if (problems.length === 0 && countIstio(istio) > before) documents.set(lastAdded(istio, r.kind), structuredClone(r.value));
      continue;
    }
    if ((KUBE_KINDS as readonly string[]).includes(r.kind)) {
      const parsed = (KUBE_SCHEMAS[r.kind as KubeKind] as z.ZodTypeAny).safeParse(r.value);
      if (!parsed.success) {
        for (const issue of parsed.error.issues.slice(0, 5)) {
          const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
          const line = r.lineOf(path);
          errors.push(`${resourceLabel(r)}: ${formatPath(path)}: ${issue.message}${line !== undefined ? ` (line ${line})` : ''}`);
        }
        continue;
      }
      kube[r.kind as KubeKind].push({ raw: r, obj: parsed.data });
      continue;
    }
    ignored.set(r.kind, (ignored.get(r.kind) ?? 0) + 1);
  }
  if (errors.length > 0) throw new UserError(errors.slice(0, 20).join('\n'));
  for (const [kind, n] of ignored) {
    note('ignored-kind', `${n} ${kind} document${n > 1 ? 's' : ''} ignored: failsim reads Service, EndpointSlice, Pod, Node, WorkloadEntry, WorkloadGroup, ServiceEntry, DestinationRule and VirtualService`);
  }
  for (const g of kube.WorkloadGroup) {
    note('workload-group', 'a WorkloadGroup defines no endpoints by itself: its WorkloadEntries appear when VMs register; include them (kubectl get workloadentries -o yaml)', g.raw);
  }

  const nodes = new Map<string, KubeNode>();
  for (const n of kube.Node as Kube<KubeNode>[]) nodes.set(n.obj.metadata.name, n.obj);
  const pods = kube.Pod as Kube<KubePod>[];
  const podByName = new Map<string, Kube<KubePod>>();
  const podByIp = new Map<string, Kube<KubePod>>();
  for (const p of pods) {
    podByName.set(`${p.obj.metadata.namespace ?? 'default'}/${p.obj.metadata.name}`, p);
    if (p.obj.status?.podIP) podByIp.set(p.obj.status.podIP, p);
  }

  const services: MeshService[] = [];
  const generated = new Set<object>();
  const zoneFallbacks = new Set<string>();
  let hintsSeen = false;
  for (const { raw, obj: svc } of kube.Service as Kube<KubeService>[]) {
    const ns = svc.metadata.namespace ?? 'default';
    const host = `${svc.metadata.name}.${ns}.svc.${domain}`;
    const slices = (kube.EndpointSlice as Kube<KubeEndpointSlice>[]).filter(
      (s) => (s.obj.metadata.namespace ?? 'default') === ns && s.obj.metadata.labels?.[SERVICE_NAME_LABEL] === svc.metadata.name,
    );
    const endpoints: MeshEndpoint[] = [];
    let notReady = 0;
    const slicePortByName = new Map<string, number>();
    for (const s of slices) {
      for (const p of s.obj.ports ?? []) if (p.port != null) slicePortByName.set(p.name ?? '', p.port);
      if (s.obj.addressType === 'FQDN') {
        note('fqdn-endpointslice', 'FQDN EndpointSlices are skipped by Istio (istio#34995): its endpoints are not used', s.raw);
        continue;
      }
      for (const e of s.obj.endpoints ?? []) {
        if (e.hints != null) hintsSeen = true;
        // endpointslice.go endpointHealthStatus: ready unless conditions.ready is false; Istio does not send
        // unready endpoints by default (PILOT_SEND_UNHEALTHY_ENDPOINTS false).
        if (e.conditions?.ready === false) {
          notReady += e.addresses.length;
          continue;
        }
        for (const address of e.addresses) {
          const pod =
            e.targetRef?.kind === 'Pod' && e.targetRef.name
              ? podByName.get(`${e.targetRef.namespace ?? ns}/${e.targetRef.name}`)
              : podByIp.get(address);
          const nodeName = pod?.obj.spec?.nodeName ?? e.nodeName ?? undefined;
          let locality: Locality | null;
          if (pod) {
            locality = podLocality(pod.obj.metadata.labels, nodeName ? nodes.get(nodeName)?.metadata.labels : undefined);
          } else {
            const node = nodeName ? nodes.get(nodeName) : undefined;
            locality = node ? nodeLocality(node.metadata.labels) : null;
            if (!node && e.zone) {
              const region = regionOfZone(e.zone);
              locality = { region: region ?? '', zone: e.zone, subzone: '' };
              zoneFallbacks.add(region === undefined ? `${e.zone} (region unknown)` : `${e.zone} → region ${region}`);
            }
          }
          const labels: Record<string, string> = { ...(pod?.obj.metadata.labels ?? {}) };
          if (nodeName) labels[LABEL_HOSTNAME] = nodeName;
          endpoints.push({ address, locality, labels, source: `EndpointSlice ${ns}/${s.obj.metadata.name}` });
        }
      }
    }
    if (slices.length === 0 && svc.spec.selector && Object.keys(svc.spec.selector).length > 0) {
      // No EndpointSlice in the dump: the ready pods the selector matches, as the EndpointSlice controller would list them.
      for (const p of pods) {
        if ((p.obj.metadata.namespace ?? 'default') !== ns || !matches(svc.spec.selector, p.obj.metadata.labels)) continue;
        const ready = p.obj.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
        if (!p.obj.status?.podIP) continue;
        if (!ready) {
          notReady++;
          continue;
        }
        const nodeName = p.obj.spec?.nodeName;
        const labels: Record<string, string> = { ...(p.obj.metadata.labels ?? {}) };
        if (nodeName) labels[LABEL_HOSTNAME] = nodeName;
        endpoints.push({
          address: p.obj.status.podIP,
          locality: podLocality(p.obj.metadata.labels, nodeName ? nodes.get(nodeName)?.metadata.labels : undefined),
          labels,
          source: `Pod ${ns}/${p.obj.metadata.name}`,
        });
      }
    }
    // WorkloadEntries selected by the Service (controller.go serviceInstancesFromWorkloadInstances).
    if (svc.spec.selector && Object.keys(svc.spec.selector).length > 0) {
      for (const we of kube.WorkloadEntry as Kube<KubeWorkloadEntry>[]) {
        if ((we.obj.metadata.namespace ?? 'default') !== ns || !matches(svc.spec.selector, we.obj.spec.labels)) continue;
        endpoints.push(workloadEntryEndpoint(we));
      }
    }
    const trafficDistribution = svc.spec.trafficDistribution ?? svc.metadata.annotations?.[TRAFFIC_DISTRIBUTION_ANNOTATION];
    if (trafficDistribution !== undefined && notReady > 0) {
      // Service.SupportsUnhealthyEndpoints (pilot/pkg/model/service.go, 1.28.0): with a traffic
      // distribution istiod sends them as UNHEALTHY, where they count in priority health and panic.
      note(
        'unready-endpoints-left-out',
        `${notReady} not-ready endpoint${notReady > 1 ? 's' : ''} left out: istiod sends the not-ready endpoints of a Service with trafficDistribution (${trafficDistribution}) to sidecars as UNHEALTHY, where they count in priority health and the panic threshold; failsim simulates only the ready ones`,
        raw,
      );
    }
    const ports: ServicePort[] = [];
    for (const p of svc.spec.ports ?? []) {
      if (p.protocol === 'UDP' || p.protocol === 'SCTP') continue;
      const target = typeof p.targetPort === 'number' ? p.targetPort : slicePortByName.get(p.name ?? '');
      ports.push({ number: p.port, ...(p.name ? { name: p.name } : {}), protocol: istioProtocol(p.appProtocol, p.name), ...(target !== undefined && target !== p.port ? { targetPort: target } : {}) });
    }
    if (svc.spec.type === 'ExternalName') {
      note('external-name', `Service of type ExternalName: modelled as a DNS ServiceEntry for ${svc.spec.externalName ?? '(no externalName)'}`, raw);
    } else if (svc.spec.clusterIP === 'None') {
      note('headless-service', 'headless Service: Istio forwards to the address the client resolved (no load balancing); failsim balances over its endpoints as for a ClusterIP service', raw);
    }
    services.push({ host, namespace: ns, origin: 'Service', serviceEntry: svc.metadata.name, ports, endpoints, trafficDistribution });
    const doc = serviceEntryDocument(svc, host, ports, endpoints, trafficDistribution);
    generated.add(addServiceEntry(istio, documents, doc, { file: raw.file, document: raw.document, kind: 'ServiceEntry', name: svc.metadata.name }));
  }
  if (hintsSeen) {
    note('endpointslice-hints', 'EndpointSlice hints (topology-aware routing) are read by kube-proxy, not by Istio sidecars: ignored, as Istio does');
  }
  if (zoneFallbacks.size > 0) {
    note(
      'locality-from-endpointslice-zone',
      `istiod takes an endpoint's locality from its Pod's Node labels, which the input does not include; used the EndpointSlice zone instead (${[...zoneFallbacks].join(', ')}). Add the nodes and pods (kubectl get nodes,pods -o yaml) to use Istio's rule exactly.`,
    );
  }

  // The user's ServiceEntries: their hosts, and WorkloadEntries for those that select them.
  for (const se of istio.serviceEntries) {
    if (generated.has(se)) continue;
    const selector = (se.spec.workloadSelector as { labels?: Record<string, string> } | undefined)?.labels;
    if (selector && (se.spec.endpoints ?? []).length === 0) {
      const ns = se.namespace ?? 'default';
      const selected = (kube.WorkloadEntry as Kube<KubeWorkloadEntry>[]).filter(
        (we) => (we.obj.metadata.namespace ?? 'default') === ns && matches(selector, we.obj.spec.labels),
      );
      const podEndpoints = pods.filter((p) => (p.obj.metadata.namespace ?? 'default') === ns && matches(selector, p.obj.metadata.labels) && p.obj.status?.podIP);
      const eps = [
        ...selected.map(workloadEntryEndpoint),
        ...podEndpoints.map((p) => ({
          address: p.obj.status!.podIP!,
          locality: podLocality(p.obj.metadata.labels, p.obj.spec?.nodeName ? nodes.get(p.obj.spec.nodeName)?.metadata.labels : undefined),
          labels: { ...(p.obj.metadata.labels ?? {}), ...(p.obj.spec?.nodeName ? { [LABEL_HOSTNAME]: p.obj.spec.nodeName } : {}) },
          source: `Pod ${ns}/${p.obj.metadata.name}`,
        })),
      ];
      const entries = eps.map(toWorkloadEntry);
      se.spec = { ...se.spec, endpoints: entries };
      delete (se.spec as { workloadSelector?: unknown }).workloadSelector;
      const doc = documents.get(se)!;
      doc.spec = se.spec;
      istio.warnings = istio.warnings.filter((w) => !(w.file === se.ref.file && w.document === se.ref.document && w.path === 'spec.workloadSelector'));
    }
    for (const host of se.spec.hosts) {
      const eps: MeshEndpoint[] =
        (se.spec.endpoints ?? []).length > 0
          ? se.spec.endpoints!.map((e) => ({
              address: e.address ?? host,
              locality: workloadEntryLocality(e.locality, e.labels),
              labels: e.labels ?? {},
              source: `ServiceEntry ${se.name}`,
            }))
          : se.spec.resolution === 'DNS' || se.spec.resolution === 'DNS_ROUND_ROBIN'
            ? [{ address: host, locality: null, labels: {}, source: `ServiceEntry ${se.name} (DNS)` }]
            : [];
      services.push({ host, namespace: se.namespace, origin: 'ServiceEntry', serviceEntry: se.name, ports: se.spec.ports ?? [], endpoints: eps, trafficDistribution: undefined });
    }
  }

  // Short host names in DestinationRules and VirtualServices, resolved as Istio does.
  const resolve = (hostName: string, namespace: string | undefined): string => {
    if (hostName === '*' || hostName.includes('.') || /^[0-9:]+$/.test(hostName)) return hostName;
    const ns = namespace ?? services.find((s) => s.origin === 'Service' && s.host.startsWith(`${hostName}.`))?.namespace ?? 'default';
    return `${hostName}.${ns}.svc.${domain}`;
  };
  for (const dr of istio.destinationRules) {
    const fqdn = resolve(dr.spec.host, dr.namespace);
    if (fqdn !== dr.spec.host) {
      dr.spec = { ...dr.spec, host: fqdn };
      (documents.get(dr)!.spec as Record<string, unknown>).host = fqdn;
    }
  }
  for (const vs of istio.virtualServices) {
    const spec = structuredClone(vs.spec) as VirtualServiceSpec;
    spec.hosts = spec.hosts?.map((h) => resolve(h, vs.namespace));
    for (const route of spec.http ?? []) for (const d of route.route ?? []) d.destination.host = resolve(d.destination.host, vs.namespace);
    vs.spec = spec;
    documents.get(vs)!.spec = structuredClone(spec);
  }

  // --endpoints: hosts that have none.
  for (const flag of options.endpoints ?? []) {
    const referenced = referencedHosts(istio).map((r) => r.host);
    const host = flag.host.includes('.') ? flag.host : (referenced.find((h) => h.startsWith(`${flag.host}.`)) ?? resolve(flag.host, undefined));
    const existing = services.find((s) => s.host === host);
    if (existing && existing.endpoints.length > 0) {
      throw new UserError(
        `--endpoints ${flag.text}: ${host} already has ${existing.endpoints.length} endpoint${existing.endpoints.length > 1 ? 's' : ''} from the input (${existing.origin} ${existing.serviceEntry}); --endpoints is for hosts the input gives none`,
      );
    }
    const endpoints: MeshEndpoint[] = flag.groups.flatMap((g) =>
      Array.from({ length: g.count }, (_, i) => ({ address: flagEndpointAddress(host, g.locality, i), locality: g.locality, labels: {}, source: '--endpoints' })),
    );
    if (existing) {
      existing.endpoints = endpoints;
      const se = istio.serviceEntries.find((s) => s.name === existing.serviceEntry && s.spec.hosts.includes(host))!;
      se.spec = { ...se.spec, resolution: 'STATIC', endpoints: endpoints.map(toWorkloadEntry) };
      documents.get(se)!.spec = se.spec;
      continue;
    }
    const ports: ServicePort[] = [{ number: 80, name: 'http', protocol: 'HTTP' }];
    const name = host.split('.')[0];
    const doc = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'ServiceEntry',
      metadata: { name, annotations: { 'failsim.dev/generated-from': '--endpoints' } },
      spec: { hosts: [host], location: 'MESH_INTERNAL', resolution: 'STATIC', ports, endpoints: endpoints.map(toWorkloadEntry) },
    };
    addServiceEntry(istio, documents, doc, { file: '--endpoints', document: 1, kind: 'ServiceEntry', name });
    services.push({ host, namespace: undefined, origin: '--endpoints', serviceEntry: name, ports, endpoints, trafficDistribution: undefined });
  }

  checkEveryHostHasEndpoints(istio, services);
  const ordered = [...istio.serviceEntries, ...istio.destinationRules, ...istio.virtualServices].map((r) => documents.get(r)!);
  return { istio, documents: ordered, services, notes };
}

function countIstio(c: IstioConfig): number {
  return c.serviceEntries.length + c.destinationRules.length + c.virtualServices.length;
}

function lastAdded(c: IstioConfig, kind: string): object {
  const list = kind === 'ServiceEntry' ? c.serviceEntries : kind === 'DestinationRule' ? c.destinationRules : c.virtualServices;
  return list[list.length - 1];
}

function matches(selector: Record<string, string> | null | undefined, labels: Record<string, string> | null | undefined): boolean {
  if (!selector) return false;
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

function workloadEntryEndpoint(we: Kube<KubeWorkloadEntry>): MeshEndpoint {
  const ns = we.obj.metadata.namespace ?? 'default';
  return {
    address: we.obj.spec.address ?? we.obj.metadata.name,
    locality: workloadEntryLocality(we.obj.spec.locality, we.obj.spec.labels),
    labels: { ...(we.obj.spec.labels ?? {}) },
    source: `WorkloadEntry ${ns}/${we.obj.metadata.name}`,
  };
}

function toWorkloadEntry(e: MeshEndpoint): NonNullable<ServiceEntrySpec['endpoints']>[number] {
  return {
    address: e.address,
    ...(Object.keys(e.labels).length ? { labels: e.labels } : {}),
    ...(e.locality ? { locality: formatLocality(e.locality) } : {}),
  };
}

/**
 * Istio's protocol for a Service port: appProtocol, else the port name's prefix before '-'
 * (pkg/config/protocol; kube ConvertProtocol). An unnamed port is auto-detected by the sidecar;
 * failsim simulates HTTP requests, so it is HTTP here.
 */
const PROTOCOLS: Record<string, string> = {
  http: 'HTTP',
  http2: 'HTTP2',
  'kubernetes.io/h2c': 'HTTP2',
  grpc: 'GRPC',
  'grpc-web': 'GRPC-WEB',
  https: 'HTTPS',
  tcp: 'TCP',
  tls: 'TLS',
  mongo: 'MONGO',
  redis: 'REDIS',
  mysql: 'MYSQL',
};
export function istioProtocol(appProtocol: string | undefined, name: string | undefined): string {
  const app = appProtocol?.toLowerCase();
  if (app && PROTOCOLS[app]) return PROTOCOLS[app];
  const prefix = name?.toLowerCase().split('-')[0];
  if (prefix && PROTOCOLS[prefix]) return PROTOCOLS[prefix];
  return 'HTTP';
}

function serviceEntryDocument(
  svc: KubeService,
  host: string,
  ports: ServicePort[],
  endpoints: MeshEndpoint[],
  trafficDistribution: string | undefined,
): Record<string, unknown> {
  const annotations: Record<string, string> = { 'failsim.dev/generated-from': `Service ${svc.metadata.namespace ?? 'default'}/${svc.metadata.name}` };
  if (trafficDistribution) annotations[TRAFFIC_DISTRIBUTION_ANNOTATION] = trafficDistribution;
  const external = svc.spec.type === 'ExternalName';
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'ServiceEntry',
    metadata: { name: svc.metadata.name, namespace: svc.metadata.namespace ?? 'default', annotations },
    spec: external
      ? { hosts: [host], location: 'MESH_EXTERNAL', resolution: 'DNS', ports, endpoints: [{ address: svc.spec.externalName ?? host }] }
      : { hosts: [host], location: 'MESH_INTERNAL', resolution: 'STATIC', ports, endpoints: endpoints.map(toWorkloadEntry) },
  };
}

function addServiceEntry(
  istio: IstioConfig,
  documents: Map<object, Record<string, unknown>>,
  doc: Record<string, unknown>,
  ref: SourceRef,
): IstioResource<ServiceEntrySpec> {
  const meta = doc.metadata as { name: string; namespace?: string };
  const resource: IstioResource<ServiceEntrySpec> = {
    ref,
    name: meta.name,
    namespace: meta.namespace,
    apiVersion: doc.apiVersion as string,
    spec: structuredClone(doc.spec) as ServiceEntrySpec,
  };
  istio.serviceEntries.push(resource);
  documents.set(resource, doc);
  return resource;
}

/** Hosts the user's policies name: DestinationRule hosts and VirtualService destinations. */
function referencedHosts(istio: IstioConfig): { host: string; by: IstioResource<DestinationRuleSpec | VirtualServiceSpec> }[] {
  const out: { host: string; by: IstioResource<DestinationRuleSpec | VirtualServiceSpec> }[] = [];
  for (const dr of istio.destinationRules) out.push({ host: dr.spec.host, by: dr });
  for (const vs of istio.virtualServices) {
    for (const route of vs.spec.http ?? []) for (const d of route.route ?? []) out.push({ host: d.destination.host, by: vs });
  }
  return out;
}

function hostMatches(pattern: string, host: string): boolean {
  return pattern === host || (pattern.startsWith('*') && host.endsWith(pattern.slice(1)));
}

/** A host the policies name, or a service, without endpoints anywhere: exit 2 naming it and the two ways to give them. */
function checkEveryHostHasEndpoints(istio: IstioConfig, services: MeshService[]): void {
  const withEndpoints = services.filter((s) => s.endpoints.length > 0).map((s) => s.host);
  const missing: string[] = [];
  const seen = new Set<string>();
  for (const { host, by } of referencedHosts(istio)) {
    if (seen.has(host)) continue;
    seen.add(host);
    if (withEndpoints.some((h) => hostMatches(host, h))) continue;
    const where = `${by.ref.file}: document ${by.ref.document} (${by.ref.kind}/${by.ref.name})`;
    missing.push(`${where}: host ${host} has no endpoints anywhere in the input`);
  }
  for (const s of services) {
    if (s.endpoints.length === 0 && !seen.has(s.host)) {
      seen.add(s.host);
      missing.push(`${s.origin} ${s.serviceEntry}: host ${s.host} has no endpoints anywhere in the input`);
    }
  }
  if (missing.length === 0 && withEndpoints.length > 0) return;
  if (missing.length === 0) {
    throw new UserError(`${istio.file}: no service with endpoints in the input (expected Services with EndpointSlices or Pods, or ServiceEntries)`);
  }
  const example = missing[0].replace(/^.*host (\S+) has.*$/, '$1');
  throw new UserError(
    `${missing.join('\n')}\n` +
      'failsim needs the endpoints behind a host to simulate it. Give them in one of two ways:\n' +
      `  - a Kubernetes dump that includes them, e.g. ${INPUT_HELP} > mesh.yaml\n` +
      `  - --endpoints ${example}=REGION/ZONE:COUNT,... (e.g. --endpoints ${example}=us-east1/us-east1-b:3,us-east1/us-east1-c:3)`,
  );
}
