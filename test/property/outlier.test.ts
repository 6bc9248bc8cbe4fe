import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ScriptedIntegers, RandomStream } from '../../src/engine/random.ts';
import { maxEjectableHosts } from '../../src/envoy/outlier/max-ejection-percent.ts';
import { resolveOutlierConfig, type OutlierConfig } from '../../src/envoy/outlier/config.ts';
import { OutlierDetector } from '../../src/envoy/outlier/detector.ts';
import { OutlierEventLog } from '../../src/envoy/outlier/event-log.ts';
import { EJECTION_TYPE_NAMES, Result } from '../../src/envoy/outlier/types.ts';
import { OUTLIER_PROFILES, semanticsForOutlierProfile, type OutlierProfile, type OutlierProfileId } from '../../src/envoy/profiles.ts';

const SEED = { seed: 42 };

/** One step of traffic or time. */
type Step =
  | { kind: 'http'; host: number; code: number }
  | { kind: 'result'; host: number; result: number; code: number | undefined }
  | { kind: 'tick'; dt: number };

const codeArb = fc.constantFrom(200, 404, 500, 502, 503, 504);
const stepArb = (hosts: number): fc.Arbitrary<Step> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.record({ kind: fc.constant('http' as const), host: fc.nat(hosts - 1), code: codeArb }) },
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant('result' as const),
        host: fc.nat(hosts - 1),
        result: fc.integer({ min: 0, max: 5 }),
        code: fc.option(codeArb, { nil: undefined }),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('tick' as const), dt: fc.integer({ min: 1, max: 40_000 }) }) },
  );

const scenarioArb = fc.record({
  profile: fc.constantFrom(...OUTLIER_PROFILES),
  hosts: fc.integer({ min: 1, max: 12 }),
  mep: fc.integer({ min: 0, max: 100 }),
  aeoh: fc.boolean(),
  split: fc.boolean(),
  c5xx: fc.integer({ min: 1, max: 4 }),
  cgw: fc.integer({ min: 1, max: 4 }),
  clo: fc.integer({ min: 1, max: 4 }),
  enforce: fc.constantFrom(0, 50, 100),
  base: fc.integer({ min: 1_000, max: 30_000 }),
  jitter: fc.integer({ min: 0, max: 5_000 }),
  seed: fc.nat(),
});
type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

function makeDetector(sc: Scenario): { d: OutlierDetector; log: OutlierEventLog; profile: OutlierProfile; config: OutlierConfig } {
  const profile = semanticsForOutlierProfile(sc.profile as OutlierProfileId).outlier;
  const config = resolveOutlierConfig(
    {
      max_ejection_percent: sc.mep,
      always_eject_one_host: sc.aeoh,
      split_external_local_origin_errors: sc.split,
      consecutive_5xx: sc.c5xx,
      consecutive_gateway_failure: sc.cgw,
      consecutive_local_origin_failure: sc.clo,
      enforcing_consecutive_5xx: sc.enforce,
      enforcing_consecutive_gateway_failure: sc.enforce,
      enforcing_consecutive_local_origin_failure: sc.enforce,
      enforcing_failure_percentage: sc.enforce,
      base_ejection_time_ms: sc.base,
      max_ejection_time_ms: sc.base * 4,
      max_ejection_time_jitter_ms: sc.jitter,
      success_rate_minimum_hosts: 3,
      success_rate_request_volume: 5,
      failure_percentage_minimum_hosts: 3,
      failure_percentage_request_volume: 5,
    },
    profile,
  );
  const log = new OutlierEventLog();
  const d = new OutlierDetector({ config, profile, random: new RandomStream(`od-${sc.seed}`), eventSink: log });
  for (let i = 0; i < sc.hosts; i++) d.addHost(`h${i}`);
  return { d, log, profile, config };
}

function apply(d: OutlierDetector, step: Step, clock: { now: number }): void {
  if (step.kind === 'tick') d.tick((clock.now += step.dt));
  else if (step.kind === 'http') d.putHttpResponseCode(step.host, step.code, clock.now);
  else d.putResult(step.host, step.result, step.code, clock.now);
}

/** The cap written independently of capacity.ts, in integer arithmetic (spec §5.1 table). */
function independentCap(profile: OutlierProfile, n: number, m: number, aeoh: boolean): number {
  const floor = Math.floor((n * m) / 100);
  switch (profile.maxEjectionRule) {
    case 'legacy':
      return m === 0 ? 0 : Math.min(n, Math.ceil((n * m) / 100));
    case 'first-exempt':
      return Math.max(1, floor);
    case 'strict':
      return profile.supportsAlwaysEjectOneHost && aeoh ? Math.max(1, floor) : floor;
  }
}

