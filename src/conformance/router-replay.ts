/**
 * Categories `envoy.router_*` (router.json): one downstream request through Envoy's router
 * (src/envoy/router/upstream-requests.ts, the object the simulator drives) against a scripted
 * upstream, checking what the router does and when: the hosts it attempts, what it reports to the
 * outlier detector, and the response the client gets.
 *
 * Input: a cluster of `hosts` endpoints in one priority (`lb_policy` RANDOM by default, its draws
 * scripted by `lb_random`; `ejected_before_attempt` marks hosts ejected before an attempt), a route
 * (`timeout_ms`, `retry_policy` as RetryPolicyConfig; unset fields take Envoy's defaults), the
 * back-off draws `backoff_random`, and one `answers[i]` per attempt that reaches a host:
 * `{ outcome, status?, after_ms?, pool_ready_after_ms? }` — outcome `response`, `connect-failure`,
 * `connect-timeout`, `reset-before-headers`, `refused-stream` or `none` (connected, never answered);
 * `after_ms` counts from pool ready for a connected outcome (which `pool_ready_after_ms` may delay)
 * and from the attempt's start otherwise.
 *
 * Expected: `attempts` ([{ at_ms, host }], host null for "no healthy upstream"), `outlier_reports`
 * ("@<ms> h<host> <RESULT>[ <code>]" or "@<ms> h<host> http <code>", in order) and `response`
 * ({ status, flags, at_ms }). The vector runs under each profile in `profiles`.
 */
import { Kernel } from '../engine/kernel.ts';
import { ScriptedIntegers } from '../engine/random.ts';
import type { EnvoyCluster, LbPolicy } from '../envoy/cluster.ts';
import { ClusterLoadBalancer } from '../envoy/lb/cluster-lb.ts';
import { OutlierResult } from '../envoy/outlier/result-codes.ts';
import { isOutlierProfileId, semanticsForOutlierProfile } from '../envoy/profiles.ts';
import {
  AttemptOutcome,
  attemptConnected,
  clientResponseFlags,
  clientStatus,
  formatResponseFlags,
  NO_HEALTHY_UPSTREAM_STATUS,
  ResponseFlag,
  TIMEOUT_RESPONSE_CODE,
  type OutlierSink,
} from '../envoy/router/outcomes.ts';
import { compileRetryPolicy, envoyRetryPolicyDefaults } from '../envoy/router/retry-policy.ts';
import { NO_HOST, RouterNext, UpstreamRequests } from '../envoy/router/upstream-requests.ts';
import { registerCategory } from './categories.ts';
import { expectEqual } from './compare.ts';

export const ROUTER_CATEGORIES = [
  'envoy.router_per_try_timeout',
  'envoy.router_route_timeout',
  'envoy.router_no_healthy_upstream',
  'envoy.router_retry_backoff',
  'envoy.router_previous_hosts',
] as const;

const OUTCOMES: Record<string, number> = {
  response: AttemptOutcome.RESPONSE,
  'connect-failure': AttemptOutcome.CONNECT_FAILURE,
  'connect-timeout': AttemptOutcome.CONNECT_TIMEOUT,
  'reset-before-headers': AttemptOutcome.RESET_BEFORE_HEADERS,
  'refused-stream': AttemptOutcome.REFUSED_STREAM,
  // Connected, never answered: only a timeout ends it (what the world's blackhole answers).
  none: AttemptOutcome.PER_TRY_TIMEOUT,
};
const RESULT_NAMES = Object.fromEntries(Object.entries(OutlierResult).map(([name, code]) => [code, name]));
const EXPECTED_KEYS = new Set(['attempts', 'outlier_reports', 'response']);

// Replay events.
const EV_SEND = 1;
const EV_ATTEMPT_END = 2;
const EV_RETRY = 3;
const EV_ROUTE_TIMEOUT = 4;

class RecordingSink implements OutlierSink {
  readonly reports: string[] = [];
  putHttpResponseCode(slot: number, code: number, now: number): void {
    this.reports.push(`@${now} h${slot} http ${code}`);
  }
  putResult(slot: number, result: number, code: number | undefined, now: number): void {
    this.reports.push(`@${now} h${slot} ${RESULT_NAMES[result]}${code === undefined ? '' : ` ${code}`}`);
  }
}

interface Observed {
  attempts: { at_ms: number; host: number | null }[];
  outlier_reports: string[];
  response: { status: number; flags: string; at_ms: number } | null;
}

function cluster(input: any): EnvoyCluster {
  const n = input.cluster?.hosts;
  if (!Number.isInteger(n) || n < 1) throw new Error('input.cluster.hosts: expected an integer ≥ 1');
  const locality = { region: 'r', zone: 'z', subzone: '' };
  return {
    name: 'router-conformance',
    endpoints: Array.from({ length: n }, (_, i) => ({ address: `h${i}`, port: 80, locality, priority: 0, weight: 1, labels: {} })),
    locality_weighted_lb_config: false,
    locality_weights: {},
    lb_policy: (input.cluster?.lb_policy ?? 'RANDOM') as LbPolicy,
    least_request_choice_count: 2,
    overprovisioning_factor: 140,
    healthy_panic_threshold: input.cluster?.healthy_panic_threshold ?? 50,
    connect_timeout_ms: 1000,
    route_timeout_ms: input.route?.timeout_ms ?? 0,
  };
}

