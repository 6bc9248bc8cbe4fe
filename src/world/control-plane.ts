/**
 * The Kubernetes/Istio control plane as a world process: when does each sidecar's EDS drop an
 * endpoint whose pod fails its readiness probe, and when does it come back?
 *
 *   kubelet readiness probe (every `period`, phase uniform in [0, period) from the named stream
 *   `world/endpoint/<e>/readiness-probe`: the prober worker sleeps a random fraction of the period
 *   before its ticker starts) → `failureThreshold` consecutive failures make the pod NotReady,
 *   `successThreshold` consecutive successes Ready again (the result is known when the probe
 *   answers, or at its timeout)
 *   → `propagation` later istiod sees the EndpointSlice change (kubelet status update, EndpointSlice
 *   controller, informer; 0 by default: not modelled unless given)
 *   → istiod's debounce (pilot/pkg/xds/discovery.go `debounce`, istio 1.28.0; PILOT_DEBOUNCE_AFTER
 *   100ms, PILOT_DEBOUNCE_MAX 10s in pilot/pkg/features/tuning.go, EDS included by
 *   PILOT_ENABLE_EDS_DEBOUNCE=true): the first event arms a timer `debounceAfter` later; when it
 *   fires, the push happens if `debounceAfter` passed since the last event or `debounceMax` since
 *   the first, else the timer is re-armed to `debounceAfter` after the last event. All endpoints'
 *   events share one debouncer; the push carries every endpoint's state at that moment.
 *   → `pushDelay` later every sidecar applies the EDS update.
 *
 * What the update does (`unready`): 'remove' — Istio leaves a not-ready endpoint out of EDS
 * (pilot/pkg/xds/endpoints/endpoint_builder.go, istio 1.28.0: unhealthy endpoints are filtered
 * unless Service.SupportsUnhealthyEndpoints) — or 'unhealthy' — sent with health status UNHEALTHY
 * (PILOT_SEND_UNHEALTHY_ENDPOINTS=true, or a Service with trafficDistribution).
 *
 * The result is a deterministic schedule computed before the run (faults are known windows).
 */
import type { RandomStream } from '../engine/random.ts';
import type { ReadinessSpec } from '../config/scenario.ts';
import type { FaultSchedule } from './faults.ts';
import { nextFaultStart, probeAt, PROBE_OK, windowsByEndpoint, type ProbeResult } from './probe-results.ts';

/** One change of an endpoint's readiness (as the kubelet decides it). */
export interface ReadinessChange {
  atMs: number;
  endpoint: number;
  ready: boolean;
}

/** One change of an endpoint in every sidecar's EDS. */
export interface EdsChange {
  atMs: number;
  endpoint: number;
  /** In EDS and ready (true), or not ready: removed or UNHEALTHY per the spec's `unready`. */
  ready: boolean;
}

/** The kubelet's readiness decisions for every endpoint over [0, durationMs), in time order. */
export function readinessChanges(
  spec: ReadinessSpec,
  faults: FaultSchedule,
  endpointCount: number,
  durationMs: number,
  root: RandomStream,
): ReadinessChange[] {
  const windows = windowsByEndpoint(faults.windows, endpointCount);
  const out: ReadinessChange[] = [];
  const probe: ProbeResult = { result: PROBE_OK, afterMs: 0 };
  for (let e = 0; e < endpointCount; e++) {
    const stream = root.fork(`world/endpoint/${e}/readiness-probe`);
    const phase = stream.uniform() * spec.periodMs;
    let ready = true;
    let run = 0; // consecutive results that disagree with `ready`
    let t = phase;
    while (t < durationMs) {
      if (ready && run === 0) {
        // Calm: skip to the first probe at or after the next fault window.
        const next = nextFaultStart(windows[e], t);
        if (next === Infinity) break;
        if (next > t) t += Math.ceil((next - t) / spec.periodMs) * spec.periodMs;
        if (t >= durationMs) break;
      }
      probeAt(faults, e, t, spec.timeoutMs, Infinity, 0, true, stream, probe);
      const ok = probe.result === PROBE_OK;
      if (ok === ready) run = 0;
      else if (++run >= (ready ? spec.failureThreshold : spec.successThreshold)) {
        ready = ok;
        run = 0;
        const at = t + probe.afterMs;
        if (at < durationMs) out.push({ atMs: at, endpoint: e, ready });
      }
      t += spec.periodMs;
    }
  }
  return out.sort((a, b) => a.atMs - b.atMs || a.endpoint - b.endpoint);
}

/**
 * istiod's push times for events at `eventTimes` (ascending): Istio's debounce with instant pushes.
 * An event at the very time the timer fires is taken after it (the next batch).
 */
export function debouncedPushTimes(eventTimes: readonly number[], afterMs: number, maxMs: number): number[] {
  const pushes: number[] = [];
  let i = 0;
  while (i < eventTimes.length) {
    const start = eventTimes[i];
    let last = start;
    i++;
    let timer = start + afterMs;
    for (;;) {
      while (i < eventTimes.length && eventTimes[i] < timer) last = eventTimes[i++];
      if (timer - start >= maxMs || timer - last >= afterMs) break;
      timer = last + afterMs;
    }
    pushes.push(timer);
  }
  return pushes;
}

/** Every sidecar's EDS changes: readiness seen by istiod, debounced, pushed, applied. */
export function edsChanges(spec: ReadinessSpec, changes: readonly ReadinessChange[], durationMs: number): EdsChange[] {
  const seen = changes.map((c) => ({ ...c, atMs: c.atMs + spec.propagationMs }));
  const pushes = debouncedPushTimes(
    seen.map((c) => c.atMs),
    spec.debounceAfterMs,
    spec.debounceMaxMs,
  );
  const istiod = new Map<number, boolean>(); // endpoint → ready, as istiod knows it
  const proxy = new Map<number, boolean>(); // endpoint → ready, as the sidecars know it
  const out: EdsChange[] = [];
  let k = 0;
  for (const push of pushes) {
    while (k < seen.length && seen[k].atMs < push) {
      istiod.set(seen[k].endpoint, seen[k].ready);
      k++;
    }
    const at = push + spec.pushDelayMs;
    if (at >= durationMs) break;
    const endpoints = [...istiod.keys()].sort((a, b) => a - b);
    for (const e of endpoints) {
      const ready = istiod.get(e)!;
      if ((proxy.get(e) ?? true) !== ready) {
        proxy.set(e, ready);
        out.push({ atMs: at, endpoint: e, ready });
      }
    }
  }
  return out;
}
