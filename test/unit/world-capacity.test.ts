/**
 * EndpointServers (src/world/capacity.ts) on its own: admission, FIFO order, the slowdown formula,
 * cancellation, utilisation accounting and job-id reuse. The simulator's use of it is tested through
 * runs in test/statistical/queueing.test.ts.
 */
import { describe, expect, test } from 'vitest';
import type { CapacitySpec } from '../../src/config/scenario.ts';
import { ADMIT_QUEUED, ADMIT_REJECTED, ADMIT_STARTED, EndpointServers } from '../../src/world/capacity.ts';

function spec(c: Partial<CapacitySpec> & { concurrency: number }): CapacitySpec {
  return { queue: 0, slowdown: 1, overloadStatus: 503, abandonedWork: 'continue', ...c };
}

/** Admits a job with base latency `baseMs` for request slot `slot` and returns [code, job]. */
function admit(s: EndpointServers, e: number, now: number, baseMs: number, slot = 0): [number, number] {
  const code = s.admit(e, now, baseMs, slot, 1, 0, 200);
  return [code, s.lastJob];
}

describe('EndpointServers: admission', () => {
  test('started while a slot is free, queued while the queue has room, then rejected', () => {
    const s = new EndpointServers([spec({ concurrency: 2, queue: 1 })]);
    expect(admit(s, 0, 0, 10)[0]).toBe(ADMIT_STARTED);
    expect(admit(s, 0, 0, 10)[0]).toBe(ADMIT_STARTED);
    expect(s.busy[0]).toBe(2);
    expect(admit(s, 0, 0, 10)[0]).toBe(ADMIT_QUEUED);
    expect(s.queued[0]).toBe(1);
    const [code, job] = admit(s, 0, 0, 10);
    expect(code).toBe(ADMIT_REJECTED);
    expect(job).toBe(-1);
    expect(s.rejected[0]).toBe(1);
    expect(s.maxBusy[0]).toBe(2);
    expect(s.maxQueued[0]).toBe(1);
  });

  test('queue 0 (the default) refuses as soon as every slot is busy', () => {
    const s = new EndpointServers([spec({ concurrency: 1 })]);
    expect(admit(s, 0, 0, 5)[0]).toBe(ADMIT_STARTED);
    expect(admit(s, 0, 1, 5)[0]).toBe(ADMIT_REJECTED);
    expect(s.rejected[0]).toBe(1);
  });

  test('endpoints are independent; an endpoint without a spec is not limited', () => {
    const s = new EndpointServers([spec({ concurrency: 1 }), undefined, spec({ concurrency: 1, overloadStatus: 529 })]);
    expect(s.any).toBe(true);
    expect([s.limited(0), s.limited(1), s.limited(2)]).toEqual([true, false, true]);
    expect(s.overloadStatus[2]).toBe(529);
    expect(admit(s, 0, 0, 5)[0]).toBe(ADMIT_STARTED);
    expect(admit(s, 2, 0, 5)[0]).toBe(ADMIT_STARTED);
    expect(admit(s, 0, 0, 5)[0]).toBe(ADMIT_REJECTED);
    expect(s.rejected[2]).toBe(0);
    expect(new EndpointServers([undefined, undefined]).any).toBe(false);
  });

  test('the job carries what the response will say', () => {
    const s = new EndpointServers([spec({ concurrency: 1 })]);
    s.admit(0, 0, 7, 42, 9, 3, 500);
    const job = s.lastJob;
    expect([s.jobSlot[job], s.jobSeq[job], s.jobOutcome[job], s.jobStatus[job], s.jobEndpoint[job]]).toEqual([42, 9, 3, 500, 0]);
  });
});

describe('EndpointServers: order and service time', () => {
  test('waiting jobs start in FIFO order as slots free up', () => {
    const s = new EndpointServers([spec({ concurrency: 1, queue: 10 })]);
    const [, first] = admit(s, 0, 0, 10, 100);
    const waiting = [101, 102, 103, 104].map((slot) => admit(s, 0, 0, 10, slot)[1]);
    const order: number[] = [];
    let job = first;
    for (let t = 10; job >= 0; t += 10) {
      const next = s.finish(job, t);
      if (next >= 0) order.push(s.jobSlot[next]);
      job = next;
    }
    expect(order).toEqual([101, 102, 103, 104]);
    expect(waiting).toHaveLength(4);
    expect(s.busy[0]).toBe(0);
    expect(s.queued[0]).toBe(0);
  });

  test('service time = base × (1 + (slowdown − 1) · busy / concurrency), busy counted at start, the job included', () => {
    const s = new EndpointServers([spec({ concurrency: 4, queue: 4, slowdown: 3 })]);
    const times: number[] = [];
    for (let i = 0; i < 4; i++) {
      admit(s, 0, 0, 10);
      times.push(s.serviceMs);
    }
    // busy 1..4 of 4: 10 × (1 + 2·b/4)
    expect(times).toEqual([15, 20, 25, 30]);
    const [code] = admit(s, 0, 0, 8);
    expect(code).toBe(ADMIT_QUEUED);
    // The queued job starts when job 0 leaves: 4 busy again (itself included), base 8 → 8 × 3.
    const next = s.finish(0, 15);
    expect(next).toBeGreaterThanOrEqual(0);
    expect(s.serviceMs).toBe(24);
  });

  test('slowdown 1 leaves the sampled latency unchanged', () => {
    const s = new EndpointServers([spec({ concurrency: 3 })]);
    for (let i = 0; i < 3; i++) {
      admit(s, 0, 0, 12.5);
      expect(s.serviceMs).toBe(12.5);
    }
  });
});

