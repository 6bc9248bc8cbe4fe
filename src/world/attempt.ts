/**
 * The world's answer to one attempt: given the endpoint, the time and a random stream, what happens
 * and after how long. Written into a caller-owned object so the per-attempt path allocates nothing.
 *
 * Outcomes and their delays (from the attempt's start):
 * - SUCCESS_RESPONSE   sampled latency (× factor + add under a latency fault); status 200.
 * - HTTP_ERROR         status `code` after the sampled latency: the server answered, just badly.
 *                      With rate < 1, one uniform draw per attempt decides (error if U < rate).
 * - CONNECT_REFUSED    after the endpoint's connectRefusedDelay (default 1 ms): a TCP RST to the SYN
 *                      costs about one network round trip, not a full request.
 * - CONNECT_TIMEOUT    after the cluster's connect timeout (the caller passes connectTimeoutMs).
 * - BLACKHOLE          never (latencyMs = Infinity): connected, no reply. Per-try and route timeouts,
 *                      applied by the caller, end the attempt.
 * - RESET              after half the sampled latency: the connection breaks mid-request (Envoy
 *                      sees a remote reset before any response headers).
 * The latency is sampled only when the outcome uses it, so a refused connection draws nothing.
 */
import type { RandomStream } from '../engine/random.ts';
import { endpointSpecFor, type Scenario } from '../config/scenario.ts';
import { compileLatency, sampleLatencyMs, type LatencyModel } from './latency.ts';
import {
  FAULT_BLACKHOLE,
  FAULT_CONNECT_REFUSED,
  FAULT_CONNECT_TIMEOUT,
  FAULT_HTTP_ERROR,
  FAULT_LATENCY,
  FAULT_RESET,
  FaultSchedule,
  type FaultEndpoint,
} from './faults.ts';

export const OUTCOME_SUCCESS_RESPONSE = 0;
export const OUTCOME_HTTP_ERROR = 1;
export const OUTCOME_CONNECT_REFUSED = 2;
export const OUTCOME_CONNECT_TIMEOUT = 3;
export const OUTCOME_BLACKHOLE = 4;
export const OUTCOME_RESET = 5;

export const OUTCOME_NAMES = ['success', 'http-error', 'connect-refused', 'connect-timeout', 'blackhole', 'reset'] as const;

export interface AttemptDecision {
  /** One of the OUTCOME_* codes. */
  outcome: number;
  /** HTTP status for SUCCESS_RESPONSE (200) and HTTP_ERROR; 0 when no response arrives. */
  httpStatus: number;
  /** Delay from the attempt's start to its result; Infinity for BLACKHOLE. */
  latencyMs: number;
}

export function newAttemptDecision(): AttemptDecision {
  return { outcome: OUTCOME_SUCCESS_RESPONSE, httpStatus: 200, latencyMs: 0 };
}

/** Endpoint latencies + fault schedule: the part of the world that answers attempts. */
export class EndpointWorld {
  constructor(
    /** Per dense endpoint index. */
    readonly latency: readonly LatencyModel[],
    readonly connectRefusedDelayMs: Float64Array,
    readonly faults: FaultSchedule,
  ) {}

  /** Decides one attempt to `endpointIndex` started at `nowMs`; writes into `out`. Allocation-free. */
  decideAttempt(endpointIndex: number, nowMs: number, rng: RandomStream, connectTimeoutMs: number, out: AttemptDecision): void {
    const fault = this.faults.faultAt(endpointIndex, nowMs);
    if (fault !== null) {
      switch (fault.kind) {
        case FAULT_CONNECT_REFUSED:
          out.outcome = OUTCOME_CONNECT_REFUSED;
          out.httpStatus = 0;
          out.latencyMs = this.connectRefusedDelayMs[endpointIndex];
          return;
        case FAULT_CONNECT_TIMEOUT:
          out.outcome = OUTCOME_CONNECT_TIMEOUT;
          out.httpStatus = 0;
          out.latencyMs = connectTimeoutMs;
          return;
        case FAULT_BLACKHOLE:
          out.outcome = OUTCOME_BLACKHOLE;
          out.httpStatus = 0;
          out.latencyMs = 1 / 0; // +∞ as a literal: hot-path conventions, docs/architecture.md
          return;
        case FAULT_RESET:
          out.outcome = OUTCOME_RESET;
          out.httpStatus = 0;
          out.latencyMs = sampleLatencyMs(this.latency[endpointIndex], rng) / 2;
          return;
        case FAULT_HTTP_ERROR:
          if (fault.httpRate >= 1 || rng.uniform() < fault.httpRate) {
            out.outcome = OUTCOME_HTTP_ERROR;
            out.httpStatus = fault.httpCode;
            out.latencyMs = sampleLatencyMs(this.latency[endpointIndex], rng);
            return;
          }
          break;
        case FAULT_LATENCY:
          out.outcome = OUTCOME_SUCCESS_RESPONSE;
          out.httpStatus = 200;
          out.latencyMs = sampleLatencyMs(this.latency[endpointIndex], rng) * fault.latencyFactor + fault.latencyAddMs;
          return;
      }
    }
    out.outcome = OUTCOME_SUCCESS_RESPONSE;
    out.httpStatus = 200;
    out.latencyMs = sampleLatencyMs(this.latency[endpointIndex], rng);
  }
}

/**
 * Builds the endpoint world for a run: each endpoint's model from `scenario.endpoints` (its own
 * entry, else `*`, else constant 1 ms), and the fault schedule.
 */
export function buildEndpointWorld(scenario: Scenario, endpoints: readonly FaultEndpoint[], root: RandomStream, file = 'scenario'): EndpointWorld {
  const specs = endpoints.map((e) => endpointSpecFor(scenario, e.address));
  return new EndpointWorld(
    specs.map((s) => compileLatency(s.latency)),
    Float64Array.from(specs.map((s) => s.connectRefusedDelayMs)),
    new FaultSchedule(scenario.faults, endpoints, root, file),
  );
}
