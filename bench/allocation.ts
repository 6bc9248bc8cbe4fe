/**
 * Where the simulator allocates: V8's sampling heap profiler (including objects freed by minor and
 * major GCs) over one warm run of a scenario, bytes per simulated request by allocating function.
 *
 *   npx tsx bench/allocation.ts [scenario.yaml] [--set field=VALUE ...]
 *
 * Default: the seed benchmark scenario shortened to 10 s (600 k requests). The run is repeated once
 * first so that the measured one runs optimised code. Sampling is statistical (one sample per
 * 512 bytes allocated): compare totals, not single rows, across versions.
 */
import { Session } from 'node:inspector/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareRun } from '../src/api.ts';
import { readScenarioFiles } from '../src/node/files.ts';
import { Simulation } from '../src/sim/simulation.ts';

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const file = args[0] && !args[0].startsWith('--') ? args.shift()! : join(here, 'scenarios/seed-high-rate.yaml');
const sets: string[] = [];
for (let i = 0; i < args.length; i++) if (args[i] === '--set') sets.push(args[++i]);
if (sets.length === 0 && file.endsWith('seed-high-rate.yaml')) sets.push('duration=10s', 'faults[0].from=2s', 'faults[0].until=8s');

// The simulation alone is profiled (not the summary src/sim/run-model.ts adds after it).
const { loaded, model } = prepareRun(readScenarioFiles(file, { sets }));
new Simulation(model, loaded.scenario).run(); // warm-up: optimised code for the measured run

const session = new Session();
session.connect();
await session.post('HeapProfiler.startSampling', {
  samplingInterval: 512,
  includeObjectsCollectedByMinorGC: true,
  includeObjectsCollectedByMajorGC: true,
});
const result = new Simulation(model, loaded.scenario).run();
const { profile } = (await session.post('HeapProfiler.stopSampling')) as unknown as { profile: { head: ProfileNode } };
session.disconnect();

const byFunction = new Map<string, number>();
const walk = (node: ProfileNode): void => {
  if (node.selfSize > 0) {
    const f = node.callFrame;
    // (tsx compiles a module onto one line, so the file names the place, not a line number.)
    const key = `${f.functionName || '(anonymous)'} (${f.url.split('/').slice(-2).join('/')})`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + node.selfSize);
  }
  node.children.forEach(walk);
};
walk(profile.head);
const requests = result.counters.requestsStarted;
const total = [...byFunction.values()].reduce((a, b) => a + b, 0);
console.log(`${requests} requests, ${(total / 1e6).toFixed(1)} MB sampled: ${(total / requests).toFixed(0)} bytes per request`);
for (const [key, bytes] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 12)) {
  console.log(`${(bytes / requests).toFixed(1).padStart(7)} B/request  ${key}`);
}
