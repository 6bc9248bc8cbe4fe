import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EventQueue } from '../../src/engine/event-queue.ts';
import { Kernel } from '../../src/engine/kernel.ts';

interface Ev {
  time: number;
  seq: number;
  kind: number;
  a: number;
  b: number;
}

function popAll(q: EventQueue): Ev[] {
  const out: Ev[] = [];
  while (q.pop()) out.push({ time: q.time, seq: -1, kind: q.kind, a: q.a, b: q.b });
  return out;
}

describe('EventQueue', () => {
  it('pops in time order and exposes the fields', () => {
    const q = new EventQueue(4);
    q.push(5, 1, 10, 20);
    q.push(1, 2, 11, 21);
    q.push(3, 3, 12, 22);
    expect(q.size).toBe(3);
    expect(q.peekTime()).toBe(1);
    expect(q.pop()).toBe(true);
    expect([q.time, q.kind, q.a, q.b]).toEqual([1, 2, 11, 21]);
    expect(q.pop()).toBe(true);
    expect([q.time, q.kind, q.a, q.b]).toEqual([3, 3, 12, 22]);
    expect(q.pop()).toBe(true);
    expect([q.time, q.kind, q.a, q.b]).toEqual([5, 1, 10, 20]);
    expect(q.pop()).toBe(false);
    expect(q.size).toBe(0);
    expect(q.peekTime()).toBe(Infinity);
  });

  it('keeps equal times FIFO', () => {
    const q = new EventQueue(2);
    for (let i = 0; i < 50; i++) q.push(7, 0, i, -i);
    q.push(6, 0, 999, 0);
    const out = popAll(q);
    expect(out[0].a).toBe(999);
    expect(out.slice(1).map((e) => e.a)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('grows past its initial capacity by doubling and keeps every event', () => {
    const q = new EventQueue(1);
    const n = 5000;
    for (let i = 0; i < n; i++) q.push((i * 7919) % 1000, i & 7, i, i * 2);
    expect(q.size).toBe(n);
    expect(q.capacity).toBe(8192);
    const out = popAll(q);
    expect(out.length).toBe(n);
    let badOrder = 0;
    let badPayload = 0;
    for (let i = 0; i < n; i++) {
      const c = out[i];
      if (i > 0) {
        const p = out[i - 1];
        if (!(p.time < c.time || (p.time === c.time && p.a < c.a))) badOrder++;
      }
      // payloads travel with their event
      if (c.b !== c.a * 2 || c.kind !== (c.a & 7) || c.time !== (c.a * 7919) % 1000) badPayload++;
    }
    expect(badOrder).toBe(0);
    expect(badPayload).toBe(0);
  });

  it('stores payloads as signed 32-bit integers', () => {
    const q = new EventQueue();
    q.push(0, 3, -2147483648, 2147483647);
    q.pop();
    expect([q.kind, q.a, q.b]).toEqual([3, -2147483648, 2147483647]);
  });

  it('property: pops come out sorted by (time, seq) for pushes interleaved with pops', () => {
    // op: [true, time] = push at a small integer time (many ties); [false, 0] = pop
    const op = fc.oneof(
      fc.tuple(fc.constant(true), fc.integer({ min: 0, max: 20 })),
      fc.tuple(fc.constant(false), fc.constant(0)),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), fc.integer({ min: 1, max: 8 }), (ops, cap) => {
        const q = new EventQueue(cap);
        const model: Ev[] = [];
        let seq = 0;
        for (const [isPush, t] of ops) {
          if (isPush) {
            const e = { time: t, seq, kind: seq % 5, a: seq, b: -seq };
            seq++;
            q.push(e.time, e.kind, e.a, e.b);
            model.push(e);
          } else {
            const ok = q.pop();
            if (model.length === 0) {
              if (ok) return false;
              continue;
            }
            // model: earliest (time, seq)
            let best = 0;
            for (let i = 1; i < model.length; i++) {
              const m = model[i];
              const bm = model[best];
              if (m.time < bm.time || (m.time === bm.time && m.seq < bm.seq)) best = i;
            }
            const want = model.splice(best, 1)[0];
            if (!ok || q.time !== want.time || q.a !== want.a || q.b !== want.b || q.kind !== want.kind) return false;
          }
          if (q.size !== model.length) return false;
        }
        // drain: globally sorted by (time, seq)
        let prev: Ev | undefined;
        while (q.pop()) {
          const cur = { time: q.time, seq: q.a, kind: q.kind, a: q.a, b: q.b };
          if (prev && !(prev.time < cur.time || (prev.time === cur.time && prev.seq < cur.seq))) return false;
          prev = cur;
        }
        return true;
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('property: fractional times drain in non-decreasing order with FIFO ties', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e6, noNaN: true, noDefaultInfinity: true }), { maxLength: 300 }),
        (times) => {
          const q = new EventQueue(1);
          times.forEach((t, i) => q.push(t, 0, i, 0));
          const expected = times.map((t, i) => ({ t, i })).sort((x, y) => x.t - y.t || x.i - y.i);
          for (const e of expected) {
            if (!q.pop() || q.time !== e.t || q.a !== e.i) return false;
          }
          return q.size === 0;
        },
      ),
      { seed: 42, numRuns: 200 },
    );
  });
});