describe('outlier detector properties', () => {
  it('never ejects more hosts than the max-ejection-percent rule allows', () => {
    fc.assert(
      fc.property(scenarioArb, fc.array(stepArb(12), { maxLength: 300 }), (sc, steps) => {
        const { d, profile } = makeDetector(sc);
        const cap = independentCap(profile, sc.hosts, sc.mep, sc.aeoh);
        expect(maxEjectableHosts(sc.hosts, sc.mep, sc.aeoh, profile)).toBe(cap);
        const clock = { now: 0 };
        for (const s of steps) {
          if (s.kind !== 'tick' && s.host >= sc.hosts) continue;
          apply(d, s, clock);
          let ejected = 0;
          for (const slot of d.hostSlots()) if (d.isEjected(slot)) ejected++;
          expect(ejected).toBe(d.ejectionsActive);
          expect(ejected).toBeLessThanOrEqual(cap);
        }
      }),
      { ...SEED, numRuns: 150 },
    );
  });

  it('no host stays ejected past the first tick at or after its ejection duration', () => {
    fc.assert(
      fc.property(scenarioArb, fc.array(stepArb(12), { maxLength: 300 }), (sc, steps) => {
        const { d, profile, config } = makeDetector(sc);
        const clock = { now: 0 };
        for (const s of steps) {
          if (s.kind !== 'tick' && s.host >= sc.hosts) continue;
          apply(d, s, clock);
          if (s.kind !== 'tick') continue;
          for (const slot of d.hostSlots()) {
            if (!d.isEjected(slot)) continue;
            const since = clock.now - d.lastEjectionTime(slot)!;
            const duration = profile.backoff
              ? Math.min(config.base_ejection_time_ms * d.backoff(slot), config.max_ejection_time_ms) + d.jitter(slot)
              : config.base_ejection_time_ms * d.numEjections(slot);
            expect(since).toBeLessThan(duration);
            if (profile.backoff) expect(since).toBeLessThan(config.max_ejection_time_ms + config.max_ejection_time_jitter_ms);
          }
        }
      }),
      { ...SEED, numRuns: 150 },
    );
  });

  it('same inputs give the same log and stats', () => {
    fc.assert(
      fc.property(scenarioArb, fc.array(stepArb(12), { maxLength: 200 }), (sc, steps) => {
        const runOnce = () => {
          const { d, log } = makeDetector(sc);
          const clock = { now: 0 };
          for (const s of steps) if (s.kind === 'tick' || s.host < sc.hosts) apply(d, s, clock);
          return { log: log.vectorRecords(), stats: d.stats(), active: d.ejectionsActive };
        };
        expect(runOnce()).toEqual(runOnce());
      }),
      { ...SEED, numRuns: 60 },
    );
  });
});

// ---------------------------------------------------------------- model-based: per-host counters

/** An independent model of the consecutive counters (spec §2, §4, §7), inline dispatch. */
class CounterModel {
  c5xx: number[];
  cgw: number[];
  clo: number[];
  ejected: boolean[];
  constructor(
    n: number,
    readonly sc: Scenario,
    readonly profile: OutlierProfile,
  ) {
    this.c5xx = new Array(n).fill(0);
    this.cgw = new Array(n).fill(0);
    this.clo = new Array(n).fill(0);
    this.ejected = new Array(n).fill(false);
  }
  /** `ejectedBy` lists the detection types that ejected the host during the real call, in order. */
  code(h: number, code: number, ejectedBy: string[]): void {
    if (code >= 500 && code < 600) {
      if (code === 502 || code === 503 || code === 504) {
        if (++this.cgw[h] === this.sc.cgw && !this.ejected[h]) {
          this.cgw[h] = 0;
          if (ejectedBy.includes('CONSECUTIVE_GATEWAY_FAILURE')) this.ejected[h] = true;
        }
      } else this.cgw[h] = 0;
      if (++this.c5xx[h] === this.sc.c5xx && !this.ejected[h]) {
        this.c5xx[h] = 0;
        if (ejectedBy.includes('CONSECUTIVE_5XX')) this.ejected[h] = true;
      }
    } else {
      this.c5xx[h] = 0;
      this.cgw[h] = 0;
    }
  }
  result(h: number, result: number, code: number | undefined, ejectedBy: string[]): void {
    if (!this.sc.split) {
      if (code !== undefined) return this.code(h, code, ejectedBy);
      const mapped = [undefined, 200, 503, 504, 200, 500][result];
      if (mapped !== undefined) this.code(h, mapped, ejectedBy);
      return;
    }
    if (result === Result.LOCAL_ORIGIN_CONNECT_SUCCESS || result === Result.LOCAL_ORIGIN_CONNECT_SUCCESS_FINAL) this.clo[h] = 0;
    else if (result === Result.LOCAL_ORIGIN_TIMEOUT || result === Result.LOCAL_ORIGIN_CONNECT_FAILED) {
      if (++this.clo[h] === this.sc.clo && !this.ejected[h]) {
        this.clo[h] = 0;
        if (ejectedBy.includes('CONSECUTIVE_LOCAL_ORIGIN_FAILURE')) this.ejected[h] = true;
      }
    } else if (result === Result.EXT_ORIGIN_REQUEST_FAILED) this.code(h, 503, ejectedBy);
    else {
      this.code(h, 200, ejectedBy);
      this.clo[h] = 0;
    }
  }
  uneject(h: number): void {
    this.ejected[h] = false;
    this.c5xx[h] = 0;
    this.cgw[h] = 0;
    if (this.profile.resetLocalOriginOnUneject) this.clo[h] = 0;
  }
}