describe('EndpointServers: cancellation', () => {
  test('a cancelled waiting job is skipped and frees its queue place at once', () => {
    const s = new EndpointServers([spec({ concurrency: 1, queue: 2, abandonedWork: 'cancel' })]);
    expect(s.cancelAbandoned[0]).toBe(1);
    const [, a] = admit(s, 0, 0, 10, 1);
    const [, b] = admit(s, 0, 0, 10, 2);
    const [, c] = admit(s, 0, 0, 10, 3);
    expect(s.isWaiting(b)).toBe(true);
    s.cancelWaiting(b);
    expect(s.isWaiting(b)).toBe(false);
    expect(s.queued[0]).toBe(1);
    // The freed place can be taken again right away.
    const [code, d] = admit(s, 0, 1, 10, 4);
    expect(code).toBe(ADMIT_QUEUED);
    expect(s.queued[0]).toBe(2);
    // Cancelling twice (or a job in service) changes nothing.
    s.cancelWaiting(b);
    s.cancelWaiting(a);
    expect(s.queued[0]).toBe(2);
    // When a finishes, b is skipped: c starts, then d.
    const n1 = s.finish(a, 10);
    expect(n1).toBe(c);
    expect(s.finish(n1, 20)).toBe(d);
    expect(s.queued[0]).toBe(0);
  });

  test('cancelling a job in service (finish before its time) starts the next one then', () => {
    const s = new EndpointServers([spec({ concurrency: 1, queue: 1, abandonedWork: 'cancel' })]);
    const [, a] = admit(s, 0, 0, 100);
    const [, b] = admit(s, 0, 0, 100);
    const next = s.finish(a, 30); // abandoned at 30 ms instead of 100
    expect(next).toBe(b);
    expect(s.busy[0]).toBe(1);
    expect(s.finish(b, 130)).toBe(-1);
    // Busy the whole 130 ms: 30 (a, cut short) + 100 (b).
    expect(s.utilisation(0, 130)).toBeCloseTo(1, 12);
  });
});

describe('EndpointServers: utilisation', () => {
  test('time-weighted busy slots / concurrency over [0, end]', () => {
    const s = new EndpointServers([spec({ concurrency: 2, queue: 1 })]);
    const [, a] = admit(s, 0, 0, 10); // busy 1 on [0, 4)
    const [, b] = admit(s, 0, 4, 10); // busy 2 on [4, 10)
    s.finish(a, 10); // busy 1 on [10, 14)
    s.finish(b, 14); // idle on [14, 20]
    // area = 1·4 + 2·6 + 1·4 = 20 ms·slots over 20 ms × 2 slots
    expect(s.utilisation(0, 20)).toBeCloseTo(0.5, 12);
  });

  test('an endpoint without capacity reports 0', () => {
    const s = new EndpointServers([undefined, spec({ concurrency: 1 })]);
    expect(s.utilisation(0, 100)).toBe(0);
  });

  test('jobs still in service at the end count up to the end', () => {
    const s = new EndpointServers([spec({ concurrency: 4 })]);
    admit(s, 0, 50, 1000);
    expect(s.utilisation(0, 100)).toBeCloseTo(50 / (100 * 4), 12);
  });
});

describe('EndpointServers: job ids', () => {
  test('a finished job id is reused with a new generation, so stale completions can be told apart', () => {
    const s = new EndpointServers([spec({ concurrency: 1 })]);
    const [, a] = admit(s, 0, 0, 10);
    const gen = s.jobGen[a];
    s.finish(a, 10);
    const [, b] = admit(s, 0, 10, 10);
    expect(b).toBe(a);
    expect(s.jobGen[b]).not.toBe(gen);
  });

  test('the job pool grows past its initial size and keeps every job distinct', () => {
    const n = 300;
    const s = new EndpointServers([spec({ concurrency: n, queue: n })]);
    const jobs = new Set<number>();
    for (let i = 0; i < 2 * n; i++) {
      const [code, job] = admit(s, 0, 0, 10, i);
      expect(code).toBe(i < n ? ADMIT_STARTED : ADMIT_QUEUED);
      jobs.add(job);
    }
    expect(jobs.size).toBe(2 * n);
    // Slots written before growing survive it.
    for (const job of jobs) expect(s.jobSlot[job]).toBeLessThan(2 * n);
    expect([...jobs].map((j) => s.jobSlot[j]).sort((x, y) => x - y)).toEqual(Array.from({ length: 2 * n }, (_, i) => i));
  });
});
