import { describe, expect, it } from 'vitest';
import { semanticsForEnvoyMinor } from '../../src/envoy/profiles.ts';
import { OutlierResult } from '../../src/envoy/outlier/result-codes.ts';
import {
  AttemptOutcome,
  type OutlierSink,
  TIMEOUT_RESPONSE_CODE,
  attemptConnected,
  clientResponseFlags,
  clientSeesReset,
  clientStatus,
  formatResponseFlags,
  reportAttemptFailure,
  reportPoolReady,
  reportResponseHeaders,
} from '../../src/envoy/router/outcomes.ts';

const RESULT_NAME = Object.fromEntries(Object.entries(OutlierResult).map(([k, v]) => [v, k]));

/** Records the raw calls. */
class RecordingSink implements OutlierSink {
  calls: string[] = [];
  putHttpResponseCode(slot: number, code: number, now: number): void {
    this.calls.push(`code(${slot},${code})@${now}`);
  }
  putResult(slot: number, result: number, code: number | undefined, now: number): void {
    this.calls.push(`${RESULT_NAME[result]}(${slot}${code === undefined ? '' : `,${code}`})@${now}`);
  }
}

/**
 * What a detector's counters see from those calls, per spec outlier §2.1-§2.3 (a tiny model of the
 * host monitor's input mapping, independent of src/envoy/outlier): default mode turns results into
 * HTTP codes; split mode into local successes/failures.
 */
class SeenBySink implements OutlierSink {
  seen: string[] = [];
  constructor(private readonly split: boolean) {}
  putHttpResponseCode(_slot: number, code: number): void {
    this.seen.push(String(code));
  }
  putResult(_slot: number, result: number, code: number | undefined): void {
    if (!this.split) {
      if (code !== undefined) return void this.seen.push(String(code));
      const map: Record<number, string | undefined> = {
        [OutlierResult.EXT_ORIGIN_REQUEST_SUCCESS]: '200',
        [OutlierResult.LOCAL_ORIGIN_CONNECT_SUCCESS_FINAL]: '200',
        [OutlierResult.LOCAL_ORIGIN_TIMEOUT]: '504',
        [OutlierResult.LOCAL_ORIGIN_CONNECT_FAILED]: '503',
        [OutlierResult.EXT_ORIGIN_REQUEST_FAILED]: '500',
        [OutlierResult.LOCAL_ORIGIN_CONNECT_SUCCESS]: undefined,
      };
      const m = map[result];
      if (m !== undefined) this.seen.push(m);
      return;
    }
    switch (result) {
      case OutlierResult.LOCAL_ORIGIN_CONNECT_SUCCESS:
      case OutlierResult.LOCAL_ORIGIN_CONNECT_SUCCESS_FINAL:
        this.seen.push('local-ok');
        return;
      case OutlierResult.LOCAL_ORIGIN_TIMEOUT:
      case OutlierResult.LOCAL_ORIGIN_CONNECT_FAILED:
        this.seen.push('local-fail');
        return;
      case OutlierResult.EXT_ORIGIN_REQUEST_FAILED:
        this.seen.push('503');
        return;
      case OutlierResult.EXT_ORIGIN_REQUEST_SUCCESS:
        this.seen.push('200', 'local-ok');
        return;
    }
  }
}

/**
 * Every report one attempt makes, in Envoy's order, when its phases happen at the given times:
 * pool ready (connected outcomes) → response headers (RESPONSE, RESET_AFTER_HEADERS) → the failure.
 */
function reportAttempt(
  sink: OutlierSink,
  slot: number,
  outcome: number,
  status: number,
  connectedAt: number,
  headersAt: number,
  endedAt: number,
  reportsOverflowToOutlier: boolean,
): void {
  if (attemptConnected(outcome)) reportPoolReady(sink, slot, connectedAt);
  if (outcome === AttemptOutcome.RESPONSE || outcome === AttemptOutcome.RESET_AFTER_HEADERS) reportResponseHeaders(sink, slot, status, headersAt);
  reportAttemptFailure(sink, slot, outcome, endedAt, reportsOverflowToOutlier);
}

