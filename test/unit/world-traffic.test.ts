import { describe, expect, it } from 'vitest';
import { RandomStream, rootStream } from '../../src/engine/random.ts';
import { ArrivalProcess, buildArrivalProcesses, nextArrival } from '../../src/world/traffic.ts';

function drain(p: ArrivalProcess): { times: number[]; replicas: number[] } {
  const times: number[] = [];
  const replicas: number[] = [];
  for (let t = nextArrival(p); t !== Infinity; t = nextArrival(p)) {
    times.push(t);
    replicas.push(p.lastReplica);
  }
  return { times, replicas };
}

const proc = (spec: ConstructorParameters<typeof ArrivalProcess>[1], durationMs: number, seed = 's') =>
  new ArrivalProcess(0, spec, durationMs, new RandomStream(`${seed}/a`), new RandomStream(`${seed}/r`));

describe('arrivals', () => {
  it('a Poisson group of one replica takes no replica draw, and its arrival times are those of any replica count', () => {
    const spec = { arrivals: 'poisson' as const, rate: [{ fromMs: 0, perSecond: 1000 }] };
    const replicaStream = new RandomStream('one/r');
    const one = new ArrivalProcess(0, { ...spec, replicas: 1 }, 2000, new RandomStream('one/a'), replicaStream);
    const three = drain(new ArrivalProcess(0, { ...spec, replicas: 3 }, 2000, new RandomStream('one/a'), new RandomStream('one/r3')));
    const { times, replicas } = drain(one);
    expect(times.length).toBeGreaterThan(1500);
    expect(times).toEqual(three.times);
    expect(new Set(replicas)).toEqual(new Set([0]));
    // The replica stream is where it started: its next value is a fresh stream's first.
    expect(replicaStream.next()).toBe(new RandomStream('one/r').next());
  });

  it('constant arrivals are evenly spaced, follow rate changes and go round robin', () => {
    const { times, replicas } = drain(
      proc({ arrivals: 'constant', replicas: 3, rate: [{ fromMs: 0, perSecond: 10 }, { fromMs: 1000, perSecond: 20 }] }, 2000),
    );
    expect(times.length).toBe(10 + 20 - 1); // the 30th would land exactly at 2000 (the end, excluded)
    expect(times.slice(0, 3).map((t) => Math.round(t))).toEqual([100, 200, 300]);
    expect(times[10] - times[9]).toBeCloseTo(50, 9);
    expect(replicas.slice(0, 5)).toEqual([0, 1, 2, 0, 1]);
  });

  it('Poisson counts per segment match the rates (4 sd), with rate-0 segments silent', () => {
    const { times, replicas } = drain(
      proc(
        {
          arrivals: 'poisson',
          replicas: 4,
          rate: [{ fromMs: 0, perSecond: 1000 }, { fromMs: 10_000, perSecond: 0 }, { fromMs: 20_000, perSecond: 3000 }],
        },
        30_000,
      ),
    );
    const inRange = (a: number, b: number) => times.filter((t) => t >= a && t < b).length;
    expect(Math.abs(inRange(0, 10_000) - 10_000)).toBeLessThan(4 * Math.sqrt(10_000));
    expect(inRange(10_000, 20_000)).toBe(0);
    expect(Math.abs(inRange(20_000, 30_000) - 30_000)).toBeLessThan(4 * Math.sqrt(30_000));
    expect(times.every((t, i) => i === 0 || t >= times[i - 1])).toBe(true);
    // Uniform replica choice: each gets a quarter.
    const n = replicas.length;
    for (let r = 0; r < 4; r++) {
      const share = replicas.filter((x) => x === r).length;
      expect(Math.abs(share - n / 4)).toBeLessThan(4 * Math.sqrt(n * 0.25 * 0.75));
    }
  });

  it('keeps returning Infinity after the end, and is deterministic per seed', () => {
    const spec = { arrivals: 'poisson' as const, replicas: 2, rate: [{ fromMs: 0, perSecond: 50 }] };
    const a = drain(proc(spec, 5000, 'x'));
    expect(drain(proc(spec, 5000, 'x'))).toEqual(a);
    const p = proc(spec, 5000, 'x');
    drain(p);
    expect(nextArrival(p)).toBe(Infinity);
    const groups = buildArrivalProcesses(
      [{ locality: { region: 'r', zone: '', subzone: '' }, localityText: 'r', replicas: 1, rate: spec.rate, arrivals: 'poisson', host: undefined, labels: {} }],
      5000,
      rootStream(7),
    );
    expect(groups).toHaveLength(1);
    expect(nextArrival(groups[0])).toBeGreaterThan(0);
  });
});
