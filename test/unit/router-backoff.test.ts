import { describe, expect, it } from 'vitest';
import { ScriptedIntegers } from '../../src/engine/random.ts';
import { compileRetryPolicy } from '../../src/envoy/router/retry-policy.ts';
import { RetryStatus } from '../../src/envoy/router/retry-state.ts';
import { JitteredExponentialBackoff, RetryState } from './router-helpers.ts';
import { AttemptOutcome } from '../../src/envoy/router/outcomes.ts';

const constant = (v: number) => ({ next: () => v });

describe('JitteredExponentialBackoff (doubling, current Envoy)', () => {
  // Expectations of Envoy's test/common/common/backoff_strategy_test.cc.
  it('JitteredBackOffBasicFlow / BasicReset: base 25, max 30, random 27', () => {
    const b = new JitteredExponentialBackoff(25, 30);
    const r = constant(27);
    expect(b.nextBackoffMs(r)).toBe(2);
    expect(b.nextBackoffMs(r)).toBe(27);
    b.reset();
    expect(b.nextBackoffMs(r)).toBe(2);
    expect(b.nextBackoffMs(r)).toBe(27);
  });

  it('JitteredBackOffWithMaxInterval / Reset: base 5, max 100, random 9999', () => {
    const b = new JitteredExponentialBackoff(5, 100);
    const r = constant(9999);
    const seq = () => Array.from({ length: 7 }, () => b.nextBackoffMs(r));
    expect(seq()).toEqual([4, 9, 19, 39, 79, 99, 99]);
    b.reset();
    expect(seq()).toEqual([4, 9, 19, 39, 79, 99, 99]);
  });

  it('default 25/250: intervals 25, 50, 100, 200, 250, 250', () => {
    const b = new JitteredExponentialBackoff(25, 250);
    const intervals: number[] = [];
    const r = constant(2 ** 32 - 1);
    const draws: number[] = [];
    for (let i = 0; i < 6; i++) {
      intervals.push(b.peekIntervalMs());
      draws.push(b.nextBackoffMs(r));
    }
    expect(intervals).toEqual([25, 50, 100, 200, 250, 250]);
    expect(draws).toEqual(intervals.map((n) => (2 ** 32 - 1) % n));
  });

  it('uses each draw modulo the current interval', () => {
    const b = new JitteredExponentialBackoff(25, 250);
    const r = new ScriptedIntegers([49, 49, 1_000_003, 7]);
    expect([b.nextBackoffMs(r), b.nextBackoffMs(r), b.nextBackoffMs(r), b.nextBackoffMs(r)]).toEqual([
      49 % 25,
      49 % 50,
      1_000_003 % 100,
      7 % 200,
    ]);
    expect(r.consumed).toBe(4);
  });
});

describe('JitteredExponentialBackoff (legacy (2^n-1)·base, clamped)', () => {
  it('intervals 25, 75, 175, 375 and the result clamped at max', () => {
    const b = new JitteredExponentialBackoff(25, 250, 'legacy');
    const r = constant(374);
    const out = Array.from({ length: 5 }, () => b.nextBackoffMs(r));
    // 374%25, 374%75, 374%175, min(374%375, 250), and the interval stays at 375
    expect(out).toEqual([24, 74, 24, 250, 250]);
    b.reset();
    expect(b.nextBackoffMs(r)).toBe(24);
  });
});

describe('RetryState back-off draws', () => {
  it('draws one random number per granted retry and none otherwise', () => {
    const policy = compileRetryPolicy({
      num_retries: 3,
      retry_on: ['connect-failure'],
      retriable_status_codes: [],
      per_try_timeout_ms: 0,
      previous_hosts_predicate: true,
      host_selection_retry_max_attempts: 5,
      backoff_base_interval_ms: 0,
      backoff_max_interval_ms: 0,
    });
    const r = new ScriptedIntegers([30, 30, 30, 30, 30]);
    const s = new RetryState(policy, r);
    s.begin(0, 0);
    expect(s.onAttemptOutcome(AttemptOutcome.RESPONSE, 503)).toBe(RetryStatus.NO);
    expect(r.consumed).toBe(0);
    const got: number[] = [];
    for (let i = 0; i < 3; i++) {
      expect(s.onAttemptOutcome(AttemptOutcome.CONNECT_FAILURE, 0)).toBe(RetryStatus.YES);
      got.push(s.backoffMs);
    }
    expect(got).toEqual([30 % 25, 30 % 50, 30 % 100]);
    expect(s.onAttemptOutcome(AttemptOutcome.CONNECT_FAILURE, 0)).toBe(RetryStatus.NO_RETRY_LIMIT_EXCEEDED);
    expect(r.consumed).toBe(3);
    // A new request starts the back-off over.
    s.begin(100, 0);
    expect(s.onAttemptOutcome(AttemptOutcome.CONNECT_FAILURE, 0)).toBe(RetryStatus.YES);
    expect(s.backoffMs).toBe(30 % 25);
  });
});
