/**
 * Envoy's outlier detector (spec envoy-outlier-detection.md) as a pure state machine: time (`now`,
 * ms) and random draws (IntegerSource) come in as inputs; decisions come out through listeners, the
 * optional event log and getters. The simulator and the conformance replay drive this same code.
 *
 * Hosts are dense integer slots returned by addHost. Sweeps visit hosts in insertion order (Envoy uses
 * a hash map keyed by host pointer, i.e. an arbitrary order; spec §14.1).
 *
 * The per-request entry points (putHttpResponseCode, putResult) allocate nothing: counters and buckets
 * are typed arrays indexed by slot, result codes are small integers.
 */
import type { IntegerSource } from '../../engine/random.ts';
import type { OutlierProfile } from '../profiles.ts';
import { ejectionAllowed } from './max-ejection-percent.ts';
import type { OutlierConfig } from './config.ts';
import type { OutlierEventSink } from './event-log.ts';
import { HostTable } from './host-table.ts';
import { successRateEjectionThreshold, successRatePercent } from './sr-math.ts';
import {
  STAT_CONSECUTIVE_5XX,
  STAT_COUNT,
  STAT_DETECTED,
  STAT_ENFORCED,
  STAT_ENFORCED_TOTAL,
  STAT_OVERFLOW,
  STAT_SUCCESS_RATE,
  STAT_TOTAL,
  statsToObject,
} from './stats.ts';
import { EjectionType, Monitor, Result, type EjectionTypeCode, type MonitorKind } from './types.ts';
import { uintMod } from '../../engine/int-math.ts';

/** Called on every ejection and unejection (timer or health check), after the state changed. */
export type HostStateListener = (slot: number, ejected: boolean, now: number) => void;

export type DispatchMode = 'inline' | 'deferred';

export interface OutlierDetectorOptions {
  config: OutlierConfig;
  profile: OutlierProfile;
  /** Envoy's random_generator_: the jitter draw (one per enforced ejection on profiles with jitter). */
  random: IntegerSource;
  /** The runtime's generator for enforcement rolls (0 < p < 100); defaults to `random`. */
  enforcementRandom?: IntegerSource;
  /**
   * 'inline': a consecutive-error detection is handled synchronously inside the result call (Envoy's
   * unit tests). 'deferred': queued until runPosts (the worker → main-thread post). Default inline.
   */
  dispatch?: DispatchMode;
  /** Optional event log. */
  eventSink?: OutlierEventSink;
}

const INITIAL_POSTS = 16;

export class OutlierDetector {
  readonly config: OutlierConfig;
  readonly profile: OutlierProfile;
  readonly dispatch: DispatchMode;
  private readonly random: IntegerSource;
  private readonly enforcementRandom: IntegerSource;
  private eventSink: OutlierEventSink | undefined;
  private readonly listeners: HostStateListener[] = [];

  private readonly hosts = new HostTable();
  /** A: the detector's own count of ejected hosts (ejections_active). */
  private active = 0;
  private readonly counters = new Float64Array(STAT_COUNT);
  /** Exposed SR (average, threshold) per monitor kind, −1 when not computed. */
  private readonly srAverage = new Float64Array([-1, -1]);
  private readonly srThreshold = new Float64Array([-1, -1]);
  /** Enforcement percentage per ejection type code. */
  private readonly enforcing: Float64Array;

  // Deferred posts: FIFO of (slot, generation, type), plus the last executed batch for replayPosts.
  private postSlot = new Int32Array(INITIAL_POSTS);
  private postGen = new Uint32Array(INITIAL_POSTS);
  private postType = new Uint8Array(INITIAL_POSTS);
  private postCount = 0;
  private lastSlot = new Int32Array(0);
  private lastGen = new Uint32Array(0);
  private lastType = new Uint8Array(0);

  // Scratch lists for the SR/FP pass (grown with the host table, reused every tick).
  private srSlots = new Int32Array(0);
  private srRates = new Float64Array(0);
  private fpSlots = new Int32Array(0);
  private fpRates = new Float64Array(0);

