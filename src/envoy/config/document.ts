/**
 * An Envoy configuration file (one YAML or JSON document) → the EnvoyCluster failsim simulates.
 * Three layouts (docs/envoy-config.md):
 *
 *   1. the document is a v3 Cluster (`name`, `type`, `load_assignment`, ...): no route;
 *   2. `{cluster: <Cluster>, route: <RouteAction>}`: the cluster and the route in front of it
 *      (timeout, retry_policy);
 *   3. a bootstrap `{static_resources: {clusters: [...], listeners: [...]}}`: the cluster named by
 *      `clusterName` (or the only one), and the first route whose `route.cluster` names it, found in
 *      any `virtual_hosts` under `static_resources.listeners` (the virtual host's retry_policy
 *      applies when the route has none).
 *
 * `--set Cluster/<name>:path=value` and `Route/<name>:path=value` change the cluster (or its route)
 * before validation, paths relative to the Cluster (RouteAction) message.
 */
import { UserError } from '../../config/errors.ts';
import { setAtPath, type ResourceOverride } from '../../config/overrides.ts';
import { formatPath } from '../../config/issues.ts';
import { parseSingleYamlData } from '../../config/yaml.ts';
import type { EnvoyCluster } from '../cluster.ts';
import { readCluster, type DiscoveryType } from './read-cluster.ts';
import { Diagnostics, isMapping, lowerCamel, show, type EnvoyConfigWarning, type PathKey } from './fields.ts';
import { readRouteAction } from './read-route.ts';

export type { EnvoyConfigWarning } from './fields.ts';

export type EnvoyLayout = 'cluster' | 'cluster-and-route' | 'bootstrap';

export interface EnvoyConfig {
  /** The file as named in messages. */
  file: string;
  layout: EnvoyLayout;
  cluster: EnvoyCluster;
  discoveryType: DiscoveryType;
  /** A route was given (its timeout and retry policy are in `cluster`). */
  hasRoute: boolean;
  /** Zone-aware routing is configured (zone_aware_lb_config or a bootstrap local cluster): not modelled. */
  zoneAwareConfigured: boolean;
  /** Fields failsim does not model, and Envoy traps only a plain Envoy config has. */
  warnings: EnvoyConfigWarning[];
}

export interface EnvoyConfigOptions {
  /** Bootstrap layout: which of static_resources.clusters to simulate (required when there are several). */
  clusterName?: string;
  /** `--set Cluster/<name>:path=value` / `Route/<name>:path=value`, applied before validation. */
  overrides?: readonly ResourceOverride[];
}

const OVERRIDE_KINDS = 'Cluster/<cluster name>:field.path=VALUE or Route/<cluster name>:field.path=VALUE';

/** True for a document that is an Envoy config rather than Istio resources or a scenario. */
export function isEnvoyConfigDocument(doc: unknown): boolean {
  if (!isMapping(doc) || 'kind' in doc || 'apiVersion' in doc) return false;
  if ('clients' in doc || 'istio' in doc || 'envoy' in doc) return false;
  return 'static_resources' in doc || 'staticResources' in doc || isMapping(doc.cluster) || 'load_assignment' in doc || 'loadAssignment' in doc || 'name' in doc;
}

export function parseEnvoyConfig(text: string, file: string, options: EnvoyConfigOptions = {}): EnvoyConfig {
  const doc = parseSingleYamlData(text, file);
  return readEnvoyConfig(doc, file, options);
}

interface Located {
  value: unknown;
  path: PathKey[];
}

