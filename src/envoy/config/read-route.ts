/**
 * The route in front of the cluster: Envoy's RouteAction `timeout` and `retry_policy` → the route
 * timeout and RetryPolicyConfig failsim's router uses. Envoy's defaults apply to what is unset
 * (route timeout 15 s; num_retries 1; host_selection_retry_max_attempts 1; back-off 25 ms base,
 * 10 × base max; no per-try timeout).
 */
import type { RetryPolicyConfig } from '../cluster.ts';
import { DEFAULT_MAX_INTERVAL_FACTOR } from '../router/backoff.ts';
import { envoyRetryPolicyDefaults, parseRetryOn } from '../router/retry-policy.ts';
import {
  Diagnostics,
  isMapping,
  readDuration,
  readList,
  readMessage,
  readString,
  readUint,
  show,
  type PathKey,
} from './fields.ts';

/** RouteAction.timeout when unset (Envoy's documented default). */
export const ENVOY_DEFAULT_ROUTE_TIMEOUT_MS = 15_000;

export const PREVIOUS_HOSTS = 'envoy.retry_host_predicates.previous_hosts';
const PREVIOUS_HOSTS_TYPE = 'type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate';
export const PREVIOUS_PRIORITIES = 'envoy.retry_priorities.previous_priorities';
const PREVIOUS_PRIORITIES_TYPE = 'type.googleapis.com/envoy.extensions.retry.priority.previous_priorities.v3.PreviousPrioritiesConfig';

const NOT_ROUTING = 'it does not change which endpoint serves a request or whether it is retried';

const ROUTE_ACTION = {
  name: 'RouteAction',
  modelled: ['cluster', 'timeout', 'retry_policy'],
  unmodelled: {
    cluster_header: 'the cluster comes from a header: failsim simulates this one cluster',
    weighted_clusters: 'traffic split between clusters: failsim simulates this one cluster with all the traffic',
    cluster_specifier_plugin: 'failsim simulates this one cluster with all the traffic',
    inline_cluster_specifier_plugin: 'failsim simulates this one cluster with all the traffic',
    cluster_not_found_response_code: NOT_ROUTING,
    metadata_match: 'subset load balancing is not modelled',
    prefix_rewrite: NOT_ROUTING,
    regex_rewrite: NOT_ROUTING,
    path_rewrite_policy: NOT_ROUTING,
    host_rewrite_literal: NOT_ROUTING,
    auto_host_rewrite: NOT_ROUTING,
    host_rewrite_header: NOT_ROUTING,
    host_rewrite_path_regex: NOT_ROUTING,
    append_x_forwarded_host: NOT_ROUTING,
    idle_timeout: 'stream idle timeouts are not modelled (only the route timeout and per-try timeout are)',
    early_data_policy: NOT_ROUTING,
    retry_policy_typed_config: 'only retry_policy is read',
    request_mirror_policies: 'mirroring is not modelled',
    priority: 'routing priority only selects circuit-breaker thresholds, which are not modelled',
    rate_limits: 'rate limiting is not modelled',
    include_vh_rate_limits: 'rate limiting is not modelled',
    hash_policy: 'consistent-hash load balancing is not modelled',
    cors: NOT_ROUTING,
    max_grpc_timeout: 'gRPC timeouts are not modelled; the route timeout applies',
    grpc_timeout_offset: 'gRPC timeouts are not modelled; the route timeout applies',
    upgrade_configs: NOT_ROUTING,
    internal_redirect_policy: 'internal redirects are not modelled',
    internal_redirect_action: 'internal redirects are not modelled',
    max_internal_redirects: 'internal redirects are not modelled',
    hedge_policy: 'request hedging is not modelled: each request has one attempt in flight at a time',
    max_stream_duration: 'stream duration limits are not modelled; the route timeout applies',
  },
} as const;

const RETRY_POLICY = {
  name: 'RetryPolicy',
  modelled: [
    'retry_on',
    'num_retries',
    'per_try_timeout',
    'retry_priority',
    'retry_host_predicate',
    'host_selection_retry_max_attempts',
    'retriable_status_codes',
    'retry_back_off',
  ],
  unmodelled: {
    per_try_idle_timeout: 'per-try idle timeouts are not modelled (per_try_timeout is)',
    retry_options_predicates: 'retry options predicates are not modelled',
    rate_limited_retry_back_off: 'rate-limited back-off (retry-after headers) is not modelled; retry_back_off applies',
    retriable_headers: 'response headers are not modelled: retriable-headers never matches',
    retriable_request_headers: 'request headers are not modelled: every request is retriable',
  },
} as const;