function seen(split: boolean, outcome: number, status = 0, reportsOverflow = false): string[] {
  const s = new SeenBySink(split);
  reportAttempt(s, 0, outcome, status, 1, 2, 3, reportsOverflow);
  return s.seen;
}

describe('attempt outcome → outlier reports (Envoy order)', () => {
  it('raw calls: pool ready first, then the response / failure, at their own times', () => {
    const r = new RecordingSink();
    reportAttempt(r, 7, AttemptOutcome.RESPONSE, 503, 10, 15, 20, false);
    reportAttempt(r, 7, AttemptOutcome.RESET_AFTER_HEADERS, 200, 30, 35, 40, false);
    reportAttempt(r, 7, AttemptOutcome.CONNECT_FAILURE, 0, 50, 55, 60, false);
    reportAttempt(r, 7, AttemptOutcome.PER_TRY_TIMEOUT, 0, 70, 75, 80, false);
    expect(r.calls).toEqual([
      'LOCAL_ORIGIN_CONNECT_SUCCESS(7)@10',
      'code(7,503)@15',
      'LOCAL_ORIGIN_CONNECT_SUCCESS(7)@30',
      'code(7,200)@35',
      'LOCAL_ORIGIN_CONNECT_FAILED(7)@40',
      'LOCAL_ORIGIN_CONNECT_FAILED(7)@60',
      'LOCAL_ORIGIN_CONNECT_SUCCESS(7)@70',
      `LOCAL_ORIGIN_TIMEOUT(7,${TIMEOUT_RESPONSE_CODE})@80`,
    ]);
  });

  it('response headers are reported with their status code', () => {
    const c = new RecordingSink();
    reportResponseHeaders(c, 2, 404, 9);
    expect(c.calls).toEqual(['code(2,404)@9']);
  });

  const table: [string, number, number, string[], string[]][] = [
    // name, outcome, status, default mode sees, split mode sees
    ['200 response', AttemptOutcome.RESPONSE, 200, ['200'], ['local-ok', '200']],
    ['503 response', AttemptOutcome.RESPONSE, 503, ['503'], ['local-ok', '503']],
    ['connect failure', AttemptOutcome.CONNECT_FAILURE, 0, ['503'], ['local-fail']],
    ['connect timeout', AttemptOutcome.CONNECT_TIMEOUT, 0, ['503'], ['local-fail']],
    ['reset before headers', AttemptOutcome.RESET_BEFORE_HEADERS, 0, ['503'], ['local-ok', 'local-fail']],
    ['refused stream', AttemptOutcome.REFUSED_STREAM, 0, ['503'], ['local-ok', 'local-fail']],
    ['reset after a 200', AttemptOutcome.RESET_AFTER_HEADERS, 200, ['200', '503'], ['local-ok', '200', 'local-fail']],
    ['per-try timeout', AttemptOutcome.PER_TRY_TIMEOUT, 0, ['504'], ['local-ok', 'local-fail']],
    ['route timeout awaiting headers', AttemptOutcome.GLOBAL_TIMEOUT, 0, ['504'], ['local-ok', 'local-fail']],
    ['route timeout while connecting', AttemptOutcome.GLOBAL_TIMEOUT_CONNECTING, 0, [], []],
  ];
  for (const [name, o, st, dflt, split] of table) {
    it(`${name}: default mode sees [${dflt}], split mode [${split}]`, () => {
      expect(seen(false, o, st)).toEqual(dflt);
      expect(seen(true, o, st)).toEqual(split);
    });
  }

  it('overflow is reported (as a connect failure) before 1.26 only', () => {
    const v25 = semanticsForEnvoyMinor(25).reportsOverflowToOutlier;
    const v26 = semanticsForEnvoyMinor(26).reportsOverflowToOutlier;
    expect(seen(false, AttemptOutcome.OVERFLOW, 0, v25)).toEqual(['503']);
    expect(seen(true, AttemptOutcome.OVERFLOW, 0, v25)).toEqual(['local-fail']);
    expect(seen(false, AttemptOutcome.OVERFLOW, 0, v26)).toEqual([]);
    expect(seen(true, AttemptOutcome.OVERFLOW, 0, v26)).toEqual([]);
  });

  it('split mode: a host that accepts connections but times out every request never builds a local streak', () => {
    // spec §2.4 worked consequence: local counter goes 0→1→0→1…
    const s = new SeenBySink(true);
    for (let i = 0; i < 5; i++) reportAttempt(s, 0, AttemptOutcome.PER_TRY_TIMEOUT, 0, i, i, i, false);
    let streak = 0;
    let maxStreak = 0;
    for (const e of s.seen) {
      streak = e === 'local-fail' ? streak + 1 : 0;
      maxStreak = Math.max(maxStreak, streak);
    }
    expect(maxStreak).toBe(1);
    const d = new SeenBySink(false);
    for (let i = 0; i < 5; i++) reportAttempt(d, 0, AttemptOutcome.PER_TRY_TIMEOUT, 0, i, i, i, false);
    expect(d.seen).toEqual(['504', '504', '504', '504', '504']);
  });

  it('attemptConnected marks exactly the outcomes that had a pool-ready stream', () => {
    const connected = Object.entries(AttemptOutcome)
      .filter(([, v]) => attemptConnected(v))
      .map(([k]) => k)
      .sort();
    expect(connected).toEqual(
      ['GLOBAL_TIMEOUT', 'PER_TRY_TIMEOUT', 'REFUSED_STREAM', 'RESET_AFTER_HEADERS', 'RESET_BEFORE_HEADERS', 'RESPONSE'].sort(),
    );
  });
});

