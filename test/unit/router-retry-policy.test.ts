import { describe, expect, it } from 'vitest';
import type { RetryPolicyConfig } from '../../src/envoy/cluster.ts';
import { ScriptedIntegers } from '../../src/engine/random.ts';
import { AttemptOutcome, clientResponseFlags, formatResponseFlags } from '../../src/envoy/router/outcomes.ts';
import {
  RetryOn,
  compileRetryPolicy,
  parseRetryOn,
} from '../../src/envoy/router/retry-policy.ts';
import { RetryStateTable, RetryStatus } from '../../src/envoy/router/retry-state.ts';
import { RetryState } from './router-helpers.ts';

function config(retryOn: string[], extra: Partial<RetryPolicyConfig> = {}): RetryPolicyConfig {
  return {
    num_retries: 2,
    retry_on: retryOn,
    retriable_status_codes: [],
    per_try_timeout_ms: 0,
    previous_hosts_predicate: false,
    host_selection_retry_max_attempts: 0,
    backoff_base_interval_ms: 0,
    backoff_max_interval_ms: 0,
    ...extra,
  };
}

/** Decision for one outcome on a fresh request (first attempt). */
function decide(cfg: RetryPolicyConfig, outcome: number, status = 0): number {
  const s = new RetryState(compileRetryPolicy(cfg), new ScriptedIntegers([], 7));
  s.begin(0, 0);
  s.onAttemptStart();
  return s.onAttemptOutcome(outcome, status);
}

// Columns of the matrix: outcome (and status for responses).
const COLUMNS: [string, number, number][] = [
  ['200', AttemptOutcome.RESPONSE, 200],
  ['409', AttemptOutcome.RESPONSE, 409],
  ['429', AttemptOutcome.RESPONSE, 429],
  ['500', AttemptOutcome.RESPONSE, 500],
  ['502', AttemptOutcome.RESPONSE, 502],
  ['503', AttemptOutcome.RESPONSE, 503],
  ['504', AttemptOutcome.RESPONSE, 504],
  ['connect-failure', AttemptOutcome.CONNECT_FAILURE, 0],
  ['connect-timeout', AttemptOutcome.CONNECT_TIMEOUT, 0],
  ['reset-before-headers', AttemptOutcome.RESET_BEFORE_HEADERS, 0],
  ['refused-stream', AttemptOutcome.REFUSED_STREAM, 0],
  ['reset-after-headers', AttemptOutcome.RESET_AFTER_HEADERS, 200],
  ['per-try-timeout', AttemptOutcome.PER_TRY_TIMEOUT, 0],
  ['global-timeout', AttemptOutcome.GLOBAL_TIMEOUT, 0],
  ['global-timeout-connecting', AttemptOutcome.GLOBAL_TIMEOUT_CONNECTING, 0],
  ['overflow', AttemptOutcome.OVERFLOW, 0],
];

// Expected retriable columns per retry_on class, from RetryStateImpl::wouldRetryFromHeaders /
// wouldRetryFromReset and the router (no retry once the response started or after the route timeout;
// a per-try timeout is a local reset of a started request; overflow is never retried).
const RESETS = ['connect-failure', 'connect-timeout', 'reset-before-headers', 'refused-stream', 'per-try-timeout'];
const EXPECTED: [string[], RetryPolicyConfig | undefined, string[]][] = [
  [['5xx'], undefined, ['500', '502', '503', '504', ...RESETS]],
  [['gateway-error'], undefined, ['502', '503', '504', ...RESETS]],
  [['connect-failure'], undefined, ['connect-failure', 'connect-timeout']],
  [['retriable-4xx'], undefined, ['409']],
  [['refused-stream'], undefined, ['refused-stream']],
  [['retriable-status-codes'], config(['retriable-status-codes'], { retriable_status_codes: [503, 429] }), ['429', '503']],
  [['retriable-status-codes'], undefined, []],
  [['reset'], undefined, RESETS],
  [['reset-before-request'], undefined, ['connect-failure', 'connect-timeout']],
  [['envoy-ratelimited'], undefined, []],
  [['unavailable'], undefined, []],
  [['cancelled'], undefined, []],
  [['resource-exhausted'], undefined, []],
  [['deadline-exceeded'], undefined, []],
];

