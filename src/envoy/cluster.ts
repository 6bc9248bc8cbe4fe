/**
 * The effective Envoy cluster one client proxy gets: what Istio's translation (src/istio) produces
 * and what the simulator (src/sim) instantiates. Field names follow Envoy's snake_case API where a
 * field mirrors one; durations are integer milliseconds with an `_ms` suffix.
 */

export interface Locality {
  region: string;
  zone: string;
  subzone: string;
}

export type LbPolicy = 'ROUND_ROBIN' | 'LEAST_REQUEST' | 'RANDOM';

export interface ClusterEndpoint {
  /** Address as configured (DNS name or IP); unique within the cluster. */
  address: string;
  port: number;
  locality: Locality;
  /** LocalityLbEndpoints.priority after Istio's failover translation. */
  priority: number;
  /** LbEndpoint.load_balancing_weight (unset or 0 becomes 1). */
  weight: number;
  /** Endpoint labels (used for failoverPriority). */
  labels: Record<string, string>;
}

/** Envoy OutlierDetection fields, snake_case, durations in ms. All optional: unset takes Envoy's default. */
export interface OutlierDetectionInput {
  consecutive_5xx?: number;
  consecutive_gateway_failure?: number;
  consecutive_local_origin_failure?: number;
  interval_ms?: number;
  base_ejection_time_ms?: number;
  max_ejection_time_ms?: number;
  max_ejection_time_jitter_ms?: number;
  max_ejection_percent?: number;
  always_eject_one_host?: boolean;
  enforcing_consecutive_5xx?: number;
  enforcing_consecutive_gateway_failure?: number;
  enforcing_consecutive_local_origin_failure?: number;
  enforcing_success_rate?: number;
  enforcing_local_origin_success_rate?: number;
  enforcing_failure_percentage?: number;
  enforcing_failure_percentage_local_origin?: number;
  success_rate_minimum_hosts?: number;
  success_rate_request_volume?: number;
  success_rate_stdev_factor?: number;
  failure_percentage_threshold?: number;
  failure_percentage_minimum_hosts?: number;
  failure_percentage_request_volume?: number;
  split_external_local_origin_errors?: boolean;
  successful_active_health_check_uneject_host?: boolean;
}

export interface RetryPolicyConfig {
  /** num_retries; attempts = num_retries + 1. */
  num_retries: number;
  /** retry_on classes, e.g. ['connect-failure', 'refused-stream', 'unavailable', 'cancelled', 'retriable-status-codes']. */
  retry_on: string[];
  retriable_status_codes: number[];
  /** 0 = no per-try timeout. */
  per_try_timeout_ms: number;
  /** retry_host_predicate previous_hosts. */
  previous_hosts_predicate: boolean;
  host_selection_retry_max_attempts: number;
  /** previous_priorities retry plugin update_frequency, or undefined when not configured. */
  previous_priorities_update_frequency?: number;
  backoff_base_interval_ms: number;
  backoff_max_interval_ms: number;
}

export interface SlowStartConfig {
  window_ms: number;
  aggression: number;
  min_weight_percent: number;
}

export interface EnvoyCluster {
  /** Envoy cluster name, e.g. `outbound|80||mydb.com`. */
  name: string;
  endpoints: ClusterEndpoint[];
  /** Locality weights per (priority, locality) when locality_weighted_lb_config is on. */
  locality_weighted_lb_config: boolean;
  /** LocalityLbEndpoints.load_balancing_weight by `priority|region/zone/subzone`. */
  locality_weights: Record<string, number>;
  lb_policy: LbPolicy;
  least_request_choice_count: number;
  slow_start?: SlowStartConfig;
  overprovisioning_factor: number;
  /** common_lb_config.healthy_panic_threshold (percent). */
  healthy_panic_threshold: number;
  /** undefined: the cluster has no outlier detector. */
  outlier_detection?: OutlierDetectionInput;
  connect_timeout_ms: number;
  /** Route timeout (0 = none). */
  route_timeout_ms: number;
  /** undefined: no retry policy. */
  retry_policy?: RetryPolicyConfig;
}

export function localityKey(l: Locality): string {
  return `${l.region}/${l.zone}/${l.subzone}`;
}
