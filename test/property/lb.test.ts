import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RandomStream } from '../../src/engine/random.ts';
import { ClusterLoadBalancer } from '../../src/envoy/lb/cluster-lb.ts';
import { FAILED_EDS_HEALTH, DEGRADED_EDS_HEALTH, HEALTH_DEGRADED, HEALTH_HEALTHY } from '../../src/envoy/lb/health.ts';
import { PriorityLoadState } from '../../src/envoy/lb/priority-load.ts';
import { semanticsForEnvoyMinor } from '../../src/envoy/profiles.ts';
import { cluster, here } from '../unit/lb-helpers.ts';

const params = { seed: 42, numRuns: 200 };

interface Pr {
  hosts: number;
  healthy: number;
  degraded: number;
  excluded: number;
}

const priorityArb: fc.Arbitrary<Pr> = fc
  .record({ hosts: fc.integer({ min: 0, max: 20 }), a: fc.nat(), b: fc.nat(), c: fc.nat() })
  .map(({ hosts, a, b, c }) => {
    const healthy = hosts === 0 ? 0 : a % (hosts + 1);
    const degraded = hosts - healthy === 0 ? 0 : b % (hosts - healthy + 1);
    const rest = hosts - healthy - degraded;
    const excluded = rest === 0 ? 0 : c % (rest + 1);
    return { hosts, healthy, degraded, excluded };
  });

function counts(pr: Pr) {
  return {
    ...pr,
    hostsWeight: pr.hosts,
    healthyWeight: pr.healthy,
    degradedWeight: pr.degraded,
    excludedWeight: pr.excluded,
  };
}

function state(prs: Pr[], threshold: number, factor: number): PriorityLoadState {
  const s = new PriorityLoadState(prs.length, new Int32Array(prs.length).fill(factor), false);
  prs.forEach((pr, p) => s.updatePriority(p, counts(pr)));
  s.recalculatePanic(threshold);
  return s;
}

const sum = (a: ArrayLike<number>) => Array.from(a).reduce((x, y) => x + y, 0);

describe('priority load properties', () => {
  it('healthy + degraded loads sum to 100, except the stale corners (threshold 0 and NTA 0; no host at all)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(priorityArb, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 100, max: 200 }),
        (updates, threshold, factor) => {
          // One LB state fed a sequence of host-set updates of one priority each (same priority count).
          const P = updates[0].length;
          const s = new PriorityLoadState(P, new Int32Array(P).fill(factor), false);
          for (let p = 0; p < P; p++) s.updatePriority(p, counts(updates[0][p]));
          s.recalculatePanic(threshold);
          for (const step of updates) {
            for (let p = 0; p < P && p < step.length; p++) {
              s.updatePriority(p, counts(step[p]));
              s.recalculatePanic(threshold);
              // Envoy sets HL[0] = 100 and leaves the rest as it was when panic is off and nothing
              // is available (documented), and also in total panic with no host in any priority.
              const noHosts = sum(s.hosts) === 0;
              const corner = (threshold === 0 && s.normalizedTotalAvailability === 0) || noHosts;
              if (!corner) expect(sum(s.healthyLoad) + sum(s.degradedLoad)).toBe(100);
              else expect(s.healthyLoad[0]).toBe(100);
            }
          }
        },
      ),
      params,
    );
  });

  it('with panic disabled, the load on P0 never grows as P0 loses healthy hosts (spill only grows)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.array(priorityArb, { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 100, max: 200 }),
        (p0Hosts, lower, factor) => {
          // Keep some availability below P0 so NTA > 0 throughout (NTA 0 is the stale corner).
          const rest = lower.map((pr, i) => (i === 0 && pr.healthy === 0 ? { hosts: pr.hosts + 1, healthy: 1, degraded: pr.degraded, excluded: pr.excluded } : pr));
          let previousP0 = Infinity;
          let previousSpill = -Infinity;
          for (let healthy = p0Hosts; healthy >= 0; healthy--) {
            const s = state([{ hosts: p0Hosts, healthy, degraded: 0, excluded: 0 }, ...rest], 0, factor);
            const p0 = s.healthyLoad[0] + s.degradedLoad[0];
            expect(p0).toBeLessThanOrEqual(previousP0);
            expect(100 - p0).toBeGreaterThanOrEqual(previousSpill);
            previousP0 = p0;
            previousSpill = 100 - p0;
          }
          expect(previousP0).toBe(0); // P0 with no healthy host gets nothing
        },
      ),
      params,
    );
  });

  it('panic flags and total panic follow the rule exactly (independent reference)', () => {
    fc.assert(
      fc.property(
        fc.array(priorityArb, { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 100, max: 200 }),
        (prs, threshold, factor) => {
          const s = state(prs, threshold, factor);
          // Reference: integer health with the factor; panic on plain percentages, strict <.
          const health = prs.map((pr) => {
            const hc = pr.hosts - pr.excluded;
            return hc === 0 ? [0, 0] : [Math.min(100, Math.floor((factor * pr.healthy) / hc)), Math.min(100, Math.floor((factor * pr.degraded) / hc))];
          });
          const nta = Math.min(100, health.reduce((a, [h, d]) => a + h + d, 0));
          expect(s.normalizedTotalAvailability).toBe(nta);
          if (threshold === 0 && nta === 0) {
            expect(Array.from(s.panic)).toEqual(prs.map(() => 0));
            expect(s.healthyLoad[0]).toBe(100);
            return;
          }
          const panic = prs.map((pr) => {
            if (nta === 100) return 0;
            const hc = pr.hosts - pr.excluded;
            const pct = hc === 0 ? 0 : (100 * pr.healthy) / hc + (100 * pr.degraded) / hc;
            return pct < threshold ? 1 : 0;
          });
          expect(Array.from(s.panic)).toEqual(panic);
          if (panic.every((x) => x === 1)) {
            const total = prs.reduce((a, pr) => a + pr.hosts, 0);
            if (total > 0) {
              const shares = prs.map((pr) => Math.floor((100 * pr.hosts) / total));
              const first = prs.findIndex((pr) => pr.hosts > 0);
              shares[first] += 100 - sum(shares);
              expect(Array.from(s.healthyLoad)).toEqual(shares);
              expect(sum(s.degradedLoad)).toBe(0);
            }
          }
        },
      ),
      params,
    );
  });
});

