/**
 * `failsim tune`: an adaptive search over the DestinationRule's outlierDetection fields against the
 * incident battery, within a run budget that is a hard bound (./tune-budget.ts: what a run is, how
 * the budget is split between the phases).
 *
 *   0. the current settings, always (the budget must at least score them at full replications);
 *   1. coarse: consecutive5xxErrors × interval × baseEjectionTime at the smallest
 *      maxEjectionPercent that lets a whole priority-0 locality out (× the route's retry fields),
 *      few replications; a space-filling subset of it when it does not fit its share;
 *   2. refine, round after round while the budget's exploration share lasts, around the best
 *      candidates and the Pareto front (failed requests, cross-locality share, quiet-day false
 *      ejections; of all points when none meets the SLO): their neighbours in every field, other
 *      caps (the current one, the locality cap and 100) and consecutiveGatewayErrors below
 *      consecutive5xxErrors;
 *   3. with the full replications, in this order while the budget lasts: the current settings,
 *      the candidates best first, the front. The recommendation is chosen among these only.
 *
 * Every point runs the same cells with the same seeds (common random numbers), so points differ
 * only by their settings. The recommendation: among the points that meet the SLO and never eject
 * on the quiet day, those whose failed requests are within a factor `errorTolerance` (default 2)
 * of the fewest, the one that keeps the most traffic local (then the fewest failures, then the
 * fewest changes from the current settings, then the lower maxEjectionPercent). Pure: runs go through the JobRunner given.
 *
 * Retries: when the http route the host's sidecar clients use (a VirtualService) has a `retries`
 * block, the same search also varies its `attempts`, `retryRemoteLocalities` (Istio ≥ 1.6, see
 * src/istio/retry.ts) and, when the user set one, `perTryTimeout`; the patch then holds the
 * VirtualService too.
 */
import YAML from 'yaml';
import { UserError } from '../config/errors.ts';
import { parseDurationMs } from '../config/durations.ts';
import { smallestMaxEjectionPercentFor } from '../envoy/outlier/max-ejection-percent.ts';
import { semanticsForEnvoyMinor } from '../envoy/profiles.ts';
import { findRoute } from '../istio/translate.ts';
import type { Mesh } from '../mesh/build.ts';
import { batteryJobs, type BatteryPlan } from './battery.ts';
import type { JobRunner, RunMetrics } from './job.ts';
import { scoreBattery, type Scorecard } from './scorecard.ts';
import { planBudget, spaceFillingSubset } from './tune-budget.ts';
import { OUTLIER_FIELDS, RETRY_FIELDS, TUNED_FIELDS, isRetryField, type TunedField } from './tuned-fields.ts';

export { TUNED_FIELDS, isRetryField, type TunedField } from './tuned-fields.ts';

/** DestinationRule (and VirtualService retries) field names; a field absent here is left as the user has it. */
export type Settings = Partial<Record<TunedField, number | string | boolean>>;


const C5XX = [1, 2, 3, 5, 10];
const INTERVALS = ['1s', '5s', '10s', '30s'];
const BASES = ['5s', '15s', '30s', '1m', '2m'];
const COARSE_C5XX = [1, 2, 3, 5];
const COARSE_INTERVALS = ['1s', '10s', '30s'];
const COARSE_BASES = ['5s', '30s', '2m'];
/** attempts go from 0 (no retry policy) to the current + 2, at most this many. */
const MAX_ATTEMPTS = 10;
const PER_TRY_TIMEOUTS = ['100ms', '250ms', '500ms', '1s', '2s', '5s', '10s'];
/** Refinement rounds at most (each around the front of everything scored so far). */
const REFINE_ROUNDS = 4;

/** One field of the coarse grid and the values it takes. */
interface GridAxis {
  field: TunedField;
  values: readonly (number | string | boolean)[];
}

/** Every combination of the axes' values, over the current settings (first axis outermost). */
function gridPoints(current: Settings, axes: readonly GridAxis[]): Settings[] {
  let points: Settings[] = [{ ...current }];
  for (const axis of axes) points = points.flatMap((p) => axis.values.map((v) => ({ ...p, [axis.field]: v })));
  return points;
}

const axisNumber = (v: number | string | boolean | undefined): number => (typeof v === 'string' ? ms(v) : Number(v ?? 0));