  constructor(options: OutlierDetectorOptions) {
    this.config = options.config;
    this.profile = options.profile;
    this.random = options.random;
    this.enforcementRandom = options.enforcementRandom ?? options.random;
    this.dispatch = options.dispatch ?? 'inline';
    this.eventSink = options.eventSink;
    const c = this.config;
    this.enforcing = new Float64Array(7);
    this.enforcing[EjectionType.CONSECUTIVE_5XX] = c.enforcing_consecutive_5xx;
    this.enforcing[EjectionType.CONSECUTIVE_GATEWAY_FAILURE] = c.enforcing_consecutive_gateway_failure;
    this.enforcing[EjectionType.SUCCESS_RATE] = c.enforcing_success_rate;
    this.enforcing[EjectionType.CONSECUTIVE_LOCAL_ORIGIN_FAILURE] = c.enforcing_consecutive_local_origin_failure;
    this.enforcing[EjectionType.SUCCESS_RATE_LOCAL_ORIGIN] = c.enforcing_local_origin_success_rate;
    this.enforcing[EjectionType.FAILURE_PERCENTAGE] = c.enforcing_failure_percentage;
    this.enforcing[EjectionType.FAILURE_PERCENTAGE_LOCAL_ORIGIN] = c.enforcing_failure_percentage_local_origin;
  }

  // ---------------------------------------------------------------- membership

  /**
   * Adds a host with fresh state (spec §3) and returns its slot. Slots of removed hosts are reused;
   * the sweep order is insertion order regardless of slot numbers. A new host has no
   * time-dependent state, so no time is taken.
   */
  addHost(name?: string): number {
    const slot = this.hosts.add(name ?? '');
    if (name === undefined) this.hosts.names[slot] = `host${slot}`;
    return slot;
  }

  /**
   * Adds a host back into a given free slot (a host that left EDS and returns keeps its index in
   * the caller's tables); it starts fresh, as a new Envoy host does.
   */
  addHostAt(slot: number, name: string): number {
    return this.hosts.add(name, slot);
  }

  /**
   * Removes a host: an ejected one decrements ejections_active (no log line, no listener call: the
   * caller removed it). Detections already posted for it are ignored when they run (spec §7).
   */
  removeHost(slot: number): void {
    this.checkSlot(slot);
    if (this.hosts.ejected[slot]) this.active--;
    this.hosts.remove(slot);
  }

  /** N: hosts known to the detector (all priorities, ejected included). */
  get hostCount(): number {
    return this.hosts.size;
  }

  isMember(slot: number): boolean {
    return slot >= 0 && slot < this.hosts.capacity && this.hosts.alive[slot] === 1;
  }

  hostName(slot: number): string {
    return this.hosts.names[slot];
  }

  setHostName(slot: number, name: string): void {
    this.hosts.names[slot] = name;
  }

  /** Live slots in insertion (= sweep) order. */
  hostSlots(): number[] {
    return Array.from(this.hosts.order.subarray(0, this.hosts.orderLength));
  }

  addListener(listener: HostStateListener): void {
    this.listeners.push(listener);
  }

  setEventSink(sink: OutlierEventSink | undefined): void {
    this.eventSink = sink;
  }

  // ---------------------------------------------------------------- per-request path (spec §2)

  /** putHttpResponseCode (spec §2.1): always the external-origin path. */
  putHttpResponseCode(slot: number, code: number, now: number): void {
    const h = this.hosts;
    // A request still in flight to a host EDS removed reports to the removed host's monitor, which
    // no longer reaches the detector (Envoy: the monitor's host weak_ptr has expired).
    if (h.alive[slot] !== 1) return;
    h.extTotCur[slot]++;
    if (code >= 500 && code < 600) {
      // Gateway check strictly before the 5xx check (spec §2.1.3, §4.4).
      if (code === 502 || code === 503 || code === 504) {
        h.cgw[slot] = h.cgw[slot] + 1;
        if (h.cgw[slot] === this.config.consecutive_gateway_failure) {
          this.detected(slot, EjectionType.CONSECUTIVE_GATEWAY_FAILURE, now);
        }
      } else {
        h.cgw[slot] = 0;
      }
      h.c5xx[slot] = h.c5xx[slot] + 1;
      if (h.c5xx[slot] === this.config.consecutive_5xx) {
        this.detected(slot, EjectionType.CONSECUTIVE_5XX, now);
      }
    } else {
      h.extSuccCur[slot]++;
      h.c5xx[slot] = 0;
      h.cgw[slot] = 0;
    }
  }

