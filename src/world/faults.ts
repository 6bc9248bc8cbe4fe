/**
 * Faults compiled per endpoint: "what is wrong with endpoint e at time t?" answered per attempt
 * without allocating, plus the fault windows that the incident metrics need.
 *
 * - A fault is active on [from, until) (half-open) on every endpoint its target covers (an address,
 *   or every endpoint of a region[/zone[/subzone]]).
 * - Two faults must not overlap in time on one endpoint: which one wins would be arbitrary, so it is
 *   a UserError naming both.
 * - Flapping alternates down (the inner fault active) and up (healthy), starting down at `from`.
 *   Phase lengths are fixed or exponential with means `down`/`up`; exponential phases are drawn from
 *   the fault's own stream `faults[i]/flapping`, in order (down₀, up₀, down₁, ...), generated lazily
 *   as later times are queried. The sequence therefore depends only on (seed, fault index), never on
 *   traffic or on the order of queries: common random numbers across policies.
 */
import { UserError } from '../config/errors.ts';
import type { RandomStream } from '../engine/random.ts';
import {
  faultTargetCovers,
  type FaultEffectSpec,
  type FaultKind,
  type FaultSpec,
  type ScenarioLocality,
} from '../config/scenario.ts';

export const FAULT_CONNECT_REFUSED = 1;
export const FAULT_CONNECT_TIMEOUT = 2;
export const FAULT_HTTP_ERROR = 3;
export const FAULT_LATENCY = 4;
export const FAULT_BLACKHOLE = 5;
export const FAULT_RESET = 6;

const EFFECT_CODE: Record<FaultEffectSpec['kind'], number> = {
  'connect-refused': FAULT_CONNECT_REFUSED,
  'connect-timeout': FAULT_CONNECT_TIMEOUT,
  'http-error': FAULT_HTTP_ERROR,
  latency: FAULT_LATENCY,
  blackhole: FAULT_BLACKHOLE,
  reset: FAULT_RESET,
};

/** What an active fault does to an attempt. One immutable object per fault, built once. */
export interface FaultEffect {
  readonly kind: number;
  /** http-error: the status returned and the probability that an attempt gets it. */
  readonly httpCode: number;
  readonly httpRate: number;
  /** latency: sampled × factor + add. */
  readonly latencyFactor: number;
  readonly latencyAddMs: number;
}

/** One fault's window, for incident metrics and timelines. */
export interface FaultWindow {
  /** Position in the scenario's `faults:` list. */
  readonly index: number;
  readonly kind: FaultKind;
  /** The effect while down (for flapping: the inner effect). */
  readonly effect: FaultEffect;
  /** Dense indexes of the endpoints the fault covers (ascending). */
  readonly endpoints: Int32Array;
  readonly fromMs: number;
  readonly untilMs: number;
}

/** What the schedule needs to know of an endpoint; its position in the list is its dense index. */
export interface FaultEndpoint {
  address: string;
  locality: ScenarioLocality;
}

function compileEffect(spec: FaultEffectSpec): FaultEffect {
  return Object.freeze({
    kind: EFFECT_CODE[spec.kind],
    httpCode: spec.kind === 'http-error' ? spec.code : 0,
    httpRate: spec.kind === 'http-error' ? spec.rate : 0,
    latencyFactor: spec.kind === 'latency' ? spec.factor : 1,
    latencyAddMs: spec.kind === 'latency' ? spec.addMs : 0,
  });
}

/**
 * The down/up alternation of one flapping fault. Boundaries b[0] = from, b[1] = from + down₀,
 * b[2] = b[1] + up₀, ...; phase k (from b[k] to b[k+1]) is down when k is even.
 */
export class FlappingPhases {
  private boundaries = new Float64Array(64);
  private count = 1;
  private cursor = 0;

  constructor(
    readonly fromMs: number,
    readonly untilMs: number,
    readonly downMs: number,
    readonly upMs: number,
    private readonly exponential: boolean,
    private readonly rng: RandomStream,
  ) {
    this.boundaries[0] = fromMs;
  }

