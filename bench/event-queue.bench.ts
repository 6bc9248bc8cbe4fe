/**
 * Micro-benchmark of the event list: the "hold" model (pop the earliest event, push one later
 * event) at a steady queue size, which is what a running simulation does. Compares the event
 * queue (timing wheel + far heap, src/engine/event-queue.ts) with the plain binary heap
 * (src/engine/binary-heap.ts).
 *
 *   npx tsx bench/event-queue.bench.ts
 *
 * Workloads (times in ms, as in the simulator):
 * - "latency": increments are request latencies, lognormal with median 8 ms / p99 40 ms (queue of
 *   600) and median 70 ms / p99 120 ms (queue of 4 500): the seed benchmark before and after
 *   failover, 60 000 requests/s;
 * - "spread": exponential increments with mean = queue size (1 000 and 100 000), mostly beyond the
 *   wheel's 2 s window: the far heap's cost plus the wheel's overhead.
 * Increments are pre-drawn from a fixed-seed LCG so the generator is not timed. Prints events/s
 * (one event = one pop + one push), best of 3 runs after a warm-up.
 */
import { BinaryHeap } from '../src/engine/binary-heap.ts';
import { EventQueue } from '../src/engine/event-queue.ts';

const INCREMENTS = 1 << 16;
const Z_099 = 2.3263478740408408;

function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 4294967296;
  };
}

function lognormalIncrements(medianMs: number, p99Ms: number, seed: number): Float64Array {
  const u = lcg(seed);
  const mu = Math.log(medianMs);
  const sigma = (Math.log(p99Ms) - mu) / Z_099;
  return Float64Array.from({ length: INCREMENTS }, () => Math.exp(mu + sigma * Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u())));
}

function exponentialIncrements(mean: number, seed: number): Float64Array {
  const u = lcg(seed);
  return Float64Array.from({ length: INCREMENTS }, () => -Math.log(1 - u()) * mean);
}

interface Queue {
  readonly time: number;
  push(time: number): void;
  pop(): boolean;
  readonly size: number;
}

function wheel(): Queue {
  const q = new EventQueue(1024);
  return { get time() { return q.time; }, push: (t) => q.push(t, 1, 2, 3), pop: () => q.pop(), get size() { return q.size; } };
}

function heap(): Queue {
  const q = new BinaryHeap(1024);
  let seq = 0;
  return { get time() { return q.time; }, push: (t) => q.push(t, seq++, 1, 2, 3), pop: () => q.pop(), get size() { return q.size; } };
}

function hold(make: () => Queue, size: number, ops: number, inc: Float64Array): number {
  const q = make();
  for (let i = 0; i < size; i++) q.push((inc[i & (INCREMENTS - 1)] * i) / size);
  let j = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < ops; i++) {
    q.pop();
    q.push(q.time + inc[j]);
    j = (j + 1) & (INCREMENTS - 1);
  }
  const t1 = process.hrtime.bigint();
  if (q.size !== size) throw new Error('size drifted');
  return ops / (Number(t1 - t0) / 1e9);
}

const OPS = 5_000_000;
const cases: [string, number, Float64Array][] = [
  ['latency 8/40 ms', 600, lognormalIncrements(8, 40, 12345)],
  ['latency 70/120 ms', 4_500, lognormalIncrements(70, 120, 12345)],
  ['spread', 1_000, exponentialIncrements(1_000, 12345)],
  ['spread', 100_000, exponentialIncrements(100_000, 12345)],
];
const fmt = (x: number) => `${(x / 1e6).toFixed(1)} M`;
for (const [name, size, inc] of cases) {
  for (const [label, make] of [['binary heap', heap], ['event queue', wheel]] as const) {
    hold(make, size, OPS / 5, inc); // warm-up (JIT)
    const runs = [1, 2, 3].map(() => hold(make, size, OPS, inc));
    console.log(
      `${name.padEnd(18)} queue ${size.toLocaleString('en-US').padStart(7)}  ${label.padEnd(11)}: ${fmt(Math.max(...runs))} events/s (runs: ${runs.map(fmt).join(', ')})`,
    );
  }
}
