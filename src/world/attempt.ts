/**
 * The world's answer to one attempt, in the router's vocabulary (`AttemptOutcome`): given the
 * endpoint, the time and a random stream, what the upstream does and after how long. Written into a
 * caller-owned object so the per-attempt path allocates nothing.
 *
 * Faults and their answers (delays from the attempt's start):
 * - none, latency       RESPONSE 200 after the sampled latency (× factor + add under a latency fault).
 * - http-error          RESPONSE with the fault's code after the sampled latency: the server answered,
 *                       just badly. With rate < 1, one uniform draw per attempt decides (error if U < rate).
 * - connect-refused     CONNECT_FAILURE after the endpoint's connectRefusedDelay (default 1 ms): a TCP
 *                       RST to the SYN costs about one network round trip, not a full request.
 * - connect-timeout     CONNECT_TIMEOUT after the cluster's connect timeout (the caller passes it).
 * - blackhole           connected, never answered (latencyMs = +∞): only the router's per-try or
 *                       route timeout ends it, so it is written as the timeout it will become.
 * - reset               RESET_BEFORE_HEADERS after half the sampled latency: the connection breaks
 *                       mid-request.
 * The latency is sampled only when the outcome uses it, so a refused connection draws nothing.
 */
import type { RandomStream } from '../engine/random.ts';
import { endpointSpecFor, type Scenario } from '../config/scenario.ts';
import { AttemptOutcome, attemptConnected } from '../envoy/router/outcomes.ts';
import { compileLatency, sampleLatencyMs, type LatencyModel } from './latency.ts';
import {
  FAULT_BLACKHOLE,
  FAULT_CONNECT_REFUSED,
  FAULT_CONNECT_TIMEOUT,
  FAULT_HTTP_ERROR,
  FAULT_LATENCY,
  FAULT_RESET,
  FaultSchedule,
  type FaultEffect,
  type FaultEndpoint,
} from './faults.ts';

export interface AttemptDecision {
  /** An `AttemptOutcome` code. */
  outcome: number;
  /** Response status for RESPONSE; 0 when no response arrives. */
  status: number;
  /** Delay from the attempt's start to its answer; +∞ when it is never answered (blackhole). */
  latencyMs: number;
}

export function newAttemptDecision(): AttemptDecision {
  return { outcome: AttemptOutcome.RESPONSE, status: 200, latencyMs: 0 };
}

/**
 * The request reaches the endpoint's server, so a finite capacity applies to it: the connection was
 * made (the router's own `attemptConnected`, which also decides the pool-ready report) and the
 * network delivers the request (a blackhole does not).
 */
export function reachesServer(d: AttemptDecision): boolean {
  return attemptConnected(d.outcome) && d.latencyMs !== 1 / 0;
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
    // Kept small, so the simulator's attempt path can inline it with the latency draw: the fault
    // cases are decideUnderFault's.
    if (fault !== null && decideUnderFault(fault, this.latency[endpointIndex], this.connectRefusedDelayMs[endpointIndex], rng, connectTimeoutMs, out)) return;
    out.outcome = AttemptOutcome.RESPONSE;
    out.status = 200;
    out.latencyMs = sampleLatencyMs(this.latency[endpointIndex], rng);
  }
}

/**
 * The answer under a fault acting now, written into `out`; false when the fault lets this attempt
 * through (an http-error fault with rate < 1 whose draw missed: answered as if healthy).
 */
function decideUnderFault(
  fault: FaultEffect,
  latency: LatencyModel,
  connectRefusedDelayMs: number,
  rng: RandomStream,
  connectTimeoutMs: number,
  out: AttemptDecision,
): boolean {
  switch (fault.kind) {
    case FAULT_CONNECT_REFUSED:
      out.outcome = AttemptOutcome.CONNECT_FAILURE;
      out.status = 0;
      out.latencyMs = connectRefusedDelayMs;
      return true;
    case FAULT_CONNECT_TIMEOUT:
      out.outcome = AttemptOutcome.CONNECT_TIMEOUT;
      out.status = 0;
      out.latencyMs = connectTimeoutMs;
      return true;
    case FAULT_BLACKHOLE:
      out.outcome = AttemptOutcome.PER_TRY_TIMEOUT;
      out.status = 0;
      out.latencyMs = 1 / 0; // +∞ as a literal: hot-path conventions, docs/architecture.md
      return true;
    case FAULT_RESET:
      out.outcome = AttemptOutcome.RESET_BEFORE_HEADERS;
      out.status = 0;
      out.latencyMs = sampleLatencyMs(latency, rng) / 2;
      return true;
    case FAULT_HTTP_ERROR:
      if (fault.httpRate >= 1 || rng.uniform() < fault.httpRate) {
        out.outcome = AttemptOutcome.RESPONSE;
        out.status = fault.httpCode;
        out.latencyMs = sampleLatencyMs(latency, rng);
        return true;
      }
      return false;
    case FAULT_LATENCY:
      out.outcome = AttemptOutcome.RESPONSE;
      out.status = 200;
      out.latencyMs = sampleLatencyMs(latency, rng) * fault.latencyFactor + fault.latencyAddMs;
      return true;
  }
  return false;
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
