/**
 * Builds what one run needs from a loaded scenario: the mesh's endpoints (the world's dense endpoint
 * indexes), and per client group the effective Envoy cluster its sidecars get (Istio's translation
 * for that group's locality, or the cluster of an `envoy:` file, the same for every group), its
 * compiled retry policy and its mapping from cluster host index to world endpoint index.
 */
import YAML from 'yaml';
import { UserError } from '../config/errors.ts';
import type { LoadedScenario } from '../config/load-scenario.ts';
import { applyResourceOverrides, type ResourceOverride } from '../config/overrides.ts';
import type { ClientGroupSpec } from '../config/scenario.ts';
import { parseYamlDocuments } from '../config/yaml.ts';
import type { EnvoyCluster } from '../envoy/cluster.ts';
import { parseEnvoyConfig, type EnvoyConfig } from '../envoy/config/document.ts';
import { resolveOutlierConfig, type OutlierConfig } from '../envoy/outlier/config.ts';
import { resolveVersions, type ResolvedVersions } from '../envoy/profiles.ts';
import { compileRetryPolicy, type RetryPolicy } from '../envoy/router/retry-policy.ts';
import { parseIstioYaml, type IstioConfig } from '../istio/load.ts';
import { translateIstio, type TranslatedCluster } from '../istio/translate.ts';
import { resolveTranslatedOutlier } from '../istio/resolve-outlier.ts';
import { IstioConfigError } from '../istio/diagnostics.ts';
import type { FaultEndpoint } from '../world/faults.ts';
import { checkFaultTargets } from './fault-targets.ts';

export interface ClientGroupModel {
  index: number;
  spec: ClientGroupSpec;
  /** Istio's translation for this group; undefined for an `envoy:` file. */
  translated: TranslatedCluster | undefined;
  cluster: EnvoyCluster;
  /** Fully defaulted outlier config, or undefined when the cluster has no detector. */
  outlier: OutlierConfig | undefined;
  retryPolicy: RetryPolicy | undefined;
  /** cluster.endpoints[i] is world endpoint hostToEndpoint[i]. */
  hostToEndpoint: Int32Array;
}

export interface RunModel {
  versions: ResolvedVersions;
  /** Every endpoint of the mesh service, in ServiceEntry order: the dense world endpoint indexes. */
  endpoints: FaultEndpoint[];
  groups: ClientGroupModel[];
  /** Exactly one of istio / envoy: the mesh configuration the scenario names. */
  istio: IstioConfig | undefined;
  envoy: EnvoyConfig | undefined;
}

/** Parses the Istio file's text, applying `Kind/name:path=value` overrides first. */
export function parseIstioWithOverrides(text: string, displayName: string, overrides: readonly ResourceOverride[]): IstioConfig {
  if (overrides.length > 0) {
    // Overrides act on the documents as parsed; the result is re-serialised and validated as usual.
    const docs = applyResourceOverrides(parseYamlDocuments(text, displayName), overrides, displayName);
    text = docs.map((d) => YAML.stringify(d)).join('---\n');
  }
  try {
    return parseIstioYaml(text, displayName);
  } catch (e) {
    throw new UserError((e as Error).message);
  }
}

/**
 * `configText` is the text of the file the scenario's istio:/envoy: key names (read by the caller:
 * no file access here); `loaded.file` and `loaded.configName` name the two in messages.
 */
export function buildRunModel(loaded: LoadedScenario, configText: string, resourceOverrides: readonly ResourceOverride[] = []): RunModel {
  const { scenario, file } = loaded;
  let versions: ResolvedVersions;
  try {
    versions = resolveVersions({ istio: scenario.versions.istio, envoy: scenario.versions.envoy });
  } catch (e) {
    throw new UserError(`${file}: versions: ${(e as Error).message}`);
  }
  if (loaded.configKind === 'envoy') return buildEnvoyRunModel(loaded, configText, versions, resourceOverrides);
  const istio = parseIstioWithOverrides(configText, loaded.configName, resourceOverrides);
  const istioMinor = versions.istioMinor ?? versions.envoyMinor - 8;

  // The service the clients call: each group's `host`, or the only ServiceEntry host.
  const allHosts = istio.serviceEntries.flatMap((se) => se.spec.hosts);
  if (allHosts.length === 0) throw new UserError(`${scenario.istio}: no ServiceEntry with hosts: nothing for the clients to call`);

  const world: WorldEndpoints = { endpoints: [], endpointIndex: new Map() };
  const serviceEndpoints: TranslatedCluster['serviceEndpoints'] = [];
  const groups = scenario.clients.map((spec, index): ClientGroupModel => {
    const host = spec.host ?? (allHosts.length === 1 ? allHosts[0] : undefined);
    if (host === undefined) {
      throw new UserError(`${file}: clients[${index}].host: required when the ServiceEntries define several hosts (${allHosts.join(', ')})`);
    }
    const translated = translateIstio(istio, { locality: spec.locality, labels: spec.labels }, { istioMinor }).filter(
      (c) => c.host === host && c.subset === undefined,
    );
    if (translated.length === 0) {
      throw new UserError(`${file}: clients[${index}].host: ${host} is not a host of any ServiceEntry (known: ${allHosts.join(', ')})`);
    }
    // One cluster per port; clients call the first port (the article's single HTTP port).
    const t = translated[0];
    try {
      // Out-of-range values reported under the DestinationRule field the user wrote (with its line).
      resolveTranslatedOutlier(t, versions.semantics.outlier, resourceOverrides.length ? undefined : configText);
    } catch (e) {
      throw e instanceof IstioConfigError ? new UserError(e.message) : e;
    }
    serviceEndpoints.push(...t.serviceEndpoints);
    return groupModel(index, spec, t.cluster, t, world, versions, `${scenario.istio}: DestinationRule outlierDetection`);
  });
  // The service's endpoints exist in the world even where `distribute` removed them from every
  // client's cluster (they serve other clients in a real mesh): a scenario may give them latency
  // or faults. Added after the clusters' endpoints so that existing indexes do not move.
  for (const e of serviceEndpoints) {
    if (world.endpointIndex.has(e.address)) continue;
    world.endpointIndex.set(e.address, world.endpoints.length);
    world.endpoints.push({ address: e.address, locality: { ...e.locality } });
  }
  const { endpoints } = world;
  if (endpoints.length === 0) throw new UserError(`${scenario.istio}: the ServiceEntry lists no endpoints to simulate`);
  checkFaultTargets(scenario, endpoints.map((e) => e.address), endpoints.map((e) => e.locality), file);
  return { versions, endpoints, groups, istio, envoy: undefined };
}

