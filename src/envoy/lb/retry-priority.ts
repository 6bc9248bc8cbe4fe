/**
 * `envoy.retry_priorities.previous_priorities` (spec §9.2; Envoy's PreviousPrioritiesRetryPriority).
 *
 * One instance per request (Envoy creates the plugin per retry state). The router reports each
 * attempted host's priority with onHostAttempted(); on a retry the load balancer asks
 * determinePriorityLoad() for the loads to choose a priority with.
 */
import type { PriorityLoadState } from './priority-load.ts';

/** determinePriorityLoad() result: the original (LB) load, or this plugin's `healthyLoad`/`degradedLoad`. */
export const USE_ORIGINAL_LOAD = 0;
export const USE_PLUGIN_LOAD = 1;

export class PreviousPrioritiesRetryPriority {
  readonly healthyLoad: Int32Array;
  readonly degradedLoad: Int32Array;
  /** Priorities excluded so far (only cleared by the reset-when-exhausted). */
  readonly excludedPriorities: Uint8Array;
  private attempted: Int32Array;
  private attemptedCount = 0;
  private readonly adjustedHealth: Int32Array;
  private readonly adjustedDegraded: Int32Array;
  /** The last determinePriorityLoad() cleared exclusions because every priority was excluded. */
  lastCallReset = false;

  constructor(readonly updateFrequency: number, readonly priorityCount: number) {
    if (!(updateFrequency >= 1)) throw new Error('previous_priorities update_frequency must be at least 1');
    this.healthyLoad = new Int32Array(priorityCount);
    this.degradedLoad = new Int32Array(priorityCount);
    this.excludedPriorities = new Uint8Array(priorityCount);
    this.adjustedHealth = new Int32Array(priorityCount);
    this.adjustedDegraded = new Int32Array(priorityCount);
    this.attempted = new Int32Array(8);
  }

  /** Ready for a new request. */
  reset(): void {
    this.attemptedCount = 0;
    this.excludedPriorities.fill(0);
    this.healthyLoad.fill(0);
    this.degradedLoad.fill(0);
    this.lastCallReset = false;
  }

  get attemptedHosts(): number {
    return this.attemptedCount;
  }

  onHostAttempted(priority: number): void {
    if (this.attemptedCount === this.attempted.length) {
      const grown = new Int32Array(this.attempted.length * 2);
      grown.set(this.attempted);
      this.attempted = grown;
    }
    this.attempted[this.attemptedCount++] = priority;
  }

  /**
   * With fewer than update_frequency attempts: the original load. On a multiple of it: exclude the
   * attempted priorities and respread (resetting when everything is excluded). Otherwise: the last
   * computed load. `state` supplies H[p] and D[p], computed as in §3.1.
   */
  determinePriorityLoad(state: PriorityLoadState): number {
    this.lastCallReset = false;
    const count = this.attemptedCount;
    if (count < this.updateFrequency) return USE_ORIGINAL_LOAD;
    if (count % this.updateFrequency === 0) {
      for (let i = 0; i < count; i++) {
        const p = this.attempted[i];
        if (p >= 0 && p < this.priorityCount) this.excludedPriorities[p] = 1;
      }
      if (!this.adjustForAttemptedPriorities(state)) return USE_ORIGINAL_LOAD;
    }
    return USE_PLUGIN_LOAD;
  }

  private adjustForAttemptedPriorities(state: PriorityLoadState): boolean {
    let total = this.adjustedAvailability(state);
    if (total === 0) {
      // Every priority attempted: start over (Envoy clears its vector<bool> through proxy references).
      this.excludedPriorities.fill(0);
      this.attemptedCount = 0;
      this.lastCallReset = true;
      total = this.adjustedAvailability(state);
    }
    if (total === 0) return false;
    this.healthyLoad.fill(0);
    this.degradedLoad.fill(0);
    const n = this.priorityCount;
    let remaining = 100;
    // Whole passes (healthy then degraded) until the rounding leftovers are used up; panic is ignored.
    while (remaining !== 0) {
      for (let p = 0; p < n; p++) {
        const delta = Math.min(remaining, Math.floor((this.adjustedHealth[p] * 100) / total));
        this.healthyLoad[p] += delta;
        remaining -= delta;
      }
      for (let p = 0; p < n; p++) {
        const delta = Math.min(remaining, Math.floor((this.adjustedDegraded[p] * 100) / total));
        this.degradedLoad[p] += delta;
        remaining -= delta;
      }
    }
    return true;
  }

  private adjustedAvailability(state: PriorityLoadState): number {
    let total = 0;
    for (let p = 0; p < this.priorityCount; p++) {
      if (this.excludedPriorities[p] === 0) {
        this.adjustedHealth[p] = state.health[p];
        this.adjustedDegraded[p] = state.degradedAvailability[p];
        total += state.health[p] + state.degradedAvailability[p];
      } else {
        this.adjustedHealth[p] = 0;
        this.adjustedDegraded[p] = 0;
      }
    }
    return Math.min(total, 100);
  }
}
