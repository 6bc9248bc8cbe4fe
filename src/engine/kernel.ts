/**
 * The discrete-event kernel: a clock, the future-event list and the one event loop.
 *
 * Like SimPy's `Environment`, it knows nothing about what events mean. A model schedules
 * `(time, kind, a, b)` and its `handle` dispatches on `kind`: no closures or event objects on the
 * hot path. Events at the same time run in the order they were scheduled.
 *
 * Besides queued events the loop merges `sources`: streams whose next time is kept in
 * `sourceTimes[i]` rather than queued (the simulator's traffic sources, one arrival pending per
 * client group). The loop takes whichever comes first, the earliest source or the head of the queue
 * (queued events first on a tie), and calls the model's `onSource(i)`, which must move
 * `sourceTimes[i]` on (+∞ when the source is done). Keeping arrivals out of the queue halves its
 * operations per request — the queue was the largest cost in the profile
 * (experiments/perf/simulation.md).
 *
 * `runUntil(end, model)` processes the half-open window [now, end): an event at exactly `end` stays
 * for the next call (as with SimPy's `run(until=end)`), so a run can be advanced in chunks without
 * an event being processed twice or skipped. Afterwards `now === end` (unless `end` is +∞: then
 * everything is drained and `now` is the last event's time).
 *
 * Call sites stay monomorphic when one model class runs per process (the simulator); tests may
 * drive it with their own models.
 */
import { EventQueue } from './event-queue.ts';

/** What the loop drives. Called with the kernel's `now` already set to the event's time. */
export interface KernelModel {
  handle(kind: number, a: number, b: number): void;
  onSource(source: number): void;
}

export class Kernel {
  /** Current simulated time (ms by the simulator's convention; the kernel does not care). */
  now = 0;
  readonly queue: EventQueue;
  /** Next time of each source (+∞: none); the model's `onSource` moves it on. */
  readonly sourceTimes: Float64Array;

  constructor(initialCapacity?: number, sources = 0) {
    this.queue = new EventQueue(initialCapacity);
    this.sourceTimes = new Float64Array(sources).fill(Infinity);
  }

  /** Schedules an event `delay` after now. */
  schedule(delay: number, kind: number, a: number, b: number): void {
    this.scheduleAt(this.now + delay, kind, a, b);
  }

  /** Schedules an event at absolute time `time` (not before now). */
  scheduleAt(time: number, kind: number, a: number, b: number): void {
    // `!(time >= now)` also rejects NaN, which would otherwise corrupt the heap order silently.
    if (!(time >= this.now)) {
      throw new RangeError(`cannot schedule an event at ${time}, before now (${this.now})`);
    }
    this.queue.push(time, kind, a, b);
  }

  /** Number of queued events (sources not included). */
  get pending(): number {
    return this.queue.size;
  }

  /** Processes every event and source time < `endTime`, in time order, including those the model adds. */
  runUntil(endTime: number, model: KernelModel): void {
    const q = this.queue;
    const sources = this.sourceTimes;
    const n = sources.length;
    for (;;) {
      let s = -1;
      let ts = 1 / 0; // +∞ as a literal here and below: hot-path conventions, docs/architecture.md
      for (let i = 0; i < n; i++) {
        if (sources[i] < ts) {
          ts = sources[i];
          s = i;
        }
      }
      const tq = q.peekTime();
      if (tq <= ts) {
        if (!(tq < endTime)) break;
        q.pop();
        this.now = q.time;
        model.handle(q.kind, q.a, q.b);
      } else {
        if (!(ts < endTime)) break;
        this.now = ts;
        model.onSource(s);
      }
    }
    // With an infinite end (run to exhaustion) the clock stays at the last event's time.
    if (endTime > this.now && endTime !== 1 / 0) this.now = endTime;
  }
}