/** A point's place in the grid: per axis, the index of its (nearest) value scaled to [0, 1]. */
function gridCoordinates(axes: readonly GridAxis[], s: Settings): number[] {
  return axes.map((axis) => {
    if (axis.values.length < 2) return 0;
    const x = axisNumber(s[axis.field]);
    let best = 0;
    axis.values.forEach((v, i) => {
      if (Math.abs(axisNumber(v) - x) < Math.abs(axisNumber(axis.values[best]) - x)) best = i;
    });
    return best / (axis.values.length - 1);
  });
}

export interface TuneOptions {
  /** Most runs to spend in all (src/advise/tune-budget.ts says what a run is). */
  budget: number;
  /** The budget is the CLI's default, not the user's (for the error message). */
  budgetIsDefault?: boolean;
  /** Replications of the final comparison (the plan's). */
  replications: number;
  errorTolerance?: number;
  /** The fields to vary (default all); the others keep their current values. */
  fields?: readonly TunedField[];
}

export interface PointResult {
  settings: Settings;
  scorecard: Scorecard;
  failedRequests: number;
  crossLocalityShare: number;
  falseEjections: number;
  pass: boolean;
  replications: number;
}

export interface TuneResult {
  destinationRule: string;
  /** The VirtualService whose route retries were varied, or null (no retries block). */
  virtualService: string | null;
  current: PointResult;
  recommended: PointResult | null;
  /** Non-dominated points (failed requests, cross-locality share, false ejections), final replications. */
  front: PointResult[];
  /** Every point run, with the replications it got. */
  points: PointResult[];
  /** Simulation runs executed (each cell × replication × setting scored); never more than budget. */
  runs: number;
  budget: number;
  patch: string | null;
}

/** The DestinationRule tune varies: the one for the checked host. */
export function tunedDestinationRule(mesh: Mesh, host: string): { name: string; namespace: string | undefined; outlierDetection: Record<string, unknown> } {
  const dr = mesh.istio.destinationRules.find((d) => d.spec.host === host);
  if (!dr) {
    throw new UserError(
      `${host}: no DestinationRule for this host: failsim tune varies a DestinationRule's outlierDetection; add one (spec.host: ${host}) with the trafficPolicy you have`,
    );
  }
  return { name: dr.name, namespace: dr.namespace, outlierDetection: { ...(dr.spec.trafficPolicy?.outlierDetection ?? {}) } };
}

/** The http route whose retries tune varies: the host's sidecar route, when it has a retries block. */
export interface TunedRoute {
  name: string;
  /** Index of the VirtualService among mesh.istio.virtualServices, and of the route in spec.http. */
  vsIndex: number;
  routeIndex: number;
  retries: Record<string, unknown>;
}

export function tunedRoute(mesh: Mesh, host: string): TunedRoute | null {
  const found = findRoute(mesh.istio, host, undefined, undefined);
  if (!found?.route.retries) return null;
  return { name: found.vs.name, vsIndex: mesh.istio.virtualServices.indexOf(found.vs), routeIndex: found.index, retries: { ...found.route.retries } };
}

/**
 * The smallest maxEjectionPercent that lets every host of the largest priority-0 locality out at
 * once, under the max-ejection rule of the plan's Envoy (Istio sets no always_eject_one_host).
 */
export function localityCap(plan: BatteryPlan, mesh: Mesh): number {
  const profile = semanticsForEnvoyMinor(plan.envoyMinor).outlier;
  let cap = 0;
  for (const host of plan.hosts) {
    const svc = mesh.services.find((s) => s.host === host)!;
    const n = svc.endpoints.length;
    const perLocality = new Map<string, number>();
    for (const cell of plan.cells.filter((c) => c.host === host && c.incident === 'hard-down')) {
      const count = svc.endpoints.filter((e) => e.locality && localityText(e.locality) === cell.target).length;
      perLocality.set(cell.target, count);
    }
    for (const k of perLocality.values()) cap = Math.max(cap, smallestMaxEjectionPercentFor(k, n, false, profile));
  }
  return Math.max(1, cap);
}

function localityText(l: { region: string; zone: string; subzone: string }): string {
  return [l.region, l.zone, l.subzone].filter((p, i, a) => p !== '' || a.slice(i + 1).some((q) => q !== '')).join('/');
}

export function settingsKey(s: Settings): string {
  return TUNED_FIELDS.map((f) => `${f}=${s[f] ?? ''}`).join(',');
}