  /**
   * putResult (spec §2.2, §2.3). `code` is the optional HTTP code (undefined when none); split mode
   * ignores it, as the implementation read for the spec does (§2.4, 1.36+ unverified).
   */
  putResult(slot: number, result: number, code: number | undefined, now: number): void {
    if (this.hosts.alive[slot] !== 1) return; // a removed host (putHttpResponseCode)
    if (!this.config.split_external_local_origin_errors) {
      if (code !== undefined) {
        this.putHttpResponseCode(slot, code, now);
        return;
      }
      switch (result) {
        case Result.EXT_ORIGIN_REQUEST_SUCCESS:
        case Result.LOCAL_ORIGIN_CONNECT_SUCCESS_FINAL:
          this.putHttpResponseCode(slot, 200, now);
          return;
        case Result.LOCAL_ORIGIN_TIMEOUT:
          this.putHttpResponseCode(slot, 504, now);
          return;
        case Result.LOCAL_ORIGIN_CONNECT_FAILED:
          this.putHttpResponseCode(slot, 503, now);
          return;
        case Result.EXT_ORIGIN_REQUEST_FAILED:
          this.putHttpResponseCode(slot, 500, now);
          return;
        default:
          // LOCAL_ORIGIN_CONNECT_SUCCESS: not mapped, touches nothing.
          return;
      }
    }
    switch (result) {
      case Result.LOCAL_ORIGIN_CONNECT_SUCCESS:
      case Result.LOCAL_ORIGIN_CONNECT_SUCCESS_FINAL:
        this.localOriginSuccess(slot);
        return;
      case Result.LOCAL_ORIGIN_TIMEOUT:
      case Result.LOCAL_ORIGIN_CONNECT_FAILED:
        this.localOriginFailure(slot, now);
        return;
      case Result.EXT_ORIGIN_REQUEST_FAILED:
        this.putHttpResponseCode(slot, 503, now);
        return;
      case Result.EXT_ORIGIN_REQUEST_SUCCESS:
        this.putHttpResponseCode(slot, 200, now);
        this.localOriginSuccess(slot);
        return;
    }
  }

  private localOriginSuccess(slot: number): void {
    const h = this.hosts;
    h.locTotCur[slot]++;
    h.locSuccCur[slot]++;
    h.clo[slot] = 0;
  }

  private localOriginFailure(slot: number, now: number): void {
    const h = this.hosts;
    h.locTotCur[slot]++;
    h.clo[slot] = h.clo[slot] + 1;
    if (h.clo[slot] === this.config.consecutive_local_origin_failure) {
      this.detected(slot, EjectionType.CONSECUTIVE_LOCAL_ORIGIN_FAILURE, now);
    }
  }

  // ---------------------------------------------------------------- consecutive-error detections (spec §4)

  private detected(slot: number, type: EjectionTypeCode, now: number): void {
    if (this.dispatch === 'inline') {
      this.onConsecutiveError(slot, this.hosts.generation[slot], type, now);
      return;
    }
    if (this.postCount === this.postSlot.length) this.growPosts();
    this.postSlot[this.postCount] = slot;
    this.postGen[this.postCount] = this.hosts.generation[slot];
    this.postType[this.postCount] = type;
    this.postCount++;
  }

  /** Detections posted and not yet run (deferred dispatch). */
  get pendingPosts(): number {
    return this.postCount;
  }

  /** Runs queued detections in FIFO order at main-thread time `now`; returns how many ran. */
  runPosts(now: number): number {
    const n = this.postCount;
    if (n === 0) return 0;
    if (this.lastSlot.length < n) {
      this.lastSlot = new Int32Array(this.postSlot.length);
      this.lastGen = new Uint32Array(this.postSlot.length);
      this.lastType = new Uint8Array(this.postSlot.length);
    }
    this.lastSlot.set(this.postSlot.subarray(0, n));
    this.lastGen.set(this.postGen.subarray(0, n));
    this.lastType.set(this.postType.subarray(0, n));
    this.lastBatch = n;
    this.postCount = 0;
    for (let i = 0; i < n; i++) {
      this.onConsecutiveError(this.lastSlot[i], this.lastGen[i], this.lastType[i] as EjectionTypeCode, now);
    }
    return n;
  }
  private lastBatch = 0;

