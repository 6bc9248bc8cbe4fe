/**
 * Incident metrics, computed after a run from the bucket series (RunSeries) and an EjectionLog
 * filled while the run goes. Exact definitions: docs/metrics.md (keep them in step).
 * Every metric is null when the thing never happens — never a made-up number.
 */
import type { RunSeries } from './time-series.ts';

/** The part of a fault window the metrics need (src/world FaultWindow satisfies it). */
export interface IncidentWindow {
  readonly index: number;
  readonly kind: string;
  readonly endpoints: ArrayLike<number>;
  readonly fromMs: number;
  readonly untilMs: number;
}

export interface EjectionEvent {
  timeMs: number;
  proxy: number;
  endpoint: number;
}

function covers(w: IncidentWindow, endpoint: number): boolean {
  for (let k = 0; k < w.endpoints.length; k++) if (w.endpoints[k] === endpoint) return true;
  return false;
}

/**
 * Streaming record of ejections, bounded memory: per (fault, proxy) the first ejection of a
 * faulted endpoint, plus counts. An ejection "belongs" to a fault when it ejects one of the fault's
 * endpoints at a time in [from, until + graceMs); the grace lets detections that land just after
 * the fault (detector interval, ejection delay) count as true ones.
 */
export class EjectionLog {
  /** First ejection time per (fault, proxy) at [fault * proxyCount + proxy]; NaN when none. */
  readonly firstEjectionMs: Float64Array;
  ejections = 0;
  falseEjections = 0;

  constructor(
    readonly windows: readonly IncidentWindow[],
    readonly proxyCount: number,
    readonly graceMs = 0,
  ) {
    this.firstEjectionMs = new Float64Array(windows.length * proxyCount).fill(NaN);
  }

  /** One proxy ejected one endpoint (call when the ejection takes effect). */
  record(timeMs: number, proxy: number, endpoint: number): void {
    this.ejections++;
    let belongs = false;
    for (let w = 0; w < this.windows.length; w++) {
      const win = this.windows[w];
      if (timeMs < win.fromMs || timeMs >= win.untilMs + this.graceMs || !covers(win, endpoint)) continue;
      belongs = true;
      const i = w * this.proxyCount + proxy;
      if (!(this.firstEjectionMs[i] <= timeMs)) this.firstEjectionMs[i] = timeMs;
    }
    if (!belongs) this.falseEjections++;
  }

  /** Builds a log from a list of events (tests, or a replayed event log). */
  static fromEvents(windows: readonly IncidentWindow[], proxyCount: number, events: readonly EjectionEvent[], graceMs = 0): EjectionLog {
    const log = new EjectionLog(windows, proxyCount, graceMs);
    for (const e of events) log.record(e.timeMs, e.proxy, e.endpoint);
    return log;
  }
}

export interface IncidentSettings {
  mitigation: { windowMs: number; threshold: number };
  failback: { toleranceShare: number; windowMs: number };
}

export interface Incident {
  fault: number;
  kind: string;
  fromMs: number;
  untilMs: number;
  endpoints: number[];
  detectionMs: {
    /** Median over all proxies, a proxy that never detected counting as +∞ (so null if half never did). */
    median: number | null;
    /** Max over all proxies; null if any proxy never detected. */
    max: number | null;
    proxiesDetected: number;
    proxies: number;
  };
  mitigationMs: number | null;
  failbackMs: number | null;
  /** Faulted endpoints' share of attempts in the window before the fault (the failback baseline). */
  preFaultShare: number | null;
  /** Client requests and failures in the buckets overlapping the fault. */
  requests: number;
  errors: number;
  errorRate: number | null;
}

export interface IncidentReport {
  incidents: Incident[];
  ejections: number;
  falseEjections: number;
}

function prefixSums(a: Float64Array): Float64Array {
  const out = new Float64Array(a.length + 1);
  for (let i = 0; i < a.length; i++) out[i + 1] = out[i] + a[i];
  return out;
}

function windowBuckets(windowMs: number, bucketMs: number): number {
  return Math.max(1, Math.round(windowMs / bucketMs));
}

/** median of values where Infinity stands for "never"; null when the median is never. */
function medianOrNull(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  const m = n % 2 === 1 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  return Number.isFinite(m) ? m : null;
}

/**
 * Detection per fault: for each proxy, first ejection of a faulted endpoint minus the fault start.
 */
function detection(log: EjectionLog, w: number, from: number): Incident['detectionMs'] {
  const values: number[] = [];
  let detected = 0;
  for (let p = 0; p < log.proxyCount; p++) {
    const t = log.firstEjectionMs[w * log.proxyCount + p];
    if (t === t) {
      detected++;
      values.push(t - from);
    } else values.push(Infinity);
  }
  const max = values.length && detected === values.length ? Math.max(...values) : null;
  return { median: medianOrNull(values), max, proxiesDetected: detected, proxies: log.proxyCount };
}

