/**
 * Endpoint capacity: servers that can do only so much at once (docs/scenario.md "Capacity").
 *
 * A job is one attempt's work at one endpoint. An endpoint with capacity serves at most
 * `concurrency` jobs at a time; others wait in a FIFO queue of `queue` places; a job that finds the
 * queue full is refused at once (the caller answers `overloadStatus`). Service time is the sampled
 * latency × (1 + (slowdown − 1) · busy / concurrency), with busy counted when service starts,
 * the job included — latency grows with load, on top of the queueing delay.
 *
 * A job keeps going when its client gives up (timeout) unless `abandonedWork: cancel`: the server
 * does not know, and that wasted work is what can keep an overloaded endpoint overloaded after the
 * trigger is gone.
 *
 * State is typed arrays and an index-linked free list: admitting and completing jobs allocates
 * nothing once the pools have grown to the run's peak.
 */
import type { CapacitySpec } from '../config/scenario.ts';
import { grownTo } from '../engine/typed-arrays.ts';

export const ADMIT_STARTED = 0;
export const ADMIT_QUEUED = 1;
export const ADMIT_REJECTED = 2;

export class EndpointServers {
  /** Per endpoint: 0 = unlimited (not managed here). */
  readonly concurrency: Int32Array;
  readonly queueLimit: Float64Array;
  readonly slowdown: Float64Array;
  readonly overloadStatus: Int32Array;
  readonly cancelAbandoned: Uint8Array;
  /** Jobs in service per endpoint. */
  readonly busy: Int32Array;
  /** Live (not cancelled) jobs waiting per endpoint. */
  readonly queued: Int32Array;
  /** Peak busy and queue per endpoint, and refusals. */
  readonly maxBusy: Int32Array;
  readonly maxQueued: Int32Array;
  readonly rejected: Float64Array;
  /** Time-weighted busy (ms·jobs) per endpoint, for utilisation. */
  readonly busyArea: Float64Array;
  private readonly lastChange: Float64Array;

  // Per-endpoint FIFO as a singly linked list of job ids.
  private readonly head: Int32Array;
  private readonly tail: Int32Array;

  // Jobs.
  jobSlot = new Int32Array(0);
  jobSeq = new Int32Array(0);
  jobEndpoint = new Int32Array(0);
  jobBaseMs = new Float64Array(0);
  /** Router outcome and status the job's response will carry. */
  jobOutcome = new Int32Array(0);
  jobStatus = new Int32Array(0);
  /** 1 while waiting, 2 in service, 3 cancelled while waiting, 0 free. */
  jobState = new Uint8Array(0);
  /** Bumped when a job is freed: a stale completion event compares against it. */
  jobGen = new Int32Array(0);
  private jobNext = new Int32Array(0);
  private freeHead = -1;
  private capacityJobs = 0;

  constructor(specs: readonly (CapacitySpec | undefined)[]) {
    const n = specs.length;
    this.concurrency = Int32Array.from(specs.map((s) => s?.concurrency ?? 0));
    this.queueLimit = Float64Array.from(specs.map((s) => s?.queue ?? 0));
    this.slowdown = Float64Array.from(specs.map((s) => s?.slowdown ?? 1));
    this.overloadStatus = Int32Array.from(specs.map((s) => s?.overloadStatus ?? 503));
    this.cancelAbandoned = Uint8Array.from(specs.map((s) => (s?.abandonedWork === 'cancel' ? 1 : 0)));
    this.busy = new Int32Array(n);
    this.queued = new Int32Array(n);
    this.maxBusy = new Int32Array(n);
    this.maxQueued = new Int32Array(n);
    this.rejected = new Float64Array(n);
    this.busyArea = new Float64Array(n);
    this.lastChange = new Float64Array(n);
    this.head = new Int32Array(n).fill(-1);
    this.tail = new Int32Array(n).fill(-1);
    this.grow(64);
  }

  get any(): boolean {
    return this.concurrency.some((c) => c > 0);
  }

  limited(endpoint: number): boolean {
    return this.concurrency[endpoint] > 0;
  }

  /**
   * Offers a job. STARTED: in service now, `serviceMs` says for how long. QUEUED: waits. REJECTED:
   * the queue is full (no job was created). The job id is in `lastJob`.
   */
  admit(endpoint: number, now: number, baseMs: number, slot: number, seq: number, outcome: number, status: number): number {
    const c = this.concurrency[endpoint];
    if (this.busy[endpoint] >= c && this.queued[endpoint] >= this.queueLimit[endpoint]) {
      this.rejected[endpoint]++;
      this.lastJob = -1;
      return ADMIT_REJECTED;
    }
    const job = this.allocJob();
    this.jobSlot[job] = slot;
    this.jobSeq[job] = seq;
    this.jobEndpoint[job] = endpoint;
    this.jobBaseMs[job] = baseMs;
    this.jobOutcome[job] = outcome;
    this.jobStatus[job] = status;
    this.lastJob = job;
    if (this.busy[endpoint] < c) {
      this.startService(job, now);
      return ADMIT_STARTED;
    }
    this.jobState[job] = 1;
    this.jobNext[job] = -1;
    if (this.tail[endpoint] < 0) this.head[endpoint] = job;
    else this.jobNext[this.tail[endpoint]] = job;
    this.tail[endpoint] = job;
    const q = ++this.queued[endpoint];
    if (q > this.maxQueued[endpoint]) this.maxQueued[endpoint] = q;
    return ADMIT_QUEUED;
  }

