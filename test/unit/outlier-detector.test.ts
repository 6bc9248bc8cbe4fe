import { describe, expect, it } from 'vitest';
import { ScriptedIntegers } from '../../src/engine/random.ts';
import { formatEnvoyEvent } from '../../src/envoy/outlier/event-log.ts';
import { EjectionType, Monitor, Result } from '../../src/envoy/outlier/types.ts';
import { OUTLIER_PROFILES, type OutlierProfileId } from '../../src/envoy/profiles.ts';
import { build, http } from './outlier-helpers.ts';

describe('profile table (spec §9, §5.1)', () => {
  // Two hosts, default max_ejection_percent 10, both failing: how many get ejected?
  const expected: Record<OutlierProfileId, number> = {
    'pre-1.17': 1,
    '1.17-1.21': 1,
    '1.22-1.26': 1,
    '1.27': 1,
    '1.28-1.30': 0,
    '1.31+': 0,
  };
  for (const profile of OUTLIER_PROFILES) {
    it(`2 hosts at 10 %: ${profile} ejects ${expected[profile]}`, () => {
      const { d, slots } = build({}, { profile, hosts: 2 });
      for (const s of slots) http(d, s, 500, 5, 0);
      expect(d.ejectionsActive).toBe(expected[profile]);
      expect(d.stats().ejections_detected_consecutive_5xx).toBe(2);
      expect(d.stats().ejections_overflow).toBe(2 - expected[profile]);
    });
  }

  it('1.31+ with always_eject_one_host ejects one, and only when none is ejected', () => {
    const { d, slots } = build({ always_eject_one_host: true }, { hosts: 2 });
    http(d, slots[0], 500, 5, 0);
    http(d, slots[1], 500, 5, 0);
    expect([d.isEjected(slots[0]), d.isEjected(slots[1])]).toEqual([true, false]);
    expect(d.stats().ejections_overflow).toBe(1);
  });

  it('always_eject_one_host is ignored by 1.28-1.30 (the field does not exist)', () => {
    const { d, slots } = build({ always_eject_one_host: true }, { profile: '1.28-1.30', hosts: 2 });
    http(d, slots[0], 500, 5, 0);
    expect(d.ejectionsActive).toBe(0);
  });
});

