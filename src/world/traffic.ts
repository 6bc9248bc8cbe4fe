/**
 * Request arrivals of one client group: a piecewise-constant rate λ(t), Poisson or evenly spaced,
 * each request assigned to one of the group's replicas (sidecars).
 *
 * Both arrival kinds use the same time change: with Λ(t) = ∫₀ᵗ λ, the n-th arrival is at
 * Λ⁻¹(S_n) where S_n = S_{n−1} + G. Poisson: G ~ Exp(1) from the group's stream
 * `traffic/<group>/arrivals` (exact non-homogeneous Poisson, segments of rate 0 skipped).
 * Constant: G = 1, so arrivals are evenly spaced at 1/λ and follow rate changes exactly; the first
 * is at Λ⁻¹(1) = 1/λ, not at 0.
 *
 * Replicas: Poisson arrivals pick a replica uniformly from `traffic/<group>/replicas`, which splits
 * the group's Poisson process into independent Poisson processes of rate λ/replicas — what
 * independent clients behind each sidecar produce (a group of one replica draws nothing). Constant
 * arrivals go round robin (exactly even).
 * Streams are per group, so changing a policy never changes the traffic (common random numbers).
 */
import type { RandomStream } from '../engine/random.ts';
import type { ClientGroupSpec } from '../config/scenario.ts';

export class ArrivalProcess {
  /** Segment start times (ms) and rates (per ms). */
  private readonly segmentFromMs: Float64Array;
  private readonly segmentRatePerMs: Float64Array;
  private segment = 0;
  /** Time of the last arrival (or 0). */
  private timeMs = 0;
  private nextReplica = 0;
  /** Replica (0-based, within the group) of the last arrival returned by nextArrival(). */
  lastReplica = -1;

  constructor(
    readonly groupIndex: number,
    spec: Pick<ClientGroupSpec, 'rate' | 'arrivals' | 'replicas'>,
    readonly durationMs: number,
    private readonly arrivalStream: RandomStream,
    private readonly replicaStream: RandomStream,
  ) {
    this.segmentFromMs = Float64Array.from(spec.rate.map((s) => s.fromMs));
    this.segmentRatePerMs = Float64Array.from(spec.rate.map((s) => s.perSecond / 1000));
    this.poisson = spec.arrivals === 'poisson';
    this.replicas = spec.replicas;
  }

  private readonly poisson: boolean;
  readonly replicas: number;

  /**
   * The time (ms) of the group's next request, or Infinity once past the run's duration (and for
   * every call after that). Sets `lastReplica`. Allocation-free.
   */
  nextArrival(): number {
    // +∞ is written INF (a local literal) in this hot method: hot-path conventions, docs/architecture.md.
    const INF = 1 / 0;
    if (this.timeMs === INF) return INF;
    let work = this.poisson ? this.arrivalStream.exponential(1) : 1;
    let t = this.timeMs;
    let s = this.segment;
    const last = this.segmentFromMs.length - 1;
    for (;;) {
      const rate = this.segmentRatePerMs[s];
      const segmentEnd = s < last ? this.segmentFromMs[s + 1] : INF;
      if (rate > 0) {
        const dt = work / rate;
        if (t + dt < segmentEnd) {
          t += dt;
          break;
        }
        work -= (segmentEnd - t) * rate;
      }
      if (s === last) {
        t = INF;
        break;
      }
      s++;
      t = segmentEnd;
    }
    this.segment = s;
    if (t >= this.durationMs) {
      this.timeMs = INF;
      this.lastReplica = -1;
      return INF;
    }
    this.timeMs = t;
    // One replica is no choice: no draw. The replica stream is this group's alone, so skipping its
    // draws changes no other number of the run.
    if (this.poisson) this.lastReplica = this.replicas === 1 ? 0 : this.replicaStream.below(this.replicas);
    else {
      this.lastReplica = this.nextReplica;
      this.nextReplica = this.nextReplica + 1 === this.replicas ? 0 : this.nextReplica + 1;
    }
    return t;
  }
}

/** Free-function form: the next arrival time of a group (see ArrivalProcess.nextArrival). */
export function nextArrival(group: ArrivalProcess): number {
  return group.nextArrival();
}

/** One ArrivalProcess per client group of the scenario, streams forked from the run's root. */
export function buildArrivalProcesses(clients: readonly ClientGroupSpec[], durationMs: number, root: RandomStream): ArrivalProcess[] {
  return clients.map(
    (c, g) => new ArrivalProcess(g, c, durationMs, root.fork(`traffic/${g}/arrivals`), root.fork(`traffic/${g}/replicas`)),
  );
}
