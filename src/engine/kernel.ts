/**
 * The whole discrete-event kernel: a clock and the future-event list.
 *
 * Like SimPy's `Environment`, it knows nothing about what events mean. Models schedule
 * `(time, kind, a, b)` and one handler function dispatches on `kind` — a single monomorphic call
 * site per event, no closures or event objects on the hot path. Events at the same time run in
 * the order they were scheduled.
 *
 * `runUntil(end)` processes the half-open window [now, end): an event at exactly `end` stays
 * queued for the next call (as with SimPy's `run(until=end)`), so a run can be advanced in chunks
 * without an event being processed twice or skipped. Afterwards `now === end` (unless `end` is
 * +Infinity: then the queue is drained and `now` is the last event's time).
 */
import { EventQueue } from './event-queue.ts';

/** Dispatches one event. Called with the kernel's `now` already set to the event's time. */
export type EventHandler = (kind: number, a: number, b: number) => void;

export class Kernel {
  /** Current simulated time (ms by the simulator's convention; the kernel does not care). */
  now = 0;
  readonly queue: EventQueue;
  private stopRequested = false;

  constructor(initialCapacity?: number) {
    this.queue = new EventQueue(initialCapacity);
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

  /** Number of events waiting. */
  get pending(): number {
    return this.queue.size;
  }

  /** Makes the running `runUntil` return after the current event (now stays at that event's time). */
  stop(): void {
    this.stopRequested = true;
  }

  /**
   * Processes every event with time < `endTime` in (time, schedule order), including events the
   * handler schedules inside the window. Returns the number of events processed.
   */
  runUntil(endTime: number, handler: EventHandler): number {
    const q = this.queue;
    let processed = 0;
    this.stopRequested = false;
    while (q.size > 0 && q.peekTime() < endTime) {
      q.pop();
      this.now = q.time;
      handler(q.kind, q.a, q.b);
      processed++;
      if (this.stopRequested) {
        this.stopRequested = false;
        return processed;
      }
    }
    // With an infinite end (run to exhaustion) the clock stays at the last event's time.
    if (endTime > this.now && endTime !== Infinity) this.now = endTime;
    return processed;
  }
}