  /** Executes the previously run batch again (Envoy test CrossThreadFailRace: a post run twice). */
  replayPosts(now: number): number {
    const n = this.lastBatch;
    for (let i = 0; i < n; i++) {
      this.onConsecutiveError(this.lastSlot[i], this.lastGen[i], this.lastType[i] as EjectionTypeCode, now);
    }
    return n;
  }

  private growPosts(): void {
    const cap = this.postSlot.length * 2;
    const s = new Int32Array(cap);
    s.set(this.postSlot);
    const g = new Uint32Array(cap);
    g.set(this.postGen);
    const t = new Uint8Array(cap);
    t.set(this.postType);
    this.postSlot = s;
    this.postGen = g;
    this.postType = t;
  }

  /** DetectorImpl::onConsecutiveErrorWorker (main thread). */
  private onConsecutiveError(slot: number, generation: number, type: EjectionTypeCode, now: number): void {
    const h = this.hosts;
    // Removed (or removed and the slot reused by another host): ignore.
    if (h.alive[slot] !== 1 || h.generation[slot] !== generation) return;
    // Already ejected: ignore, and the counter is NOT reset (spec §4 consequence 3).
    if (h.ejected[slot]) return;
    this.counters[STAT_DETECTED + type]++;
    this.ejectHost(slot, type, now);
    // Reset to 0 whatever ejectHost did (lost errors under deferred dispatch, spec §4 consequence 2).
    switch (type) {
      case EjectionType.CONSECUTIVE_5XX:
        this.counters[STAT_CONSECUTIVE_5XX]++;
        h.c5xx[slot] = 0;
        break;
      case EjectionType.CONSECUTIVE_GATEWAY_FAILURE:
        h.cgw[slot] = 0;
        break;
      case EjectionType.CONSECUTIVE_LOCAL_ORIGIN_FAILURE:
        h.clo[slot] = 0;
        break;
    }
  }

  // ---------------------------------------------------------------- ejection (spec §5)

  /** The enforcement roll: 0 never, ≥ 100 always (no draw), else random() % 100 < p. */
  private enforced(type: EjectionTypeCode): boolean {
    const p = this.enforcing[type];
    if (p <= 0) return false;
    if (p >= 100) return true;
    return uintMod(this.enforcementRandom.next(), 100) < p;
  }

  private ejectHost(slot: number, type: EjectionTypeCode, now: number): void {
    const c = this.config;
    if (!ejectionAllowed(this.active, this.hosts.size, c.max_ejection_percent, c.always_eject_one_host, this.profile)) {
      this.counters[STAT_OVERFLOW]++;
      return;
    }
    if (type === EjectionType.CONSECUTIVE_5XX || type === EjectionType.SUCCESS_RATE) this.counters[STAT_TOTAL]++;
    if (!this.enforced(type)) {
      if (this.eventSink) this.eventSink.onEject(this, slot, type, false, now);
      return;
    }
    const h = this.hosts;
    this.active++;
    this.counters[STAT_ENFORCED_TOTAL]++;
    this.counters[STAT_ENFORCED + type]++;
    h.ejected[slot] = 1;
    h.numEjections[slot]++;
    h.lastEjection[slot] = now;
    // The jitter draw happens even when the limit is 0 (value % 1 = 0); releases before
    // max_ejection_time_jitter existed draw nothing.
    h.jitter[slot] = this.profile.jitter ? this.random.next() % (c.max_ejection_time_jitter_ms + 1) : 0;
    if (this.profile.backoff && h.backoff[slot] * c.base_ejection_time_ms < c.max_ejection_time_ms + c.base_ejection_time_ms) {
      h.backoff[slot]++;
    }
    this.notify(slot, true, now);
    if (this.eventSink) this.eventSink.onEject(this, slot, type, true, now);
  }

  /** DetectorImpl::unejectHost (spec §7). */
  private unejectHost(slot: number, now: number): void {
    const h = this.hosts;
    this.active--;
    h.ejected[slot] = 0;
    h.c5xx[slot] = 0;
    h.cgw[slot] = 0;
    if (this.profile.resetLocalOriginOnUneject) h.clo[slot] = 0;
    h.lastUnejection[slot] = now;
    this.notify(slot, false, now);
    if (this.eventSink) this.eventSink.onUneject(this, slot, now);
  }