describe('retry_on × attempt outcome', () => {
  for (const [retryOn, cfg, retriable] of EXPECTED) {
    const label = `${retryOn.join(',')}${cfg?.retriable_status_codes.length ? ` [${cfg.retriable_status_codes}]` : ''}`;
    it(`${label} retries exactly: ${retriable.join(' ') || 'nothing'}`, () => {
      const c = cfg ?? config(retryOn);
      const got = COLUMNS.filter(([, o, st]) => decide(c, o, st) === RetryStatus.YES).map(([n]) => n);
      expect(got.sort()).toEqual([...retriable].sort());
    });
  }

  it('x-envoy-ratelimited: only envoy-ratelimited decides, whatever the status', () => {
    const mk = (names: string[]) => {
      const s = new RetryState(compileRetryPolicy(config(names)), new ScriptedIntegers([], 0));
      s.begin(0, 0);
      return s;
    };
    expect(mk(['envoy-ratelimited']).onAttemptOutcome(AttemptOutcome.RESPONSE, 429, true)).toBe(RetryStatus.YES);
    expect(mk(['5xx']).onAttemptOutcome(AttemptOutcome.RESPONSE, 503, true)).toBe(RetryStatus.NO);
    expect(mk(['5xx', 'envoy-ratelimited']).onAttemptOutcome(AttemptOutcome.RESPONSE, 503, true)).toBe(RetryStatus.YES);
  });
});

describe('reset-before-request and the router’s sticky "upstream request started" flag', () => {
  it('after a connected attempt is reset, later connect failures are no longer retried by it', () => {
    const s = new RetryState(compileRetryPolicy(config(['reset-before-request'], { num_retries: 5 })), new ScriptedIntegers([], 0));
    s.begin(0, 0);
    expect(s.onAttemptOutcome(AttemptOutcome.CONNECT_FAILURE, 0)).toBe(RetryStatus.YES);
    expect(s.upstreamRequestStarted).toBe(false);
    expect(s.onAttemptOutcome(AttemptOutcome.RESET_BEFORE_HEADERS, 0)).toBe(RetryStatus.NO);
    expect(s.upstreamRequestStarted).toBe(true);
    expect(s.onAttemptOutcome(AttemptOutcome.CONNECT_FAILURE, 0)).toBe(RetryStatus.NO);
    s.begin(10, 0);
    expect(s.onAttemptOutcome(AttemptOutcome.CONNECT_FAILURE, 0)).toBe(RetryStatus.YES);
  });

  it('a retried response does not set the flag (Envoy only updates it on the reset path)', () => {
    const cfg = config(['reset-before-request', 'retriable-status-codes'], { retriable_status_codes: [503], num_retries: 5 });
    const s = new RetryState(compileRetryPolicy(cfg), new ScriptedIntegers([], 0));
    s.begin(0, 0);
    expect(s.onAttemptOutcome(AttemptOutcome.RESPONSE, 503)).toBe(RetryStatus.YES);
    expect(s.upstreamRequestStarted).toBe(false);
    expect(s.onAttemptOutcome(AttemptOutcome.CONNECT_FAILURE, 0)).toBe(RetryStatus.YES);
  });
});

describe('num_retries', () => {
  it('is exhausted after num_retries grants; the next retriable outcome sets URX', () => {
    const s = new RetryState(compileRetryPolicy(config(['connect-failure'], { num_retries: 2 })), new ScriptedIntegers([], 3));
    s.begin(0, 0);
    const seq: number[] = [];
    for (let i = 0; i < 3; i++) {
      s.onAttemptStart();
      seq.push(s.onAttemptOutcome(AttemptOutcome.CONNECT_FAILURE, 0));
    }
    expect(seq).toEqual([RetryStatus.YES, RetryStatus.YES, RetryStatus.NO_RETRY_LIMIT_EXCEEDED]);
    expect(s.attempts).toBe(3);
    expect(s.retryLimitExceeded).toBe(true);
    expect(formatResponseFlags(clientResponseFlags(AttemptOutcome.CONNECT_FAILURE, s.retryLimitExceeded))).toBe('UF,URX');
    // A non-retriable final outcome clears URX.
    expect(s.onAttemptOutcome(AttemptOutcome.RESPONSE, 200)).toBe(RetryStatus.NO);
    expect(s.retryLimitExceeded).toBe(false);
  });

  it('num_retries 0 never retries and reports URX for a retriable outcome', () => {
    expect(decide(config(['5xx'], { num_retries: 0 }), AttemptOutcome.RESPONSE, 503)).toBe(RetryStatus.NO_RETRY_LIMIT_EXCEEDED);
    expect(decide(config(['5xx'], { num_retries: 0 }), AttemptOutcome.RESPONSE, 404)).toBe(RetryStatus.NO);
  });
});