describe('ClusterLoadBalancer properties', () => {
  const semantics = semanticsForEnvoyMinor(36);
  const flagArb = fc.constantFrom(0, 0, 0, FAILED_EDS_HEALTH, DEGRADED_EDS_HEALTH);

  it('a pick outside panic is a healthy (or, on degraded availability, degraded) host of the chosen priority', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 3 }),
        fc.array(flagArb, { minLength: 18, maxLength: 18 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        fc.constantFrom('ROUND_ROBIN', 'LEAST_REQUEST', 'RANDOM'),
        fc.integer({ min: 0, max: 100 }),
        (sizes, flags, ejections, policy, threshold) => {
          const c = cluster(sizes, { lb_policy: policy as any, healthy_panic_threshold: threshold }, undefined, (p, i) => 1 + ((p + i) % 3));
          const n = c.endpoints.length;
          const lb = new ClusterLoadBalancer(c, semantics, here, new RandomStream('prop'), { initialFlags: flags.slice(0, n) });
          for (const e of ejections) {
            if (n === 0) break;
            lb.markEjected(e % n, !lb.isEjected(e % n));
            for (let k = 0; k < 5; k++) {
              const h = lb.chooseHost(null);
              if (h < 0) continue;
              expect(lb.hostPriority[h]).toBe(lb.lastPriority);
              if (!lb.lastPanic) {
                expect(lb.hostHealth[h]).toBe(lb.lastDegraded ? HEALTH_DEGRADED : HEALTH_HEALTHY);
              }
            }
          }
        },
      ),
      { seed: 42, numRuns: 150 },
    );
  });

  it('is deterministic: the same seed and events give the same picks', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 11 }), { maxLength: 15 }), (ejections) => {
        const run = () => {
          const lb = new ClusterLoadBalancer(cluster([4, 4, 4], { lb_policy: 'LEAST_REQUEST', healthy_panic_threshold: 0 }), semantics, here, new RandomStream('det'));
          const out: number[] = [];
          for (const e of ejections) {
            lb.markEjected(e, !lb.isEjected(e));
            for (let k = 0; k < 3; k++) out.push(lb.chooseHost(null));
          }
          return out;
        };
        expect(run()).toEqual(run());
      }),
      { seed: 42, numRuns: 50 },
    );
  });
});