  /** Is the inner fault active at t (t within [from, until))? */
  isDown(t: number): boolean {
    if (t < this.fromMs || t >= this.untilMs) return false;
    if (!this.exponential) {
      const offset = (t - this.fromMs) % (this.downMs + this.upMs);
      return offset < this.downMs;
    }
    return (this.phaseAt(t) & 1) === 0;
  }

  /** Index k of the phase containing t ≥ from (extends the boundaries as needed). */
  private phaseAt(t: number): number {
    while (this.boundaries[this.count - 1] <= t) this.extend();
    const b = this.boundaries;
    let k = this.cursor;
    // Queries mostly move forward in time: try the cached phase and its successor first.
    if (!(b[k] <= t && t < b[k + 1])) {
      if (k + 2 < this.count && b[k + 1] <= t && t < b[k + 2]) k++;
      else {
        let lo = 0;
        let hi = this.count - 1; // b[lo] <= t < b[hi]
        while (hi - lo > 1) {
          const mid = (lo + hi) >> 1;
          if (b[mid] <= t) lo = mid;
          else hi = mid;
        }
        k = lo;
      }
    }
    this.cursor = k;
    return k;
  }

  private extend(): void {
    if (this.count === this.boundaries.length) {
      const grown = new Float64Array(this.boundaries.length * 2);
      grown.set(this.boundaries);
      this.boundaries = grown;
    }
    const k = this.count - 1; // the phase that starts at the last boundary
    const mean = (k & 1) === 0 ? this.downMs : this.upMs;
    const length = this.exponential ? this.rng.exponential(mean) : mean;
    this.boundaries[this.count] = this.boundaries[k] + length;
    this.count++;
  }

  /** The down intervals [start, end) clipped to the window (allocates; for reports and tests). */
  downIntervals(): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    for (let k = 0; ; k += 2) {
      while (this.count <= k + 1) this.extend();
      const start = this.boundaries[k];
      if (start >= this.untilMs) break;
      out.push([start, Math.min(this.boundaries[k + 1], this.untilMs)]);
      while (this.count <= k + 2) this.extend();
    }
    return out;
  }
}

function fmtMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

export class FaultSchedule {
  readonly windows: readonly FaultWindow[];
  /** CSR lists: faults of endpoint e are faultList[faultStart[e] .. faultStart[e+1]), sorted by from. */
  private readonly faultStart: Int32Array;
  private readonly faultList: Int32Array;
  private readonly fromMs: Float64Array;
  private readonly untilMs: Float64Array;
  private readonly effects: FaultEffect[];
  /** Per fault: its phases if flapping, else null. */
  private readonly flapping: (FlappingPhases | null)[];

