/**
 * What a client proxy actually gets from an Istio configuration, and the traps in it
 * (research/user-needs.md rows 1–6, 12, 18): the model behind `failsim explain`. Pure: no I/O.
 */
import { localityKey, type EnvoyCluster, type Locality, type RetryPolicyConfig } from '../envoy/cluster.ts';
import type { ResolvedVersions } from '../envoy/profiles.ts';
import { maxEjectableHosts, smallestMaxEjectionPercentFor } from '../envoy/outlier/max-ejection-percent.ts';
import { resolveOutlierConfig, type OutlierConfig } from '../envoy/outlier/config.ts';
import { PriorityLoadState } from '../envoy/lb/priority-load.ts';
import type { IstioConfig } from './load.ts';
import { formatLocality } from './locality.ts';
import { translateIstio, type TranslateOptions, type TranslatedCluster } from './translate.ts';
import { resolveTranslatedOutlier } from './resolve-outlier.ts';
import type { IstioWarning } from './diagnostics.ts';

export interface ExplainWarning {
  code: string;
  message: string;
  path?: string;
}

export interface ExplainedCluster {
  host: string;
  port: number;
  subset: string | null;
  clusterName: string;
  clientLocality: string;
  /** `weight` is the endpoint's own weight; `localityWeight` its locality's weight when locality-weighted LB is on, else null. */
  endpoints: { address: string; port: number; locality: string; priority: number; weight: number; localityWeight: number | null }[];
  /** Endpoints of the service this client's cluster does not get (removed by `distribute`), with why. */
  droppedEndpoints: { address: string; locality: string; reason: string }[];
  /** Envoy field names, Envoy's defaults filled in; null when the cluster has no outlier detection. */
  outlierDetection: OutlierConfig | null;
  healthyPanicThreshold: number;
  lbPolicy: string;
  localityWeightedLbConfig: boolean;
  overprovisioningFactor: number;
  retryPolicy: RetryPolicyConfig | null;
  connectTimeoutMs: number;
  routeTimeoutMs: number;
  /** Hosts the detector can eject at once (N = every host of the cluster); null without outlier detection. */
  maxEjectableHosts: number | null;
  /** Healthy load per priority with every host up. */
  priorityLoads: number[];
  warnings: ExplainWarning[];
}

export interface ExplainReport {
  /** null when the input is a plain Envoy file (src/istio/explain-envoy.ts). */
  istioMinor: number | null;
  envoyMinor: number;
  profile: string;
  clusters: ExplainedCluster[];
  /** Warnings about the files themselves (unmodelled fields, deprecations). */
  warnings: ExplainWarning[];
}

export interface ExplainOptions {
  clientLocalities: Locality[];
  clientLabels?: Record<string, string>;
  versions: ResolvedVersions;
  translate?: Omit<TranslateOptions, 'istioMinor'>;
  /** The YAML the config was read from: errors then carry line numbers. */
  sourceText?: string;
}

function fromIstioWarning(w: IstioWarning): ExplainWarning {
  const where = [w.resource, w.path].filter(Boolean).join(' ');
  return { code: w.code, message: where ? `${where}: ${w.message}` : w.message, ...(w.path ? { path: w.path } : {}) };
}

export function istioMinorOf(versions: ResolvedVersions): number {
  return versions.istioMinor ?? Math.max(1, versions.envoyMinor - 8);
}

function loadsFor(cluster: EnvoyCluster, healthyPerPriority: number[]): PriorityLoadState {
  const pc = Math.max(1, ...cluster.endpoints.map((e) => e.priority + 1));
  const hosts = new Array(pc).fill(0);
  for (const e of cluster.endpoints) hosts[e.priority]++;
  const state = new PriorityLoadState(pc, new Int32Array(pc).fill(cluster.overprovisioning_factor), false);
  for (let p = 0; p < pc; p++) {
    const h = healthyPerPriority[p] ?? hosts[p];
    state.updatePriority(p, { hosts: hosts[p], healthy: h, degraded: 0, excluded: 0, hostsWeight: hosts[p], healthyWeight: h, degradedWeight: 0, excludedWeight: 0 });
  }
  state.recalculatePanic(cluster.healthy_panic_threshold);
  return state;
}