function setsFor(drName: string, route: TunedRoute | null, s: Settings): string[] {
  const sets = OUTLIER_FIELDS.filter((f) => s[f] !== undefined).map((f) => `DestinationRule/${drName}:spec.trafficPolicy.outlierDetection.${f}=${s[f]}`);
  if (route) for (const f of RETRY_FIELDS) if (s[f] !== undefined) sets.push(`VirtualService/${route.name}:spec.http[${route.routeIndex}].retries.${f}=${s[f]}`);
  return sets;
}

const ms = (d: string | number | undefined): number => (typeof d === 'string' ? parseDurationMs(d)! : (d ?? 0));

/** Settings with Istio's defaults for what the user left unset (gateway errors: not enforced). */
export function currentSettings(od: Record<string, unknown>): Settings {
  return {
    consecutive5xxErrors: (od.consecutive5xxErrors as number | undefined) ?? 5,
    ...(od.consecutiveGatewayErrors !== undefined ? { consecutiveGatewayErrors: od.consecutiveGatewayErrors as number } : {}),
    interval: (od.interval as string | undefined) ?? '10s',
    baseEjectionTime: (od.baseEjectionTime as string | undefined) ?? '30s',
    maxEjectionPercent: (od.maxEjectionPercent as number | undefined) ?? 10,
  };
}

/**
 * The route's retry settings as tune varies them: attempts (absent: 0, Istio's "no retry policy"),
 * retryRemoteLocalities (absent: false) where the Istio version reads it (unknown version: assumed
 * recent), perTryTimeout only when the user set one (absent means none; tune does not add one).
 */
export function currentRetrySettings(retries: Record<string, unknown>, istioMinor: number | null): Settings {
  return {
    attempts: (retries.attempts as number | undefined) ?? 0,
    ...(retries.perTryTimeout !== undefined ? { perTryTimeout: retries.perTryTimeout as string } : {}),
    ...(istioMinor === null || istioMinor >= 6 ? { retryRemoteLocalities: (retries.retryRemoteLocalities as boolean | undefined) ?? false } : {}),
  };
}

function neighbours<T>(values: readonly T[], v: T, eq: (a: T, b: T) => boolean = (a, b) => a === b): T[] {
  const i = values.findIndex((x) => eq(x, v));
  if (i < 0) return [];
  return [values[i - 1], values[i + 1]].filter((x): x is T => x !== undefined);
}

function dominates(a: PointResult, b: PointResult): boolean {
  const le = a.failedRequests <= b.failedRequests && a.crossLocalityShare <= b.crossLocalityShare && a.falseEjections <= b.falseEjections;
  const lt = a.failedRequests < b.failedRequests || a.crossLocalityShare < b.crossLocalityShare || a.falseEjections < b.falseEjections;
  return le && lt;
}

export function paretoFront(points: readonly PointResult[]): PointResult[] {
  return points.filter((p) => !points.some((q) => q !== p && dominates(q, p)));
}

function changes(a: Settings, b: Settings): number {
  return TUNED_FIELDS.filter((f) => String(a[f] ?? '') !== String(b[f] ?? '')).length;
}

/**
 * The points the recommendation rule (see the module comment) can choose, best first: those within
 * the tolerance of the fewest failures by the rule's order, then the other eligible points by
 * failures. Its head is the recommendation; on coarse results it orders what gets the full replications.
 */
export function rankCandidates(points: readonly PointResult[], current: Settings, tolerance: number): PointResult[] {
  const ok = points.filter((p) => p.pass && p.falseEjections === 0 && p.scorecard.quietDay.noHealthyUpstream === 0);
  if (ok.length === 0) return [];
  const best = Math.min(...ok.map((p) => p.failedRequests));
  const isClose = (p: PointResult) => p.failedRequests <= Math.max(best * tolerance, best + 1);
  // Equal scores: fewer changes, then the lower cap (a cap that ejects more than needed only adds
  // the risk of ejecting every host: experiments/dynamodb-tuning, "50, not 100"), then the key.
  const cap = (p: PointResult) => Number(p.settings.maxEjectionPercent ?? 0);
  const tieBreak = (a: PointResult, b: PointResult) =>
    changes(a.settings, current) - changes(b.settings, current) || cap(a) - cap(b) || settingsKey(a.settings).localeCompare(settingsKey(b.settings));
  const close = ok.filter(isClose).sort((a, b) => a.crossLocalityShare - b.crossLocalityShare || a.failedRequests - b.failedRequests || tieBreak(a, b));
  const rest = ok.filter((p) => !isClose(p)).sort((a, b) => a.failedRequests - b.failedRequests || a.crossLocalityShare - b.crossLocalityShare || tieBreak(a, b));
  return [...close, ...rest];
}

