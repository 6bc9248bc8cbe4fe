/**
 * Envoy's earliest-deadline-first scheduler (spec §8.1; `source/common/upstream/edf_scheduler.h`),
 * used for weighted round robin, weighted least request and locality selection.
 *
 * Entries are small integer ids (host indexes or locality indexes). Weights are read through a
 * `WeightSource` at every re-insertion, so a weight change shows up one pick at a time, as in Envoy.
 * The queue is a binary heap on typed arrays keyed by (deadline, order); `order` rises with every
 * insertion, so equal deadlines are served FIFO. A pick pops the minimum and re-inserts the same id:
 * done here as "replace the top and sift down", which yields the same pick sequence as Envoy's
 * pop + push because all keys are distinct.
 */

export interface WeightSource {
  /** Current (positive) weight of entry `id`. */
  weightOf(id: number): number;
}

export type EdfInitMode = 'createWithPicks' | 'legacy';

/** Envoy limits pre-picks to (seed mod 2^32) mod (UINT32_MAX / 10). */
export const EDF_MAX_PRE_PICKS = 429496729;
/** Added to every weight for the initial placement only (envoy PR #31592). */
export const EDF_INIT_EPSILON = 1e-13;

export class EdfScheduler {
  private ids: Int32Array;
  private deadlines: Float64Array;
  private orders: Float64Array;
  private size = 0;
  /** Envoy's current_time_. */
  currentTime = 0;
  /** Envoy's order_offset_: the order given to the next insertion. */
  orderOffset = 0;

  constructor(capacity = 4) {
    const c = Math.max(1, capacity);
    this.ids = new Int32Array(c);
    this.deadlines = new Float64Array(c);
    this.orders = new Float64Array(c);
  }

  get entryCount(): number {
    return this.size;
  }

  /** Empties the scheduler (a fresh `EdfScheduler`). */
  clear(): void {
    this.size = 0;
    this.currentTime = 0;
    this.orderOffset = 0;
  }

  /** Builds a fresh scheduler over `ids[0..count)` the way `mode` says, with pre-picks from `seed`. */
  build(mode: EdfInitMode, ids: ArrayLike<number>, count: number, weights: WeightSource, seed: number): void {
    if (mode === 'createWithPicks') this.buildWithPicks(ids, count, weights, seed);
    else this.buildLegacy(ids, count, weights, seed);
  }

  /**
   * `EdfScheduler::createWithPicks` (Envoy ≥ 1.30): as if P = (seed mod 2^32) mod 429496729 picks had
   * been made, emulating ⌊P·w_i/W⌋ picks per entry with ε-augmented weights, then the leftover picks
   * one by one with exact weights.
   */
  buildWithPicks(ids: ArrayLike<number>, count: number, weights: WeightSource, seed: number): void {
    this.clear();
    if (count === 0) return;
    this.ensureCapacity(count);
    const picks = (seed % 4294967296) % EDF_MAX_PRE_PICKS;
    let weightsSum = 0.0;
    for (let i = 0; i < count; i++) weightsSum += weights.weightOf(ids[i]) + EDF_INIT_EPSILON;
    let picksSoFar = 0;
    let maxPickTime = 0.0;
    for (let i = 0; i < count; i++) {
      const weight = weights.weightOf(ids[i]) + EDF_INIT_EPSILON;
      let floorPicks = Math.floor((weight * picks) / weightsSum);
      // Envoy's guard where floor(A·B) came out greater than A·B in floating point.
      if (floorPicks > 0 && floorPicks / weight >= picks / weightsSum) floorPicks--;
      const pickTime = floorPicks / weight;
      this.ids[i] = ids[i];
      this.deadlines[i] = (floorPicks + 1) / weight;
      this.orders[i] = i;
      if (pickTime > maxPickTime) maxPickTime = pickTime;
      picksSoFar += floorPicks;
    }
    this.size = count;
    this.heapify();
    this.currentTime = maxPickTime;
    this.orderOffset = count;
    while (picksSoFar < picks) {
      this.pickAndAdd(weights);
      picksSoFar++;
    }
  }

  /** Pre-1.30 refresh: add every entry in order at time 0 with exact weights, then `seed % n` picks. */
  buildLegacy(ids: ArrayLike<number>, count: number, weights: WeightSource, seed: number): void {
    this.clear();
    if (count === 0) return;
    this.ensureCapacity(count);
    for (let i = 0; i < count; i++) this.add(ids[i], weights.weightOf(ids[i]));
    const prePicks = seed % count;
    for (let i = 0; i < prePicks; i++) this.pickAndAdd(weights);
  }

  /** A fresh scheduler with entries added in order and no pre-picks (pre-1.30 locality scheduler). */
  buildInOrder(ids: ArrayLike<number>, count: number, weights: WeightSource): void {
    this.buildLegacy(ids, count, weights, 0);
  }

  /** Inserts `id` with deadline currentTime + 1/weight. */
  add(id: number, weight: number): void {
    this.ensureCapacity(this.size + 1);
    let i = this.size++;
    const deadline = this.currentTime + 1.0 / weight;
    const order = this.orderOffset++;
    // Sift up.
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(deadline, order, this.deadlines[parent], this.orders[parent])) break;
      this.ids[i] = this.ids[parent];
      this.deadlines[i] = this.deadlines[parent];
      this.orders[i] = this.orders[parent];
      i = parent;
    }
    this.ids[i] = id;
    this.deadlines[i] = deadline;
    this.orders[i] = order;
  }

  /** Pops the earliest entry, re-inserts it with its *current* weight and returns its id; -1 if empty. */
  pickAndAdd(weights: WeightSource): number {
    if (this.size === 0) return -1;
    const id = this.ids[0];
    this.currentTime = this.deadlines[0];
    const deadline = this.currentTime + 1.0 / weights.weightOf(id);
    const order = this.orderOffset++;
    this.siftDown(0, id, deadline, order);
    return id;
  }

  /** Id that the next pick returns, without picking (-1 if empty). */
  peekId(): number {
    return this.size === 0 ? -1 : this.ids[0];
  }

  private less(d1: number, o1: number, d2: number, o2: number): boolean {
    return d1 < d2 || (d1 === d2 && o1 < o2);
  }

  /** Places (id, deadline, order) at the hole `start`, moving it down below earlier children. */
  private siftDown(start: number, id: number, deadline: number, order: number): void {
    const n = this.size;
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      let child = left;
      const right = left + 1;
      if (right < n && this.less(this.deadlines[right], this.orders[right], this.deadlines[left], this.orders[left])) {
        child = right;
      }
      if (!this.less(this.deadlines[child], this.orders[child], deadline, order)) break;
      this.ids[i] = this.ids[child];
      this.deadlines[i] = this.deadlines[child];
      this.orders[i] = this.orders[child];
      i = child;
    }
    this.ids[i] = id;
    this.deadlines[i] = deadline;
    this.orders[i] = order;
  }

  private heapify(): void {
    for (let start = (this.size >> 1) - 1; start >= 0; start--) {
      this.siftDown(start, this.ids[start], this.deadlines[start], this.orders[start]);
    }
  }

  private ensureCapacity(n: number): void {
    if (n <= this.ids.length) return;
    const c = Math.max(n, this.ids.length * 2);
    const ids = new Int32Array(c);
    ids.set(this.ids.subarray(0, this.size));
    const deadlines = new Float64Array(c);
    deadlines.set(this.deadlines.subarray(0, this.size));
    const orders = new Float64Array(c);
    orders.set(this.orders.subarray(0, this.size));
    this.ids = ids;
    this.deadlines = deadlines;
    this.orders = orders;
  }
}
