/**
 * The router's first-try path without a slot (UpstreamRequests.pickFirst / endsRequestAt /
 * finishAtOnce, used by the simulator's completion shortcut) against its slot path (begin, start,
 * send, namedEndFinishesRequest, endFinished): for random routes (retry policies, per-try and route
 * timeouts, LB policies, host counts) and random answers, the same host from the same draws, the
 * same decision "this answer ends the request, succeeded, at time t", and the same reports to the
 * outlier detector. Fixed fast-check seed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Kernel } from '../../src/engine/kernel.ts';
import { rootStream } from '../../src/engine/random.ts';
import type { EnvoyCluster, LbPolicy } from '../../src/envoy/cluster.ts';
import { ClusterLoadBalancer } from '../../src/envoy/lb/cluster-lb.ts';
import { semanticsForOutlierProfile } from '../../src/envoy/profiles.ts';
import { AttemptOutcome, type OutlierSink } from '../../src/envoy/router/outcomes.ts';
import { compileRetryPolicy, envoyRetryPolicyDefaults } from '../../src/envoy/router/retry-policy.ts';
import { NO_HOST, RouterNext, UpstreamRequests } from '../../src/envoy/router/upstream-requests.ts';

class RecordingSink implements OutlierSink {
  readonly reports: string[] = [];
  putHttpResponseCode(host: number, code: number, now: number): void {
    this.reports.push(`@${now} h${host} http ${code}`);
  }
  putResult(host: number, result: number, code: number | undefined, now: number): void {
    this.reports.push(`@${now} h${host} result ${result}${code === undefined ? '' : ` ${code}`}`);
  }
}

interface Shape {
  hosts: number;
  lbPolicy: LbPolicy;
  numRetries: number;
  retryOn: string[];
  retriableStatusCodes: number[];
  perTryTimeoutMs: number;
  routeTimeoutMs: number;
  withDetector: boolean;
  answers: { outcome: number; status: number; latencyMs: number }[];
}

const shapeArb: fc.Arbitrary<Shape> = fc.record({
  hosts: fc.integer({ min: 1, max: 4 }),
  lbPolicy: fc.constantFrom<LbPolicy>('ROUND_ROBIN', 'LEAST_REQUEST', 'RANDOM'),
  numRetries: fc.integer({ min: 0, max: 3 }),
  retryOn: fc.subarray(['5xx', 'gateway-error', 'connect-failure', 'reset', 'retriable-status-codes', 'refused-stream']),
  retriableStatusCodes: fc.subarray([200, 204, 404, 409, 429, 500, 503]),
  perTryTimeoutMs: fc.constantFrom(0, 0, 5, 20, 50),
  routeTimeoutMs: fc.constantFrom(0, 0, 0, 30, 100),
  withDetector: fc.boolean(),
  answers: fc.array(
    fc.record({
      outcome: fc.constantFrom(AttemptOutcome.RESPONSE, AttemptOutcome.RESPONSE, AttemptOutcome.RESPONSE, AttemptOutcome.CONNECT_FAILURE, AttemptOutcome.RESET_BEFORE_HEADERS),
      status: fc.constantFrom(200, 200, 200, 204, 404, 429, 500, 503),
      latencyMs: fc.oneof(fc.double({ min: 0, max: 80, noNaN: true }), fc.constantFrom(5, 20, 50)),
    }),
    { minLength: 1, maxLength: 12 },
  ),
});

function cluster(s: Shape): EnvoyCluster {
  const locality = { region: 'r', zone: 'z', subzone: '' };
  return {
    name: 'at-once',
    endpoints: Array.from({ length: s.hosts }, (_, i) => ({ address: `h${i}`, port: 80, locality, priority: 0, weight: 1, labels: {} })),
    locality_weighted_lb_config: false,
    locality_weights: {},
    lb_policy: s.lbPolicy,
    least_request_choice_count: 2,
    overprovisioning_factor: 140,
    healthy_panic_threshold: 50,
    connect_timeout_ms: 1000,
    route_timeout_ms: s.routeTimeoutMs,
  };
}

/** One router over one route, its LB drawing from a fixed stream. */
function build(s: Shape) {
  const semantics = semanticsForOutlierProfile('1.28-1.30');
  const lb = new ClusterLoadBalancer(cluster(s), semantics, undefined, rootStream(5).fork('lb'));
  const sink = new RecordingSink();
  const kernel = new Kernel();
  const retryPolicy = compileRetryPolicy({
    ...envoyRetryPolicyDefaults(),
    num_retries: s.numRetries,
    retry_on: s.retryOn,
    retriable_status_codes: s.retriableStatusCodes,
    per_try_timeout_ms: s.perTryTimeoutMs,
  });
  const route = { lb, detector: s.withDetector ? sink : undefined, retryPolicy, routeTimeoutMs: s.routeTimeoutMs, reportsOverflowToOutlier: semantics.reportsOverflowToOutlier };
  return { router: new UpstreamRequests([route], rootStream(5).fork('backoff'), kernel), kernel, sink };
}

