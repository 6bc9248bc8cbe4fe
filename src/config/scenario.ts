/**
 * The scenario in its normalised, typed form — what the simulator consumes (durations in
 * milliseconds, rates per second, defaults filled) — with its defaults and small accessors. The
 * file's schema, which produces this form from YAML, is scenario-schema.ts; every field is
 * documented in docs/scenario.md; keep the three in step.
 */

// ---------------------------------------------------------------------------------------------
// Normalised scenario types (what the loader returns)
// ---------------------------------------------------------------------------------------------

export interface ScenarioLocality {
  region: string;
  zone: string;
  subzone: string;
}

export type LatencySpec =
  | { kind: 'constant'; valueMs: number }
  | { kind: 'uniform'; minMs: number; maxMs: number }
  | { kind: 'exponential'; meanMs: number }
  | { kind: 'lognormal'; medianMs: number; p99Ms: number }
  /** Points (quantile in [0,1], value in ms), quantiles strictly increasing, the last one 1. */
  | { kind: 'empirical'; quantiles: Array<[number, number]> };

export interface EndpointSpec {
  latency: LatencySpec;
  /** How long a refused connection takes to fail (one network round trip). */
  connectRefusedDelayMs: number;
  /** Finite serving capacity (docs/scenario.md "Capacity"); undefined = unlimited. */
  capacity?: CapacitySpec;
}

/**
 * An endpoint that can serve only `concurrency` requests at once: the rest wait in a FIFO queue of
 * `queue` places, and requests finding the queue full are refused with `overloadStatus`. Service
 * time is the sampled latency × (1 + (slowdown − 1) · busy / concurrency), busy counting the request
 * itself, so latency grows with load. `abandonedWork` says whether the server still does the work of
 * requests the client gave up on (timeouts): real servers usually do, which is what lets retries
 * and timeouts keep an overloaded endpoint overloaded (a metastable failure).
 */
export interface CapacitySpec {
  concurrency: number;
  queue: number;
  slowdown: number;
  overloadStatus: number;
  abandonedWork: 'continue' | 'cancel';
}

/** A fault's effect while it is active (every kind but flapping, which alternates one of these). */
export type FaultEffectSpec =
  | { kind: 'connect-refused' }
  | { kind: 'connect-timeout' }
  | { kind: 'blackhole' }
  | { kind: 'reset' }
  | { kind: 'http-error'; code: number; rate: number }
  | { kind: 'latency'; factor: number; addMs: number };

export type FaultEffectKind = FaultEffectSpec['kind'];
export type FaultKind = FaultEffectKind | 'flapping';

export interface FlappingSpec {
  kind: 'flapping';
  upMs: number;
  downMs: number;
  distribution: 'fixed' | 'exponential';
  of: FaultEffectSpec;
}

export type FaultTarget = { endpoint: string } | { locality: ScenarioLocality; localityText: string };

export type FaultSpec = (FaultEffectSpec | FlappingSpec) & {
  target: FaultTarget;
  fromMs: number;
  /** The end of the fault; the run's duration when `until` is not given. */
  untilMs: number;
};

export interface RateSegment {
  fromMs: number;
  perSecond: number;
}

export interface ClientGroupSpec {
  locality: ScenarioLocality;
  localityText: string;
  replicas: number;
  /** Piecewise-constant total rate of the group; the first segment starts at 0. */
  rate: RateSegment[];
  arrivals: 'poisson' | 'constant';
  host: string | undefined;
  labels: Record<string, string>;
}

export interface MetricsSpec {
  bucketMs: number;
  mitigation: { windowMs: number; threshold: number };
  failback: { toleranceShare: number; windowMs: number };
}

/**
 * Kubernetes readiness → EndpointSlice → istiod → EDS (docs/scenario.md "Control plane").
 * Defaults: Kubernetes' probe defaults (periodSeconds 10, timeoutSeconds 1, failureThreshold 3,
 * successThreshold 1) and Istio's debounce (PILOT_DEBOUNCE_AFTER 100ms, PILOT_DEBOUNCE_MAX 10s).
 */