export interface RouteSettings {
  /** RouteAction.timeout in ms; 0 = disabled. */
  timeoutMs: number;
  /** undefined: the route has no retry policy. */
  retryPolicy: RetryPolicyConfig | undefined;
  /** RouteAction.cluster as written (checked against the cluster's name by the caller). */
  cluster: string | undefined;
}

/**
 * Reads a RouteAction. `fallbackRetry` is the virtual host's retry_policy (used when the route has
 * none, as Envoy does), with its own path.
 */
export function readRouteAction(
  d: Diagnostics,
  value: unknown,
  path: readonly PathKey[],
  fallbackRetry?: { value: unknown; path: readonly PathKey[] },
): RouteSettings {
  const m = readMessage(d, value, path, ROUTE_ACTION);
  if (!m) return { timeoutMs: ENVOY_DEFAULT_ROUTE_TIMEOUT_MS, retryPolicy: undefined, cluster: undefined };
  const cluster = m.cluster === undefined ? undefined : readString(d, m.cluster, [...path, 'cluster'], true);
  const timeoutMs = m.timeout === undefined ? ENVOY_DEFAULT_ROUTE_TIMEOUT_MS : (readDuration(d, m.timeout, [...path, 'timeout']) ?? 0);
  let retryPolicy: RetryPolicyConfig | undefined;
  if (m.retry_policy !== undefined) retryPolicy = readRetryPolicy(d, m.retry_policy, [...path, 'retry_policy']);
  else if (fallbackRetry !== undefined) retryPolicy = readRetryPolicy(d, fallbackRetry.value, fallbackRetry.path);
  return { timeoutMs, retryPolicy, cluster };
}

/** A typed extension reference `{name, typed_config}`; returns which known extension it names. */
function extensionName(d: Diagnostics, value: unknown, path: readonly PathKey[], known: Record<string, string>): { name: string; config: Record<string, unknown> | undefined } | undefined {
  const m = readMessage(d, value, path, { name: 'TypedExtensionConfig', modelled: ['name', 'typed_config'] });
  if (!m) return undefined;
  const name = m.name === undefined ? undefined : readString(d, m.name, [...path, 'name']);
  let config: Record<string, unknown> | undefined;
  let byType: string | undefined;
  if (m.typed_config !== undefined) {
    if (!isMapping(m.typed_config)) {
      d.error([...path, 'typed_config'], `expected a mapping, got ${show(m.typed_config)}`);
      return undefined;
    }
    config = m.typed_config;
    const t = config['@type'];
    byType = Object.entries(known).find(([, url]) => url === t)?.[0];
  }
  // Envoy finds the extension by its typed_config type URL, else by name.
  return { name: byType ?? name ?? '', config };
}