/** Reads an already parsed document. */
export function readEnvoyConfig(doc: unknown, file: string, options: EnvoyConfigOptions = {}): EnvoyConfig {
  if (!isMapping(doc)) throw new UserError(`${file}: expected a mapping (an Envoy Cluster, {cluster, route} or a bootstrap), got ${show(doc)}`);
  const root = structuredClone(doc);
  const d = new Diagnostics(file);
  const get = (o: Record<string, unknown>, k: string) => o[k] ?? o[lowerCamel(k)];

  let layout: EnvoyLayout;
  let cluster: Located;
  let route: Located | undefined;
  let vhostRetry: Located | undefined;
  let localClusterName: string | undefined;
  if (get(root, 'static_resources') !== undefined) {
    layout = 'bootstrap';
    const picked = pickBootstrapCluster(root, file, options.clusterName);
    cluster = picked.cluster;
    ({ route, vhostRetry } = findBootstrapRoute(root, picked.name, d));
    const cm = get(root, 'cluster_manager');
    if (isMapping(cm) && typeof get(cm, 'local_cluster_name') === 'string') localClusterName = get(cm, 'local_cluster_name') as string;
    const others = Object.keys(root).filter((k) => !['static_resources', 'staticResources'].includes(k));
    d.warn('bootstrap-partial', [], `failsim reads only the cluster ${JSON.stringify(picked.name)} and the route to it from this bootstrap${others.length ? ` (not ${others.join(', ')})` : ''}`);
  } else if (isMapping(root.cluster)) {
    layout = 'cluster-and-route';
    for (const k of Object.keys(root)) {
      if (k !== 'cluster' && k !== 'route') throw new UserError(`${file}: ${k}: unknown field (a {cluster, route} document has only cluster and route)`);
    }
    cluster = { value: root.cluster, path: ['cluster'] };
    if (root.route !== undefined && root.route !== null) route = { value: root.route, path: ['route'] };
  } else {
    layout = 'cluster';
    cluster = { value: root, path: [] };
  }

  route = applyOverrides(options.overrides ?? [], cluster, route, layout, file);

  const reading = readCluster(d, cluster.value, cluster.path);
  const settings = route ? readRouteAction(d, route.value, route.path, vhostRetry) : undefined;
  if (d.errors.length > 0 || !reading) throw new UserError(d.errors.join('\n'));
  const c = reading.cluster;
  if (settings?.cluster !== undefined && settings.cluster !== c.name) {
    throw new UserError(`${file}: ${formatPath([...route!.path, 'cluster'])}: names cluster ${JSON.stringify(settings.cluster)}, but the cluster is ${JSON.stringify(c.name)}`);
  }
  if (settings) {
    c.route_timeout_ms = settings.timeoutMs;
    c.retry_policy = settings.retryPolicy;
  }

  // ---- traps of a plain Envoy config
  if (!route) {
    d.warn('no-route', [], `no route: no retry policy and no route timeout (write the file as {cluster: ..., route: {timeout, retry_policy}} to simulate them)`);
  }
  const retry = c.retry_policy;
  if (retry && retry.num_retries > 0 && retry.retry_on.length > 0) {
    d.warn(
      'retry-circuit-breaker-not-modelled',
      [...cluster.path, 'circuit_breakers'],
      `Envoy lets at most ${reading.maxRetriesCircuitBreaker} retries be outstanding at once per cluster (circuit_breakers max_retries${reading.maxRetriesCircuitBreaker === 3 ? ', default 3' : ''}); failsim does not model circuit breakers and retries every request`,
    );
  }
  const zoneAware = reading.zoneAwareConfigured || localClusterName !== undefined;
  if (zoneAware) {
    d.warn(
      'zone-aware-not-modelled',
      localClusterName !== undefined ? ['cluster_manager', 'local_cluster_name'] : [...cluster.path, 'common_lb_config', 'zone_aware_lb_config'],
      'zone-aware routing is not modelled: failsim balances each priority over its localities as Envoy does without a local cluster, whatever the client locality',
    );
  }
  return { file, layout, cluster: c, discoveryType: reading.discoveryType, hasRoute: route !== undefined, zoneAwareConfigured: zoneAware, warnings: d.warnings };
}