/** Runs the vector's request under one profile. */
function run(input: any, profile: string): Observed {
  if (!isOutlierProfileId(profile)) throw new Error(`profiles: unknown profile ${profile}`);
  const semantics = semanticsForOutlierProfile(profile);
  const c = cluster(input);
  const lb = new ClusterLoadBalancer(c, semantics, undefined, new ScriptedIntegers(input.lb_random ?? [], 0));
  const sink = new RecordingSink();
  const kernel = new Kernel();
  const policy = input.route?.retry_policy === undefined ? undefined : compileRetryPolicy({ ...envoyRetryPolicyDefaults(), ...input.route.retry_policy });
  const route = { lb, detector: sink, retryPolicy: policy, routeTimeoutMs: c.route_timeout_ms, reportsOverflowToOutlier: semantics.reportsOverflowToOutlier };
  const router = new UpstreamRequests([route], new ScriptedIntegers(input.backoff_random ?? [], 0), kernel);
  const answers: any[] = input.answers ?? [];
  const ejections: Record<string, number[]> = input.ejected_before_attempt ?? {};
  const observed: Observed = { attempts: [], outlier_reports: sink.reports, response: null };
  let answered = 0;
  const answer = { outcome: 0, status: 0, latencyMs: 0 };

  const finish = (status: number, flags: number): void => {
    observed.response = { status, flags: formatResponseFlags(flags), at_ms: kernel.now };
    router.release(slot);
  };
  const follow = (next: number): void => {
    switch (next) {
      case RouterNext.ATTEMPT_END:
        kernel.scheduleAt(router.timerAt[slot], EV_ATTEMPT_END, slot, router.attemptSeq[slot]);
        return;
      case RouterNext.RETRY:
        kernel.scheduleAt(router.timerAt[slot], EV_RETRY, slot, router.generation[slot]);
        return;
      case RouterNext.ROUTE_TIMEOUT:
        kernel.scheduleAt(router.timerAt[slot], EV_ROUTE_TIMEOUT, slot, router.generation[slot]);
        return;
      case RouterNext.SUCCEEDED:
      case RouterNext.FAILED: {
        const outcome = router.outcome[slot];
        finish(clientStatus(outcome, router.status[slot]), clientResponseFlags(outcome, router.retryLimitExceeded(slot)));
        return;
      }
    }
  };
  const start = (): void => {
    for (const h of ejections[String(observed.attempts.length + 1)] ?? []) lb.markEjected(h, true);
    const host = router.start(slot);
    observed.attempts.push({ at_ms: kernel.now, host: host === NO_HOST ? null : host });
    if (host === NO_HOST) {
      finish(NO_HEALTHY_UPSTREAM_STATUS, ResponseFlag.NO_HEALTHY_UPSTREAM);
      return;
    }
    const a = answers[answered++];
    if (a === undefined) throw new Error(`answers: attempt ${answered} reached a host but has no answer`);
    const outcome = OUTCOMES[a.outcome];
    if (outcome === undefined) throw new Error(`answers[${answered - 1}].outcome: unknown (known: ${Object.keys(OUTCOMES).join(', ')})`);
    answer.outcome = outcome;
    answer.status = a.status ?? 0;
    answer.latencyMs = a.outcome === 'none' ? 1 / 0 : (a.after_ms ?? 0);
    const delay = attemptConnected(outcome) ? (a.pool_ready_after_ms ?? 0) : 0;
    if (delay > 0) kernel.schedule(delay, EV_SEND, slot, router.generation[slot]);
    else follow(router.send(slot, answer));
  };

  const slot = router.begin(0);
  start();
  const handle = (kind: number, a: number, b: number): void => {
    switch (kind) {
      case EV_SEND:
        // A route timeout while connecting already finished the request.
        if (router.generation[a] === b && router.host[a] >= 0) follow(router.send(a, answer));
        return;
      case EV_ATTEMPT_END:
        if (router.attemptSeq[a] === b) follow(router.end(a, router.outcome[a], router.status[a]));
        return;
      case EV_RETRY:
        if (router.generation[a] === b) start();
        return;
      case EV_ROUTE_TIMEOUT:
        if (router.generation[a] === b) {
          router.routeTimeout(a);
          finish(TIMEOUT_RESPONSE_CODE, ResponseFlag.UPSTREAM_REQUEST_TIMEOUT);
        }
        return;
    }
  };
  for (const q = kernel.queue; q.size > 0; ) {
    q.pop();
    kernel.now = q.time;
    handle(q.kind, q.a, q.b);
  }
  if (answered < answers.length) throw new Error(`answers: ${answers.length} given, ${answered} used`);
  return observed;
}

export function replayRouter(vector: any): string[] {
  const out: string[] = [];
  const expected = vector?.expected;
  if (expected === null || typeof expected !== 'object') return ['expected: expected an object'];
  for (const key of Object.keys(expected)) {
    if (!EXPECTED_KEYS.has(key) && !key.startsWith('_')) out.push(`expected.${key} is not checked by the router replay`);
  }
  const profiles = vector.profiles;
  if (!Array.isArray(profiles) || profiles.length === 0) return [...out, 'profiles: expected a non-empty list of outlier profiles'];
  for (const profile of profiles) {
    const got = run(vector.input ?? {}, profile);
    for (const key of EXPECTED_KEYS) {
      if (key in expected) expectEqual(out, `[${profile}] ${key}`, expected[key], got[key as keyof Observed]);
    }
  }
  return out;
}

for (const category of ROUTER_CATEGORIES) registerCategory(category, replayRouter);