export function readRetryPolicy(d: Diagnostics, value: unknown, path: readonly PathKey[]): RetryPolicyConfig | undefined {
  const m = readMessage(d, value, path, RETRY_POLICY);
  if (!m) return undefined;
  const policy: RetryPolicyConfig = envoyRetryPolicyDefaults();
  if (m.retry_on !== undefined) {
    const text = readString(d, m.retry_on, [...path, 'retry_on']);
    if (text !== undefined) {
      const names = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
      const { unknown } = parseRetryOn(names);
      if (unknown.length > 0) d.error([...path, 'retry_on'], `unknown retry condition(s) ${unknown.map((u) => JSON.stringify(u)).join(', ')}`);
      policy.retry_on = names;
    }
  }
  if (policy.retry_on.length === 0) {
    d.warn('retry-on-empty', [...path, 'retry_on'], 'retry_on is empty: Envoy retries nothing with this policy');
  }
  if (m.num_retries !== undefined) policy.num_retries = readUint(d, m.num_retries, [...path, 'num_retries']) ?? policy.num_retries;
  if (m.per_try_timeout !== undefined) policy.per_try_timeout_ms = readDuration(d, m.per_try_timeout, [...path, 'per_try_timeout']) ?? 0;
  if (m.host_selection_retry_max_attempts !== undefined) {
    const n = readUint(d, m.host_selection_retry_max_attempts, [...path, 'host_selection_retry_max_attempts']);
    if (n !== undefined) policy.host_selection_retry_max_attempts = n;
  }
  if (m.retriable_status_codes !== undefined) {
    const list = readList(d, m.retriable_status_codes, [...path, 'retriable_status_codes']) ?? [];
    policy.retriable_status_codes = list
      .map((c, i) => readUint(d, c, [...path, 'retriable_status_codes', i], 100, 599))
      .filter((c): c is number => c !== undefined);
    if (policy.retriable_status_codes.length > 0 && !policy.retry_on.includes('retriable-status-codes')) {
      d.warn('status-codes-unused', [...path, 'retriable_status_codes'], 'retriable_status_codes has no effect: retry_on does not include retriable-status-codes');
    }
  }
  if (m.retry_back_off !== undefined) {
    const at = [...path, 'retry_back_off'];
    const b = readMessage(d, m.retry_back_off, at, { name: 'RetryBackOff', modelled: ['base_interval', 'max_interval'] });
    if (b) {
      if (b.base_interval === undefined) d.error([...at, 'base_interval'], 'required (a duration > 0, e.g. "0.025s")');
      else {
        const base = readDuration(d, b.base_interval, [...at, 'base_interval'], true);
        if (base !== undefined) {
          policy.backoff_base_interval_ms = base;
          policy.backoff_max_interval_ms = base * DEFAULT_MAX_INTERVAL_FACTOR;
        }
      }
      if (b.max_interval !== undefined) {
        const max = readDuration(d, b.max_interval, [...at, 'max_interval'], true);
        if (max !== undefined) {
          if (max < policy.backoff_base_interval_ms) d.error([...at, 'max_interval'], `must be at least base_interval (${policy.backoff_base_interval_ms} ms), got ${max} ms`);
          policy.backoff_max_interval_ms = max;
        }
      }
    }
  }
  if (m.retry_host_predicate !== undefined) {
    const list = readList(d, m.retry_host_predicate, [...path, 'retry_host_predicate']) ?? [];
    list.forEach((p, i) => {
      const at = [...path, 'retry_host_predicate', i];
      const ext = extensionName(d, p, at, { [PREVIOUS_HOSTS]: PREVIOUS_HOSTS_TYPE });
      if (!ext) return;
      if (ext.name === PREVIOUS_HOSTS) {
        policy.previous_hosts_predicate = true;
        if (ext.config) readMessage(d, ext.config, [...at, 'typed_config'], { name: 'PreviousHostsPredicate', modelled: [] }, PREVIOUS_HOSTS_TYPE);
      } else {
        d.warn('unmodelled-field', at, `retry host predicate ${JSON.stringify(ext.name)} is not modelled (only ${PREVIOUS_HOSTS} is); it is ignored`);
      }
    });
  }
  if (m.retry_priority !== undefined) {
    const at = [...path, 'retry_priority'];
    const ext = extensionName(d, m.retry_priority, at, { [PREVIOUS_PRIORITIES]: PREVIOUS_PRIORITIES_TYPE });
    if (ext && ext.name === PREVIOUS_PRIORITIES) {
      const c = ext.config
        ? readMessage(d, ext.config, [...at, 'typed_config'], { name: 'PreviousPrioritiesConfig', modelled: ['update_frequency'] }, PREVIOUS_PRIORITIES_TYPE)
        : undefined;
      if (c?.update_frequency === undefined) {
        d.error([...at, 'typed_config', 'update_frequency'], 'required: a whole number > 0 (Envoy rejects previous_priorities without it)');
      } else {
        policy.previous_priorities_update_frequency = readUint(d, c.update_frequency, [...at, 'typed_config', 'update_frequency'], 1, 2147483647);
      }
    } else if (ext) {
      d.warn('unmodelled-field', at, `retry priority ${JSON.stringify(ext.name)} is not modelled (only ${PREVIOUS_PRIORITIES} is); it is ignored`);
    }
  }
  return policy;
}
