/**
 * The scenario file's schema (zod 4, strict — an unknown field is an error): parsed YAML in, the
 * normalised Scenario of scenario.ts out. Every field is documented in docs/scenario.md; keep the
 * two in step.
 *
 * Validation happens in two passes inside one schema: field shapes first (each with a message that
 * says what was expected and what was given), then the cross-field checks (`from < until ≤ duration`,
 * windows that are multiples of the bucket, ...) once every field parsed.
 */
import * as z from 'zod';
import { UserError } from './errors.ts';
import { formatDurationMs, parseDurationMs, parseRate } from './durations.ts';
import { LOCALITY_EXPECTATION, localityTextProblem } from './locality-text.ts';
import { MAX_BUCKETS, MAX_DURATION_MS, MAX_LATENCY_FACTOR, MAX_LATENCY_MS, MIN_BUCKET_MS, describeBoundMs } from './bounds.ts';
import { issueMessages, showValue } from './issues.ts';
import {
  DEFAULT_CONNECT_REFUSED_DELAY_MS,
  DEFAULT_ENDPOINT,
  DEFAULT_METRICS,
  DEFAULT_READINESS,
  parseScenarioLocality,
  type ControlPlaneSpec,
  type CapacitySpec,
  type EndpointSpec,
  type FaultEffectKind,
  type FaultEffectSpec,
  type FaultSpec,
  type FaultTarget,
  type LatencySpec,
  type Scenario,
} from './scenario.ts';

// ---------------------------------------------------------------------------------------------
// Leaf schemas: each names what it expects and echoes what it got
// ---------------------------------------------------------------------------------------------

const DURATION_EXPECTATION = 'expected a duration like 250ms, 15s, 1m';
const RATE_EXPECTATION = 'expected a rate like 300/s, 20/m, 5/h';

function requiredOr(expectation: string) {
  return (issue: { input?: unknown }) =>
    issue.input === undefined ? 'is required' : `${expectation} (got ${showValue(issue.input)})`;
}

interface DurationBounds {
  /** Reject 0 ("must be > 0"). */
  positive?: boolean;
  /** Smallest non-zero value accepted (default: any). */
  minMs?: number;
  maxMs: number;
  /** Names the bound in messages: "the longest <what> failsim accepts". */
  what: string;
}

/**
 * A duration in ms within bounds (docs/limits.md); never negative. YAML reads a bare `0` as a
 * number; it is the duration 0 (Go's time.ParseDuration accepts "0" too).
 */
function durationIn(bounds: DurationBounds) {
  return z.preprocess(
    (v) => (v === 0 ? '0' : v),
    z.string({ error: requiredOr(DURATION_EXPECTATION) }).transform((text, ctx) => {
      const ms = parseDurationMs(text);
      const fail = (message: string) => {
        ctx.addIssue({ code: 'custom', message: `${message} (got ${showValue(text)})` });
        return z.NEVER;
      };
      if (ms === undefined) return fail(DURATION_EXPECTATION);
      if (ms < 0) return fail('must not be negative');
      if (bounds.positive && ms === 0) return fail('must be > 0');
      if (bounds.minMs !== undefined && ms < bounds.minMs) return fail(`must be at least ${describeBoundMs(bounds.minMs)}`);
      if (ms > bounds.maxMs) return fail(`must be at most ${describeBoundMs(bounds.maxMs)}, the longest ${bounds.what} failsim accepts`);
      return ms;
    }),
  );
}

/** A non-negative duration in ms (times inside a run). */
const duration = durationIn({ maxMs: MAX_DURATION_MS, what: 'duration' });

/** A strictly positive duration in ms. */
const positiveDuration = durationIn({ positive: true, maxMs: MAX_DURATION_MS, what: 'duration' });

