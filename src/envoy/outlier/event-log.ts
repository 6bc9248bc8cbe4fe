/**
 * The outlier event log (spec §5.2, §7): optional, so a run that does not want it pays one null check
 * per ejection/unejection and nothing per request. Records can be rendered as the vectors' shape
 * `{t, action, host, type, enforced}` or as Envoy's event-log JSON line
 * (envoy.data.cluster.v3.OutlierDetectionEvent).
 */
import type { OutlierDetector } from './detector.ts';
import { EjectionType, EJECTION_TYPE_NAMES, Monitor, type EjectionTypeCode } from './types.ts';

/** What the detector calls on every EJECT log line and every UNEJECT. */
export interface OutlierEventSink {
  onEject(detector: OutlierDetector, slot: number, type: EjectionTypeCode, enforced: boolean, now: number): void;
  onUneject(detector: OutlierDetector, slot: number, now: number): void;
}

export interface OutlierEvent {
  /** Simulated time (ms). */
  t: number;
  action: 'EJECT' | 'UNEJECT';
  slot: number;
  host: string;
  /** Ejection type code; for UNEJECT, undefined (Envoy prints its proto default). */
  type: EjectionTypeCode | undefined;
  enforced: boolean;
  numEjections: number;
  /** EJECT: since the last unejection; UNEJECT: since the last ejection; undefined when never. */
  msSinceLastAction: number | undefined;
  /** SR and FP ejections: the host's displayed success rate for the monitor at that moment. */
  hostSuccessRate?: number;
  /** SR ejections: the cluster average and threshold of that pass. */
  clusterAverageSuccessRate?: number;
  clusterSuccessRateEjectionThreshold?: number;
}

/** The vectors' record shape (outlier-detection.json `expected_log`). */
export type VectorLogRecord =
  | { t: number; action: 'EJECT'; host: string; type: string; enforced: boolean }
  | { t: number; action: 'UNEJECT'; host: string };

export function toVectorRecord(e: OutlierEvent): VectorLogRecord {
  if (e.action === 'UNEJECT') return { t: e.t, action: 'UNEJECT', host: e.host };
  return { t: e.t, action: 'EJECT', host: e.host, type: EJECTION_TYPE_NAMES[e.type!], enforced: e.enforced };
}

/** The record of an EJECT log line, with the SR/FP figures Envoy's event carries. */
export function ejectEvent(d: OutlierDetector, slot: number, type: EjectionTypeCode, enforced: boolean, now: number): OutlierEvent {
  const last = d.lastUnejectionTime(slot);
  const e: OutlierEvent = {
    t: now,
    action: 'EJECT',
    slot,
    host: d.hostName(slot),
    type,
    enforced,
    numEjections: d.numEjections(slot),
    msSinceLastAction: last === undefined ? undefined : now - last,
  };
  if (type === EjectionType.SUCCESS_RATE || type === EjectionType.SUCCESS_RATE_LOCAL_ORIGIN) {
    const m = type === EjectionType.SUCCESS_RATE ? Monitor.EXTERNAL : Monitor.LOCAL;
    e.hostSuccessRate = d.successRate(slot, m);
    e.clusterAverageSuccessRate = d.successRateAverage(m);
    e.clusterSuccessRateEjectionThreshold = d.successRateEjectionThreshold(m);
  } else if (type === EjectionType.FAILURE_PERCENTAGE || type === EjectionType.FAILURE_PERCENTAGE_LOCAL_ORIGIN) {
    e.hostSuccessRate = d.successRate(slot, type === EjectionType.FAILURE_PERCENTAGE ? Monitor.EXTERNAL : Monitor.LOCAL);
  }
  return e;
}

/** The record of an UNEJECT log line. */
export function unejectEvent(d: OutlierDetector, slot: number, now: number): OutlierEvent {
  const last = d.lastEjectionTime(slot);
  return {
    t: now,
    action: 'UNEJECT',
    slot,
    host: d.hostName(slot),
    type: undefined,
    enforced: false,
    numEjections: d.numEjections(slot),
    msSinceLastAction: last === undefined ? undefined : now - last,
  };
}

/** An in-memory event log; optionally bounded (keeps the first `limit` events, counts the rest). */
export class OutlierEventLog implements OutlierEventSink {
  readonly events: OutlierEvent[] = [];
  dropped = 0;
  constructor(private readonly limit = Infinity) {}

  onEject(d: OutlierDetector, slot: number, type: EjectionTypeCode, enforced: boolean, now: number): void {
    if (this.events.length >= this.limit) this.dropped++;
    else this.events.push(ejectEvent(d, slot, type, enforced, now));
  }

  onUneject(d: OutlierDetector, slot: number, now: number): void {
    if (this.events.length >= this.limit) this.dropped++;
    else this.events.push(unejectEvent(d, slot, now));
  }

  vectorRecords(): VectorLogRecord[] {
    return this.events.map(toVectorRecord);
  }
}

export interface EnvoyEventFormatOptions {
  clusterName: string;
  /** upstream_url for a host (default: the host's name). */
  upstreamUrl?: (host: string) => string;
  /** Wall-clock time (ms since the Unix epoch) of simulated time 0; default 0. */
  epochMs?: number;
}

/** proto3 JSON Timestamp: RFC 3339, UTC, fractional seconds only when non-zero (3 digits at ms resolution). */
function protoTimestamp(ms: number): string {
  const iso = new Date(Math.floor(ms)).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}

/** C++ double → uint32 conversion as used by the event's uint32 rate fields (truncates; negatives → 0). */
function toUint32(x: number | undefined): number {
  if (x === undefined || !(x > 0)) return 0;
  return Math.trunc(x);
}

/**
 * One line of Envoy's outlier-detection event log (EventLoggerImpl, printed with
 * always_print_primitive_fields and proto field names). Fields appear in proto field-number order;
 * `secs_since_last_action` is a UInt64Value, hence a JSON string, and absent when there was no
 * previous action. UNEJECT lines carry the default type (CONSECUTIVE_5XX) and enforced=false, as Envoy's do.
 */
export function formatEnvoyEvent(e: OutlierEvent, options: EnvoyEventFormatOptions): string {
  const out: Record<string, unknown> = {};
  out.type = EJECTION_TYPE_NAMES[e.type ?? 0];
  out.timestamp = protoTimestamp((options.epochMs ?? 0) + e.t);
  if (e.msSinceLastAction !== undefined) out.secs_since_last_action = String(Math.floor(e.msSinceLastAction / 1000));
  out.cluster_name = options.clusterName;
  out.upstream_url = options.upstreamUrl ? options.upstreamUrl(e.host) : e.host;
  out.action = e.action;
  out.num_ejections = e.numEjections;
  out.enforced = e.enforced;
  if (e.action === 'EJECT') {
    if (e.type === EjectionType.SUCCESS_RATE || e.type === EjectionType.SUCCESS_RATE_LOCAL_ORIGIN) {
      out.eject_success_rate_event = {
        host_success_rate: toUint32(e.hostSuccessRate),
        cluster_average_success_rate: toUint32(e.clusterAverageSuccessRate),
        cluster_success_rate_ejection_threshold: toUint32(e.clusterSuccessRateEjectionThreshold),
      };
    } else if (e.type === EjectionType.FAILURE_PERCENTAGE || e.type === EjectionType.FAILURE_PERCENTAGE_LOCAL_ORIGIN) {
      out.eject_failure_percentage_event = { host_success_rate: toUint32(e.hostSuccessRate) };
    } else {
      out.eject_consecutive_event = {};
    }
  }
  return JSON.stringify(out);
}
