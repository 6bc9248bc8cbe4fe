/**
 * What a health probe of an endpoint sees at a time: shared by the kubelet's readiness probe
 * (control-plane.ts) and Envoy's active health check (health-check.ts). A probe sees the same fault
 * the clients' requests see (faults are "what is wrong with the endpoint"); a fault that only breaks
 * the path between clients and the pod would not fail a kubelet probe — leave readiness off then.
 *
 * The probe's handler is taken to answer in no time when healthy (health endpoints answer from
 * memory): a latency fault delays it by its `add` only, and fails it when that reaches the timeout.
 */
import type { RandomStream } from '../engine/random.ts';
import {
  FAULT_BLACKHOLE,
  FAULT_CONNECT_REFUSED,
  FAULT_CONNECT_TIMEOUT,
  FAULT_HTTP_ERROR,
  FAULT_LATENCY,
  FAULT_RESET,
  type FaultSchedule,
  type FaultWindow,
} from './faults.ts';

export const PROBE_OK = 0;
/** Connection refused or reset. */
export const PROBE_REFUSED = 1;
/** No answer within the probe's timeout (or the connect timeout, when shorter). */
export const PROBE_TIMEOUT = 2;
/** An HTTP error status (an http-error fault's draw hit). */
export const PROBE_BAD_STATUS = 3;

export interface ProbeResult {
  result: number;
  /** When the result is known, relative to the probe's start. */
  afterMs: number;
}

/**
 * The result of a probe of `endpoint` started at `t`. `connectTimeoutMs` +∞ for a probe with no
 * separate connect timeout; `httpChecks` false for a TCP (connect-only) check, which an HTTP error
 * does not fail; `random` is drawn once for an http-error fault, never otherwise.
 */
export function probeAt(
  faults: FaultSchedule,
  endpoint: number,
  t: number,
  timeoutMs: number,
  connectTimeoutMs: number,
  refusedDelayMs: number,
  httpChecks: boolean,
  random: RandomStream,
  out: ProbeResult,
): ProbeResult {
  out.result = PROBE_OK;
  out.afterMs = 0;
  const f = faults.faultAt(endpoint, t);
  if (f === null) return out;
  switch (f.kind) {
    case FAULT_CONNECT_REFUSED:
      out.result = PROBE_REFUSED;
      out.afterMs = refusedDelayMs;
      return out;
    case FAULT_RESET:
      out.result = PROBE_REFUSED;
      return out;
    case FAULT_CONNECT_TIMEOUT:
    case FAULT_BLACKHOLE:
      out.result = PROBE_TIMEOUT;
      out.afterMs = Math.min(timeoutMs, connectTimeoutMs);
      return out;
    case FAULT_HTTP_ERROR:
      if (random.uniform() < f.httpRate && httpChecks) out.result = PROBE_BAD_STATUS;
      return out;
    case FAULT_LATENCY:
      if (f.latencyAddMs >= timeoutMs) {
        out.result = PROBE_TIMEOUT;
        out.afterMs = timeoutMs;
      } else out.afterMs = f.latencyAddMs;
      return out;
    default:
      return out;
  }
}

/** Per endpoint: the fault windows [from, until) covering it, sorted by from (for skipping calm stretches). */
export function windowsByEndpoint(windows: readonly FaultWindow[], endpointCount: number): Array<Array<[number, number]>> {
  const per: Array<Array<[number, number]>> = Array.from({ length: endpointCount }, () => []);
  for (const w of windows) for (const e of w.endpoints) per[e].push([w.fromMs, w.untilMs]);
  for (const list of per) list.sort((a, b) => a[0] - b[0]);
  return per;
}

/** The start of the first window ending after t (t itself when inside one), or +∞. */
export function nextFaultStart(list: ReadonlyArray<[number, number]>, t: number): number {
  for (const [from, until] of list) {
    if (until <= t) continue;
    return from > t ? from : t;
  }
  return Infinity;
}