  /**
   * @param faults the scenario's faults (normalised)
   * @param endpoints every endpoint of the mesh; the position is the dense endpoint index
   * @param root the run's root stream; flapping faults fork `faults[i]/flapping` from it
   * @param file label for error messages
   */
  constructor(faults: readonly FaultSpec[], endpoints: readonly FaultEndpoint[], root: RandomStream, file = 'scenario') {
    const n = faults.length;
    this.fromMs = new Float64Array(n);
    this.untilMs = new Float64Array(n);
    this.effects = [];
    this.flapping = [];
    const windows: FaultWindow[] = [];
    const perEndpoint: number[][] = endpoints.map(() => []);
    faults.forEach((f, i) => {
      this.fromMs[i] = f.fromMs;
      this.untilMs[i] = f.untilMs;
      const effect = compileEffect(f.kind === 'flapping' ? f.of : f);
      this.effects.push(effect);
      this.flapping.push(
        f.kind === 'flapping'
          ? new FlappingPhases(f.fromMs, f.untilMs, f.downMs, f.upMs, f.distribution === 'exponential', root.fork(`faults[${i}]/flapping`))
          : null,
      );
      const covered: number[] = [];
      endpoints.forEach((e, j) => {
        if (faultTargetCovers(f.target, e.address, e.locality)) covered.push(j);
      });
      for (const j of covered) perEndpoint[j].push(i);
      windows.push(Object.freeze({ index: i, kind: f.kind, effect, endpoints: Int32Array.from(covered), fromMs: f.fromMs, untilMs: f.untilMs }));
    });
    this.windows = windows;
    this.faultStart = new Int32Array(endpoints.length + 1);
    const list: number[] = [];
    perEndpoint.forEach((ids, e) => {
      ids.sort((a, b) => this.fromMs[a] - this.fromMs[b] || a - b);
      for (let k = 1; k < ids.length; k++) {
        const prev = ids[k - 1];
        const cur = ids[k];
        if (this.fromMs[cur] < this.untilMs[prev]) {
          const [a, b] = prev < cur ? [prev, cur] : [cur, prev];
          throw new UserError(
            `${file}: faults[${b}]: overlaps faults[${a}] on endpoint ${JSON.stringify(endpoints[e].address)} ` +
              `(${fmtMs(this.fromMs[cur])} < ${fmtMs(this.untilMs[prev])}); faults on one endpoint must not overlap in time`,
          );
        }
      }
      this.faultStart[e] = list.length;
      list.push(...ids);
    });
    this.faultStart[endpoints.length] = list.length;
    this.faultList = Int32Array.from(list);
  }

  /**
   * The fault effect acting on an endpoint at time t, or null when healthy (including a flapping
   * fault's up phases). Cheap: a scan of the endpoint's few faults; no allocation.
   */
  faultAt(endpointIndex: number, timeMs: number): FaultEffect | null {
    const i = this.windowIndexAt(endpointIndex, timeMs);
    if (i < 0) return null;
    const phases = this.flapping[i];
    if (phases !== null && !phases.isDown(timeMs)) return null;
    return this.effects[i];
  }

  /**
   * The index of the fault whose window [from, until) covers (endpoint, t), or -1 — regardless of
   * flapping phase. Used to classify ejections as true or false.
   */
  windowIndexAt(endpointIndex: number, timeMs: number): number {
    const end = this.faultStart[endpointIndex + 1];
    for (let k = this.faultStart[endpointIndex]; k < end; k++) {
      const i = this.faultList[k];
      if (timeMs < this.fromMs[i]) return -1; // sorted by from, no overlaps: nothing later can cover t
      if (timeMs < this.untilMs[i]) return i;
    }
    return -1;
  }

  /**
   * No fault window of the endpoint touches [fromMs, toMs] (flapping faults count as their whole
   * window, up phases included): nothing the schedule does can make an attempt fail in it.
   */
  quietThrough(endpointIndex: number, fromMs: number, toMs: number): boolean {
    const i = this.nextWindowAfter(endpointIndex, fromMs);
    return i < 0 || toMs < this.fromMs[i];
  }

  /**
   * The first fault window of the endpoint that has not ended at `timeMs` (until > t; it may have
   * begun), or -1: quietThrough(e, t, x) is x < its from, for every x ≥ t — and stays so while t
   * moves forward before its until (sim/completion-shortcut.ts caches it).
   */
  nextWindowAfter(endpointIndex: number, timeMs: number): number {
    const end = this.faultStart[endpointIndex + 1];
    for (let k = this.faultStart[endpointIndex]; k < end; k++) {
      const i = this.faultList[k];
      if (timeMs < this.untilMs[i]) return i;
    }
    return -1;
  }

  windowFromMs(faultIndex: number): number {
    return this.fromMs[faultIndex];
  }

  windowUntilMs(faultIndex: number): number {
    return this.untilMs[faultIndex];
  }

  /** The flapping phases of fault i, or null when it does not flap. */
  flappingPhases(faultIndex: number): FlappingPhases | null {
    return this.flapping[faultIndex];
  }
}
