// Loaded with `node --import ./bench/process-stats.mjs SCRIPT ...` by the benchmarks that time a whole
// process (bench/reference-loops.ts, bench/whole-process.ts): at exit it writes the process's own CPU
// time (user + system, all threads, start-up included) and peak RSS as one JSON line to the file named
// by FAILSIM_BENCH_STATS, so the timed script itself (e.g. the unchanged bare-kernel.mjs) needs no change.
import { writeFileSync } from 'node:fs';

const file = process.env.FAILSIM_BENCH_STATS;
if (file) {
  process.on('exit', () => {
    const cpu = process.cpuUsage();
    const peakRssMB = process.resourceUsage().maxRSS / 1024; // maxRSS is in kB
    writeFileSync(file, `${JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000, peakRssMB })}\n`);
  });
}