/** A latency: at most MAX_LATENCY_MS, so that requests complete within a run. */
const latency = durationIn({ maxMs: MAX_LATENCY_MS, what: 'latency' });
const positiveLatency = durationIn({ positive: true, maxMs: MAX_LATENCY_MS, what: 'latency' });

/** A metrics bucket: the timeline's resolution. */
const bucketDuration = durationIn({ positive: true, minMs: MIN_BUCKET_MS, maxMs: MAX_DURATION_MS, what: 'duration' });

function rateSchema(allowZero: boolean) {
  return z.string({ error: requiredOr(RATE_EXPECTATION) }).transform((text, ctx) => {
    const perSecond = parseRate(text);
    if (perSecond === undefined) {
      ctx.addIssue({ code: 'custom', message: `${RATE_EXPECTATION} (got ${showValue(text)})` });
      return z.NEVER;
    }
    if (perSecond < 0 || (!allowZero && perSecond === 0)) {
      ctx.addIssue({
        code: 'custom',
        message: `must be ${allowZero ? 'zero or positive' : 'positive'} (got ${showValue(text)})`,
      });
      return z.NEVER;
    }
    return perSecond;
  });
}

function numberIn(min: number, max: number, opts: { integer?: boolean; minExclusive?: boolean } = {}) {
  const what = opts.integer ? 'an integer' : 'a number';
  const range = `${opts.minExclusive ? `greater than ${min}` : `from ${min}`}${Number.isFinite(max) ? ` to ${max}` : ''}`;
  return z.number({ error: requiredOr(`expected ${what}`) }).superRefine((n, ctx) => {
    const bad = (opts.integer && !Number.isInteger(n)) || n > max || (opts.minExclusive ? n <= min : n < min);
    if (bad) ctx.addIssue({ code: 'custom', message: `expected ${what} ${range} (got ${n})` });
  });
}

const localityText = z.string({ error: requiredOr(LOCALITY_EXPECTATION) }).superRefine((text, ctx) => {
  const problem = localityTextProblem(text);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
});

const versionString = z
  .string({ error: requiredOr('expected a version string like "1.28" (quote it: YAML reads 1.10 as 1.1)') })
  .regex(/^\d+\.\d+(\.\d+)?$/, { message: 'expected a version like "1.28"' });

// ---------------------------------------------------------------------------------------------
// Latency
// ---------------------------------------------------------------------------------------------

const LATENCY_KINDS = ['constant', 'uniform', 'exponential', 'lognormal', 'empirical'] as const;

const quantilePoint = z.tuple([numberIn(0, 1), latency], {
  error: requiredOr('expected a [quantile, duration] pair like [0.99, 40ms]'),
});

const latencySchema = z
  .strictObject(
    {
      constant: latency.optional(),
      uniform: z.strictObject({ min: latency, max: latency }).optional(),
      exponential: z.strictObject({ mean: positiveLatency }).optional(),
      lognormal: z.strictObject({ median: positiveLatency, p99: positiveLatency }).optional(),
      empirical: z.strictObject({ quantiles: z.array(quantilePoint).min(1) }).optional(),
    },
    { error: requiredOr(`expected a mapping with one of ${LATENCY_KINDS.join(', ')}`) },
  )
  .superRefine((l, ctx) => {
    const given = LATENCY_KINDS.filter((k) => l[k] !== undefined);
    if (given.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: `expected exactly one latency kind of ${LATENCY_KINDS.join(', ')} (got ${given.length ? given.join(', ') : 'none'})`,
      });
      return;
    }
    if (l.uniform && l.uniform.min > l.uniform.max) {
      ctx.addIssue({ code: 'custom', path: ['uniform', 'max'], message: 'must not be less than min' });
    }
    if (l.lognormal && l.lognormal.p99 < l.lognormal.median) {
      ctx.addIssue({ code: 'custom', path: ['lognormal', 'p99'], message: 'must not be less than median' });
    }
    if (l.empirical) {
      const q = l.empirical.quantiles;
      for (let i = 1; i < q.length; i++) {
        if (q[i][0] <= q[i - 1][0]) {
          ctx.addIssue({ code: 'custom', path: ['empirical', 'quantiles', i, 0], message: 'quantiles must increase strictly' });
        }
        if (q[i][1] < q[i - 1][1]) {
          ctx.addIssue({ code: 'custom', path: ['empirical', 'quantiles', i, 1], message: 'values must not decrease' });
        }
      }
      if (q[q.length - 1][0] !== 1) {
        ctx.addIssue({
          code: 'custom',
          path: ['empirical', 'quantiles', q.length - 1, 0],
          message: 'the last quantile must be 1 (the maximum), otherwise the tail is undefined',
        });
      }
    }
  })
  .transform((l): LatencySpec => {
    if (l.constant !== undefined) return { kind: 'constant', valueMs: l.constant };
    if (l.uniform) return { kind: 'uniform', minMs: l.uniform.min, maxMs: l.uniform.max };
    if (l.exponential) return { kind: 'exponential', meanMs: l.exponential.mean };
    if (l.lognormal) return { kind: 'lognormal', medianMs: l.lognormal.median, p99Ms: l.lognormal.p99 };
    return { kind: 'empirical', quantiles: l.empirical!.quantiles.map(([q, v]) => [q, v] as [number, number]) };
  });