/** Each answer as a new request's first try, every 10 ms: what each path does with it. */
function runBoth(s: Shape): { slotPath: string[]; atOnce: string[]; endedAtOnce: number } {
  const a = build(s);
  const b = build(s);
  const slotPath: string[] = [];
  const atOnce: string[] = [];
  let endedAtOnce = 0;
  s.answers.forEach((answer, i) => {
    a.kernel.now = b.kernel.now = i * 10;
    // The slot path, as the simulator ran every first try before.
    const slot = a.router.begin(0);
    const hostA = a.router.start(slot);
    if (hostA === NO_HOST) slotPath.push('no host');
    else {
      const next = a.router.send(slot, answer);
      const ends = next === RouterNext.ATTEMPT_END && a.router.namedEndFinishesRequest(slot);
      slotPath.push(`h${hostA} ${ends ? `ends at ${a.router.timerAt[slot]}` : 'goes on'}`);
      if (ends) {
        a.kernel.now = a.router.timerAt[slot];
        a.router.endFinished(slot);
      }
    }
    // Both paths leave the request here: the next one starts on a clean route.
    a.router.release(slot);
    // The path without a slot, and the slot path after it when endsRequestAt says no (as the
    // simulator goes on: beginWithHost with the host already picked).
    const hostB = b.router.pickFirst(0);
    if (hostB === NO_HOST) atOnce.push('no host');
    else {
      const end = b.router.endsRequestAt(0, answer);
      if (end >= 0) {
        endedAtOnce++;
        atOnce.push(`h${hostB} ends at ${end}`);
        b.router.finishAtOnce(0, hostB, answer.status, end);
      } else {
        const slotB = b.router.beginWithHost(0, hostB);
        const ends = b.router.send(slotB, answer) === RouterNext.ATTEMPT_END && b.router.namedEndFinishesRequest(slotB);
        // Only a route timeout (armed per request, so never at once) may keep such an end from it.
        if (ends && s.routeTimeoutMs === 0) throw new Error('endsRequestAt said no to an end that finishes the request');
        atOnce.push(`h${hostB} ${ends ? `ends at ${b.router.timerAt[slotB]}` : 'goes on'}`);
        if (ends) {
          b.kernel.now = b.router.timerAt[slotB];
          b.router.endFinished(slotB);
        }
        b.router.release(slotB);
      }
    }
  });
  slotPath.push(...a.sink.reports);
  atOnce.push(...b.sink.reports);
  return { slotPath, atOnce, endedAtOnce };
}

describe('router: a first try finished at once (no slot) = the slot path', () => {
  it('same host, same decision and end time, same detector reports (random routes and answers)', () => {
    let endedAtOnce = 0;
    let wentOn = 0;
    fc.assert(
      fc.property(shapeArb, (s) => {
        const r = runBoth(s);
        endedAtOnce += r.endedAtOnce;
        wentOn += s.answers.length - r.endedAtOnce;
        expect(r.atOnce).toEqual(r.slotPath);
      }),
      { seed: 20261205, numRuns: 300 },
    );
    // Both branches were exercised, many times.
    expect(endedAtOnce).toBeGreaterThan(100);
    expect(wentOn).toBeGreaterThan(100);
  });
});