describe('consecutive errors (spec §2, §4)', () => {
  it('handles the gateway detection before the 5xx one for a single 503', () => {
    const { d, log, slots } = build({ max_ejection_percent: 100 });
    http(d, slots[0], 503, 5, 0);
    expect(log.vectorRecords()).toEqual([
      { t: 0, action: 'EJECT', host: 'h0', type: 'CONSECUTIVE_GATEWAY_FAILURE', enforced: false },
      { t: 0, action: 'EJECT', host: 'h0', type: 'CONSECUTIVE_5XX', enforced: true },
    ]);
  });

  it('an ejecting gateway detection leaves the 5xx detection ignored and its counter unreset', () => {
    const { d, slots } = build({ max_ejection_percent: 100, enforcing_consecutive_gateway_failure: 100 });
    http(d, slots[0], 503, 5, 0);
    expect(d.isEjected(slots[0])).toBe(true);
    expect(d.stats().ejections_detected_consecutive_5xx).toBe(0);
    expect(d.consecutive5xx(slots[0])).toBe(5);
    expect(d.consecutiveGatewayFailure(slots[0])).toBe(0);
  });

  it('a non-gateway 5xx resets only the gateway counter; a success resets both', () => {
    const { d, slots } = build({ max_ejection_percent: 100 });
    http(d, slots[0], 502, 2, 0);
    http(d, slots[0], 500, 1, 0);
    expect([d.consecutive5xx(slots[0]), d.consecutiveGatewayFailure(slots[0])]).toEqual([3, 0]);
    http(d, slots[0], 404, 1, 0);
    expect([d.consecutive5xx(slots[0]), d.consecutiveGatewayFailure(slots[0])]).toEqual([0, 0]);
  });

  it('non-split putResult maps results to codes; LOCAL_ORIGIN_CONNECT_SUCCESS touches nothing', () => {
    const { d, slots } = build({ max_ejection_percent: 100, consecutive_5xx: 100, consecutive_gateway_failure: 100 });
    const s = slots[0];
    d.putResult(s, Result.LOCAL_ORIGIN_CONNECT_FAILED, undefined, 0); // 503
    d.putResult(s, Result.LOCAL_ORIGIN_TIMEOUT, undefined, 0); // 504
    d.putResult(s, Result.LOCAL_ORIGIN_CONNECT_SUCCESS, undefined, 0); // nothing
    expect([d.consecutive5xx(s), d.consecutiveGatewayFailure(s)]).toEqual([2, 2]);
    d.putResult(s, Result.EXT_ORIGIN_REQUEST_FAILED, undefined, 0); // 500
    expect([d.consecutive5xx(s), d.consecutiveGatewayFailure(s)]).toEqual([3, 0]);
    d.putResult(s, Result.LOCAL_ORIGIN_TIMEOUT, 200, 0); // code wins
    expect(d.consecutive5xx(s)).toBe(0);
    d.tick(10_000);
    expect(d.successRate(s, Monitor.EXTERNAL)).toBe(-1); // below volume, but buckets counted:
  });

  it('split mode: connect success between timeouts keeps the local counter from reaching 5', () => {
    const { d, slots } = build({ max_ejection_percent: 100, split_external_local_origin_errors: true });
    const s = slots[0];
    for (let i = 0; i < 20; i++) {
      d.putResult(s, Result.LOCAL_ORIGIN_CONNECT_SUCCESS, undefined, 0);
      d.putResult(s, Result.LOCAL_ORIGIN_TIMEOUT, 504, 0);
    }
    expect(d.isEjected(s)).toBe(false);
    expect(d.consecutiveLocalOriginFailure(s)).toBe(1);
    expect(d.consecutive5xx(s)).toBe(0);
    // EXT_ORIGIN_REQUEST_FAILED is a 503 in split mode.
    d.putResult(s, Result.EXT_ORIGIN_REQUEST_FAILED, undefined, 0);
    expect([d.consecutive5xx(s), d.consecutiveGatewayFailure(s)]).toEqual([1, 1]);
  });

  it('deferred dispatch loses errors between post and run (reset to 0), and ignores posts for removed hosts', () => {
    const { d, slots } = build({ max_ejection_percent: 100, enforcing_consecutive_5xx: 0 }, { dispatch: 'deferred', hosts: 2 });
    http(d, slots[0], 500, 7, 0);
    expect(d.pendingPosts).toBe(1);
    d.runPosts(1);
    expect(d.consecutive5xx(slots[0])).toBe(0);
    http(d, slots[1], 500, 5, 2);
    d.removeHost(slots[1]);
    const reused = d.addHost('h2');
    expect(reused).toBe(slots[1]);
    d.runPosts(3);
    expect(d.stats().ejections_detected_consecutive_5xx).toBe(1);
  });

  it('replayPosts re-runs the last batch: a second ejection of the same host is ignored', () => {
    const { d, log, slots } = build({ max_ejection_percent: 100 }, { dispatch: 'deferred', hosts: 2 });
    http(d, slots[0], 500, 5, 0);
    d.runPosts(0);
    d.replayPosts(0);
    expect(log.events.length).toBe(1);
    expect(d.stats().ejections_detected_consecutive_5xx).toBe(1);
  });
});

