/**
 * Micro-benchmark of the event queue: the "hold" model (pop the earliest event, push one later
 * event) at a steady queue size, which is what a running simulation does.
 *
 *   npx tsx bench/event-queue.bench.ts
 *
 * Prints events/s (one event = one pop + one push) for queue sizes 1k and 100k.
 * Increments are pre-drawn from a fixed-seed LCG so the generator is not timed.
 */
import { EventQueue } from '../src/engine/event-queue.ts';

const INCREMENTS = 1 << 16;

function lcgDoubles(n: number, seed: number): Float64Array {
  const out = new Float64Array(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    // exponential increments with mean 1 (times spread like Poisson arrivals)
    out[i] = -Math.log(1 - x / 4294967296);
  }
  return out;
}

function holdBenchmark(size: number, ops: number, inc: Float64Array): number {
  const q = new EventQueue(1024);
  for (let i = 0; i < size; i++) q.push(inc[i & (INCREMENTS - 1)] * size, i & 7, i, 0);
  let j = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < ops; i++) {
    q.pop();
    q.push(q.time + inc[j] * size, q.kind, q.a, q.b + 1);
    j = (j + 1) & (INCREMENTS - 1);
  }
  const t1 = process.hrtime.bigint();
  if (q.size !== size) throw new Error('size drifted');
  return ops / (Number(t1 - t0) / 1e9);
}

const inc = lcgDoubles(INCREMENTS, 12345);
const OPS = 5_000_000;
for (const size of [1_000, 100_000]) {
  holdBenchmark(size, OPS / 5, inc); // warm-up (JIT)
  const runs = [1, 2, 3].map(() => holdBenchmark(size, OPS, inc));
  const best = Math.max(...runs);
  const fmt = (x: number) => `${(x / 1e6).toFixed(1)} M`;
  console.log(
    `queue size ${size.toLocaleString('en-US').padStart(7)}: ${fmt(best)} events/s (push+pop), runs: ${runs.map(fmt).join(', ')}`,
  );
}