interface Real {
  d: OutlierDetector;
  log: OutlierEventLog;
  now: number;
}

function enforcedEjectionsSince(real: Real, from: number, host: number): string[] {
  return real.log.events
    .slice(from)
    .filter((e) => e.action === 'EJECT' && e.enforced && e.slot === host)
    .map((e) => EJECTION_TYPE_NAMES[e.type!]);
}

function agree(model: CounterModel, real: Real): void {
  for (let h = 0; h < model.c5xx.length; h++) {
    expect(real.d.consecutive5xx(h), `c5xx h${h}`).toBe(model.c5xx[h]);
    expect(real.d.consecutiveGatewayFailure(h), `cgw h${h}`).toBe(model.cgw[h]);
    expect(real.d.consecutiveLocalOriginFailure(h), `clo h${h}`).toBe(model.clo[h]);
    expect(real.d.isEjected(h), `ejected h${h}`).toBe(model.ejected[h]);
  }
}

class HttpCommand implements fc.Command<CounterModel, Real> {
  constructor(readonly host: number, readonly code: number) {}
  check = (m: Readonly<CounterModel>) => this.host < m.c5xx.length;
  run(m: CounterModel, r: Real): void {
    const from = r.log.events.length;
    r.d.putHttpResponseCode(this.host, this.code, r.now);
    m.code(this.host, this.code, enforcedEjectionsSince(r, from, this.host));
    agree(m, r);
  }
  toString = () => `http(h${this.host}, ${this.code})`;
}

class ResultCommand implements fc.Command<CounterModel, Real> {
  constructor(readonly host: number, readonly result: number, readonly code: number | undefined) {}
  check = (m: Readonly<CounterModel>) => this.host < m.c5xx.length;
  run(m: CounterModel, r: Real): void {
    const from = r.log.events.length;
    r.d.putResult(this.host, this.result, this.code, r.now);
    m.result(this.host, this.result, this.code, enforcedEjectionsSince(r, from, this.host));
    agree(m, r);
  }
  toString = () => `result(h${this.host}, ${this.result}, ${this.code})`;
}

class TickCommand implements fc.Command<CounterModel, Real> {
  constructor(readonly dt: number) {}
  check = () => true;
  run(m: CounterModel, r: Real): void {
    const from = r.log.events.length;
    r.d.tick((r.now += this.dt));
    for (const e of r.log.events.slice(from)) {
      if (e.action === 'UNEJECT') m.uneject(e.slot);
      else if (e.enforced) m.ejected[e.slot] = true; // SR/FP ejections do not touch the counters
    }
    agree(m, r);
  }
  toString = () => `tick(+${this.dt})`;
}

describe('per-host counters against a reference model (fc.commands)', () => {
  it('agree step by step', () => {
    const commands = [
      fc.tuple(fc.nat(5), codeArb).map(([h, c]) => new HttpCommand(h, c) as fc.Command<CounterModel, Real>),
      fc
        .tuple(fc.nat(5), fc.integer({ min: 0, max: 5 }), fc.option(codeArb, { nil: undefined }))
        .map(([h, res, c]) => new ResultCommand(h, res, c) as fc.Command<CounterModel, Real>),
      fc.integer({ min: 1, max: 30_000 }).map((dt) => new TickCommand(dt) as fc.Command<CounterModel, Real>),
    ];
    fc.assert(
      fc.property(scenarioArb, fc.commands(commands, { maxCommands: 200 }), (sc, cmds) => {
        const hosts = Math.min(sc.hosts, 6);
        const { d, log, profile } = makeDetector({ ...sc, hosts });
        const model = new CounterModel(hosts, sc, profile);
        fc.modelRun(() => ({ model, real: { d, log, now: 0 } }), cmds);
      }),
      { ...SEED, numRuns: 150 },
    );
  });

  it('the scripted jitter source is only read on enforced ejections', () => {
    const r = new ScriptedIntegers([5, 6, 7]);
    const profile = semanticsForOutlierProfile('1.31+').outlier;
    const d = new OutlierDetector({ config: resolveOutlierConfig({ max_ejection_percent: 100, enforcing_consecutive_5xx: 0 }, profile), profile, random: r });
    const h = d.addHost('h0');
    for (let i = 0; i < 50; i++) d.putHttpResponseCode(h, 500, 0);
    expect(r.consumed).toBe(0);
  });
});