/** The recommendation rule (see the module comment). */
export function recommend(points: readonly PointResult[], current: Settings, tolerance: number): PointResult | null {
  return rankCandidates(points, current, tolerance)[0] ?? null;
}

export async function tune(plan: BatteryPlan, mesh: Mesh, run: JobRunner, options: TuneOptions): Promise<TuneResult> {
  const host = plan.hosts[0];
  if (plan.hosts.length > 1) throw new UserError(`failsim tune tunes one service at a time: give --host (one of ${plan.hosts.join(', ')})`);
  const dr = tunedDestinationRule(mesh, host);
  const route = tunedRoute(mesh, host);
  const current = { ...currentSettings(dr.outlierDetection), ...(route ? currentRetrySettings(route.retries, plan.istioMinor) : {}) };
  const retryAsked = (options.fields ?? []).filter(isRetryField);
  if (retryAsked.length > 0 && !route) {
    throw new UserError(`--fields ${retryAsked.join(',')}: ${host} has no VirtualService http route with a retries block; failsim tune varies retries only where the config has them`);
  }
  for (const f of retryAsked) {
    if (current[f] === undefined) {
      throw new UserError(
        f === 'perTryTimeout'
          ? `--fields perTryTimeout: VirtualService ${route!.name} sets no retries.perTryTimeout; failsim tune varies it only when the route has one`
          : `--fields retryRemoteLocalities: Istio 1.${plan.istioMinor} does not read it (since Istio 1.6)`,
      );
    }
  }
  const cap = localityCap(plan, mesh);
  const cellsPerRep = plan.cells.length;
  const finalReps = options.replications;
  const budget = planBudget(options.budget, cellsPerRep, finalReps, options.budgetIsDefault);
  const coarseReps = budget.coarseReplications;
  let runs = 0;
  const cache = new Map<string, RunMetrics[]>();

  /**
   * Scores the points in order, each with `reps` replications, skipping a point whose missing runs
   * would take the total past `limit` (so the list's order is its priority). Returns the points scored.
   */
  async function evaluate(list: readonly Settings[], reps: number, limit: number): Promise<PointResult[]> {
    const todo: { key: string; jobs: ReturnType<typeof batteryJobs> }[] = [];
    const scored: Settings[] = [];
    let planned = runs;
    for (const s of list) {
      const key = settingsKey(s);
      const have = cache.get(key)?.length ?? 0;
      const missing = Math.max(0, reps * cellsPerRep - have);
      if (planned + missing > limit) continue;
      planned += missing;
      scored.push(s);
      if (missing > 0) todo.push({ key, jobs: batteryJobs({ ...plan, replications: reps }, setsFor(dr.name, route, s)).slice(have) });
    }
    const all = todo.flatMap((t) => t.jobs);
    const results = all.length ? await run(all) : [];
    runs += all.length;
    let k = 0;
    for (const t of todo) {
      const got = results.slice(k, k + t.jobs.length);
      k += t.jobs.length;
      cache.set(t.key, [...(cache.get(t.key) ?? []), ...got]);
    }
    return scored.map((s) => {
      const metrics = cache.get(settingsKey(s))!.slice(0, reps * cellsPerRep);
      const card = scoreBattery({ ...plan, replications: reps }, metrics);
      return {
        settings: s,
        scorecard: card,
        failedRequests: card.incidents.reduce((a, i) => a + i.failedRequests, 0),
        crossLocalityShare: card.incidents.reduce((a, i) => a + i.crossLocalityShare, 0) / Math.max(1, card.incidents.length),
        falseEjections: card.quietDay.falseEjections,
        pass: card.verdict === 'pass',
        replications: reps,
      };
    });
  }

  const tolerance = options.errorTolerance ?? 2;
  const dedupe = (list: Settings[]) => [...new Map(list.map((s) => [settingsKey(s), s])).values()];

  // Retry fields only where the route has them (current holds exactly those).
  const fields = new Set<TunedField>((options.fields ?? TUNED_FIELDS).filter((f) => !isRetryField(f) || current[f] !== undefined));
  const values = <T>(field: TunedField, list: readonly T[], now: T): readonly T[] => (fields.has(field) ? list : [now]);

  // 1. Coarse grid at the locality cap; retries: with and without retryRemoteLocalities, attempts
  //    at the current value and at its bound, perTryTimeout at the current value and its
  //    neighbours. Thinned to a space-filling subset when it does not fit the coarse share.
  const attemptValues = Array.from({ length: Math.min(MAX_ATTEMPTS, Number(current.attempts ?? 0) + 2) + 1 }, (_, i) => i);
  const perTryTimeouts = current.perTryTimeout === undefined ? [] : [...new Set([...PER_TRY_TIMEOUTS, String(current.perTryTimeout)])].sort((a, b) => ms(a) - ms(b));
  const axes: GridAxis[] = [
    { field: 'consecutive5xxErrors', values: values('consecutive5xxErrors', COARSE_C5XX, current.consecutive5xxErrors as number) },
    { field: 'interval', values: values('interval', COARSE_INTERVALS, current.interval as string) },
    { field: 'baseEjectionTime', values: values('baseEjectionTime', COARSE_BASES, current.baseEjectionTime as string) },
    { field: 'maxEjectionPercent', values: [fields.has('maxEjectionPercent') ? cap : (current.maxEjectionPercent as number)] },
  ];
  if (current.attempts !== undefined) axes.push({ field: 'attempts', values: values('attempts', [...new Set([Number(current.attempts), attemptValues[attemptValues.length - 1]])], current.attempts) });
  if (current.retryRemoteLocalities !== undefined) axes.push({ field: 'retryRemoteLocalities', values: values('retryRemoteLocalities', [false, true], current.retryRemoteLocalities) });
  if (current.perTryTimeout !== undefined) {
    const now = String(current.perTryTimeout);
    axes.push({ field: 'perTryTimeout', values: values('perTryTimeout', [...neighbours(perTryTimeouts, now), now].sort((a, b) => ms(a) - ms(b)), now) });
  }
  const currentKey = settingsKey(current);
  const grid = gridPoints(current, axes).filter((s) => settingsKey(s) !== currentKey);
  const fit = Math.max(0, Math.floor((budget.coarseLimit - cellsPerRep * coarseReps) / (cellsPerRep * coarseReps)));
  const coarse = spaceFillingSubset(grid, (s) => gridCoordinates(axes, s), gridCoordinates(axes, current), fit);
  const explored = await evaluate([current, ...coarse], coarseReps, budget.coarseLimit);

  // 2. Refine around the front (of the points that meet the SLO, else of all, to move towards it):
  //    neighbours of its points in every field, other caps, gateway errors; round after round
  //    while new neighbours appear and the exploration share of the budget lasts.
  for (let round = 0; round < REFINE_ROUNDS; round++) {
    const passing = explored.filter((p) => p.pass);
    const front = paretoFront(passing.length > 0 ? passing : explored);
    const base = [...new Set([...rankCandidates(explored, current, tolerance).slice(0, 4), ...front])].slice(0, 8);
    const refine: Settings[] = [];
    for (const p of base) {
      const s = p.settings;
      if (fields.has('consecutive5xxErrors')) for (const c of neighbours(C5XX, Number(s.consecutive5xxErrors))) refine.push({ ...s, consecutive5xxErrors: c });
      if (fields.has('interval')) for (const i of neighbours(INTERVALS, String(s.interval), (a, b) => ms(a) === ms(b))) refine.push({ ...s, interval: i });
      if (fields.has('baseEjectionTime')) for (const b of neighbours(BASES, String(s.baseEjectionTime), (a, c) => ms(a) === ms(c))) refine.push({ ...s, baseEjectionTime: b });
      if (fields.has('maxEjectionPercent')) for (const m of [current.maxEjectionPercent as number, cap, 100]) if (m !== s.maxEjectionPercent) refine.push({ ...s, maxEjectionPercent: m });
      const c5 = Number(s.consecutive5xxErrors);
      if (fields.has('consecutiveGatewayErrors')) for (const g of [1, 2, 3]) if (g < c5) refine.push({ ...s, consecutiveGatewayErrors: g });
      if (fields.has('attempts')) for (const a of neighbours(attemptValues, Number(s.attempts))) refine.push({ ...s, attempts: a });
      if (fields.has('retryRemoteLocalities')) refine.push({ ...s, retryRemoteLocalities: !s.retryRemoteLocalities });
      if (fields.has('perTryTimeout')) for (const t of neighbours(perTryTimeouts, String(s.perTryTimeout), (a, b) => ms(a) === ms(b))) refine.push({ ...s, perTryTimeout: t });
    }
    const known = new Set(explored.map((p) => settingsKey(p.settings)));
    const fresh = dedupe(refine).filter((s) => !known.has(settingsKey(s)));
    const got = fresh.length > 0 ? await evaluate(fresh, coarseReps, budget.exploreLimit) : [];
    if (got.length === 0) break;
    explored.push(...got);
  }

  // 3. The current settings, the best candidates and the front at the full replications, in that
  //    order while the budget lasts (the current settings always fit: planBudget reserved them).
  const candidates = rankCandidates(explored, current, tolerance);
  const front2 = paretoFront(explored).slice(0, 12);
  const finalList = dedupe([current, ...candidates.map((p) => p.settings), ...front2.map((p) => p.settings)]);
  const final = await evaluate(finalList, finalReps, budget.budget);
  const currentResult = final[0];
  const recommended = recommend(final, current, tolerance);
  const byKey = new Map(explored.map((p) => [settingsKey(p.settings), p]));
  for (const p of final) byKey.set(settingsKey(p.settings), p);
  const points = [...byKey.values()];
  return {
    destinationRule: dr.name,
    virtualService: route?.name ?? null,
    current: currentResult,
    recommended,
    front: paretoFront(points),
    points,
    runs,
    budget: options.budget,
    patch: recommended ? tunePatch(mesh, host, dr.name, route, current, recommended.settings) : null,
  };
}

