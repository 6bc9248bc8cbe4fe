/**
 * Per-host detector state (spec §3) for dense integer slots, in typed arrays (one entry per slot) so
 * the request path touches only numbers. Slots freed by removal are reused (LIFO); the insertion order
 * used for sweeps is kept separately (spec §14.1).
 */

const INITIAL_CAPACITY = 8;

export class HostTable {
  capacity = 0;
  /** 1 while the slot holds a cluster member. */
  alive = new Uint8Array(0);
  /** Bumped on every add/remove of the slot, so stale posted detections can be recognised. */
  generation = new Uint32Array(0);
  /** FAILED_OUTLIER_CHECK. */
  ejected = new Uint8Array(0);
  /** Consecutive counters, uint32 like Envoy's (they wrap). */
  c5xx = new Uint32Array(0);
  cgw = new Uint32Array(0);
  clo = new Uint32Array(0);
  /** Success-rate buckets: current (being written) and backup (read at the sweep), external and local. */
  extSuccCur = new Float64Array(0);
  extTotCur = new Float64Array(0);
  extSuccBak = new Float64Array(0);
  extTotBak = new Float64Array(0);
  locSuccCur = new Float64Array(0);
  locTotCur = new Float64Array(0);
  locSuccBak = new Float64Array(0);
  locTotBak = new Float64Array(0);
  numEjections = new Uint32Array(0);
  /** NaN = unset. */
  lastEjection = new Float64Array(0);
  lastUnejection = new Float64Array(0);
  backoff = new Uint32Array(0);
  jitter = new Float64Array(0);
  /** Displayed success rates (/clusters), −1 when none. */
  srExt = new Float64Array(0);
  srLoc = new Float64Array(0);
  names: string[] = [];

  /** Slots of live hosts in insertion order; `orderLength` entries are valid. */
  order = new Int32Array(0);
  orderLength = 0;
  private readonly free: number[] = [];
  private used = 0;

  constructor() {
    this.grow(INITIAL_CAPACITY);
  }

  get size(): number {
    return this.orderLength;
  }

  /** Allocates a slot with fresh state and appends it to the iteration order. */
  add(name: string, at = -1): number {
    let slot: number;
    if (at >= 0) {
      const k = this.free.indexOf(at);
      if (k < 0) throw new Error(`outlier host table: slot ${at} is not free`);
      this.free.splice(k, 1);
      slot = at;
    } else if (this.free.length > 0) slot = this.free.pop()!;
    else {
      if (this.used === this.capacity) this.grow(this.capacity * 2);
      slot = this.used++;
    }
    this.reset(slot);
    this.alive[slot] = 1;
    this.generation[slot]++;
    this.names[slot] = name;
    this.order[this.orderLength++] = slot;
    return slot;
  }

  remove(slot: number): void {
    this.alive[slot] = 0;
    this.generation[slot]++;
    const order = this.order;
    let k = 0;
    while (k < this.orderLength && order[k] !== slot) k++;
    order.copyWithin(k, k + 1, this.orderLength);
    this.orderLength--;
    this.free.push(slot);
  }

  private reset(s: number): void {
    this.ejected[s] = 0;
    this.c5xx[s] = 0;
    this.cgw[s] = 0;
    this.clo[s] = 0;
    this.extSuccCur[s] = 0;
    this.extTotCur[s] = 0;
    this.extSuccBak[s] = 0;
    this.extTotBak[s] = 0;
    this.locSuccCur[s] = 0;
    this.locTotCur[s] = 0;
    this.locSuccBak[s] = 0;
    this.locTotBak[s] = 0;
    this.numEjections[s] = 0;
    this.lastEjection[s] = NaN;
    this.lastUnejection[s] = NaN;
    this.backoff[s] = 0;
    this.jitter[s] = 0;
    this.srExt[s] = -1;
    this.srLoc[s] = -1;
  }

  private grow(capacity: number): void {
    const g8 = (a: Uint8Array) => {
      const b = new Uint8Array(capacity);
      b.set(a);
      return b;
    };
    const g32 = (a: Uint32Array) => {
      const b = new Uint32Array(capacity);
      b.set(a);
      return b;
    };
    const g64 = (a: Float64Array) => {
      const b = new Float64Array(capacity);
      b.set(a);
      return b;
    };
    const gi = (a: Int32Array) => {
      const b = new Int32Array(capacity);
      b.set(a);
      return b;
    };
    this.alive = g8(this.alive);
    this.generation = g32(this.generation);
    this.ejected = g8(this.ejected);
    this.c5xx = g32(this.c5xx);
    this.cgw = g32(this.cgw);
    this.clo = g32(this.clo);
    this.extSuccCur = g64(this.extSuccCur);
    this.extTotCur = g64(this.extTotCur);
    this.extSuccBak = g64(this.extSuccBak);
    this.extTotBak = g64(this.extTotBak);
    this.locSuccCur = g64(this.locSuccCur);
    this.locTotCur = g64(this.locTotCur);
    this.locSuccBak = g64(this.locSuccBak);
    this.locTotBak = g64(this.locTotBak);
    this.numEjections = g32(this.numEjections);
    this.lastEjection = g64(this.lastEjection);
    this.lastUnejection = g64(this.lastUnejection);
    this.backoff = g32(this.backoff);
    this.jitter = g64(this.jitter);
    this.srExt = g64(this.srExt);
    this.srLoc = g64(this.srLoc);
    this.order = gi(this.order);
    this.capacity = capacity;
  }
}