const capacitySchema = z
  .strictObject({
    concurrency: numberIn(1, Infinity, { integer: true }),
    queue: numberIn(0, Infinity, { integer: true }).optional(),
    slowdown: numberIn(1, Infinity).optional(),
    overloadStatus: numberIn(500, 599, { integer: true }).optional(),
    abandonedWork: z.enum(['continue', 'cancel']).optional(),
  })
  .transform(
    (c): CapacitySpec => ({
      concurrency: c.concurrency,
      queue: c.queue ?? 0,
      slowdown: c.slowdown ?? 1,
      overloadStatus: c.overloadStatus ?? 503,
      abandonedWork: c.abandonedWork ?? 'continue',
    }),
  );

const endpointSchema = z
  .strictObject({ latency: latencySchema.optional(), connectRefusedDelay: latency.optional(), capacity: capacitySchema.optional() })
  .transform(
    (e): EndpointSpec => ({
      latency: e.latency ?? DEFAULT_ENDPOINT.latency,
      connectRefusedDelayMs: e.connectRefusedDelay ?? DEFAULT_CONNECT_REFUSED_DELAY_MS,
      ...(e.capacity ? { capacity: e.capacity } : {}),
    }),
  );

// ---------------------------------------------------------------------------------------------
// Faults
// ---------------------------------------------------------------------------------------------

const EFFECT_KINDS = ['connect-refused', 'connect-timeout', 'http-error', 'latency', 'blackhole', 'reset'] as const;
const ALL_FAULT_KINDS = [...EFFECT_KINDS, 'flapping'] as const;

function kindError(kinds: readonly string[]) {
  return (issue: { input?: unknown }) => {
    // A discriminated union reports the whole object as the input; the user wants to see the kind.
    const input = issue.input;
    const kind = input !== null && typeof input === 'object' && !Array.isArray(input) ? (input as { kind?: unknown }).kind : input;
    if (typeof input === 'object' && input !== null && !Array.isArray(input) && kind === undefined) return 'is required';
    if (input === undefined) return 'is required';
    return `expected one of ${kinds.join(', ')} (got ${showValue(kind)})`;
  };
}

/** Parameters of each effect kind (empty for the parameterless ones). */
const effectParams = {
  'connect-refused': {},
  'connect-timeout': {},
  blackhole: {},
  reset: {},
  'http-error': { code: numberIn(400, 599, { integer: true }).optional(), rate: numberIn(0, 1, { minExclusive: true }).optional() },
  latency: { factor: numberIn(0, MAX_LATENCY_FACTOR).optional(), add: latency.optional() },
} as const;