describe('EventQueue timing wheel against a reference model', () => {
  /** The reference: the earliest (time, seq) of the events still queued. */
  function takeEarliest(model: Ev[]): Ev {
    let best = 0;
    for (let i = 1; i < model.length; i++) {
      const m = model[i];
      const bm = model[best];
      if (m.time < bm.time || (m.time === bm.time && m.seq < bm.seq)) best = i;
    }
    return model.splice(best, 1)[0];
  }

  // A hold-like workload (push ahead of the last pop, the simulator's pattern) mixed with pushes
  // far beyond the window, at Infinity, and before the last pop (a general priority queue accepts
  // them), on wheels small enough that windows wrap many times.
  const op = fc.oneof(
    { weight: 6, arbitrary: fc.tuple(fc.constant('near'), fc.double({ min: 0, max: 40, noNaN: true })) },
    { weight: 1, arbitrary: fc.tuple(fc.constant('tie'), fc.constant(0)) },
    { weight: 1, arbitrary: fc.tuple(fc.constant('far'), fc.double({ min: 40, max: 5000, noNaN: true })) },
    { weight: 1, arbitrary: fc.tuple(fc.constant('past'), fc.double({ min: 0, max: 30, noNaN: true })) },
    { weight: 1, arbitrary: fc.tuple(fc.constant('inf'), fc.constant(0)) },
    { weight: 6, arbitrary: fc.tuple(fc.constant('pop'), fc.constant(0)) },
  );

  it('property: pops equal the reference for every mix of pushes and pops', () => {
    fc.assert(
      fc.property(
        fc.array(op, { maxLength: 500 }),
        fc.constantFrom(1, 4, 32),
        fc.constantFrom(32, 64, 256),
        (ops, slotsPerUnit, slots) => {
          const q = new EventQueue(2, { slotsPerUnit, slots });
          const model: Ev[] = [];
          let seq = 0;
          let now = 0;
          let last = 0;
          for (const [what, x] of ops) {
            if (what === 'pop') {
              const ok = q.pop();
              if (model.length === 0) {
                if (ok) return false;
                continue;
              }
              const want = takeEarliest(model);
              if (!ok || q.time !== want.time || q.a !== want.a || q.b !== want.b || q.kind !== want.kind) return false;
              now = q.time;
            } else {
              const time =
                what === 'near' ? now + x : what === 'tie' ? last : what === 'far' ? now + x : what === 'past' ? Math.max(0, now - x) : Infinity;
              const e = { time, seq, kind: seq % 7, a: seq, b: -seq };
              seq++;
              last = time === Infinity ? now : time;
              q.push(e.time, e.kind, e.a, e.b);
              model.push(e);
            }
            if (q.size !== model.length) return false;
            if (q.peekTime() !== (model.length === 0 ? Infinity : Math.min(...model.map((m) => m.time)))) return false;
          }
          while (model.length > 0) {
            const want = takeEarliest(model);
            if (!q.pop() || q.time !== want.time || q.a !== want.a) return false;
          }
          return !q.pop() && q.size === 0;
        },
      ),
      { seed: 1126, numRuns: 400 },
    );
  });

  it('finds the next bucket across empty words and around the end of the wheel', () => {
    const q = new EventQueue(4, { slotsPerUnit: 1, slots: 64 });
    // Slots 10, 45, 63 and (after wrapping) 70 and 100: gaps of whole 32-bucket words.
    for (const t of [63.5, 10.25, 45, 10.5]) q.push(t, 0, t * 100, 0);
    const order: number[] = [];
    q.pop();
    order.push(q.time);
    q.push(70, 0, 7000, 0); // slot 70 ≡ 6: within the window once the base has passed 10
    q.push(100, 0, 10000, 0); // beyond the window: the far heap
    while (q.pop()) order.push(q.time);
    expect(order).toEqual([10.25, 10.5, 45, 63.5, 70, 100]);

    // The search starts in the last word and wraps to the first: slot 45 (word 1) then 70 (≡ 6, word 0).
    const r = new EventQueue(4, { slotsPerUnit: 1, slots: 64 });
    r.push(40, 0, 0, 0);
    r.pop();
    r.push(70, 0, 1, 0);
    r.push(45, 0, 2, 0);
    const seen: number[] = [];
    while (r.pop()) seen.push(r.time);
    expect(seen).toEqual([45, 70]);
  });

  it('clear() empties the wheel and the far heap', () => {
    const q = new EventQueue(4, { slotsPerUnit: 1, slots: 32 });
    for (const t of [1, 2, 500, Infinity]) q.push(t, 0, 0, 0);
    q.clear();
    expect([q.size, q.peekTime(), q.pop()]).toEqual([0, Infinity, false]);
    q.push(3, 1, 2, 3);
    expect(q.pop()).toBe(true);
    expect([q.time, q.kind, q.a, q.b]).toEqual([3, 1, 2, 3]);
  });

  it('rejects bucket settings that are not powers of two', () => {
    expect(() => new EventQueue(4, { slotsPerUnit: 3 })).toThrow(RangeError);
    expect(() => new EventQueue(4, { slots: 16 })).toThrow(RangeError);
  });
});