describe('timeouts', () => {
  it('route timeout: deadline, and a retry whose back-off ends at or after it does not start', () => {
    const s = new RetryState(compileRetryPolicy(config(['connect-failure'], { backoff_base_interval_ms: 100 })), new ScriptedIntegers([99]));
    s.begin(1000, 500);
    expect(s.deadline).toBe(1500);
    expect(s.onAttemptOutcome(AttemptOutcome.CONNECT_FAILURE, 0)).toBe(RetryStatus.YES);
    expect(s.backoffMs).toBe(99);
    expect(s.retryStartsBeforeDeadline(1400)).toBe(true);
    expect(s.retryStartsBeforeDeadline(1401)).toBe(false);
    s.begin(0, 0);
    expect(s.deadline).toBe(Infinity);
  });

  it('per-try deadline counts from pool ready; 0 means none', () => {
    const s = new RetryState(compileRetryPolicy(config(['5xx'], { per_try_timeout_ms: 250 })), new ScriptedIntegers([]));
    expect(s.perTryDeadline(40)).toBe(290);
    const t = new RetryState(compileRetryPolicy(config(['5xx'])), new ScriptedIntegers([]));
    expect(t.perTryDeadline(40)).toBe(Infinity);
  });

  it('route timeouts are never retried, even under 5xx/reset', () => {
    for (const o of [AttemptOutcome.GLOBAL_TIMEOUT, AttemptOutcome.GLOBAL_TIMEOUT_CONNECTING]) {
      expect(decide(config(['5xx', 'reset', 'gateway-error']), o)).toBe(RetryStatus.NO);
    }
  });
});

describe('Istio default retry policy (spec outlier §13.4, LB §9.3)', () => {
  const retryOn = ['connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes'];
  const istio = (codes: number[]): RetryPolicyConfig => ({
    num_retries: 2,
    retry_on: retryOn,
    retriable_status_codes: codes,
    per_try_timeout_ms: 0,
    previous_hosts_predicate: true,
    host_selection_retry_max_attempts: 5,
    backoff_base_interval_ms: 25,
    backoff_max_interval_ms: 250,
  });
  const le123 = istio([503]);
  const ge124 = istio([]);

  it('parses the comma-separated retry_on', () => {
    const p = compileRetryPolicy(le123);
    expect(p.unknownRetryOn).toEqual([]);
    expect(p.retryOn).toBe(RetryOn.CONNECT_FAILURE | RetryOn.REFUSED_STREAM | RetryOn.RETRIABLE_STATUS_CODES | RetryOn.GRPC_CANCELLED | RetryOn.GRPC_UNAVAILABLE);
  });

  it('≤1.23 retries a 503, ≥1.24 does not; both retry connect failures; neither retries 500/502/resets/per-try timeouts', () => {
    const cases: [string, number, number, number, number][] = [
      ['503', AttemptOutcome.RESPONSE, 503, RetryStatus.YES, RetryStatus.NO],
      ['502', AttemptOutcome.RESPONSE, 502, RetryStatus.NO, RetryStatus.NO],
      ['500', AttemptOutcome.RESPONSE, 500, RetryStatus.NO, RetryStatus.NO],
      ['connect-failure', AttemptOutcome.CONNECT_FAILURE, 0, RetryStatus.YES, RetryStatus.YES],
      ['connect-timeout', AttemptOutcome.CONNECT_TIMEOUT, 0, RetryStatus.YES, RetryStatus.YES],
      ['refused-stream', AttemptOutcome.REFUSED_STREAM, 0, RetryStatus.YES, RetryStatus.YES],
      ['reset-before-headers', AttemptOutcome.RESET_BEFORE_HEADERS, 0, RetryStatus.NO, RetryStatus.NO],
      ['per-try-timeout', AttemptOutcome.PER_TRY_TIMEOUT, 0, RetryStatus.NO, RetryStatus.NO],
    ];
    for (const [name, o, st, old, cur] of cases) {
      expect([name, decide(le123, o, st)]).toEqual([name, old]);
      expect([name, decide(ge124, o, st)]).toEqual([name, cur]);
    }
  });

  it('three attempts at most: the third 503 under ≤1.23 ends with URX', () => {
    const s = new RetryState(compileRetryPolicy(le123), new ScriptedIntegers([], 0));
    s.begin(0, 0);
    const seq = [1, 2, 3].map(() => s.onAttemptOutcome(AttemptOutcome.RESPONSE, 503));
    expect(seq).toEqual([RetryStatus.YES, RetryStatus.YES, RetryStatus.NO_RETRY_LIMIT_EXCEEDED]);
  });

  it('previous_hosts: rejects attempted hosts on retries only; 5 host-selection retries', () => {
    const s = new RetryState(compileRetryPolicy(ge124), new ScriptedIntegers([], 0));
    s.begin(0, 0);
    s.onAttemptStart();
    expect(s.hostSelectionRetryCount()).toBe(1);
    s.onHostAttempted(33);
    expect(s.shouldSelectAnotherHost(33)).toBe(false); // first try: predicate not consulted
    s.onAttemptOutcome(AttemptOutcome.CONNECT_FAILURE, 0);
    s.onAttemptStart();
    expect(s.isRetry).toBe(true);
    expect(s.hostSelectionRetryCount()).toBe(5);
    expect(s.shouldSelectAnotherHost(33)).toBe(true);
    expect(s.shouldSelectAnotherHost(1)).toBe(false);
    s.onHostAttempted(1);
    s.onHostAttempted(33); // already attempted: listed once
    expect(s.attemptedHosts).toEqual([33, 1]);
    s.begin(5, 0);
    expect(s.attemptedHosts).toEqual([]);
    expect(s.hostWasAttempted(33)).toBe(false);
    expect(s.isRetry).toBe(false);
  });
});