export function explainIstio(config: IstioConfig, options: ExplainOptions): ExplainReport {
  const istioMinor = istioMinorOf(options.versions);
  const profile = options.versions.semantics.outlier;
  const clusters: ExplainedCluster[] = [];
  for (const locality of options.clientLocalities) {
    const translated = translateIstio(config, { locality, labels: options.clientLabels }, { ...(options.translate ?? {}), istioMinor });
    for (const t of translated) {
      resolveTranslatedOutlier(t, profile, options.sourceText); // errors named by the DestinationRule field
      clusters.push(explainCluster(t, locality, options.versions));
    }
  }
  return {
    istioMinor,
    envoyMinor: options.versions.envoyMinor,
    profile: profile.id,
    clusters,
    warnings: config.warnings.map(fromIstioWarning),
  };
}

/** What explainCluster needs of a cluster: Istio's translation, or an adapter for a plain Envoy file. */
export type ExplainClusterInput = Pick<TranslatedCluster, 'host' | 'port' | 'subset' | 'cluster' | 'warnings' | 'localitySettingEnabled' | 'localityMode'> &
  Partial<Pick<TranslatedCluster, 'serviceEndpoints'>>;

/** The config knobs the warnings name: Istio's fields by default, Envoy's for a plain Envoy file. */
export interface ExplainTerms {
  maxEjectionPercent: string;
  /** Why healthy_panic_threshold is 0 (appended after "healthy_panic_threshold 0"). */
  panicZeroCause: string;
  retryOtherPriorities: string;
  /** The http-503-not-retried message. */
  http503NotRetried: string;
}

export const ISTIO_TERMS: ExplainTerms = {
  maxEjectionPercent: 'maxEjectionPercent',
  panicZeroCause: ': minHealthPercent is unset or 0',
  retryOtherPriorities: 'Set retries.retryRemoteLocalities: true to retry in other priorities.',
  http503NotRetried:
    'HTTP 503 responses are not retried (Istio ≥ 1.24 default: retriable_status_codes is empty); only connect failures, refused streams and gRPC unavailable/cancelled are.',
};