  /** Job id of the last admit (or the last job started by `finish`), -1 if none. */
  lastJob = -1;
  /** Service time of the job started last. */
  serviceMs = 0;

  /**
   * A job in service finished (or was cancelled in service) at `now`: frees its place (read the
   * job's fields before calling: its id is reused afterwards) and starts
   * the next live waiting job, if any; that job's id is returned (its service time in `serviceMs`),
   * else -1.
   */
  finish(job: number, now: number): number {
    const e = this.jobEndpoint[job];
    this.accumulate(e, now);
    this.busy[e]--;
    this.freeJob(job);
    for (;;) {
      const next = this.head[e];
      if (next < 0) return -1;
      this.head[e] = this.jobNext[next];
      if (this.head[e] < 0) this.tail[e] = -1;
      if (this.jobState[next] === 3) {
        this.freeJob(next);
        continue;
      }
      this.queued[e]--;
      this.startService(next, now);
      return next;
    }
  }

  /** The client gave up on a job that is still waiting: it will be skipped (cancel mode only). */
  cancelWaiting(job: number): void {
    if (this.jobState[job] === 1) {
      this.jobState[job] = 3;
      this.queued[this.jobEndpoint[job]]--;
    }
  }

  isWaiting(job: number): boolean {
    return this.jobState[job] === 1;
  }

  /** Per limited endpoint over a run of `endMs` (call once, after the run): utilisation, peaks, refusals. */
  report(endMs: number): { endpoint: number; utilisation: number; maxBusy: number; maxQueued: number; overloadRejections: number }[] {
    const out = [];
    for (let e = 0; e < this.concurrency.length; e++) {
      if (!this.limited(e)) continue;
      out.push({ endpoint: e, utilisation: this.utilisation(e, endMs), maxBusy: this.maxBusy[e], maxQueued: this.maxQueued[e], overloadRejections: this.rejected[e] });
    }
    return out;
  }

  /** Mean number of busy servers per endpoint over [0, end] (call once, after the run). */
  utilisation(endpoint: number, endMs: number): number {
    this.accumulate(endpoint, endMs);
    const c = this.concurrency[endpoint];
    return c > 0 && endMs > 0 ? this.busyArea[endpoint] / (endMs * c) : 0;
  }

  private startService(job: number, now: number): void {
    const e = this.jobEndpoint[job];
    this.accumulate(e, now);
    const b = ++this.busy[e];
    if (b > this.maxBusy[e]) this.maxBusy[e] = b;
    this.jobState[job] = 2;
    this.lastJob = job;
    this.serviceMs = this.jobBaseMs[job] * (1 + (this.slowdown[e] - 1) * (b / this.concurrency[e]));
  }

  private accumulate(e: number, now: number): void {
    this.busyArea[e] += this.busy[e] * (now - this.lastChange[e]);
    this.lastChange[e] = now;
  }

  private allocJob(): number {
    if (this.freeHead < 0) this.grow(this.capacityJobs * 2);
    const job = this.freeHead;
    this.freeHead = this.jobNext[job];
    return job;
  }

  private freeJob(job: number): void {
    this.jobState[job] = 0;
    this.jobGen[job] = (this.jobGen[job] + 1) | 0;
    this.jobNext[job] = this.freeHead;
    this.freeHead = job;
  }

  private grow(n: number): void {
    const old = this.capacityJobs;
    this.jobSlot = grownTo(this.jobSlot, n);
    this.jobSeq = grownTo(this.jobSeq, n);
    this.jobEndpoint = grownTo(this.jobEndpoint, n);
    this.jobBaseMs = grownTo(this.jobBaseMs, n);
    this.jobOutcome = grownTo(this.jobOutcome, n);
    this.jobStatus = grownTo(this.jobStatus, n);
    this.jobState = grownTo(this.jobState, n);
    this.jobGen = grownTo(this.jobGen, n);
    this.jobNext = grownTo(this.jobNext, n);
    for (let j = n - 1; j >= old; j--) {
      this.jobNext[j] = this.freeHead;
      this.freeHead = j;
    }
    this.capacityJobs = n;
  }
}
