/**
 * Envoy active health checking as a world process: when does each Envoy (client sidecar) mark each
 * of its hosts FAILED_ACTIVE_HC, and when does it clear it? Each Envoy checks each host on its own:
 * the first check at `initialJitter` (random() % jitter from the stream
 * `proxy/<i>/health-check/<e>`, at least 1 ms; at once without a jitter), the next one armed when
 * the answer arrives (src/envoy/health-check.ts has the rules). What a check sees comes from the
 * faults (probe-results.ts); an unaffected host answers at once, so a healthy host is checked every
 * `interval` exactly (plus jitter).
 *
 * A deterministic schedule computed before the run; calm stretches are skipped arithmetically when
 * there is no interval jitter.
 */
import type { HealthCheckSpec } from '../config/scenario.ts';
import type { RandomStream } from '../engine/random.ts';
import { uintMod } from '../engine/int-math.ts';
import {
  ActiveHealthCheckSession,
  HC_BAD_STATUS,
  HC_NETWORK_FAILURE,
  HC_SUCCESS,
  HC_TIMEOUT,
} from '../envoy/health-check.ts';
import type { FaultSchedule } from './faults.ts';
import { nextFaultStart, probeAt, PROBE_OK, windowsByEndpoint, type ProbeResult } from './probe-results.ts';

/** One change of FAILED_ACTIVE_HC on one host of one Envoy. */
export interface HealthCheckChange {
  atMs: number;
  sidecar: number;
  /** The host index in that sidecar's cluster. */
  host: number;
  failed: boolean;
}

/** The checked hosts of one Envoy: host index → endpoint index, and its connect timeout. */
export interface CheckingProxy {
  hostToEndpoint: ArrayLike<number>;
  connectTimeoutMs: number;
}

const RESULT_OF_PROBE = [HC_SUCCESS, HC_NETWORK_FAILURE, HC_TIMEOUT, HC_BAD_STATUS];

/** Every Envoy's health-check transitions over [0, durationMs), in time order. */
export function healthCheckChanges(
  spec: HealthCheckSpec,
  proxies: readonly CheckingProxy[],
  faults: FaultSchedule,
  refusedDelayMs: ArrayLike<number>,
  endpointCount: number,
  durationMs: number,
  root: RandomStream,
): HealthCheckChange[] {
  const windows = windowsByEndpoint(faults.windows, endpointCount);
  const probe: ProbeResult = { result: PROBE_OK, afterMs: 0 };
  const out: HealthCheckChange[] = [];
  proxies.forEach((proxy, sidecar) => {
    for (let host = 0; host < proxy.hostToEndpoint.length; host++) {
      const e = proxy.hostToEndpoint[host];
      const stream = root.fork(`proxy/${sidecar}/health-check/${e}`);
      const session = new ActiveHealthCheckSession(spec);
      const jitter = Math.floor(spec.initialJitterMs);
      let t = jitter > 0 ? Math.max(1, uintMod(stream.next(), jitter)) : 0;
      while (t < durationMs) {
        if (session.settled && spec.intervalJitterMs === 0) {
          const next = nextFaultStart(windows[e], t);
          if (next === Infinity) break;
          if (next > t) t += Math.ceil((next - t) / spec.intervalMs) * spec.intervalMs;
          if (t >= durationMs) break;
        }
        probeAt(faults, e, t, spec.timeoutMs, proxy.connectTimeoutMs, refusedDelayMs[e], spec.type === 'http', stream, probe);
        const result = RESULT_OF_PROBE[probe.result];
        const at = t + probe.afterMs;
        if (session.apply(result) && at < durationMs) out.push({ atMs: at, sidecar, host, failed: session.failed });
        t = at + session.nextIntervalMs(result, stream);
      }
    }
  });
  return out.sort((a, b) => a.atMs - b.atMs || a.sidecar - b.sidecar || a.host - b.host);
}
