// Compares seedrandom generators (draws per second) to choose the one behind src/engine/random.ts.
// Run: node bench/random-generators.bench.mjs
import seedrandom from 'seedrandom';
const N = 2e7;
for (const name of ['alea','xor128','xorwow','xorshift7','xor4096','tychei']) {
  const g = seedrandom[name]('bench');
  let s = 0; const t0 = performance.now();
  for (let i = 0; i < N; i++) s += g.int32() >>> 0 & 7;
  const t1 = performance.now();
  let d = 0; for (let i = 0; i < N; i++) d += g();
  const t2 = performance.now();
  console.log(name, 'int32 Mops/s', (N/(t1-t0)/1e3).toFixed(1), 'double Mops/s', (N/(t2-t1)/1e3).toFixed(1), s, d.toFixed(0));
}
