/**
 * Builds what one run needs from a loaded scenario: the mesh's endpoints (the world's dense endpoint
 * indexes), and per client group the effective Envoy cluster its sidecars get (Istio's translation
 * for that group's locality), its compiled retry policy and its mapping from cluster host index to
 * world endpoint index.
 */
import YAML from 'yaml';
import { readFileSync } from 'node:fs';
import { UserError } from '../cli/errors.ts';
import type { LoadedScenario } from '../config/load-scenario.ts';
import { applyResourceOverrides, type ResourceOverride } from '../config/overrides.ts';
import { checkFaultTargets, type ClientGroupSpec } from '../config/scenario.ts';
import { parseYamlDocuments } from '../config/yaml.ts';
import type { EnvoyCluster } from '../envoy/cluster.ts';
import { resolveOutlierConfig, type OutlierConfig } from '../envoy/outlier/config.ts';
import { resolveVersions, type ResolvedVersions } from '../envoy/profiles.ts';
import { compileRetryPolicy, type RetryPolicy } from '../envoy/router/retry-policy.ts';
import { parseIstioYaml, type IstioConfig } from '../istio/load.ts';
import { translateIstio, type TranslatedCluster } from '../istio/translate.ts';
import type { FaultEndpoint } from '../world/faults.ts';

export interface ClientGroupModel {
  index: number;
  spec: ClientGroupSpec;
  translated: TranslatedCluster;
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
  istio: IstioConfig;
}

/** Reads the Istio file named by the scenario, applying `Kind/name:path=value` overrides first. */
export function loadIstioWithOverrides(path: string, displayName: string, overrides: readonly ResourceOverride[]): IstioConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UserError(`${displayName}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
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

/** `file` names the scenario in messages (as the user wrote it). */
export function buildRunModel(loaded: LoadedScenario, resourceOverrides: readonly ResourceOverride[] = [], file = loaded.scenarioPath): RunModel {
  const { scenario, configPath } = loaded;
  if (loaded.configKind !== 'istio') {
    throw new UserError(`${file}: envoy: plain Envoy cluster files are not supported yet; give the mesh as istio: (ServiceEntry + DestinationRule)`);
  }
  let versions: ResolvedVersions;
  try {
    versions = resolveVersions({ istio: scenario.versions.istio, envoy: scenario.versions.envoy });
  } catch (e) {
    throw new UserError(`${file}: versions: ${(e as Error).message}`);
  }
  const istio = loadIstioWithOverrides(configPath, scenario.istio ?? configPath, resourceOverrides);
  const istioMinor = versions.istioMinor ?? versions.envoyMinor - 8;

  // The service the clients call: each group's `host`, or the only ServiceEntry host.
  const allHosts = istio.serviceEntries.flatMap((se) => se.spec.hosts);
  if (allHosts.length === 0) throw new UserError(`${scenario.istio}: no ServiceEntry with hosts: nothing for the clients to call`);

  const endpoints: FaultEndpoint[] = [];
  const endpointIndex = new Map<string, number>();
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
    const cluster = t.cluster;
    // World endpoints are the union of the clusters' endpoints, in first-seen order; their
    // locality is the one Istio resolved (locality field or topology labels).
    const hostToEndpoint = Int32Array.from(
      cluster.endpoints.map((e) => {
        let i = endpointIndex.get(e.address);
        if (i === undefined) {
          i = endpoints.length;
          endpointIndex.set(e.address, i);
          endpoints.push({ address: e.address, locality: { ...e.locality } });
        }
        return i;
      }),
    );
    let outlier: OutlierConfig | undefined;
    if (cluster.outlier_detection !== undefined) {
      try {
        outlier = resolveOutlierConfig(cluster.outlier_detection, versions.semantics.outlier);
      } catch (e) {
        throw new UserError(`${scenario.istio}: DestinationRule outlierDetection: ${(e as Error).message}`);
      }
    }
    const retryPolicy = cluster.retry_policy ? compileRetryPolicy(cluster.retry_policy) : undefined;
    return { index, spec, translated: t, cluster, outlier, retryPolicy, hostToEndpoint };
  });
  if (endpoints.length === 0) throw new UserError(`${scenario.istio}: the ServiceEntry lists no endpoints to simulate`);
  checkFaultTargets(scenario, endpoints.map((e) => e.address), endpoints.map((e) => e.locality), file);
  return { versions, endpoints, groups, istio };
}