export interface ReadinessSpec {
  periodMs: number;
  timeoutMs: number;
  failureThreshold: number;
  successThreshold: number;
  propagationMs: number;
  debounceAfterMs: number;
  debounceMaxMs: number;
  pushDelayMs: number;
  /**
   * What EDS does with a not-ready endpoint: leave it out or send it UNHEALTHY; undefined: as istiod
   * does for the service (UNHEALTHY when it has a trafficDistribution, src/istio/outlier.ts
   * sendsUnhealthyEndpoints; else left out).
   */
  unready: 'remove' | 'unhealthy' | undefined;
}

/** Envoy active health checking (config.core.v3.HealthCheck); interval, timeout and thresholds are required, as in Envoy. */
export interface HealthCheckSpec {
  type: 'http' | 'tcp';
  intervalMs: number;
  timeoutMs: number;
  unhealthyThreshold: number;
  healthyThreshold: number;
  unhealthyIntervalMs: number;
  unhealthyEdgeIntervalMs: number;
  healthyEdgeIntervalMs: number;
  intervalJitterMs: number;
  initialJitterMs: number;
}

/** Control-plane processes; each null (off) unless the scenario turns it on. */
export interface ControlPlaneSpec {
  readiness: ReadinessSpec | null;
  healthCheck: HealthCheckSpec | null;
}

export interface Scenario {
  name: string;
  /** Exactly one of istio / envoy: the path as written (relative to the scenario file). */
  istio: string | undefined;
  envoy: string | undefined;
  versions: { istio: string | undefined; envoy: string | undefined };
  durationMs: number;
  seed: number;
  clients: ClientGroupSpec[];
  /** Keyed by endpoint address; the key `*` is the model of every endpoint not listed. */
  endpoints: Record<string, EndpointSpec>;
  faults: FaultSpec[];
  metrics: MetricsSpec;
  proxy: { ejectionDelayMs: number };
  controlPlane: ControlPlaneSpec;
}

// ---------------------------------------------------------------------------------------------
// Defaults
// ---------------------------------------------------------------------------------------------

export const DEFAULT_CONNECT_REFUSED_DELAY_MS = 1;
/** Model of an endpoint that the scenario does not list (and no `*` entry covers). */
export const DEFAULT_ENDPOINT: EndpointSpec = Object.freeze({
  latency: Object.freeze({ kind: 'constant', valueMs: 1 }) as LatencySpec,
  connectRefusedDelayMs: DEFAULT_CONNECT_REFUSED_DELAY_MS,
});
export const DEFAULT_METRICS: MetricsSpec = Object.freeze({
  bucketMs: 1000,
  mitigation: Object.freeze({ windowMs: 10_000, threshold: 0.01 }),
  failback: Object.freeze({ toleranceShare: 0.05, windowMs: 10_000 }),
});

export const DEFAULT_READINESS: ReadinessSpec = Object.freeze({
  periodMs: 10_000,
  timeoutMs: 1000,
  failureThreshold: 3,
  successThreshold: 1,
  propagationMs: 0,
  debounceAfterMs: 100,
  debounceMaxMs: 10_000,
  pushDelayMs: 0,
  unready: undefined,
});

/** The endpoint model for an address: its own entry, else `*`, else DEFAULT_ENDPOINT. */
export function endpointSpecFor(scenario: Scenario, address: string): EndpointSpec {
  return scenario.endpoints[address] ?? scenario.endpoints['*'] ?? DEFAULT_ENDPOINT;
}

/** "region[/zone[/subzone]]" as the scenario writes it (validated by the schema). */
export function parseScenarioLocality(text: string): ScenarioLocality {
  const [region = '', zone = '', subzone = ''] = text.split('/');
  return { region, zone, subzone };
}

/** Does a target locality (a prefix: region, region/zone, ...) cover an endpoint's locality? */
export function localityCovers(target: ScenarioLocality, l: ScenarioLocality): boolean {
  return (
    target.region === l.region &&
    (target.zone === '' || target.zone === l.zone) &&
    (target.subzone === '' || target.subzone === l.subzone)
  );
}

/** Does a fault's target cover an endpoint (address + locality)? Used to compile faults per endpoint. */
export function faultTargetCovers(target: FaultTarget, address: string, locality: ScenarioLocality): boolean {
  return 'endpoint' in target ? target.endpoint === address : localityCovers(target.locality, locality);
}