  private notify(slot: number, ejected: boolean, now: number): void {
    const ls = this.listeners;
    for (let i = 0; i < ls.length; i++) ls[i](slot, ejected, now);
  }

  /** Required ejection duration for an ejected host (spec §5.3; pre-1.17: base × num_ejections). */
  ejectionDuration(slot: number): number {
    const h = this.hosts;
    const c = this.config;
    if (!this.profile.backoff) return c.base_ejection_time_ms * h.numEjections[slot];
    return Math.min(c.base_ejection_time_ms * h.backoff[slot], c.max_ejection_time_ms) + h.jitter[slot];
  }

  // ---------------------------------------------------------------- the interval sweep (spec §6)

  /** onIntervalTimer at time `now`: uneject, swap buckets, SR/FP external then local, decay. */
  tick(now: number): void {
    const h = this.hosts;
    const order = h.order;
    const preRule = this.profile.decayRule === 'pre-1.28';
    for (let k = 0; k < h.orderLength; k++) {
      const s = order[k];
      if (h.ejected[s]) {
        if (this.ejectionDuration(s) <= now - h.lastEjection[s]) this.unejectHost(s, now);
      } else if (preRule && h.backoff[s] > 0) {
        // 1.17–1.27: a host not ejected at this moment decays here, before SR/FP (envoy#26758).
        h.backoff[s]--;
      }
      // Bucket swap: the backup holds exactly the results since the previous tick.
      h.extSuccBak[s] = h.extSuccCur[s];
      h.extTotBak[s] = h.extTotCur[s];
      h.extSuccCur[s] = 0;
      h.extTotCur[s] = 0;
      h.locSuccBak[s] = h.locSuccCur[s];
      h.locTotBak[s] = h.locTotCur[s];
      h.locSuccCur[s] = 0;
      h.locTotCur[s] = 0;
      h.srExt[s] = -1;
      h.srLoc[s] = -1;
    }
    this.successRatePass(Monitor.EXTERNAL, now);
    this.successRatePass(Monitor.LOCAL, now);
    if (this.profile.decayRule === '1.28') {
      const interval = this.config.interval_ms;
      for (let k = 0; k < h.orderLength; k++) {
        const s = order[k];
        // NaN (never unejected) fails the comparison.
        if (!h.ejected[s] && now - h.lastUnejection[s] >= interval && h.backoff[s] > 0) h.backoff[s]--;
      }
    }
  }

  /** processSuccessRateEjections for one monitor kind (spec §6.1). */
  private successRatePass(m: MonitorKind, now: number): void {
    const c = this.config;
    const h = this.hosts;
    this.srAverage[m] = -1;
    this.srThreshold[m] = -1;
    const n = h.orderLength;
    if (n < c.success_rate_minimum_hosts && n < c.failure_percentage_minimum_hosts) return;
    if (this.srSlots.length < n) {
      this.srSlots = new Int32Array(h.capacity);
      this.srRates = new Float64Array(h.capacity);
      this.fpSlots = new Int32Array(h.capacity);
      this.fpRates = new Float64Array(h.capacity);
    }
    const succ = m === Monitor.EXTERNAL ? h.extSuccBak : h.locSuccBak;
    const tot = m === Monitor.EXTERNAL ? h.extTotBak : h.locTotBak;
    const display = m === Monitor.EXTERNAL ? h.srExt : h.srLoc;
    const srVolume = c.success_rate_request_volume;
    const fpVolume = c.failure_percentage_request_volume;
    const displayVolume = Math.min(srVolume, fpVolume);
    let srCount = 0;
    let fpCount = 0;
    let sum = 0;
    for (let k = 0; k < n; k++) {
      const s = h.order[k];
      if (h.ejected[s]) continue;
      const total = tot[s];
      if (total === 0) continue;
      const rate = successRatePercent(succ[s], total);
      if (total >= displayVolume) display[s] = rate;
      if (total >= srVolume) {
        this.srSlots[srCount] = s;
        this.srRates[srCount++] = rate;
        sum += rate;
      }
      if (total >= fpVolume) {
        this.fpSlots[fpCount] = s;
        this.fpRates[fpCount++] = rate;
      }
    }
    if (srCount > 0 && srCount >= c.success_rate_minimum_hosts) {
      const { mean, threshold } = successRateEjectionThreshold(sum, this.srRates, srCount, c.success_rate_stdev_factor / 1000.0);
      this.srAverage[m] = mean;
      this.srThreshold[m] = threshold;
      const type = m === Monitor.EXTERNAL ? EjectionType.SUCCESS_RATE : EjectionType.SUCCESS_RATE_LOCAL_ORIGIN;
      for (let i = 0; i < srCount; i++) {
        if (this.srRates[i] < threshold) {
          this.counters[STAT_SUCCESS_RATE]++;
          this.counters[STAT_DETECTED + type]++;
          this.ejectHost(this.srSlots[i], type, now);
        }
      }
    }
    if (fpCount > 0 && fpCount >= c.failure_percentage_minimum_hosts) {
      const threshold = c.failure_percentage_threshold;
      const type = m === Monitor.EXTERNAL ? EjectionType.FAILURE_PERCENTAGE : EjectionType.FAILURE_PERCENTAGE_LOCAL_ORIGIN;
      for (let i = 0; i < fpCount; i++) {
        if (100.0 - this.fpRates[i] >= threshold) {
          const s = this.fpSlots[i];
          // Spec §14.2: Envoy would call ejectHost again on a host the SR step just ejected (double
          // count of A, backoff, jitter). We skip hosts already ejected, stats and log included.
          if (h.ejected[s]) continue;
          this.counters[STAT_DETECTED + type]++;
          this.ejectHost(s, type, now);
        }
      }
    }
  }

