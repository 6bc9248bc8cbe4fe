/**
 * Envoy's active health checking of one host by one Envoy: the session's state machine
 * (HealthCheckerImplBase::ActiveHealthCheckSession, source/extensions/health_checkers/common/
 * health_checker_base_impl.cc, envoyproxy/envoy at 1204f55de6d2673562b16b6d4c40c2eab434c72c).
 *
 * - A success resets the failure count; an unhealthy host needs `healthy_threshold` consecutive
 *   successes to clear FAILED_ACTIVE_HC (the very first check of a host clears it at once).
 * - A network failure (connection refused/reset: NETWORK; no answer within `timeout`:
 *   NETWORK_TIMEOUT) counts towards `unhealthy_threshold`; an HTTP answer whose status is not
 *   expected (and not in retriable_statuses) marks the host unhealthy at once, whatever the threshold.
 * - The next check is armed when the answer (or the timeout) arrives: `interval` while healthy,
 *   `unhealthy_interval` (default `interval`) while unhealthy, `healthy_edge_interval` /
 *   `unhealthy_edge_interval` while a transition is pending (HealthCheckerImplBase::interval),
 *   plus `interval_jitter` (random() % jitter) when set.
 *
 * Not modelled: no_traffic_interval (the cluster is assumed to have made connections, so the
 * traffic intervals apply), interval_jitter_percent, degraded (x-envoy-degraded), the runtime
 * min/max interval, and PENDING_ACTIVE_HC of hosts added after start (hosts start healthy with
 * their first check behind them: a run starts in steady state).
 */
import type { HealthCheckSpec } from '../config/scenario.ts';
import type { IntegerSource } from '../engine/random.ts';
import { uintMod } from '../engine/int-math.ts';

/** The session's settings: the scenario's healthCheck (docs/scenario.md), durations in ms. */
export type ActiveHealthCheckConfig = Omit<HealthCheckSpec, 'type' | 'initialJitterMs'>;

/** What one check returned. */
export const HC_SUCCESS = 0;
/** Connection refused or reset (Envoy's NETWORK failure type). */
export const HC_NETWORK_FAILURE = 1;
/** No answer within `timeout` (NETWORK_TIMEOUT). */
export const HC_TIMEOUT = 2;
/** An HTTP status outside expected_statuses (ACTIVE, not retriable): unhealthy at once. */
export const HC_BAD_STATUS = 3;

const UNCHANGED = 0;
const CHANGED = 1;
const CHANGE_PENDING = 2;

export class ActiveHealthCheckSession {
  /** FAILED_ACTIVE_HC. */
  failed = false;
  private numHealthy = 0;
  private numUnhealthy = 0;
  private lastTransition = UNCHANGED;

  constructor(readonly config: ActiveHealthCheckConfig) {}

  /** Applies one check's result; returns true when FAILED_ACTIVE_HC changed. */
  apply(result: number): boolean {
    const c = this.config;
    if (result === HC_SUCCESS) {
      this.numUnhealthy = 0;
      this.lastTransition = UNCHANGED;
      if (this.failed) {
        if (++this.numHealthy === c.healthyThreshold) {
          this.failed = false;
          this.lastTransition = CHANGED;
        } else this.lastTransition = CHANGE_PENDING;
      }
    } else {
      this.numHealthy = 0;
      this.lastTransition = UNCHANGED;
      if (!this.failed) {
        const network = result === HC_NETWORK_FAILURE || result === HC_TIMEOUT;
        if (!network || ++this.numUnhealthy === c.unhealthyThreshold) {
          this.failed = true;
          this.lastTransition = CHANGED;
        } else this.lastTransition = CHANGE_PENDING;
      }
    }
    return this.lastTransition === CHANGED;
  }

  /**
   * The wait before the next check after the last result (HealthCheckerImplBase::interval with
   * traffic seen, then intervalWithJitter; at least 1 ms). `random` is drawn only with a jitter.
   */
  nextIntervalMs(lastResult: number, random: IntegerSource): number {
    const c = this.config;
    const pending = this.lastTransition === CHANGE_PENDING;
    let base: number;
    if (lastResult !== HC_SUCCESS) base = pending ? c.unhealthyEdgeIntervalMs : c.unhealthyIntervalMs;
    else base = pending ? c.healthyEdgeIntervalMs : c.intervalMs;
    if (c.intervalJitterMs > 0) base += uintMod(random.next(), Math.floor(c.intervalJitterMs));
    return Math.max(1, base);
  }

  /** True when the session is indistinguishable from a healthy host's that only ever passed. */
  get settled(): boolean {
    return !this.failed && this.numUnhealthy === 0;
  }
}
