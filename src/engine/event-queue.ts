/**
 * The simulator's future-event list, ordered by (time, sequence): a timing wheel for the near
 * future in front of a binary heap for everything else.
 *
 * Events are not objects. An event is four numbers — time, kind (small integer), and two integer
 * payload slots `a`, `b` — plus a sequence number taken at push time, so two events at the same
 * time come out in the order they were pushed (FIFO): runs are reproducible without relying on any
 * structure's internal order. After `pop()` the event is readable from the public fields `time`,
 * `kind`, `a`, `b` (valid until the next `pop()`). Nothing is allocated per event: records live in
 * typed-array columns that grow by doubling.
 *
 * Why a wheel: a binary heap of the few thousand in-flight attempts of a busy run costs a dozen
 * levels of unpredictable comparisons per pop, which was the largest single cost of the simulator
 * (experiments/perf/simulation.md). Most events fall a few milliseconds ahead, so:
 * - the wheel has `slots` buckets of width 1/`slotsPerUnit`; an event of time t belongs to the
 *   absolute slot ⌊t·slotsPerUnit⌋ (a power of two: the product is exact and monotonic in t);
 * - it holds the events whose slot lies in the window [base, base + slots), where `base` is the
 *   slot of the last event popped (every queued event is at or after it). Each bucket is a linked
 *   list kept sorted by (time, sequence); a bitmap of non-empty buckets finds the next one;
 * - anything else (far future, Infinity, or a time before the last pop, which a general priority
 *   queue must accept) goes to the heap;
 * - `pop()` takes the smaller (time, sequence) of the wheel's first event and the heap's top, so
 *   the order is exactly that of one heap over all events.
 */
import { BinaryHeap } from './binary-heap.ts';
import { grownTo } from './typed-arrays.ts';

const DEFAULT_CAPACITY = 1024;

export interface EventQueueOptions {
  /** Buckets per time unit (a power of two). Default 32: 1/32 ms buckets when times are in ms. */
  slotsPerUnit?: number;
  /** Buckets in the wheel (a power of two, ≥ 32). Default 2^16: with the default width, 2.048 s ahead. */
  slots?: number;
}

export class EventQueue {
  /** Time of the event last popped. */
  time = 0;
  /** Kind of the event last popped. */
  kind = 0;
  /** First payload slot of the event last popped. */
  a = 0;
  /** Second payload slot of the event last popped. */
  b = 0;

  private readonly slotsPerUnit: number;
  private readonly mask: number;
  /** First node of each bucket's list, -1 when empty. */
  private readonly heads: Int32Array;
  /** Bit i of word i>>5 set when bucket i is non-empty. */
  private readonly nonEmpty: Uint32Array;
  /** Absolute slot of the last event popped (never decreases). */
  private base = 0;
  /** Absolute slot of the first non-empty bucket (valid while wheelCount > 0). */
  private headSlot = 0;
  private wheelCount = 0;

  // Wheel nodes, column-wise; free nodes are chained through `nodeNext` from `freeNode`.
  private nodeTime: Float64Array;
  private nodeSeq: Float64Array;
  private nodeKind: Int32Array;
  private nodeA: Int32Array;
  private nodeB: Int32Array;
  private nodeNext: Int32Array;
  private freeNode = -1;
  private nodesUsed = 0;

  private readonly far: BinaryHeap;
  private count = 0;
  // Float64 so the counter stays exact past 2^32 pushes (exact up to 2^53).
  private nextSeq = 0;

  constructor(initialCapacity = DEFAULT_CAPACITY, options: EventQueueOptions = {}) {
    const slotsPerUnit = options.slotsPerUnit ?? 32;
    const slots = options.slots ?? 1 << 16;
    if (!isPowerOfTwo(slotsPerUnit) || !isPowerOfTwo(slots) || slots < 32) {
      throw new RangeError('EventQueue: slotsPerUnit and slots must be powers of two (slots at least 32)');
    }
    this.slotsPerUnit = slotsPerUnit;
    this.mask = slots - 1;
    this.heads = new Int32Array(slots).fill(-1);
    this.nonEmpty = new Uint32Array(slots >> 5);
    const cap = Math.max(1, Math.floor(initialCapacity));
    this.nodeTime = new Float64Array(cap);
    this.nodeSeq = new Float64Array(cap);
    this.nodeKind = new Int32Array(cap);
    this.nodeA = new Int32Array(cap);
    this.nodeB = new Int32Array(cap);
    this.nodeNext = new Int32Array(cap);
    this.far = new BinaryHeap(64);
  }

  /** Number of queued events. */
  get size(): number {
    return this.count;
  }

  /** Current storage capacity of the wheel's nodes (grows by doubling). */
  get capacity(): number {
    return this.nodeTime.length;
  }

  /** Time of the earliest queued event, or +Infinity when empty. */
  peekTime(): number {
    const farTime = this.far.peekTime();
    if (this.wheelCount === 0) return farTime;
    const t = this.nodeTime[this.heads[this.headSlot & this.mask]];
    return t < farTime ? t : farTime;
  }