  // ---------------------------------------------------------------- active health checking (spec §7)

  /**
   * A completed active health check. Unejects immediately when the profile has HC uneject, the config
   * field successful_active_health_check_uneject_host is true, the host is ejected and does not carry
   * FAILED_ACTIVE_HC, and (1.31+) the check passed.
   */
  activeHealthCheck(slot: number, healthy: boolean, failedActiveHc: boolean, now: number): void {
    const mode = this.profile.hcUneject;
    if (mode === 'none' || !this.config.successful_active_health_check_uneject_host) return;
    if (mode === 'passing-check' && !healthy) return;
    if (failedActiveHc || !this.hosts.ejected[slot]) return;
    this.unejectHost(slot, now);
  }

  // ---------------------------------------------------------------- state getters

  isEjected(slot: number): boolean {
    return this.hosts.ejected[slot] === 1;
  }

  /** The ejections_active gauge (A). */
  get ejectionsActive(): number {
    return this.active;
  }

  /** A counter by index (stats.ts STAT_*). */
  stat(index: number): number {
    return this.counters[index];
  }

  /** All counters by Envoy name (without the `outlier_detection.` prefix), zeros included. */
  stats(): Record<string, number> {
    return statsToObject(this.counters);
  }

  consecutive5xx(slot: number): number {
    return this.hosts.c5xx[slot];
  }

  consecutiveGatewayFailure(slot: number): number {
    return this.hosts.cgw[slot];
  }

  consecutiveLocalOriginFailure(slot: number): number {
    return this.hosts.clo[slot];
  }

  backoff(slot: number): number {
    return this.hosts.backoff[slot];
  }

  jitter(slot: number): number {
    return this.hosts.jitter[slot];
  }

  numEjections(slot: number): number {
    return this.hosts.numEjections[slot];
  }

  lastEjectionTime(slot: number): number | undefined {
    const t = this.hosts.lastEjection[slot];
    return Number.isNaN(t) ? undefined : t;
  }

  lastUnejectionTime(slot: number): number | undefined {
    const t = this.hosts.lastUnejection[slot];
    return Number.isNaN(t) ? undefined : t;
  }

  /** The displayed success rate of the last sweep (−1 when none). */
  successRate(slot: number, monitor: MonitorKind): number {
    return monitor === Monitor.EXTERNAL ? this.hosts.srExt[slot] : this.hosts.srLoc[slot];
  }

  /** The SR average of the last sweep for a monitor kind (−1 when not computed). */
  successRateAverage(monitor: MonitorKind): number {
    return this.srAverage[monitor];
  }

  /** The SR ejection threshold of the last sweep (−1 when not computed). */
  successRateEjectionThreshold(monitor: MonitorKind): number {
    return this.srThreshold[monitor];
  }

  private checkSlot(slot: number): void {
    if (!this.isMember(slot)) throw new Error(`outlier detector: slot ${slot} is not a member`);
  }
}