function effectVariants<B extends z.core.$ZodLooseShape>(base: B) {
  return EFFECT_KINDS.map((kind) =>
    z.strictObject({ ...base, kind: z.literal(kind, { error: kindError(ALL_FAULT_KINDS) }), ...effectParams[kind] }),
  );
}

type RawEffect = { kind: FaultEffectKind; code?: number; rate?: number; factor?: number; add?: number };

function toEffect(raw: RawEffect): FaultEffectSpec {
  switch (raw.kind) {
    case 'http-error':
      return { kind: 'http-error', code: raw.code ?? 503, rate: raw.rate ?? 1 };
    case 'latency':
      return { kind: 'latency', factor: raw.factor ?? 1, addMs: raw.add ?? 0 };
    default:
      return { kind: raw.kind } as FaultEffectSpec;
  }
}

function checkLatencyEffect(raw: RawEffect, ctx: z.RefinementCtx, path: PropertyKey[]): void {
  if (raw.kind === 'latency' && raw.factor === undefined && raw.add === undefined) {
    ctx.addIssue({ code: 'custom', path, message: 'a latency fault needs factor (multiplies) or add (a duration), or both' });
  }
}

const innerEffect = z
  .discriminatedUnion('kind', effectVariants({}) as unknown as [z.ZodObject, ...z.ZodObject[]], {
    error: kindError(EFFECT_KINDS),
  })
  .superRefine((raw, ctx) => checkLatencyEffect(raw as RawEffect, ctx, []))
  .transform((raw) => toEffect(raw as RawEffect));

const faultBase = {
  endpoint: z.string({ error: requiredOr('expected an endpoint address') }).min(1).optional(),
  locality: localityText.optional(),
  from: duration,
  until: duration.optional(),
};

const flappingVariant = z.strictObject({
  ...faultBase,
  kind: z.literal('flapping'),
  up: positiveDuration,
  down: positiveDuration,
  distribution: z.enum(['fixed', 'exponential']).optional(),
  of: innerEffect.optional(),
});

type RawFault = RawEffect & {
  endpoint?: string;
  locality?: string;
  from: number;
  until?: number;
  up?: number;
  down?: number;
  distribution?: 'fixed' | 'exponential';
  of?: FaultEffectSpec;
};

const faultSchema = z
  .discriminatedUnion('kind', [...effectVariants(faultBase), flappingVariant] as unknown as [z.ZodObject, ...z.ZodObject[]], {
    error: kindError(ALL_FAULT_KINDS),
  })
  .superRefine((raw, ctx) => {
    const f = raw as RawFault;
    if ((f.endpoint === undefined) === (f.locality === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'expected exactly one of endpoint or locality' });
    }
    checkLatencyEffect(f, ctx, []);
  });

/** The fault in normalised form; `until` defaults to the run's end. */
function toFault(raw: RawFault, durationMs: number): FaultSpec {
  const target: FaultTarget =
    raw.endpoint !== undefined
      ? { endpoint: raw.endpoint }
      : { locality: parseScenarioLocality(raw.locality!), localityText: raw.locality! };
  const window = { target, fromMs: raw.from, untilMs: raw.until ?? durationMs };
  if (raw.kind === ('flapping' as string)) {
    return {
      kind: 'flapping',
      upMs: raw.up!,
      downMs: raw.down!,
      distribution: raw.distribution ?? 'fixed',
      of: raw.of ?? { kind: 'connect-refused' },
      ...window,
    };
  }
  return { ...toEffect(raw), ...window };
}

// ---------------------------------------------------------------------------------------------
// Clients, metrics, the whole file
// ---------------------------------------------------------------------------------------------

const rateSegment = z.strictObject({ from: duration, rate: rateSchema(true) });

