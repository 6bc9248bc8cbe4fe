/**
 * The engine floor's loop (npm run bench:floor, bench/engine-floor.ts; also measured by
 * `npm run bench` next to the reference scenarios): the non-Envoy mechanics of the seed benchmark
 * (bench/scenarios/seed-high-rate.yaml, after its failover) — Poisson arrivals at 60 000/s over 3
 * sidecars, one lognormal latency draw (median 70 ms, p99 120 ms), one event through the real event
 * queue (≈ 4 200 pending) and one latency-histogram record per request, with the simulator's random
 * streams. No load balancer, outlier detector, retry state or per-request bookkeeping.
 */
import { EventQueue } from '../src/engine/event-queue.ts';
import { rootStream } from '../src/engine/random.ts';
import { LatencyHistogram } from '../src/metrics/histogram.ts';
import { compileLatency, sampleLatencyMs } from '../src/world/latency.ts';
import { ArrivalProcess } from '../src/world/traffic.ts';

export function floorRun(simulatedSeconds: number): { requests: number; cpuMs: number } {
  const durationMs = simulatedSeconds * 1000;
  const root = rootStream(1);
  // The streams the simulator forks for client group 0 and world endpoint 1 (us-west-1).
  const arrivals = new ArrivalProcess(
    0,
    { replicas: 3, rate: [{ fromMs: 0, perSecond: 60_000 }], arrivals: 'poisson' },
    durationMs,
    root.fork('traffic/0/arrivals'),
    root.fork('traffic/0/replicas'),
  );
  const latency = compileLatency({ kind: 'lognormal', medianMs: 70, p99Ms: 120 });
  const rng = root.fork('world/endpoint/1/attempts');
  const queue = new EventQueue(4096);
  const histogram = new LatencyHistogram();
  let nextArrival = arrivals.nextArrival();
  let requests = 0;
  const c0 = process.cpuUsage();
  for (;;) {
    const tq = queue.peekTime();
    if (tq <= nextArrival) {
      if (!(tq < durationMs)) break;
      queue.pop();
      histogram.record(queue.time - queue.b / 1000); // b: start time in µs (int32)
      requests++;
    } else {
      if (!(nextArrival < durationMs)) break;
      const now = nextArrival;
      queue.push(now + sampleLatencyMs(latency, rng), 1, arrivals.lastReplica, Math.round(now * 1000));
      nextArrival = arrivals.nextArrival();
    }
  }
  const c = process.cpuUsage(c0);
  if (histogram.count !== requests) throw new Error('floor: histogram lost requests');
  return { requests, cpuMs: (c.user + c.system) / 1000 };
}