interface WorldEndpoints {
  endpoints: FaultEndpoint[];
  endpointIndex: Map<string, number>;
}

/** One group's model around its cluster; `outlierWhere` prefixes outlier config errors. */
function groupModel(
  index: number,
  spec: ClientGroupSpec,
  cluster: EnvoyCluster,
  translated: TranslatedCluster | undefined,
  world: WorldEndpoints,
  versions: ResolvedVersions,
  outlierWhere: string,
): ClientGroupModel {
  // World endpoints are the union of the clusters' endpoints, in first-seen order; their
  // locality is the one the configuration gives (Istio: locality field or topology labels).
  const hostToEndpoint = Int32Array.from(
    cluster.endpoints.map((e) => {
      let i = world.endpointIndex.get(e.address);
      if (i === undefined) {
        i = world.endpoints.length;
        world.endpointIndex.set(e.address, i);
        world.endpoints.push({ address: e.address, locality: { ...e.locality } });
      }
      return i;
    }),
  );
  let outlier: OutlierConfig | undefined;
  if (cluster.outlier_detection !== undefined) {
    try {
      outlier = resolveOutlierConfig(cluster.outlier_detection, versions.semantics.outlier);
    } catch (e) {
      throw new UserError(`${outlierWhere}: ${(e as Error).message}`);
    }
  }
  const retryPolicy = cluster.retry_policy ? compileRetryPolicy(cluster.retry_policy) : undefined;
  return { index, spec, translated, cluster, outlier, retryPolicy, hostToEndpoint };
}

/**
 * An `envoy:` file: one cluster for every client group (a plain Envoy cluster does not depend on the
 * client's locality; zone-aware routing is not modelled and the file reader warns about it). In a
 * bootstrap with several clusters, clients[].host names the cluster. `--set` resource overrides
 * take `Cluster/<name>:path=value` and `Route/<name>:path=value` (src/envoy/config/document.ts).
 */
function buildEnvoyRunModel(loaded: LoadedScenario, configText: string, versions: ResolvedVersions, resourceOverrides: readonly ResourceOverride[]): RunModel {
  const { scenario, file } = loaded;
  const envoyName = loaded.configName;
  const hosts = [...new Set(scenario.clients.map((c) => c.host).filter((h): h is string => h !== undefined))];
  if (hosts.length > 1) {
    throw new UserError(`${file}: clients[].host: an envoy: file gives one cluster, so every client group calls the same one (got ${hosts.join(', ')})`);
  }
  const envoy = parseEnvoyConfig(configText, envoyName, { clusterName: hosts[0], overrides: resourceOverrides });
  const index = scenario.clients.findIndex((c) => c.host !== undefined && c.host !== envoy.cluster.name);
  if (index >= 0) {
    throw new UserError(`${file}: clients[${index}].host: ${scenario.clients[index].host} is not the cluster of ${envoyName} (${envoy.cluster.name})`);
  }
  const world: WorldEndpoints = { endpoints: [], endpointIndex: new Map() };
  const groups = scenario.clients.map((spec, i) =>
    groupModel(i, spec, structuredClone(envoy.cluster), undefined, world, versions, `${envoyName}: outlier_detection`),
  );
  checkFaultTargets(scenario, world.endpoints.map((e) => e.address), world.endpoints.map((e) => e.locality), file);
  // No Istio is involved: the run reports only the Envoy version.
  return { versions: { ...versions, istioMinor: undefined }, endpoints: world.endpoints, groups, istio: undefined, envoy };
}
