/**
 * Ejection bookkeeping of a run: which (sidecar, host) pairs are ejected now and since when, the most
 * in force at once, the ejection log incidents are computed from, and — when asked for (--out,
 * notebooks) — every ejection interval and every outlier event, bounded by `eventLimit`.
 */
import type { OutlierEvent } from '../envoy/outlier/event-log.ts';
import type { EjectionLog } from './incidents.ts';
import type { RunSeries } from './time-series.ts';

/** One ejection interval of one host in one sidecar (for the timeline and events). */
export interface EjectionInterval {
  proxy: number;
  endpoint: number;
  fromMs: number;
  /** null: still ejected when the run ended. */
  untilMs: number | null;
}

/** One sidecar's outlier event (Envoy's event-log record) and the world endpoint it concerns. */
export interface ProxyOutlierEvent {
  proxy: number;
  endpoint: number;
  event: OutlierEvent;
}

export class EjectionBook {
  /** Most (sidecar, host) ejections in force at once. */
  maxConcurrent = 0;
  readonly intervals: EjectionInterval[] = [];
  readonly outlierEvents: ProxyOutlierEvent[] = [];
  /** Intervals and events not kept because `eventLimit` was reached. */
  droppedEvents = 0;
  private inForce = 0;
  /** Per sidecar, per host: when the current ejection began (NaN when not ejected). */
  private readonly since: Float64Array[];

  constructor(
    private readonly series: RunSeries,
    readonly log: EjectionLog,
    /** Per sidecar: its cluster's host → world endpoint. */
    private readonly hostToEndpoint: readonly Int32Array[],
    readonly recordEvents: boolean,
    private readonly eventLimit: number,
  ) {
    this.since = hostToEndpoint.map((m) => new Float64Array(m.length).fill(NaN));
  }

  /** Sidecar `proxy` ejected (or unejected) its `host` at `now`. */
  record(proxy: number, host: number, ejected: boolean, now: number): void {
    const endpoint = this.hostToEndpoint[proxy][host];
    if (ejected) {
      this.since[proxy][host] = now;
      this.inForce++;
      if (this.inForce > this.maxConcurrent) this.maxConcurrent = this.inForce;
      this.series.recordEjection(now, endpoint);
      this.log.record(now, proxy, endpoint);
    } else {
      if (this.recordEvents) this.pushInterval(proxy, endpoint, this.since[proxy][host], now);
      this.since[proxy][host] = NaN;
      this.inForce--;
      this.series.recordUnejection(now, endpoint);
    }
  }

  /** An outlier event of sidecar `proxy` about its `host` (kept only with recordEvents). */
  outlierEvent(proxy: number, host: number, event: OutlierEvent): void {
    if (this.outlierEvents.length < this.eventLimit) this.outlierEvents.push({ proxy, endpoint: this.hostToEndpoint[proxy][host], event });
    else this.droppedEvents++;
  }

  /** The run ended: ejections still in force become open intervals; intervals sorted by start. */
  finish(): void {
    if (!this.recordEvents) return;
    this.since.forEach((hosts, proxy) => {
      for (let h = 0; h < hosts.length; h++) {
        if (hosts[h] === hosts[h]) this.pushInterval(proxy, this.hostToEndpoint[proxy][h], hosts[h], null);
      }
    });
    this.intervals.sort((x, y) => x.fromMs - y.fromMs || x.proxy - y.proxy || x.endpoint - y.endpoint);
  }

  private pushInterval(proxy: number, endpoint: number, fromMs: number, untilMs: number | null): void {
    if (this.intervals.length < this.eventLimit) this.intervals.push({ proxy, endpoint, fromMs, untilMs });
    else this.droppedEvents++;
  }
}