/** A model that counts and hands each queued event to `fn` (sources: none). */
function model(fn: (kind: number, a: number, b: number) => void) {
  const m = { events: 0, handle: (kind: number, a: number, b: number) => (m.events++, fn(kind, a, b)), onSource: () => {} };
  return m;
}

describe('Kernel', () => {
  it('runUntil stops at the end time and leaves later events queued', () => {
    const k = new Kernel();
    const seen: [number, number, number][] = [];
    k.scheduleAt(10, 1, 0, 0);
    k.scheduleAt(20, 2, 0, 0);
    k.scheduleAt(30, 3, 0, 0);
    k.scheduleAt(40, 4, 0, 0);
    const m = model((kind, a) => {
      seen.push([k.now, kind, a]);
    });
    k.runUntil(30, m);
    expect(m.events).toBe(2);
    expect(seen).toEqual([
      [10, 1, 0],
      [20, 2, 0],
    ]);
    expect(k.now).toBe(30);
    expect(k.pending).toBe(2);
    // continuing processes the event at exactly 30 once
    k.runUntil(35, model((kind) => seen.push([k.now, kind, 0])));
    expect(seen.at(-1)).toEqual([30, 3, 0]);
    expect(k.pending).toBe(1);
    expect(k.queue.peekTime()).toBe(40);
  });

  it('handlers can schedule more events; same-time events run FIFO; delay is relative to now', () => {
    const k = new Kernel(2);
    const log: string[] = [];
    const PING = 0;
    const ECHO = 1;
    k.schedule(5, PING, 3, 0);
    k.runUntil(
      100,
      model((kind, a, b) => {
        log.push(`${k.now}:${kind}:${a}:${b}`);
        if (kind === PING && a > 0) {
          k.schedule(0, ECHO, a, 1);
          k.schedule(0, ECHO, a, 2);
          k.schedule(10, PING, a - 1, 0);
        }
      }),
    );
    expect(log).toEqual([
      '5:0:3:0',
      '5:1:3:1',
      '5:1:3:2',
      '15:0:2:0',
      '15:1:2:1',
      '15:1:2:2',
      '25:0:1:0',
      '25:1:1:1',
      '25:1:1:2',
      '35:0:0:0',
    ]);
    expect(k.now).toBe(100);
    expect(k.pending).toBe(0);
  });

  it('rejects scheduling in the past or at NaN', () => {
    const k = new Kernel();
    k.runUntil(50, model(() => {}));
    expect(() => k.scheduleAt(49, 0, 0, 0)).toThrow(RangeError);
    expect(() => k.schedule(Number.NaN, 0, 0, 0)).toThrow(RangeError);
    expect(() => k.schedule(-1, 0, 0, 0)).toThrow(RangeError);
  });

  it('runUntil(Infinity) drains the queue and leaves now at the last event', () => {
    const k = new Kernel();
    k.scheduleAt(3, 0, 0, 0);
    k.scheduleAt(8, 0, 0, 0);
    const m = model(() => {});
    k.runUntil(Infinity, m);
    expect(m.events).toBe(2);
    expect(k.now).toBe(8);
  });

  it('merges sources with queued events in time order, the earliest source first, queued events first on a tie', () => {
    const k = new Kernel(16, 2);
    const log: string[] = [];
    // Source 0 every 10 ms from 10, source 1 every 15 ms from 15, each until 45; a queued event at 30.
    k.sourceTimes[0] = 10;
    k.sourceTimes[1] = 15;
    k.scheduleAt(30, 7, 0, 0);
    const steps = [10, 15];
    k.runUntil(100, {
      handle: (kind) => log.push(`${k.now}:event${kind}`),
      onSource: (s) => {
        log.push(`${k.now}:source${s}`);
        const next = k.now + steps[s];
        k.sourceTimes[s] = next < 45 ? next : Infinity;
      },
    });
    expect(log).toEqual(['10:source0', '15:source1', '20:source0', '30:event7', '30:source0', '30:source1', '40:source0']);
    expect(k.now).toBe(100);
  });

  it('a source time at or after the end waits for the next call', () => {
    const k = new Kernel(16, 1);
    const seen: number[] = [];
    k.sourceTimes[0] = 20;
    const m = { handle: () => {}, onSource: () => (seen.push(k.now), (k.sourceTimes[0] = Infinity)) };
    k.runUntil(20, m);
    expect(seen).toEqual([]);
    expect(k.now).toBe(20);
    k.runUntil(21, m);
    expect(seen).toEqual([20]);
  });
});