describe('ejectHost (spec §5)', () => {
  it('enforcement roll: random() % 100 < p, no draw at 0 or 100', () => {
    const rolls = new ScriptedIntegers([129, 1030, 99]);
    const { d, slots } = build({ max_ejection_percent: 100, enforcing_consecutive_5xx: 30 }, { hosts: 3, enforcementRandom: rolls });
    http(d, slots[0], 500, 5, 0); // 129 % 100 = 29 < 30: enforced
    http(d, slots[1], 500, 5, 0); // 1030 % 100 = 30: not
    http(d, slots[2], 500, 5, 0); // 99: not
    expect(slots.map((s) => d.isEjected(s))).toEqual([true, false, false]);
    expect(rolls.consumed).toBe(3);
    const never = new ScriptedIntegers([0]);
    const b = build({ max_ejection_percent: 100, enforcing_consecutive_5xx: 100 }, { hosts: 2, enforcementRandom: never });
    http(b.d, b.slots[0], 500, 5, 0);
    http(b.d, b.slots[1], 503, 5, 0); // gateway at 0 %: no draw either
    expect(never.consumed).toBe(0);
  });

  it('deprecated counters: ejections_total for 5XX/SR when the percent check passes, enforced or not', () => {
    const { d, slots } = build({ enforcing_consecutive_5xx: 0, max_ejection_percent: 100 });
    http(d, slots[0], 503, 10, 0);
    expect(d.stats()).toMatchObject({
      ejections_total: 2,
      ejections_consecutive_5xx: 2,
      ejections_detected_consecutive_gateway_failure: 2,
      ejections_enforced_total: 0,
    });
  });

  it('jitter: random() % (jitter + 1), drawn even at 0; not drawn before 1.22', () => {
    const r = new ScriptedIntegers([123456789]);
    const { d, slots } = build({ max_ejection_time_jitter_ms: 10_000, max_ejection_percent: 100 }, { random: r });
    http(d, slots[0], 500, 5, 0);
    expect(d.jitter(slots[0])).toBe(4445);
    d.tick(34_444);
    expect(d.isEjected(slots[0])).toBe(true);
    d.tick(34_445);
    expect(d.isEjected(slots[0])).toBe(false);

    const zero = new ScriptedIntegers([7]);
    const z = build({ max_ejection_percent: 100 }, { random: zero });
    http(z.d, z.slots[0], 500, 5, 0);
    expect(zero.consumed).toBe(1);
    expect(z.d.jitter(z.slots[0])).toBe(0);

    const old = new ScriptedIntegers([7]);
    const o = build({ max_ejection_percent: 100 }, { random: old, profile: '1.17-1.21' });
    http(o.d, o.slots[0], 500, 5, 0);
    expect(old.consumed).toBe(0);
  });

  it('backoff closed form: after k back-to-back ejections backoff = min(k, ceil((max+base)/base))', () => {
    for (const [base, max, B] of [
      [10_000, 300_000, 31],
      [10_000, 305_000, 32],
      [2, 7, 5],
    ]) {
      expect(Math.ceil((max + base) / base)).toBe(B);
      const { d, slots } = build({ base_ejection_time_ms: base, max_ejection_time_ms: max, interval_ms: 1, max_ejection_percent: 100 });
      const s = slots[0];
      let now = 0;
      for (let k = 1; k <= B + 3; k++) {
        http(d, s, 500, 5, now);
        expect(d.backoff(s), `base ${base} max ${max} k ${k}`).toBe(Math.min(k, B));
        now += Math.min(base * d.backoff(s), max);
        d.tick(now); // unejects exactly at the duration; re-ejected at the same instant (no decay)
        expect(d.isEjected(s)).toBe(false);
      }
    }
  });

  it('pre-1.17: duration is base × num_ejections, uncapped, no decay', () => {
    const { d, slots } = build({ base_ejection_time_ms: 1000, interval_ms: 1000, max_ejection_percent: 100 }, { profile: 'pre-1.17' });
    const s = slots[0];
    let now = 0;
    for (let k = 1; k <= 400; k++) {
      http(d, s, 500, 5, now);
      expect(d.numEjections(s)).toBe(k);
      d.tick(now + 1000 * k - 1);
      expect(d.isEjected(s)).toBe(true);
      now += 1000 * k;
      d.tick(now);
      expect(d.isEjected(s)).toBe(false);
      // a long healthy stretch does not shorten the next ejection
      for (let i = 0; i < 3; i++) d.tick((now += 1000));
    }
    expect(d.backoff(s)).toBe(0);
  });
});

describe('sweep (spec §6)', () => {
  it('FP skips a host SR already ejected in the same pass (spec §14.2)', () => {
    const { d, slots } = build(
      { max_ejection_percent: 100, enforcing_success_rate: 100, enforcing_failure_percentage: 100, consecutive_5xx: 1_000_000, consecutive_gateway_failure: 1_000_000 },
      { hosts: 5 },
    );
    for (const s of slots.slice(0, 4)) http(d, s, 200, 100, 0);
    http(d, slots[4], 500, 100, 0);
    d.tick(10_000);
    expect(d.ejectionsActive).toBe(1);
    expect(d.stats()).toMatchObject({ ejections_detected_success_rate: 1, ejections_detected_failure_percentage: 0, ejections_enforced_total: 1 });
    expect(d.successRateAverage(Monitor.EXTERNAL)).toBe(80);
    expect(d.successRateEjectionThreshold(Monitor.EXTERNAL)).toBe(80 - 1.9 * 40);
  });

  it('decay: 1.28 rule waits one interval after unejection; pre-1.28 decays before SR/FP', () => {
    const run = (profile: OutlierProfileId) => {
      const { d, slots } = build({ base_ejection_time_ms: 10_000, max_ejection_percent: 100 }, { profile });
      http(d, slots[0], 500, 5, 0);
      d.tick(10_000); // uneject, backoff 1
      return [d.backoff(slots[0]), (d.tick(20_000), d.backoff(slots[0]))];
    };
    expect(run('1.31+')).toEqual([1, 0]);
    expect(run('1.27')).toEqual([1, 0]);
    expect(run('pre-1.17')).toEqual([0, 0]);
  });
});

