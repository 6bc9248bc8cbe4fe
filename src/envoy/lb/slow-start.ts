/**
 * Slow start (spec §8.5; Envoy's `EdfLoadBalancerBase::recalculateHostsInSlowStart`,
 * `noHostsAreInSlowStart`, `applySlowStartFactor`). Times are milliseconds on the simulator clock.
 *
 * A host's slow-start clock is its last active-health-check pass time; with no active health check it
 * is set the first time a refresh sees the host healthy. The LB is "in slow start" while the newest
 * such time that started inside the window is less than `window` ago; its creation time counts as
 * one, so every host starts (equally) slowed for the first window after the LB is built.
 */
import { HEALTH_HEALTHY } from './health.ts';

export interface SlowStartParams {
  windowMs: number;
  /** Default 1.0; ≤ 0 or NaN is treated as 1.0. */
  aggression: number;
  /** Default 10 (%). */
  minWeightPercent: number;
}

export class SlowStartTracker {
  readonly enabled: boolean;
  readonly windowMs: number;
  readonly aggression: number;
  readonly minWeight: number;
  /** Per host: slow-start clock (NaN = never seen healthy). */
  readonly healthySinceMs: Float64Array;
  /** Envoy's latest_host_added_time_. */
  latestHostAddedMs: number;

  constructor(params: SlowStartParams | undefined, hostCount: number, createdAtMs: number) {
    this.windowMs = params ? Math.max(0, params.windowMs) : 0;
    this.enabled = this.windowMs > 0;
    const a = params ? params.aggression : 1.0;
    this.aggression = a > 0 ? a : 1.0; // also maps NaN to 1.0
    this.minWeight = (params ? params.minWeightPercent : 10) / 100.0;
    this.healthySinceMs = new Float64Array(hostCount).fill(Number.NaN);
    this.latestHostAddedMs = createdAtMs;
  }

  /** Sets a host's slow-start clock explicitly (an active health check pass, or a host added at `ms`). */
  setHealthySince(host: number, ms: number): void {
    this.healthySinceMs[host] = ms;
  }

  /** recalculateHostsInSlowStart over hosts[0..count). `health[h]` is the coarse health code. */
  recalculate(hosts: ArrayLike<number>, count: number, health: Uint8Array, nowMs: number): void {
    for (let i = 0; i < count; i++) {
      const h = hosts[i];
      if (health[h] !== HEALTH_HEALTHY) continue;
      let since = this.healthySinceMs[h];
      if (Number.isNaN(since)) {
        since = nowMs;
        this.healthySinceMs[h] = nowMs;
      }
      const inHealthyMs = Math.trunc(nowMs - since);
      if (since > this.latestHostAddedMs && inHealthyMs <= this.windowMs) this.latestHostAddedMs = since;
    }
  }

  noHostsAreInSlowStart(nowMs: number): boolean {
    if (!this.enabled) return true;
    return !(Math.trunc(nowMs - this.latestHostAddedMs) <= this.windowMs);
  }

  /** The multiplier applySlowStartFactor gives host `h` now (1 when it is not in slow start). */
  factor(h: number, health: Uint8Array, nowMs: number): number {
    const since = this.healthySinceMs[h];
    if (Number.isNaN(since) || health[h] !== HEALTH_HEALTHY) return 1;
    const inHealthyMs = Math.trunc(nowMs - since);
    if (!(inHealthyMs < this.windowMs)) return 1;
    const timeFactor = Math.max(1, inHealthyMs) / this.windowMs;
    const aggressed =
      this.aggression === 1.0 || timeFactor === 1.0 ? timeFactor : Math.pow(timeFactor, 1.0 / this.aggression);
    return Math.max(aggressed, this.minWeight);
  }
}