const clientSchema = z.strictObject({
  locality: localityText,
  replicas: numberIn(1, 100_000, { integer: true }).optional(),
  rate: z.union([rateSchema(false), z.array(rateSegment).min(1)], {
    error: requiredOr(`${RATE_EXPECTATION}, or a list of {from, rate}`),
  }),
  arrivals: z.enum(['poisson', 'constant']).optional(),
  host: z.string().min(1).optional(),
  labels: z.record(z.string(), z.string()).optional(),
});

const metricsSchema = z.strictObject({
  bucket: bucketDuration.optional(),
  mitigation: z.strictObject({ window: positiveDuration.optional(), threshold: numberIn(0, 1).optional() }).optional(),
  failback: z.strictObject({ tolerance: numberIn(0, 1).optional(), window: positiveDuration.optional() }).optional(),
});

const readinessSchema = z.strictObject({
  period: positiveDuration.optional(),
  timeout: positiveDuration.optional(),
  failureThreshold: numberIn(1, 1000, { integer: true }).optional(),
  successThreshold: numberIn(1, 1000, { integer: true }).optional(),
  propagation: duration.optional(),
  debounceAfter: positiveDuration.optional(),
  debounceMax: positiveDuration.optional(),
  pushDelay: duration.optional(),
  unready: z.enum(['remove', 'unhealthy']).optional(),
});

const healthCheckSchema = z.strictObject({
  type: z.enum(['http', 'tcp']).optional(),
  interval: positiveDuration,
  timeout: positiveDuration,
  unhealthyThreshold: numberIn(1, 1000, { integer: true }),
  healthyThreshold: numberIn(1, 1000, { integer: true }),
  unhealthyInterval: positiveDuration.optional(),
  unhealthyEdgeInterval: positiveDuration.optional(),
  healthyEdgeInterval: positiveDuration.optional(),
  intervalJitter: duration.optional(),
  initialJitter: duration.optional(),
});

const controlPlaneSchema = z.strictObject({ readiness: readinessSchema.optional(), healthCheck: healthCheckSchema.optional() });

type RawControlPlane = z.output<typeof controlPlaneSchema>;

function toControlPlane(c: RawControlPlane | undefined): ControlPlaneSpec {
  const r = c?.readiness;
  const h = c?.healthCheck;
  const d = DEFAULT_READINESS;
  return {
    readiness:
      r === undefined
        ? null
        : {
            periodMs: r.period ?? d.periodMs,
            timeoutMs: r.timeout ?? d.timeoutMs,
            failureThreshold: r.failureThreshold ?? d.failureThreshold,
            successThreshold: r.successThreshold ?? d.successThreshold,
            propagationMs: r.propagation ?? d.propagationMs,
            debounceAfterMs: r.debounceAfter ?? d.debounceAfterMs,
            debounceMaxMs: r.debounceMax ?? d.debounceMaxMs,
            pushDelayMs: r.pushDelay ?? d.pushDelayMs,
            unready: r.unready ?? d.unready,
          },
    healthCheck:
      h === undefined
        ? null
        : {
            type: h.type ?? 'http',
            intervalMs: h.interval,
            timeoutMs: h.timeout,
            unhealthyThreshold: h.unhealthyThreshold,
            healthyThreshold: h.healthyThreshold,
            // Envoy's defaults (HealthCheckerImplBase's constructor): unhealthy_interval = interval,
            // unhealthy_edge_interval = unhealthy_interval, healthy_edge_interval = interval.
            unhealthyIntervalMs: h.unhealthyInterval ?? h.interval,
            unhealthyEdgeIntervalMs: h.unhealthyEdgeInterval ?? h.unhealthyInterval ?? h.interval,
            healthyEdgeIntervalMs: h.healthyEdgeInterval ?? h.interval,
            intervalJitterMs: h.intervalJitter ?? 0,
            initialJitterMs: h.initialJitter ?? 0,
          },
  };
}

