/**
 * The engine floor: what one simulated request costs on this machine before any Envoy logic.
 *
 *   npm run bench:floor [-- --seconds S]
 *
 * It runs the parts of the seed benchmark (bench/scenarios/seed-high-rate.yaml, after its failover)
 * that are not Envoy: Poisson arrivals at 60 000/s split over 3 sidecars (world/traffic.ts), one
 * lognormal latency draw of median 70 ms, p99 120 ms (world/latency.ts), one event pushed to and
 * popped from the real event queue (engine/event-queue.ts) and one latency-histogram record
 * (metrics/histogram.ts) per request — with the same random streams, the same draws and the same
 * queue sizes (≈ 4 200 events pending). No load balancer, outlier detector, retry state or per-request
 * bookkeeping. A full simulation cannot run faster than this; the distance between the two is what
 * the Envoy modules and the simulator's wiring cost (experiments/perf/simulation.md).
 */
import { cpus } from 'node:os';
import { floorRun } from './floor.ts';

const args = process.argv.slice(2);
let seconds = 30;
if (args.length > 0) {
  if (args.length !== 2 || args[0] !== '--seconds') {
    console.error(`engine-floor: unknown arguments ${args.join(' ')} (usage: --seconds S)`);
    process.exit(2);
  }
  seconds = Number(args[1]);
}
if (!(seconds > 0 && seconds <= 2000)) {
  console.error('--seconds: expected a number of simulated seconds in (0, 2000]');
  process.exit(2);
}
console.log(`failsim engine floor — node ${process.version}, ${cpus()[0]?.model.trim() ?? 'unknown CPU'}`);
floorRun(Math.min(seconds, 5)); // warm-up: optimised code for the measured run
const r = floorRun(seconds);
console.log(`  ${r.requests} requests in ${(r.cpuMs / 1000).toFixed(2)} CPU s: ${((r.requests / r.cpuMs) * 1000 / 1e6).toFixed(2)} M requests per CPU second`);