function pickBootstrapCluster(root: Record<string, unknown>, file: string, name: string | undefined): { cluster: Located; name: string } {
  const srKey = 'static_resources' in root ? 'static_resources' : 'staticResources';
  const sr = root[srKey];
  if (!isMapping(sr)) throw new UserError(`${file}: ${srKey}: expected a mapping with clusters, got ${show(sr)}`);
  const clusters = sr.clusters;
  if (!Array.isArray(clusters) || clusters.length === 0) throw new UserError(`${file}: ${srKey}.clusters: expected a list of at least one cluster`);
  const names = clusters.map((c) => (isMapping(c) && typeof c.name === 'string' ? c.name : undefined));
  let index: number;
  if (name !== undefined) {
    index = names.indexOf(name);
    if (index < 0) throw new UserError(`${file}: ${srKey}.clusters: no cluster named ${JSON.stringify(name)} (clusters: ${names.filter(Boolean).join(', ')})`);
  } else if (clusters.length === 1) {
    index = 0;
  } else {
    throw new UserError(`${file}: ${srKey}.clusters: ${clusters.length} clusters (${names.filter(Boolean).join(', ')}): say which one to simulate (clients[].host in a scenario)`);
  }
  return { cluster: { value: clusters[index], path: [srKey, 'clusters', index] }, name: names[index] ?? '' };
}

/** The first RouteAction under static_resources.listeners whose `cluster` is `name`. */
function findBootstrapRoute(root: Record<string, unknown>, name: string, d: Diagnostics): { route?: Located; vhostRetry?: Located } {
  const srKey = 'static_resources' in root ? 'static_resources' : 'staticResources';
  const found: { route: Located; vhostRetry?: Located }[] = [];
  const walk = (node: unknown, path: PathKey[]): void => {
    if (Array.isArray(node)) {
      node.forEach((v, i) => walk(v, [...path, i]));
      return;
    }
    if (!isMapping(node)) return;
    for (const vhKey of ['virtual_hosts', 'virtualHosts']) {
      const vhosts = node[vhKey];
      if (!Array.isArray(vhosts)) continue;
      vhosts.forEach((vh, vi) => {
        if (!isMapping(vh) || !Array.isArray(vh.routes)) return;
        const retryKey = 'retry_policy' in vh ? 'retry_policy' : 'retryPolicy';
        const vhostRetry = vh[retryKey] !== undefined ? { value: vh[retryKey], path: [...path, vhKey, vi, retryKey] } : undefined;
        vh.routes.forEach((r, ri) => {
          if (isMapping(r) && isMapping(r.route) && r.route.cluster === name) {
            found.push({ route: { value: r.route, path: [...path, vhKey, vi, 'routes', ri, 'route'] }, vhostRetry });
          }
        });
      });
    }
    for (const [k, v] of Object.entries(node)) if (k !== 'virtual_hosts' && k !== 'virtualHosts') walk(v, [...path, k]);
  };
  const sr = root[srKey] as Record<string, unknown>;
  walk(sr.listeners, [srKey, 'listeners']);
  if (found.length > 1) {
    d.warn('several-routes', found[1].route.path, `${found.length} routes go to cluster ${JSON.stringify(name)}; failsim uses the first (${formatPath(found[0].route.path)}) for all the traffic`);
  }
  return found[0] ?? {};
}

function applyOverrides(
  overrides: readonly ResourceOverride[],
  cluster: Located,
  route: Located | undefined,
  layout: EnvoyLayout,
  file: string,
): Located | undefined {
  const clusterName = isMapping(cluster.value) && typeof cluster.value.name === 'string' ? cluster.value.name : undefined;
  for (const o of overrides) {
    if (o.kind !== 'Cluster' && o.kind !== 'Route') {
      throw new UserError(`--set ${o.text}: ${file} is an Envoy file: resource overrides take ${OVERRIDE_KINDS} (${o.kind}/${o.name} addresses Istio resources)`);
    }
    if (o.name !== clusterName) {
      throw new UserError(`--set ${o.text}: no cluster named ${JSON.stringify(o.name)} in ${file} (the cluster is ${JSON.stringify(clusterName ?? '')})`);
    }
    if (o.kind === 'Cluster') {
      setAtPath(cluster.value, o.path, structuredClone(o.value), o.text);
      continue;
    }
    if (!route) {
      if (layout !== 'cluster-and-route') {
        throw new UserError(`--set ${o.text}: ${file} has no route to cluster ${JSON.stringify(clusterName)}${layout === 'cluster' ? ' (write the file as {cluster: ..., route: ...} to give one)' : ''}`);
      }
      route = { value: {}, path: ['route'] };
    }
    setAtPath(route.value, o.path, structuredClone(o.value), o.text);
  }
  return route;
}