export function computeIncidents(series: RunSeries, log: EjectionLog, settings: IncidentSettings): IncidentReport {
  const B = series.bucketMs;
  const nb = series.bucketCount;
  const nE = series.endpointCount;
  const tau = (j: number) => Math.min(j * B, series.durationMs); // boundary j: end of bucket j−1
  const reqSum = prefixSums(series.requests);
  const failSum = prefixSums(series.failures);
  // All attempts per bucket (prefix-summed once).
  const allAttempts = new Float64Array(nb);
  for (let b = 0; b < nb; b++) for (let e = 0; e < nE; e++) allAttempts[b] += series.attempts[b * nE + e];
  const allSum = prefixSums(allAttempts);
  const Wm = windowBuckets(settings.mitigation.windowMs, B);
  const Wf = windowBuckets(settings.failback.windowMs, B);
  const windows = log.windows;

  const incidents = windows.map((win, w): Incident => {
    const from = win.fromMs;
    const until = win.untilMs;
    const endpoints = Array.from(win.endpoints);

    // Mitigation: boundaries strictly after `from` up to the one at or after `until`.
    const jStart = Math.floor(from / B) + 1;
    const jEnd = Math.min(nb, Math.max(jStart, Math.ceil(until / B)));
    let mitigationMs: number | null = null;
    if (jStart <= nb) {
      const rate = (j: number) => {
        const lo = Math.max(0, j - Wm);
        const req = reqSum[j] - reqSum[lo];
        return req > 0 ? (failSum[j] - failSum[lo]) / req : 0;
      };
      let first = -1;
      for (let j = jEnd; j >= jStart && rate(j) < settings.mitigation.threshold; j--) first = j;
      if (first >= 0) mitigationMs = tau(first) - from;
    }

    // Faulted endpoints' attempts per bucket, prefix-summed.
    const faulted = new Float64Array(nb);
    for (let b = 0; b < nb; b++) for (const e of endpoints) faulted[b] += series.attempts[b * nE + e];
    const faultedSum = prefixSums(faulted);
    const share = (lo: number, hi: number): number | null => {
      const all = allSum[hi] - allSum[lo];
      return all > 0 ? (faultedSum[hi] - faultedSum[lo]) / all : null;
    };

    // Baseline: the Wf buckets that end at or before `from`.
    const bFrom = Math.floor(from / B);
    const preFaultShare = bFrom > 0 ? share(Math.max(0, bFrom - Wf), bFrom) : null;

    // Failback: the earliest bucket boundary c ≥ until from which every window of attempts that
    // starts at or after c (up to Wf buckets long: [max(c, j − Wf), j)) has the faulted share
    // within tolerance of the baseline, up to the next fault or the run's end. Windows without
    // attempts neither confirm nor break it; at least one attempt after c is needed.
    let failbackMs: number | null = null;
    if (preFaultShare !== null) {
      const bUntil = Math.ceil(until / B);
      let nextFrom = Infinity;
      for (const other of windows) if (other !== win && other.fromMs >= until && other.fromMs < nextFrom) nextFrom = other.fromMs;
      const jLimit = Math.min(nb, Math.floor(nextFrom / B));
      const tol = settings.failback.toleranceShare + 1e-12;
      const ok = (lo: number, hi: number) => {
        const sh = share(lo, hi);
        return sh === null || Math.abs(sh - preFaultShare) <= tol;
      };
      // fullOk[j]: every full window [j' − Wf, j') with j ≤ j' ≤ jLimit is fine.
      const fullOk = new Uint8Array(jLimit + 2);
      fullOk[jLimit + 1] = 1;
      for (let j = jLimit; j >= 0; j--) fullOk[j] = fullOk[j + 1] && (j - Wf < bUntil || ok(j - Wf, j)) ? 1 : 0;
      for (let c = bUntil; c < jLimit; c++) {
        if (share(c, jLimit) === null) break; // no attempts after c (nor after any later c)
        let good = c + Wf > jLimit || fullOk[c + Wf] === 1;
        for (let j = c + 1; good && j < c + Wf && j <= jLimit; j++) good = ok(c, j);
        if (good) {
          failbackMs = tau(c) - until;
          break;
        }
      }
    }

    // Requests and errors in the buckets overlapping [from, until).
    const b0 = Math.min(nb - 1, Math.floor(from / B));
    const b1 = Math.min(nb, Math.max(b0 + 1, Math.ceil(until / B)));
    const requests = reqSum[b1] - reqSum[b0];
    const errors = failSum[b1] - failSum[b0];

    return {
      fault: win.index,
      kind: win.kind,
      fromMs: from,
      untilMs: until,
      endpoints,
      detectionMs: detection(log, w, from),
      mitigationMs,
      failbackMs,
      preFaultShare,
      requests,
      errors,
      errorRate: requests > 0 ? errors / requests : null,
    };
  });
  return { incidents, ejections: log.ejections, falseEjections: log.falseEjections };
}
