/**
 * The forced-pick shortcut of ClusterLoadBalancer.chooseHost (one priority takes all the load and
 * its source holds one host: the tries are not run, their draws are consumed) must be invisible:
 * over random clusters, policies and sequences of picks, retries with previous_hosts predicates,
 * ejections and health changes, a load balancer with the shortcut and one without it, on equal
 * random streams, return the same hosts with the same bookkeeping — and still agree afterwards,
 * which they would not if one had consumed a different number of draws or round-robin steps.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LbPolicy } from '../../src/envoy/cluster.ts';
import { RandomStream } from '../../src/engine/random.ts';
import { ClusterLoadBalancer, PickContext } from '../../src/envoy/lb/cluster-lb.ts';
import { DEGRADED_EDS_HEALTH, FAILED_EDS_HEALTH, HEALTHY_FLAGS } from '../../src/envoy/lb/health.ts';
import { semanticsForEnvoyMinor } from '../../src/envoy/profiles.ts';
import { cluster, loc } from '../unit/lb-helpers.ts';

type Op =
  | { kind: 'pick' }
  | { kind: 'first-try' }
  | { kind: 'retry'; reject: number[]; hostSelectionRetries: number }
  | { kind: 'eject'; host: number; ejected: boolean }
  | { kind: 'health'; host: number; flags: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.constant<Op>({ kind: 'pick' }) },
  { weight: 3, arbitrary: fc.constant<Op>({ kind: 'first-try' }) },
  {
    weight: 4,
    arbitrary: fc
      .record({ reject: fc.array(fc.nat({ max: 4 }), { maxLength: 3 }), hostSelectionRetries: fc.integer({ min: 0, max: 5 }) })
      .map((r): Op => ({ kind: 'retry', ...r })),
  },
  { weight: 2, arbitrary: fc.record({ host: fc.nat({ max: 4 }), ejected: fc.boolean() }).map((r): Op => ({ kind: 'eject', ...r })) },
  {
    weight: 1,
    arbitrary: fc
      .record({ host: fc.nat({ max: 4 }), flags: fc.constantFrom(HEALTHY_FLAGS, FAILED_EDS_HEALTH, DEGRADED_EDS_HEALTH) })
      .map((r): Op => ({ kind: 'health', ...r })),
  },
);

const setupArb = fc.record({
  counts: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 3 }),
  twoLocalities: fc.boolean(),
  localityWeighted: fc.boolean(),
  policy: fc.constantFrom<LbPolicy>('ROUND_ROBIN', 'LEAST_REQUEST', 'RANDOM'),
  choiceCount: fc.integer({ min: 2, max: 3 }),
  fullScan: fc.boolean(),
  panicThreshold: fc.constantFrom(0, 50, 100),
  envoyMinor: fc.constantFrom(18, 36),
  seed: fc.string({ maxLength: 6 }),
  ops: fc.array(opArb, { minLength: 1, maxLength: 60 }),
});

describe('forced picks (ClusterLoadBalancer.chooseHost)', () => {
  it('pick the hosts, take the draws and keep the bookkeeping of the full tries', () => {
    let forcedOps = 0;
    let forcedRetries = 0;
    let forcedPanicRetries = 0;
    fc.assert(
      fc.property(setupArb, (s) => {
        if (s.counts.every((c) => c === 0)) return;
        const weights: Record<string, number> = {};
        const localities = (p: number, i: number) => (s.twoLocalities && i % 2 === 1 ? loc(`r${p}b`) : loc(`r${p}`));
        s.counts.forEach((_, p) => {
          weights[`${p}|r${p}/a/`] = 1 + p;
          weights[`${p}|r${p}b/a/`] = 2;
        });
        const c = cluster(
          s.counts,
          {
            lb_policy: s.policy,
            least_request_choice_count: s.choiceCount,
            healthy_panic_threshold: s.panicThreshold,
            locality_weighted_lb_config: s.localityWeighted,
            locality_weights: s.localityWeighted ? weights : {},
          },
          localities,
        );
        const semantics = semanticsForEnvoyMinor(s.envoyMinor);
        const streams = [new RandomStream(`forced/${s.seed}`), new RandomStream(`forced/${s.seed}`)];
        const make = (forcedPicks: boolean, random: RandomStream) =>
          new ClusterLoadBalancer(c, semantics, loc('r0'), random, { forcedPicks, leastRequest: { fullScan: s.fullScan } });
        const fast = make(true, streams[0]);
        const full = make(false, streams[1]);
        // The round-robin indexes (Envoy's rr_indexes_), private to the picker.
        const rr = (lb: ClusterLoadBalancer) => Array.from((lb as unknown as { picker: { rrIndex: Float64Array } }).picker.rrIndex);
        expect(full.forcedPick).toBe(-1);
        const n = fast.hostCount;
        const ctx = [new PickContext(), new PickContext()];
        const reject = [new Uint8Array(n), new Uint8Array(n)];
        const picked = (lb: ClusterLoadBalancer, k: number, op: Op): number => {
          const x = ctx[k];
          if (op.kind === 'pick') return lb.chooseHost(null);
          x.rejectHosts = null;
          x.hostSelectionRetryCount = 1;
          if (op.kind === 'retry') {
            reject[k].fill(0);
            for (const h of op.reject) if (h < n) reject[k][h] = 1;
            x.rejectHosts = reject[k];
            x.hostSelectionRetryCount = op.hostSelectionRetries;
          }
          return lb.chooseHost(x);
        };
        for (const op of [...s.ops, { kind: 'pick' } as Op, { kind: 'pick' } as Op]) {
          if (op.kind === 'eject' || op.kind === 'health') {
            if (op.host >= n) continue;
            for (const lb of [fast, full]) {
              if (op.kind === 'eject') lb.markEjected(op.host, op.ejected);
              else lb.setHostHealth(op.host, op.flags);
            }
            continue;
          }
          if (fast.forcedPick >= 0) {
            forcedOps++;
            if (op.kind === 'retry' && op.reject.includes(fast.forcedPick)) {
              forcedRetries++;
              if (fast.panic[fast.hostPriority[fast.forcedPick]] === 1) forcedPanicRetries++;
            }
          }
          const a = picked(fast, 0, op);
          const b = picked(full, 1, op);
          expect(a).toBe(b);
          expect([fast.lastPriority, fast.lastDegraded, fast.lastLocality, fast.lastSourceKind, fast.lastPanic, fast.panicPicks]).toEqual([
            full.lastPriority, full.lastDegraded, full.lastLocality, full.lastSourceKind, full.lastPanic, full.panicPicks,
          ]);
          expect(rr(fast)).toEqual(rr(full));
          // Both streams took the same number of draws: their next values agree.
          expect(streams[0].next()).toBe(streams[1].next());
        }
      }),
      { seed: 13, numRuns: 400 },
    );
    // The shortcut was taken, also for retries whose predicate rejects the forced host.
    expect(forcedOps).toBeGreaterThan(500);
    expect(forcedRetries).toBeGreaterThan(50);
    expect(forcedPanicRetries).toBeGreaterThan(0);
  });

  it('a retry rejecting the only host of a priority in panic: every try counts as a panic pick', () => {
    for (const policy of ['ROUND_ROBIN', 'LEAST_REQUEST'] as LbPolicy[]) {
      const streams = [new RandomStream('panic'), new RandomStream('panic')];
      const [fast, full] = [true, false].map(
        (forcedPicks, k) => new ClusterLoadBalancer(cluster([1], { lb_policy: policy, healthy_panic_threshold: 50 }), semanticsForEnvoyMinor(36), loc('r0'), streams[k], { forcedPicks }),
      );
      for (const lb of [fast, full]) lb.markEjected(0, true);
      expect(fast.forcedPick).toBe(0);
      expect(fast.panic[0]).toBe(1);
      for (const lb of [fast, full]) {
        const ctx = new PickContext();
        ctx.hostSelectionRetryCount = 5;
        ctx.rejectHosts = Uint8Array.of(1);
        expect(lb.chooseHost(ctx)).toBe(0);
      }
      expect(fast.panicPicks).toBe(6);
      expect(full.panicPicks).toBe(6);
      expect(streams[0].next()).toBe(streams[1].next());
    }
  });
});