export function explainCluster(t: ExplainClusterInput, locality: Locality, versions: ResolvedVersions, terms: ExplainTerms = ISTIO_TERMS): ExplainedCluster {
  const c = t.cluster;
  const profile = versions.semantics.outlier;
  const warnings: ExplainWarning[] = t.warnings.map(fromIstioWarning);
  const od = c.outlier_detection ? resolveOutlierConfig(c.outlier_detection, profile) : null;
  const n = c.endpoints.length;
  const cap = od ? maxEjectableHosts(n, od.max_ejection_percent, od.always_eject_one_host, profile) : null;
  const priorities = Math.max(1, ...c.endpoints.map((e) => e.priority + 1));
  const p0Hosts = c.endpoints.filter((e) => e.priority === 0).length;
  const envoy = `Envoy 1.${versions.envoyMinor} (${profile.id} rules)`;

  if (od && cap === 0 && n > 0) {
    const need = smallestMaxEjectionPercentFor(1, n, od.always_eject_one_host, profile);
    warnings.push({
      code: 'ejection-cap-ejects-nothing',
      message:
        `${envoy} can eject no host: with ${n} host(s) in the cluster and ${terms.maxEjectionPercent} ${od.max_ejection_percent}, ` +
        `one ejection would exceed the cap (100·1/${n} > ${od.max_ejection_percent}). Outlier detection counts errors but never removes a host, so locality failover never happens. ` +
        `Set ${terms.maxEjectionPercent} to at least ${need}.`,
    });
  }
  if (!od && t.localitySettingEnabled && t.localityMode !== 'distribute') {
    const localities = new Set(c.endpoints.map((e) => `${e.locality.region}/${e.locality.zone}/${e.locality.subzone}`));
    if (localities.size > 1) {
      warnings.push({
        code: 'failover-needs-outlier-detection',
        message:
          'locality failover is off: Istio assigns failover priorities only when the DestinationRule has outlierDetection, so every endpoint is priority 0 and traffic is spread over all localities. Add an outlierDetection block to keep traffic local and fail over.',
      });
    }
  }
  if (od && cap !== null && priorities > 1 && p0Hosts > 0) {
    const ejectable = Math.min(cap, p0Hosts);
    const healthy = new Array(priorities).fill(undefined);
    healthy[0] = p0Hosts - ejectable;
    const s = loadsFor(c, healthy);
    const p0Load = s.healthyLoad[0];
    if (p0Load > 0) {
      warnings.push({
        code: 'failover-cannot-complete',
        message:
          `failover can never complete: if every priority-0 host fails, the ejection cap lets at most ${ejectable} of its ${p0Hosts} host(s) be ejected, ` +
          `so priority 0 keeps ${p0Load}% of the traffic (priority loads [${Array.from(s.healthyLoad).join(', ')}]); ` +
          `Envoy moves traffic off a priority only when fewer than ${(10000 / c.overprovisioning_factor).toFixed(1)}% of its hosts are healthy (overprovisioning factor ${c.overprovisioning_factor / 100}). Raise ${terms.maxEjectionPercent}.`,
      });
    }
  }
  if (od && c.healthy_panic_threshold === 0) {
    warnings.push({
      code: 'panic-disabled',
      message:
        `panic mode is off (healthy_panic_threshold 0${terms.panicZeroCause}): when every host is ejected Envoy answers 503 "no healthy upstream" (UH) instead of trying the ejected hosts.` +
        (cap !== null && cap >= n ? ` This can happen here: the cap allows ejecting all ${n} host(s).` : ''),
    });
  }
  if (od) {
    if (od.enforcing_consecutive_gateway_failure === 0) {
      warnings.push({
        code: 'gateway-errors-not-enforced',
        message:
          `consecutive gateway errors (502/503/504, connect failures, timeouts) are detected after ${od.consecutive_gateway_failure} in a row but never enforced (enforcing_consecutive_gateway_failure 0); ` +
          (od.enforcing_consecutive_5xx > 0 ? `ejection relies on consecutive_5xx (${od.consecutive_5xx}).` : 'and consecutive_5xx is not enforced either.'),
      });
    }
    if (od.enforcing_consecutive_5xx === 0 && od.enforcing_consecutive_gateway_failure === 0 && od.enforcing_consecutive_local_origin_failure === 0) {
      warnings.push({ code: 'no-consecutive-ejection', message: 'no consecutive-error rule is enforced: outlier detection will not eject on errors.' });
    }
  }
  const retry = c.retry_policy;
  if (retry && priorities > 1 && retry.previous_priorities_update_frequency === undefined) {
    warnings.push({
      code: 'retries-same-priority',
      message:
        `retries go back into the same failed priority: the retry policy has no previous_priorities plugin, so each retry draws from the same priority loads (priority 0 holds ${p0Hosts} host(s))` +
        (p0Hosts === 1 ? '; previous_hosts cannot avoid the only priority-0 host, so retries hit it again until it is ejected' : '') +
        `. ${terms.retryOtherPriorities}`,
    });
  }
  if (retry && retry.retry_on.includes('retriable-status-codes') && retry.retriable_status_codes.length === 0 && !retry.retry_on.includes('5xx') && !retry.retry_on.includes('gateway-error')) {
    warnings.push({
      code: 'http-503-not-retried',
      message: terms.http503NotRetried,
    });
  }
  const all = loadsFor(c, []);
  return {
    host: t.host,
    port: t.port,
    subset: t.subset ?? null,
    clusterName: c.name,
    clientLocality: formatLocality(locality),
    endpoints: c.endpoints.map((e) => ({
      address: e.address,
      port: e.port,
      locality: formatLocality(e.locality),
      priority: e.priority,
      weight: e.weight,
      localityWeight: c.locality_weighted_lb_config ? (c.locality_weights[`${e.priority}|${localityKey(e.locality)}`] ?? null) : null,
    })),
    droppedEndpoints: (t.serviceEndpoints ?? [])
      .filter((e) => e.removed)
      .map((e) => ({
        address: e.address,
        locality: formatLocality(e.locality),
        reason: `distribute: no 'to' locality of the rule for this client matches ${formatLocality(e.locality) || '(no locality)'}, so Istio sends this client no endpoint there`,
      })),
    outlierDetection: od,
    healthyPanicThreshold: c.healthy_panic_threshold,
    lbPolicy: c.lb_policy,
    localityWeightedLbConfig: c.locality_weighted_lb_config,
    overprovisioningFactor: c.overprovisioning_factor,
    retryPolicy: retry ?? null,
    connectTimeoutMs: c.connect_timeout_ms,
    routeTimeoutMs: c.route_timeout_ms,
    maxEjectableHosts: cap,
    priorityLoads: Array.from(all.healthyLoad),
    warnings,
  };
}