  /**
   * Queues an event. `kind`, `a`, `b` are stored as 32-bit signed integers. The wheel insertion is
   * written out here rather than in a helper: passing `time` to a call TurboFan does not inline
   * boxes it in a fresh HeapNumber on every push (experiments/perf/simulation.md).
   */
  push(time: number, kind: number, a: number, b: number): void {
    const seq = this.nextSeq++;
    this.count++;
    const slot = Math.floor(time * this.slotsPerUnit);
    const ahead = slot - this.base;
    if (!(ahead >= 0 && ahead <= this.mask)) {
      this.far.push(time, seq, kind, a, b);
      return;
    }
    let node = this.freeNode;
    if (node >= 0) this.freeNode = this.nodeNext[node];
    else node = this.newNode();
    this.nodeTime[node] = time;
    this.nodeSeq[node] = seq;
    this.nodeKind[node] = kind;
    this.nodeA[node] = a;
    this.nodeB[node] = b;
    // Insert after every event of the bucket with time <= t: they are earlier, or tie and were
    // pushed before (smaller sequence).
    const i = slot & this.mask;
    const next = this.nodeNext;
    const times = this.nodeTime;
    let prev = -1;
    let cur = this.heads[i];
    while (cur >= 0 && times[cur] <= time) {
      prev = cur;
      cur = next[cur];
    }
    next[node] = cur;
    if (prev >= 0) next[prev] = node;
    else {
      this.heads[i] = node;
      this.nonEmpty[i >> 5] |= 1 << (i & 31);
    }
    if (this.wheelCount === 0 || slot < this.headSlot) this.headSlot = slot;
    this.wheelCount++;
  }

  /**
   * Removes the earliest event and exposes it in `time`, `kind`, `a`, `b`.
   * Returns false (fields unchanged) when the queue is empty.
   */
  pop(): boolean {
    if (this.count === 0) return false;
    this.count--;
    const far = this.far;
    let fromWheel = this.wheelCount > 0;
    if (fromWheel && far.size > 0) {
      const node = this.heads[this.headSlot & this.mask];
      const t = this.nodeTime[node];
      const ft = far.peekTime();
      fromWheel = t < ft || (t === ft && this.nodeSeq[node] < far.peekSeq());
    }
    if (fromWheel) {
      const i = this.headSlot & this.mask;
      const node = this.heads[i];
      this.time = this.nodeTime[node];
      this.kind = this.nodeKind[node];
      this.a = this.nodeA[node];
      this.b = this.nodeB[node];
      const rest = this.nodeNext[node];
      this.heads[i] = rest;
      this.nodeNext[node] = this.freeNode;
      this.freeNode = node;
      this.wheelCount--;
      if (rest < 0) {
        this.nonEmpty[i >> 5] &= ~(1 << (i & 31));
        if (this.wheelCount > 0) this.headSlot = this.nextNonEmptyAfter(this.headSlot);
      }
    } else {
      far.pop();
      this.time = far.time;
      this.kind = far.kind;
      this.a = far.a;
      this.b = far.b;
    }
    // Every queued event is at or after the one popped, hence in a slot at or after its slot.
    const slot = Math.floor(this.time * this.slotsPerUnit);
    if (slot > this.base) this.base = slot;
    return true;
  }

  /** Drops every queued event (capacity is kept; the sequence counter keeps counting). */
  clear(): void {
    this.heads.fill(-1);
    this.nonEmpty.fill(0);
    this.wheelCount = 0;
    this.freeNode = -1;
    this.nodesUsed = 0;
    this.far.clear();
    this.count = 0;
  }

  /** The first non-empty bucket after absolute slot `slot`, as an absolute slot (the wheel is not empty). */
  private nextNonEmptyAfter(slot: number): number {
    const words = this.nonEmpty;
    const lastWord = words.length - 1;
    const i = (slot + 1) & this.mask;
    let w = i >> 5;
    // Absolute slot of bit 0 of word w.
    let first = slot + 1 - (i & 31);
    let word = words[w] & (-1 << (i & 31));
    while (word === 0) {
      w = w === lastWord ? 0 : w + 1;
      first += 32;
      word = words[w];
    }
    return first + (31 - Math.clz32(word & -word));
  }

  private newNode(): number {
    if (this.nodesUsed === this.nodeTime.length) this.grow();
    return this.nodesUsed++;
  }

  private grow(): void {
    const cap = this.nodeTime.length * 2;
    this.nodeTime = grownTo(this.nodeTime, cap);
    this.nodeSeq = grownTo(this.nodeSeq, cap);
    this.nodeKind = grownTo(this.nodeKind, cap);
    this.nodeA = grownTo(this.nodeA, cap);
    this.nodeB = grownTo(this.nodeB, cap);
    this.nodeNext = grownTo(this.nodeNext, cap);
  }
}

function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 0 && 2 ** Math.round(Math.log2(n)) === n;
}