const scenarioShape = z.strictObject({
  name: z.string({ error: requiredOr('expected a name (a string)') }).min(1),
  istio: z.string().min(1).optional(),
  envoy: z.string().min(1).optional(),
  versions: z.strictObject({ istio: versionString.optional(), envoy: versionString.optional() }).optional(),
  duration: positiveDuration,
  seed: numberIn(0, Number.MAX_SAFE_INTEGER, { integer: true }).optional(),
  clients: z.array(clientSchema, { error: requiredOr('expected a list of client groups') }).min(1, {
    message: 'expected at least one client group',
  }),
  endpoints: z.record(z.string().min(1), endpointSchema).optional(),
  faults: z.array(faultSchema).optional(),
  metrics: metricsSchema.optional(),
  proxy: z.strictObject({ ejectionDelay: duration.optional() }).optional(),
  controlPlane: controlPlaneSchema.optional(),
});

type RawScenario = z.output<typeof scenarioShape>;

/** Cross-field checks that need several fields (and no Istio config). */
function crossCheck(s: RawScenario, ctx: z.RefinementCtx): void {
  const issue = (path: PropertyKey[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  const d = s.duration;
  if ((s.istio === undefined) === (s.envoy === undefined)) {
    issue([], 'expected exactly one of istio (Istio resources file) or envoy (Envoy cluster file)');
  }
  if (s.versions?.istio !== undefined && s.versions?.envoy !== undefined) {
    issue(['versions'], 'expected at most one of istio or envoy');
  }
  if (s.versions?.istio !== undefined && s.envoy !== undefined) {
    issue(['versions', 'istio'], 'an Istio version needs an istio: resources file (this scenario gives envoy:)');
  }
  s.clients.forEach((c, i) => {
    if (!Array.isArray(c.rate)) return;
    c.rate.forEach((seg, j) => {
      const from = seg.from as number;
      if (j === 0 && from !== 0) issue(['clients', i, 'rate', 0, 'from'], 'the first segment must start at 0s');
      if (j > 0 && from <= (c.rate as { from: number }[])[j - 1].from) {
        issue(['clients', i, 'rate', j, 'from'], 'must be later than the previous segment');
      }
      if (from >= d) issue(['clients', i, 'rate', j, 'from'], `must be before the end of the run (duration ${fmt(d)})`);
    });
    if (c.rate.every((seg) => (seg.rate as number) === 0)) issue(['clients', i, 'rate'], 'must be positive somewhere');
  });
  (s.faults ?? []).forEach((raw, i) => {
    const f = raw as RawFault;
    if (f.from >= d) issue(['faults', i, 'from'], `must be before the end of the run (duration ${fmt(d)})`);
    if (f.until !== undefined) {
      if (f.until <= f.from) issue(['faults', i, 'until'], `must be later than from (${fmt(f.from)})`);
      else if (f.until > d) issue(['faults', i, 'until'], `must not be after the end of the run (duration ${fmt(d)})`);
    }
  });
  if (s.controlPlane?.readiness !== undefined && s.istio === undefined) {
    issue(['controlPlane', 'readiness'], 'readiness (Kubernetes → istiod → EDS) needs an istio: model; a plain Envoy cluster has no control plane here (use controlPlane.healthCheck)');
  }
  if (s.controlPlane?.healthCheck !== undefined && s.envoy === undefined) {
    issue(['controlPlane', 'healthCheck'], 'active health checking needs an envoy: model (Istio configures no active health checks; use controlPlane.readiness)');
  }
  const r = s.controlPlane?.readiness;
  if (r !== undefined && (r.timeout ?? DEFAULT_READINESS.timeoutMs) > (r.period ?? DEFAULT_READINESS.periodMs)) {
    issue(['controlPlane', 'readiness', 'timeout'], 'must not be longer than period (the kubelet probes on a fixed ticker)');
  }
  const bucket = s.metrics?.bucket ?? DEFAULT_METRICS.bucketMs;
  if (bucket > d) issue(['metrics', 'bucket'], `must not be longer than the run (duration ${fmt(d)})`);
  const buckets = Math.ceil(d / bucket);
  if (buckets > MAX_BUCKETS) {
    issue(
      ['metrics', 'bucket'],
      `${formatDurationMs(bucket)}${s.metrics?.bucket === undefined ? ' (the default)' : ''} splits the run (duration ${formatDurationMs(d)}) into ${buckets} buckets; ` +
        `at most ${MAX_BUCKETS} are allowed: give a metrics.bucket of at least ${formatDurationMs(Math.ceil(d / MAX_BUCKETS))} or a shorter duration`,
    );
  }
  const windows: [PropertyKey[], number | undefined][] = [
    [['metrics', 'mitigation', 'window'], s.metrics?.mitigation?.window],
    [['metrics', 'failback', 'window'], s.metrics?.failback?.window],
  ];
  for (const [path, w] of windows) {
    if (w !== undefined && Math.abs(w / bucket - Math.round(w / bucket)) > 1e-9) {
      issue(path, `must be a whole number of metrics.bucket (${fmt(bucket)})`);
    }
  }
}

function fmt(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

function normalise(s: RawScenario): Scenario {
  const d = s.duration;
  return {
    name: s.name,
    istio: s.istio,
    envoy: s.envoy,
    versions: { istio: s.versions?.istio, envoy: s.versions?.envoy },
    durationMs: d,
    seed: s.seed ?? 1,
    clients: s.clients.map((c) => ({
      locality: parseScenarioLocality(c.locality),
      localityText: c.locality,
      replicas: c.replicas ?? 1,
      rate: Array.isArray(c.rate)
        ? c.rate.map((seg) => ({ fromMs: seg.from as number, perSecond: seg.rate as number }))
        : [{ fromMs: 0, perSecond: c.rate as number }],
      arrivals: c.arrivals ?? 'poisson',
      host: c.host,
      labels: { ...(c.labels ?? {}) },
    })),
    endpoints: { ...(s.endpoints ?? {}) },
    faults: (s.faults ?? []).map((f) => toFault(f as RawFault, d)),
    metrics: {
      bucketMs: s.metrics?.bucket ?? DEFAULT_METRICS.bucketMs,
      mitigation: {
        windowMs: s.metrics?.mitigation?.window ?? DEFAULT_METRICS.mitigation.windowMs,
        threshold: s.metrics?.mitigation?.threshold ?? DEFAULT_METRICS.mitigation.threshold,
      },
      failback: {
        toleranceShare: s.metrics?.failback?.tolerance ?? DEFAULT_METRICS.failback.toleranceShare,
        windowMs: s.metrics?.failback?.window ?? DEFAULT_METRICS.failback.windowMs,
      },
    },
    proxy: { ejectionDelayMs: s.proxy?.ejectionDelay ?? 0 },
    controlPlane: toControlPlane(s.controlPlane),
  };
}

/** The complete schema: raw parsed YAML in, normalised Scenario out. */
export const scenarioSchema = scenarioShape.superRefine(crossCheck).transform(normalise);

const MAX_MESSAGES = 20;

/**
 * Validates parsed YAML as a scenario. Throws a UserError listing every problem, one per line,
 * each `file: field.path: expectation (got X)`.
 */
export function validateScenario(raw: unknown, file: string): Scenario {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new UserError(`${file}: expected a mapping of scenario fields (got ${showValue(raw)})`);
  }
  const result = scenarioSchema.safeParse(raw, { reportInput: true });
  if (result.success) return result.data;
  const lines = issueMessages(result.error.issues).map((m) => `${file}: ${m}`);
  const shown = lines.slice(0, MAX_MESSAGES);
  if (lines.length > MAX_MESSAGES) shown.push(`${file}: ... and ${lines.length - MAX_MESSAGES} more problems`);
  throw new UserError(shown.join('\n'));
}