describe('active health check uneject (spec §7)', () => {
  const scenario = (profile: OutlierProfileId, healthy: boolean, failedActiveHc: boolean, field = true) => {
    const { d, slots } = build({ max_ejection_percent: 100, successful_active_health_check_uneject_host: field }, { profile });
    http(d, slots[0], 500, 5, 0);
    d.activeHealthCheck(slots[0], healthy, failedActiveHc, 5);
    return d.isEjected(slots[0]);
  };
  it('per profile', () => {
    expect(scenario('1.31+', true, false)).toBe(false);
    expect(scenario('1.31+', false, false)).toBe(true);
    expect(scenario('1.28-1.30', false, false)).toBe(false);
    expect(scenario('1.28-1.30', true, true)).toBe(true);
    expect(scenario('1.17-1.21', true, false)).toBe(true);
    expect(scenario('1.31+', true, false, false)).toBe(true);
  });
});

describe('listeners and event log', () => {
  it('tells listeners of every eject and uneject', () => {
    const { d, slots } = build({ max_ejection_percent: 100 }, { hosts: 2 });
    const seen: Array<[number, boolean, number]> = [];
    d.addListener((slot, ejected, now) => seen.push([slot, ejected, now]));
    http(d, slots[1], 500, 5, 7);
    d.tick(30_007);
    expect(seen).toEqual([
      [slots[1], true, 7],
      [slots[1], false, 30_007],
    ]);
  });

  it('formats Envoy OutlierDetectionEvent JSON lines', () => {
    const { d, log, slots } = build({ max_ejection_percent: 100 }, { hosts: 5 });
    const opts = { clusterName: 'outbound|80||mydb.com', upstreamUrl: (h: string) => `10.0.0.${h.slice(1)}:80`, epochMs: Date.UTC(2025, 0, 1) };
    http(d, slots[0], 500, 5, 1500);
    d.tick(31_500);
    for (const s of slots.slice(1)) http(d, s, 200, 100, 40_000);
    for (let i = 0; i < 50; i++) {
      http(d, slots[0], 200, 1, 40_000);
      http(d, slots[0], 503, 1, 40_000);
    }
    d.tick(41_500);
    const lines = log.events.map((e) => formatEnvoyEvent(e, opts));
    expect(lines[0]).toBe(
      '{"type":"CONSECUTIVE_5XX","timestamp":"2025-01-01T00:00:01.500Z","cluster_name":"outbound|80||mydb.com",' +
        '"upstream_url":"10.0.0.0:80","action":"EJECT","num_ejections":1,"enforced":true,"eject_consecutive_event":{}}',
    );
    expect(lines[1]).toBe(
      '{"type":"CONSECUTIVE_5XX","timestamp":"2025-01-01T00:00:31.500Z","secs_since_last_action":"30",' +
        '"cluster_name":"outbound|80||mydb.com","upstream_url":"10.0.0.0:80","action":"UNEJECT","num_ejections":1,"enforced":false}',
    );
    const sr = log.events.find((e) => e.type === EjectionType.SUCCESS_RATE)!;
    expect(sr.hostSuccessRate).toBe(50);
    expect(JSON.parse(formatEnvoyEvent(sr, opts))).toEqual({
      type: 'SUCCESS_RATE',
      timestamp: '2025-01-01T00:00:41.500Z',
      secs_since_last_action: '10',
      cluster_name: 'outbound|80||mydb.com',
      upstream_url: '10.0.0.0:80',
      action: 'EJECT',
      num_ejections: 2,
      enforced: true,
      eject_success_rate_event: { host_success_rate: 50, cluster_average_success_rate: 90, cluster_success_rate_ejection_threshold: 52 },
    });
  });
});