/**
 * The ready-to-apply patch: the DestinationRule, and the VirtualService when a retry field
 * changed, as one multi-document YAML.
 */
export function tunePatch(mesh: Mesh, host: string, drName: string, route: TunedRoute | null, current: Settings, settings: Settings): string {
  const dr = destinationRulePatch(mesh, host, drName, settings);
  const retryChanged = RETRY_FIELDS.some((f) => settings[f] !== undefined && settings[f] !== current[f]);
  return route && retryChanged ? `${dr}---\n${virtualServicePatch(mesh, route, settings)}` : dr;
}

/** The user's resource document (as read, without server-side metadata). */
function userDocument(mesh: Mesh, index: number): Record<string, unknown> {
  const doc = structuredClone(mesh.documents[index]);
  const meta = (doc as { metadata?: Record<string, unknown> }).metadata;
  if (meta) for (const k of ['resourceVersion', 'uid', 'generation', 'creationTimestamp', 'managedFields']) delete meta[k];
  delete (doc as { status?: unknown }).status;
  return doc;
}

/** The user's VirtualService with the recommended retries on the tuned route. */
export function virtualServicePatch(mesh: Mesh, route: TunedRoute, settings: Settings): string {
  const index = mesh.istio.serviceEntries.length + mesh.istio.destinationRules.length + route.vsIndex;
  const doc = userDocument(mesh, index) as { spec: { http: { retries: Record<string, unknown> }[] } };
  const retries = doc.spec.http[route.routeIndex].retries;
  for (const f of RETRY_FIELDS) if (settings[f] !== undefined) retries[f] = settings[f];
  return YAML.stringify(doc, { lineWidth: 0 });
}

/** The user's DestinationRule with the recommended outlierDetection, ready for kubectl apply. */
export function destinationRulePatch(mesh: Mesh, host: string, name: string, settings: Settings): string {
  const resource = mesh.istio.destinationRules.find((d) => d.name === name && d.spec.host === host)!;
  const index = mesh.istio.serviceEntries.length + mesh.istio.destinationRules.indexOf(resource);
  const doc = userDocument(mesh, index) as { spec: { trafficPolicy?: { outlierDetection?: Record<string, unknown> } } };
  const tp = (doc.spec.trafficPolicy ??= {});
  const od = (tp.outlierDetection ??= {});
  for (const f of OUTLIER_FIELDS) if (settings[f] !== undefined) od[f] = settings[f];
  return YAML.stringify(doc, { lineWidth: 0 });
}