describe('compileRetryPolicy', () => {
  it('takes Envoy defaults for unset back-off and host-selection fields', () => {
    const p = compileRetryPolicy(config(['5xx']));
    expect([p.backoffBaseMs, p.backoffMaxMs, p.hostSelectionMaxAttempts, p.previousPrioritiesUpdateFrequency]).toEqual([25, 250, 1, 0]);
    const q = compileRetryPolicy(config(['5xx'], { backoff_base_interval_ms: 100, previous_priorities_update_frequency: 2 }));
    expect([q.backoffBaseMs, q.backoffMaxMs, q.previousPrioritiesUpdateFrequency]).toEqual([100, 1000, 2]);
  });

  it('reports unknown retry_on names and rejects max < base', () => {
    expect(parseRetryOn(['5xx', 'bogus, gateway-error']).unknown).toEqual(['bogus']);
    expect(parseRetryOn(['5xx', 'bogus, gateway-error']).bits).toBe(RetryOn.FIVE_XX | RetryOn.GATEWAY_ERROR);
    expect(() => compileRetryPolicy(config(['5xx'], { backoff_base_interval_ms: 100, backoff_max_interval_ms: 50 }))).toThrow(RangeError);
  });
});

describe('RetryStateTable', () => {
  const policy = (retries: number) => compileRetryPolicy(config(['connect-failure'], { num_retries: retries, backoff_base_interval_ms: 10 }));

  it('rows are independent: one request retrying leaves the others as they were', () => {
    const t = new RetryStateTable(new ScriptedIntegers([7, 15]), 3, 3);
    for (let r = 0; r < 3; r++) t.begin(r, 100 * r, 50, policy(2));
    t.onAttemptStart(1);
    t.onHostAttempted(1, 4);
    expect(t.onAttemptOutcome(1, AttemptOutcome.CONNECT_FAILURE, 0)).toBe(RetryStatus.YES);
    t.onAttemptStart(1);
    expect(t.onAttemptOutcome(1, AttemptOutcome.CONNECT_FAILURE, 0)).toBe(RetryStatus.YES);
    // Back-offs 7 % 10 then 15 % 20 (doubling): the row's own back-off state.
    expect(t.backoffMs[1]).toBe(15);
    expect([t.isRetry(1), t.retriesRemaining[1], t.hostWasAttempted(1, 4)]).toEqual([true, 0, true]);
    for (const r of [0, 2]) {
      expect([t.isRetry(r), t.retriesRemaining[r], t.attempts[r], t.attemptedCount[r], t.deadline[r]]).toEqual([false, 2, 0, 0, 100 * r + 50]);
    }
  });

  it('grows and widens rows without losing what they hold', () => {
    const t = new RetryStateTable(new ScriptedIntegers([], 0), 2, 1);
    t.begin(0, 0, 0, policy(0));
    t.onHostAttempted(0, 9);
    t.begin(1, 0, 0, policy(4)); // 5 attempts per request: rows widen
    expect(t.hostsPerRow).toBeGreaterThanOrEqual(5);
    for (const h of [1, 2, 3, 2, 4]) t.onHostAttempted(1, h);
    t.grow(8);
    expect(t.capacity).toBe(8);
    expect([t.attemptedHost(0, 0), t.attemptedCount[0]]).toEqual([9, 1]);
    expect(Array.from({ length: t.attemptedCount[1] }, (_, i) => t.attemptedHost(1, i))).toEqual([1, 2, 3, 4]);
    expect(t.deadline[7]).toBe(Infinity);
    const scratch = new Uint8Array(6);
    t.markAttempted(1, scratch, 1);
    expect(Array.from(scratch)).toEqual([0, 1, 1, 1, 1, 0]);
  });
});