describe('what the client sees when an outcome is final', () => {
  const cases: [string, number, number, boolean, number, string, boolean][] = [
    ['200', AttemptOutcome.RESPONSE, 200, false, 200, '-', false],
    ['503 after retries', AttemptOutcome.RESPONSE, 503, true, 503, 'URX', false],
    ['connect failure', AttemptOutcome.CONNECT_FAILURE, 0, false, 503, 'UF', false],
    ['connect failure, retries exhausted', AttemptOutcome.CONNECT_FAILURE, 0, true, 503, 'UF,URX', false],
    ['connect timeout', AttemptOutcome.CONNECT_TIMEOUT, 0, false, 503, 'UF', false],
    ['reset before headers', AttemptOutcome.RESET_BEFORE_HEADERS, 0, false, 503, 'UR', false],
    ['refused stream', AttemptOutcome.REFUSED_STREAM, 0, false, 503, 'UR', false],
    ['reset after headers', AttemptOutcome.RESET_AFTER_HEADERS, 200, false, 200, 'UR', true],
    ['per-try timeout', AttemptOutcome.PER_TRY_TIMEOUT, 0, false, 504, 'UT', false],
    ['route timeout', AttemptOutcome.GLOBAL_TIMEOUT, 0, false, 504, 'UT', false],
    ['route timeout while connecting', AttemptOutcome.GLOBAL_TIMEOUT_CONNECTING, 0, false, 504, 'UT', false],
    ['overflow', AttemptOutcome.OVERFLOW, 0, false, 503, 'UO', false],
  ];
  for (const [name, o, st, urx, status, flags, reset] of cases) {
    it(`${name}: ${status} ${flags}${reset ? ' then reset' : ''}`, () => {
      expect(clientStatus(o, st)).toBe(status);
      expect(formatResponseFlags(clientResponseFlags(o, urx))).toBe(flags);
      expect(clientSeesReset(o)).toBe(reset);
    });
  }
});
