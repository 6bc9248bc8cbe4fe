/**
 * A binary min-heap of events ordered by (time, sequence): the far-future part of the event list
 * (event-queue.ts), and a complete priority queue on its own.
 *
 * Events are not objects. An event is five numbers — time, sequence, kind (small integer), and two
 * integer payload slots `a`, `b` — stored column-wise in typed arrays, so pushing and popping
 * allocate nothing (growth doubles the arrays, amortised O(1)). The sequence number is given by the
 * caller (EventQueue's push counter): two events at the same time come out in sequence order.
 *
 * After `pop()` the event is readable from the public fields `time`, `seq`, `kind`, `a`, `b` (valid
 * until the next `pop()`).
 *
 * Sifting moves a "hole" instead of swapping, so each level costs one copy of the record rather
 * than three.
 */
import { grownTo } from './typed-arrays.ts';

const DEFAULT_CAPACITY = 1024;

export class BinaryHeap {
  /** Time of the event last popped. */
  time = 0;
  /** Sequence number of the event last popped. */
  seq = 0;
  /** Kind of the event last popped. */
  kind = 0;
  /** First payload slot of the event last popped. */
  a = 0;
  /** Second payload slot of the event last popped. */
  b = 0;

  private times: Float64Array;
  // Float64 so the counter stays exact past 2^32 pushes (exact up to 2^53).
  private seqs: Float64Array;
  private kinds: Int32Array;
  private as: Int32Array;
  private bs: Int32Array;
  private count = 0;

  constructor(initialCapacity = DEFAULT_CAPACITY) {
    const cap = Math.max(1, Math.floor(initialCapacity));
    this.times = new Float64Array(cap);
    this.seqs = new Float64Array(cap);
    this.kinds = new Int32Array(cap);
    this.as = new Int32Array(cap);
    this.bs = new Int32Array(cap);
  }

  /** Number of queued events. */
  get size(): number {
    return this.count;
  }

  /** Current storage capacity (grows by doubling). */
  get capacity(): number {
    return this.times.length;
  }

  /** Time of the earliest queued event, or +Infinity when empty. */
  peekTime(): number {
    return this.count > 0 ? this.times[0] : 1 / 0; // +∞ as a literal: hot-path conventions, docs/architecture.md
  }

  /** Sequence number of the earliest queued event (meaningless when empty). */
  peekSeq(): number {
    return this.seqs[0];
  }

  /** Queues an event. `kind`, `a`, `b` are stored as 32-bit signed integers. */
  push(time: number, seq: number, kind: number, a: number, b: number): void {
    if (this.count === this.times.length) this.grow();
    const times = this.times;
    const seqs = this.seqs;
    const kinds = this.kinds;
    const as = this.as;
    const bs = this.bs;
    // Sift the hole up from the end until the parent is not later than the new event.
    let i = this.count++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = times[p];
      // Parent earlier, or same time and earlier sequence (always true for an older push): stop.
      if (pt < time || (pt === time && seqs[p] < seq)) break;
      times[i] = pt;
      seqs[i] = seqs[p];
      kinds[i] = kinds[p];
      as[i] = as[p];
      bs[i] = bs[p];
      i = p;
    }
    times[i] = time;
    seqs[i] = seq;
    kinds[i] = kind;
    as[i] = a;
    bs[i] = b;
  }

  /**
   * Removes the earliest event and exposes it in `time`, `kind`, `a`, `b`.
   * Returns false (fields unchanged) when the queue is empty.
   */
  pop(): boolean {
    const n = this.count;
    if (n === 0) return false;
    const times = this.times;
    const seqs = this.seqs;
    const kinds = this.kinds;
    const as = this.as;
    const bs = this.bs;
    this.time = times[0];
    this.seq = seqs[0];
    this.kind = kinds[0];
    this.a = as[0];
    this.b = bs[0];
    const last = n - 1;
    this.count = last;
    if (last === 0) return true;
    // Move the last record into the root hole, sifting the hole down.
    const t = times[last];
    const s = seqs[last];
    const k = kinds[last];
    const va = as[last];
    const vb = bs[last];
    let i = 0;
    const half = last >> 1; // nodes with at least one child among [0, last)
    while (i < half) {
      let c = 2 * i + 1;
      let ct = times[c];
      let cs = seqs[c];
      const r = c + 1;
      if (r < last) {
        const rt = times[r];
        if (rt < ct || (rt === ct && seqs[r] < cs)) {
          c = r;
          ct = rt;
          cs = seqs[r];
        }
      }
      if (t < ct || (t === ct && s < cs)) break;
      times[i] = ct;
      seqs[i] = cs;
      kinds[i] = kinds[c];
      as[i] = as[c];
      bs[i] = bs[c];
      i = c;
    }
    times[i] = t;
    seqs[i] = s;
    kinds[i] = k;
    as[i] = va;
    bs[i] = vb;
    return true;
  }

  /** Drops every queued event (capacity is kept). */
  clear(): void {
    this.count = 0;
  }

  private grow(): void {
    const cap = this.times.length * 2;
    this.times = grownTo(this.times, cap);
    this.seqs = grownTo(this.seqs, cap);
    this.kinds = grownTo(this.kinds, cap);
    this.as = grownTo(this.as, cap);
    this.bs = grownTo(this.bs, cap);
  }
}
