/**
 * Replays the `envoy.*` load-balancing vectors (load-balancing.json, see its `encoding` block)
 * through src/envoy/lb: the same modules the simulator runs (ClusterLoadBalancer, HostPicker,
 * EdfScheduler, LocalityScheduler, ZoneAwareState, PreviousPrioritiesRetryPriority).
 *
 * Conventions from the encoding: a priority object {hosts, healthy, degraded, excluded[, weights]}
 * lists healthy hosts first, then degraded, then excluded, then unhealthy; `seed` is the value of
 * the draw(s) taken when the LB (or scheduler) is constructed; `randoms` are the later draws in
 * consumption order, the first of each pick being the priority hash. `versions` restricts the
 * Envoy release (semantics); `init` overrides the EDF start mode.
 */
import type { IntegerSource } from '../engine/random.ts';
import { ScriptedIntegers } from '../engine/random.ts';
import type { ClusterEndpoint, EnvoyCluster, LbPolicy, Locality } from '../envoy/cluster.ts';
import { NEWEST_ENVOY_MINOR, semanticsForEnvoyMinor, type EnvoySemantics } from '../envoy/profiles.ts';
import { ClusterLoadBalancer, PickContext, SOURCE_KIND_NAMES, SOURCE_NONE, type ClusterLbOptions } from '../envoy/lb/cluster-lb.ts';
import type { EdfInitMode } from '../envoy/lb/edf.ts';
import { FAILED_ACTIVE_HC, FAILED_EDS_HEALTH, DEGRADED_EDS_HEALTH, PENDING_ACTIVE_HC } from '../envoy/lb/health.ts';
import { HostPicker, POLICY_ROUND_ROBIN } from '../envoy/lb/host-picker.ts';
import { LocalityScheduler } from '../envoy/lb/locality-wrr.ts';
import { choosePriority } from '../envoy/lb/priority-load.ts';
import { PreviousPrioritiesRetryPriority, USE_ORIGINAL_LOAD } from '../envoy/lb/retry-priority.ts';
import { SlowStartTracker } from '../envoy/lb/slow-start.ts';
import { LOCALITY_DIRECT, LOCALITY_RESIDUAL, NO_LOCALITY_ROUTING, ZoneAwareState } from '../envoy/lb/zone-aware.ts';
import { registerCategory } from './categories.ts';
import { expectClose, expectEqual } from './compare.ts';

// ------------------------------------------------------------------ shared helpers

/** Draws: `seed` while the LB is being built, then the scripted pick draws, then `fallback`. */
class ReplayRandom implements IntegerSource {
  private building = true;
  private values: readonly number[] = [];
  private index = 0;
  constructor(private readonly seed: number, private fallback = 0) {}
  next(): number {
    if (this.building) return this.seed;
    return this.index < this.values.length ? this.values[this.index++] : this.fallback;
  }
  /** Construction is over: from now on serve `values`, then `fallback`. */
  startPicks(values: readonly number[] = [], fallback = this.fallback): void {
    this.building = false;
    this.values = values;
    this.index = 0;
    this.fallback = fallback;
  }
  get consumed(): number {
    return this.index;
  }
}

/**
 * The Envoy release a vector holds for. `versions` strings name releases ("envoy < 1.30",
 * "pre-1.30", "1.28-1.30", "envoy >= 1.31", "1.29"); Istio-only restrictions leave the newest Envoy.
 */
export function semanticsForVector(vector: any): EnvoySemantics {
  let minor = NEWEST_ENVOY_MINOR;
  const v = vector?.versions;
  if (typeof v === 'string' && !/^\s*istio/i.test(v)) {
    const text = v.toLowerCase();
    const range = /1\.(\d+)\s*(?:-|–|\.\.)\s*1\.(\d+)/.exec(text);
    const below = /(?:<|pre-?|before)\s*(?:envoy\s*)?v?1\.(\d+)/.exec(text);
    const atMost = /<=\s*v?1\.(\d+)/.exec(text);
    const single = /1\.(\d+)/.exec(text);
    if (range) minor = Number(range[2]);
    else if (atMost) minor = Number(atMost[1]);
    else if (below) minor = Number(below[1]) - 1;
    else if (/(>=|\+|since|and later|or later)/.test(text)) minor = NEWEST_ENVOY_MINOR;
    else if (single) minor = Number(single[1]);
    minor = Math.min(NEWEST_ENVOY_MINOR, Math.max(10, minor));
  }
  return semanticsForEnvoyMinor(minor);
}

function edfInitFor(vector: any, semantics: EnvoySemantics): EdfInitMode {
  const init = vector?.input?.init;
  if (init === 'legacy' || init === 'createWithPicks') return init;
  return semantics.edfInit;
}

function withInit(semantics: EnvoySemantics, init: EdfInitMode): EnvoySemantics {
  return { ...semantics, edfInit: init, localityEdfInit: init };
}

/** Reports expected keys this replay does not know, so a new assertion is never silently skipped. */
function checkKnownKeys(out: string[], expected: any, known: readonly string[]): void {
  if (expected === null || typeof expected !== 'object' || Array.isArray(expected)) return;
  for (const key of Object.keys(expected)) {
    if (key.startsWith('_') || key === 'note') continue;
    if (!known.includes(key)) out.push(`expected.${key} is not checked by the envoy LB replay`);
  }
}

const LOCALITY: Locality = { region: 'region', zone: 'zone', subzone: '' };

interface VectorPriority {
  hosts: number;
  healthy?: number;
  degraded?: number;
  excluded?: number;
  weights?: number[];
}

/** Flags by the encoding's host order: healthy, degraded, excluded, then unhealthy. */
function flagsForPosition(pr: VectorPriority, i: number): number {
  const healthy = pr.healthy ?? 0;
  const degraded = pr.degraded ?? 0;
  const excluded = pr.excluded ?? 0;
  if (i < healthy) return 0;
  if (i < healthy + degraded) return DEGRADED_EDS_HEALTH;
  // A host waiting for its first active health check: excluded, and not (yet) healthy.
  if (i < healthy + degraded + excluded) return PENDING_ACTIVE_HC | FAILED_ACTIVE_HC;
  return FAILED_EDS_HEALTH;
}

interface BuiltCluster {
  cluster: EnvoyCluster;
  flags: number[];
  /** hostIndex[p][i] = dense index of the i-th host of priority p. */
  hostIndex: number[][];
}

function buildCluster(priorities: VectorPriority[], config: any, policy: LbPolicy): BuiltCluster {
  const endpoints: ClusterEndpoint[] = [];
  const flags: number[] = [];
  const hostIndex: number[][] = [];
  priorities.forEach((pr, p) => {
    const idx: number[] = [];
    for (let i = 0; i < pr.hosts; i++) {
      idx.push(endpoints.length);
      endpoints.push({
        address: `p${p}-h${i}`,
        port: 80,
        locality: LOCALITY,
        priority: p,
        weight: pr.weights?.[i] ?? 1,
        labels: {},
      });
      flags.push(flagsForPosition(pr, i));
    }
    hostIndex.push(idx);
  });
  // An empty highest priority still exists as a host set: give the LB a placeholder count.
  const cluster: EnvoyCluster = {
    name: 'conformance',
    endpoints,
    locality_weighted_lb_config: false,
    locality_weights: {},
    lb_policy: policy,
    least_request_choice_count: config?.choice_count ?? 2,
    overprovisioning_factor: config?.overprovisioning_factor ?? 140,
    healthy_panic_threshold: config?.healthy_panic_threshold ?? 50,
    connect_timeout_ms: 1000,
    route_timeout_ms: 0,
  };
  return { cluster, flags, hostIndex };
}

/** A ClusterLoadBalancer over vector priorities. Trailing empty priorities are kept as empty host sets. */
function buildLb(
  priorities: VectorPriority[],
  config: any,
  policy: LbPolicy,
  semantics: EnvoySemantics,
  random: IntegerSource,
  extra: ClusterLbOptions = {},
): { lb: ClusterLoadBalancer; built: BuiltCluster } {
  const built = buildCluster(priorities, config, policy);
  const lb = new ClusterLoadBalancer(built.cluster, semantics, undefined, random, {
    initialFlags: built.flags,
    weightedPriorityHealth: config?.weighted_priority_health ?? false,
    priorityCount: priorities.length,
    overprovisioningFactorByPriority: priorities.map(
      (pr: any) => pr.overprovisioning_factor ?? config?.overprovisioning_factor ?? 140,
    ),
    ...extra,
  });
  return { lb, built };
}

function arr(a: ArrayLike<number>): number[] {
  return Array.from(a);
}

function panicArr(lb: ClusterLoadBalancer): boolean[] {
  return Array.from(lb.panic, (x) => x === 1);
}

function positionIn(list: Int32Array, host: number): number | null {
  const i = list.indexOf(host);
  return i < 0 ? null : i;
}

// ------------------------------------------------------------------ envoy.priority_load

function replayPriorityLoad(vector: any): string[] {
  const out: string[] = [];
  const input = vector.input ?? {};
  const expected = vector.expected ?? {};
  if (!Array.isArray(input.priorities)) return ['input.priorities: expected an array of priority objects'];
  const semantics = semanticsForVector(vector);
  const { lb } = buildLb(input.priorities, input.config, 'RANDOM', semantics, new ReplayRandom(0));
  if ('healthy_load' in expected) expectEqual(out, 'healthy_load', expected.healthy_load, arr(lb.healthyLoad));
  if ('degraded_load' in expected) expectEqual(out, 'degraded_load', expected.degraded_load, arr(lb.degradedLoad));
  if ('panic' in expected) expectEqual(out, 'panic', expected.panic, panicArr(lb));
  checkKnownKeys(out, expected, ['healthy_load', 'degraded_load', 'panic']);
  return out;
}

// ------------------------------------------------------------------ envoy.choose_priority

function replayChoosePriority(vector: any): string[] {
  const out: string[] = [];
  const input = vector.input ?? {};
  const expected = vector.expected ?? {};
  const healthy = Int32Array.from(input.healthy_load ?? []);
  const degraded = Int32Array.from(input.degraded_load ?? new Array(healthy.length).fill(0));
  const picks = (input.hashes ?? []).map((hash: number) => {
    const code = choosePriority(hash, healthy, degraded);
    return { priority: code >> 1, availability: (code & 1) === 1 ? 'degraded' : 'healthy' };
  });
  expectEqual(out, 'picks', expected.picks, picks);
  checkKnownKeys(out, expected, ['picks']);
  return out;
}

// ------------------------------------------------------------------ envoy.retry_previous_priorities

function replayRetryPriorities(vector: any): string[] {
  const out: string[] = [];
  const input = vector.input ?? {};
  const expected = vector.expected ?? {};
  const semantics = semanticsForVector(vector);
  const { lb } = buildLb(input.priorities, input.config, 'RANDOM', semantics, new ReplayRandom(0));
  const originalHealthy: number[] = input.original_healthy_load ?? arr(lb.healthyLoad);
  const originalDegraded: number[] = input.original_degraded_load ?? arr(lb.degradedLoad);
  const plugin = new PreviousPrioritiesRetryPriority(input.update_frequency ?? 2, lb.priorityCount);
  const steps: number[] = input.steps ?? [];
  const wanted: any[] = expected.after_each_attempt ?? [];
  if (wanted.length !== steps.length) out.push(`after_each_attempt: ${wanted.length} entries for ${steps.length} steps`);
  steps.forEach((priority, i) => {
    plugin.onHostAttempted(priority);
    const code = plugin.determinePriorityLoad(lb.loads);
    const want = wanted[i];
    if (want === undefined) return;
    if (want === 'original') {
      if (code !== USE_ORIGINAL_LOAD) {
        out.push(`after_each_attempt[${i}]: expected the original load, got ${JSON.stringify({ healthy_load: arr(plugin.healthyLoad), degraded_load: arr(plugin.degradedLoad) })}`);
      }
      return;
    }
    const healthy = code === USE_ORIGINAL_LOAD ? originalHealthy : arr(plugin.healthyLoad);
    const degraded = code === USE_ORIGINAL_LOAD ? originalDegraded : arr(plugin.degradedLoad);
    if ('healthy_load' in want) expectEqual(out, `after_each_attempt[${i}].healthy_load`, want.healthy_load, healthy);
    if ('degraded_load' in want) expectEqual(out, `after_each_attempt[${i}].degraded_load`, want.degraded_load, degraded);
    if ('reset' in want) expectEqual(out, `after_each_attempt[${i}].reset`, want.reset, plugin.lastCallReset);
    if ('original' in want) expectEqual(out, `after_each_attempt[${i}].original`, want.original, code === USE_ORIGINAL_LOAD);
  });
  checkKnownKeys(out, expected, ['after_each_attempt']);
  return out;
}

// ------------------------------------------------------------------ host pickers over one source

/** A HostPicker over one source [0..n) with mutable weights, as the LB uses for one HostsSource. */
function sourcePicker(policy: number, init: EdfInitMode, capacity: number, seed: number, extra: Partial<{ activeRequestBias: number; slowStart: SlowStartTracker }> = {}) {
  const weights = new Float64Array(capacity).fill(1);
  const active = new Int32Array(capacity);
  const health = new Uint8Array(capacity); // all healthy
  const picker = new HostPicker(
    { policy, edfInit: init, activeRequestBias: extra.activeRequestBias },
    1,
    weights,
    active,
    health,
    extra.slowStart ?? null,
    new ScriptedIntegers([], 0),
  );
  picker.seed = seed;
  const list = Int32Array.from({ length: capacity }, (_, i) => i);
  return { picker, weights, active, health, list };
}

function replayEdfWeightedRr(vector: any): string[] {
  const out: string[] = [];
  const input = vector.input ?? {};
  const expected = vector.expected ?? {};
  const init = edfInitFor(vector, semanticsForVector(vector));
  const phases: any[] = Array.isArray(input.phases)
    ? input.phases
    : [{ action: 'build', weights: input.weights, picks: input.picks }];
  const capacity = Math.max(...phases.map((ph) => (ph.weights ?? []).length), 1);
  const { picker, weights, list } = sourcePicker(POLICY_ROUND_ROBIN, init, capacity, input.seed ?? 0);
  let n = 0;
  const results: number[][] = [];
  for (const ph of phases) {
    const w: number[] = ph.weights ?? [];
    if (ph.action === 'change_weights_without_rebuild') {
      w.forEach((x, i) => (weights[i] = x));
    } else {
      // 'build' / 'rebuild': a host-set update with these hosts.
      n = w.length;
      w.forEach((x, i) => (weights[i] = x));
      picker.refreshSource(0, list, n);
    }
    results.push(takePicks(ph.picks, () => picker.pick(0, list, n, 0)));
  }
  expectPhasePicks(out, expected, results);
  checkKnownKeys(out, expected, ['phase_picks', 'picks']);
  return out;
}

/** `count` picks (none when unset), in order. */
function takePicks(count: number | undefined, pick: () => number): number[] {
  const picks: number[] = [];
  for (let i = 0; i < (count ?? 0); i++) picks.push(pick());
  return picks;
}

/** Compares each phase's picks (`phase_picks`) and the first phase's (`picks`), when expected. */
function expectPhasePicks(out: string[], expected: any, results: number[][]): void {
  if ('phase_picks' in expected) expectEqual(out, 'phase_picks', expected.phase_picks, results);
  if ('picks' in expected) expectEqual(out, 'picks', expected.picks, results[0]);
}

function replayRrUnweighted(vector: any): string[] {
  const out: string[] = [];
  const input = vector.input ?? {};
  const expected = vector.expected ?? {};
  const phases: any[] = Array.isArray(input.phases) ? input.phases : [{ hosts: input.hosts, picks: input.picks }];
  const capacity = Math.max(...phases.map((ph) => ph.hosts ?? 0), 1);
  const { picker, list } = sourcePicker(POLICY_ROUND_ROBIN, edfInitFor(vector, semanticsForVector(vector)), capacity, input.seed ?? 0);
  const results: number[][] = [];
  for (const ph of phases) {
    const n = ph.hosts ?? 0;
    picker.refreshSource(0, list, n); // equal weights: no EDF, the RR index is kept
    results.push(takePicks(ph.picks, () => picker.pick(0, list, n, 0)));
  }
  expectPhasePicks(out, expected, results);
  checkKnownKeys(out, expected, ['phase_picks', 'picks']);
  return out;
}

function replaySlowStart(vector: any): string[] {
  const out: string[] = [];
  const input = vector.input ?? {};
  const expected = vector.expected ?? {};
  const windowMs = (input.slow_start_window_s ?? 0) * 1000;
  const tracker = new SlowStartTracker(
    { windowMs, aggression: input.aggression ?? 1.0, minWeightPercent: input.min_weight_percent ?? 10 },
    2,
    0,
  );
  const { picker, health, list } = sourcePicker(POLICY_ROUND_ROBIN, edfInitFor(vector, semanticsForVector(vector)), 2, input.seed ?? 0, {
    slowStart: tracker,
  });
  // host0 left slow start long ago; host1 became healthy at t = host1Since.
  const host1Since = 100 * windowMs + 1000;
  tracker.setHealthySince(0, 0);
  tracker.setHealthySince(1, host1Since);
  tracker.latestHostAddedMs = host1Since;
  const factors: number[] = [];
  const results: number[][] = [];
  for (const ph of input.phases ?? []) {
    const s = ph.host1_seconds_in_slow_start;
    const now = typeof s === 'number' ? host1Since + s * 1000 : host1Since + windowMs + 1000;
    picker.nowMs = now;
    factors.push(tracker.factor(1, health, now));
    picker.refreshSource(0, list, 2);
    results.push(takePicks(ph.picks, () => picker.pick(0, list, 2, 0)));
  }
  if ('host1_weight_factor' in expected) {
    const want: number[] = expected.host1_weight_factor;
    if (want.length !== factors.length) expectEqual(out, 'host1_weight_factor', want, factors);
    else want.forEach((w, i) => expectClose(out, `host1_weight_factor[${i}]`, w, factors[i], 1e-12));
  }
  expectPhasePicks(out, expected, results);
  checkKnownKeys(out, expected, ['host1_weight_factor', 'phase_picks']);
  return out;
}

// ------------------------------------------------------------------ ClusterLoadBalancer end to end

function priorityList(input: any, phase: any): VectorPriority[] {
  if (Array.isArray(phase?.priorities)) return phase.priorities;
  if (Array.isArray(input.priorities)) return input.priorities;
  const src = phase && typeof phase.hosts === 'number' ? phase : input;
  return [{ hosts: src.hosts ?? 0, healthy: src.healthy ?? src.hosts ?? 0, degraded: src.degraded ?? 0, excluded: src.excluded ?? 0, weights: src.weights }];
}

function pickRandoms(input: any): { values: number[]; fallback: number } {
  if (Array.isArray(input.randoms)) return { values: input.randoms, fallback: 0 };
  if (Array.isArray(input.random_values)) return { values: input.random_values, fallback: 0 };
  return { values: [], fallback: 0 };
}

function lbConfig(input: any): any {
  return {
    ...(input.config ?? {}),
    healthy_panic_threshold: input.healthy_panic_threshold ?? input.config?.healthy_panic_threshold ?? 50,
    overprovisioning_factor: input.overprovisioning_factor ?? input.config?.overprovisioning_factor ?? 140,
    choice_count: input.choice_count ?? input.config?.choice_count ?? 2,
  };
}

/** Applies a new health layout (same host counts) as one batch of host-set updates. */
function applyHealth(lb: ClusterLoadBalancer, built: BuiltCluster, priorities: VectorPriority[]): string | null {
  for (let p = 0; p < priorities.length; p++) {
    if ((built.hostIndex[p]?.length ?? 0) !== priorities[p].hosts) return `phase changes the number of hosts of priority ${p}`;
  }
  lb.beginBatch();
  priorities.forEach((pr, p) => built.hostIndex[p].forEach((h, i) => lb.setHostHealth(h, flagsForPosition(pr, i))));
  lb.endBatch();
  return null;
}

function describePick(lb: ClusterLoadBalancer, host: number): { priority: number; availability: string; source: string | null; index: number | null } {
  if (host < 0 || lb.lastSourceKind === SOURCE_NONE) {
    return { priority: lb.lastPriority, availability: lb.lastDegraded ? 'degraded' : 'healthy', source: null, index: null };
  }
  const list = lb.sourceHosts(lb.lastPriority, lb.lastSourceKind, lb.lastLocality);
  return {
    priority: lb.lastPriority,
    availability: lb.lastDegraded ? 'degraded' : 'healthy',
    source: SOURCE_KIND_NAMES[lb.lastSourceKind],
    index: positionIn(list, host),
  };
}

function replayLbEndToEnd(vector: any): string[] {
  const out: string[] = [];
  const input = vector.input ?? {};
  const expected = vector.expected ?? {};
  const semantics = withInit(semanticsForVector(vector), edfInitFor(vector, semanticsForVector(vector)));
  const phases: any[] = Array.isArray(input.phases) ? input.phases : [{ picks: input.picks ?? 1 }];
  const random = new ReplayRandom(input.seed ?? 0);
  const policy: LbPolicy = input.lb_policy ?? 'ROUND_ROBIN';
  const { lb, built } = buildLb(priorityList(input, phases[0]), lbConfig(input), policy, semantics, random, {
    failTrafficOnPanic: input.fail_traffic_on_panic === true,
  });
  const { values, fallback } = pickRandoms(input);
  random.startPicks(values, fallback);
  if ('healthy_load' in expected) expectEqual(out, 'healthy_load', expected.healthy_load, arr(lb.healthyLoad));
  if ('degraded_load' in expected) expectEqual(out, 'degraded_load', expected.degraded_load, arr(lb.degradedLoad));
  if ('panic' in expected) expectEqual(out, 'panic', expected.panic, panicArr(lb));
  const phasePicks: { source: string | null; indexes: (number | null)[] }[] = [];
  const allPicks: ReturnType<typeof describePick>[] = [];
  phases.forEach((ph, k) => {
    if (k > 0) {
      const problem = applyHealth(lb, built, priorityList(input, ph));
      if (problem) out.push(`phases[${k}]: ${problem}`);
    }
    const picks: ReturnType<typeof describePick>[] = [];
    for (let i = 0; i < (ph.picks ?? 1); i++) picks.push(describePick(lb, lb.chooseHost(null)));
    allPicks.push(...picks);
    phasePicks.push({ source: picks.length ? picks[picks.length - 1].source : null, indexes: picks.map((p) => p.index) });
  });
  if ('phase_picks' in expected) expectEqual(out, 'phase_picks', expected.phase_picks, phasePicks);
  if ('lb_healthy_panic_count' in expected) expectEqual(out, 'lb_healthy_panic_count', expected.lb_healthy_panic_count, lb.panicPicks);
  const first = allPicks[0];
  if ('priority' in expected) expectEqual(out, 'priority', expected.priority, first?.priority);
  if ('availability' in expected) expectEqual(out, 'availability', expected.availability, first?.availability);
  if ('host_index' in expected) expectEqual(out, 'host_index', expected.host_index, first?.index);
  if ('source' in expected) expectEqual(out, 'source', expected.source, first?.source);
  if ('picks' in expected && Array.isArray(expected.picks)) {
    expected.picks.forEach((want: any, i: number) => {
      const got = allPicks[i];
      if (!got) return out.push(`picks[${i}]: no pick made`);
      const shaped: any = {};
      for (const key of Object.keys(want)) {
        if (key === 'priority') shaped.priority = got.priority;
        else if (key === 'availability') shaped.availability = got.availability;
        else if (key === 'source') shaped.source = got.source;
        else if (key === 'healthy_index' || key === 'host_index' || key === 'index') shaped[key] = got.index;
        else shaped[key] = `(unchecked key ${key})`;
      }
      expectEqual(out, `picks[${i}]`, want, shaped);
    });
    if (expected.picks.length !== allPicks.length) out.push(`picks: expected ${expected.picks.length} picks, made ${allPicks.length}`);
  }
  checkKnownKeys(out, expected, ['healthy_load', 'degraded_load', 'panic', 'phase_picks', 'lb_healthy_panic_count', 'priority', 'availability', 'host_index', 'source', 'picks']);
  return out;
}

function replayHostSelectionRetry(vector: any): string[] {
  const out: string[] = [];
  const input = vector.input ?? {};
  const expected = vector.expected ?? {};
  const semantics = semanticsForVector(vector);
  const random = new ReplayRandom(input.seed ?? 0);
  const { lb } = buildLb(priorityList(input, null), lbConfig(input), input.lb_policy ?? 'ROUND_ROBIN', semantics, random);
  const { values, fallback } = pickRandoms(input);
  random.startPicks(values, fallback);
  const ctx = new PickContext();
  ctx.rejectHosts = new Uint8Array(lb.hostCount);
  for (const h of input.reject_indexes ?? []) ctx.rejectHosts[h] = 1;
  const results: (number | null)[][] = [];
  for (const ph of input.phases ?? []) {
    ctx.hostSelectionRetryCount = ph.host_selection_retry_count ?? 0;
    const calls: (number | null)[] = [];
    for (let i = 0; i < (ph.calls ?? 1); i++) {
      const host = lb.chooseHost(ctx);
      calls.push(host < 0 ? null : host);
    }
    results.push(calls);
  }
  if ('phase_results' in expected) expectEqual(out, 'phase_results', expected.phase_results, results);
  checkKnownKeys(out, expected, ['phase_results']);
  return out;
}

function replayLeastRequest(vector: any): string[] {
  const out: string[] = [];
  const input = vector.input ?? {};
  const expected = vector.expected ?? {};
  const semantics = semanticsForVector(vector);
  const chosen: (number | null)[] = [];
  for (const c of input.cases ?? []) {
    const active: number[] = c.rq_active ?? input.rq_active ?? [];
    const choiceCount = c.choice_count ?? input.choice_count ?? 2;
    const method = c.selection_method ?? input.selection_method;
    const bias = c.active_request_bias ?? input.active_request_bias;
    const random = new ReplayRandom(c.seed ?? input.seed ?? 0);
    const weights = c.weights ?? input.weights;
    const { lb } = buildLb(
      [{ hosts: active.length, healthy: active.length, weights }],
      { ...lbConfig(input), choice_count: choiceCount },
      'LEAST_REQUEST',
      semantics,
      random,
      { leastRequest: { fullScan: method === 'FULL_SCAN', activeRequestBias: bias } },
    );
    active.forEach((a, i) => (lb.activeRequests[i] = a));
    random.startPicks(c.randoms ?? [], 0);
    const host = lb.chooseHost(null);
    chosen.push(host < 0 ? null : positionIn(lb.sourceHosts(lb.lastPriority, lb.lastSourceKind, lb.lastLocality), host));
    if (Array.isArray(c.randoms) && random.consumed !== c.randoms.length) {
      out.push(`case ${chosen.length - 1}: consumed ${random.consumed} draws, the vector lists ${c.randoms.length}`);
    }
  }
  if ('chosen' in expected) expectEqual(out, 'chosen', expected.chosen, chosen);
  checkKnownKeys(out, expected, ['chosen']);
  return out;
}

function replayEdfLeastRequest(vector: any): string[] {
  const out: string[] = [];
  const input = vector.input ?? {};
  const expected = vector.expected ?? {};
  const semantics = withInit(semanticsForVector(vector), edfInitFor(vector, semanticsForVector(vector)));
  const weights: number[] = input.weights ?? [];
  const random = new ReplayRandom(input.seed ?? 0);
  const { lb } = buildLb([{ hosts: weights.length, healthy: weights.length, weights }], lbConfig(input), 'LEAST_REQUEST', semantics, random, {
    leastRequest: { activeRequestBias: input.active_request_bias },
  });
  random.startPicks(input.randoms ?? [], 0);
  const results: number[][] = [];
  for (const ph of input.phases ?? []) {
    (ph.rq_active ?? []).forEach((a: number, i: number) => (lb.activeRequests[i] = a));
    results.push(takePicks(ph.picks, () => lb.chooseHost(null)));
  }
  expectPhasePicks(out, expected, results);
  checkKnownKeys(out, expected, ['phase_picks']);
  return out;
}

// ------------------------------------------------------------------ envoy.locality_wrr

function replayLocalityWrr(vector: any): string[] {
  const out: string[] = [];
  const input = vector.input ?? {};
  const expected = vector.expected ?? {};
  const mode = edfInitFor(vector, semanticsForVector(vector));
  const weights: number[] = input.locality_weights ?? [];
  const hosts: number[] = input.hosts ?? [];
  const n = hosts.length;
  const excluded: number[] = input.excluded ?? new Array(n).fill(0);
  const eligible: number[] = input.eligible ?? hosts.map((h, i) => h - excluded[i]);
  const factor = input.overprovisioning_factor ?? 140;
  const scheduler = new LocalityScheduler(n);
  const build = (elig: number[], seed: number) => scheduler.rebuild(n, weights, hosts, excluded, elig, factor, seed, mode);
  const pickN = (count: number) => Array.from({ length: count }, () => scheduler.choose());

  if (Array.isArray(input.seeds)) {
    const counts = new Array(n).fill(0);
    const firsts: (number | null)[] = [];
    for (const seed of input.seeds) {
      build(eligible, seed);
      const first = scheduler.choose();
      firsts.push(first < 0 ? null : first);
      if (first >= 0) counts[first]++;
    }
    if ('first_pick_counts' in expected) expectEqual(out, 'first_pick_counts', expected.first_pick_counts, counts);
    if ('first_pick_per_seed' in expected) expectEqual(out, 'first_pick_per_seed', expected.first_pick_per_seed, firsts);
  } else if (Array.isArray(input.healthy_in_locality0)) {
    const results = input.healthy_in_locality0.map((level: number) => {
      const elig = eligible.slice();
      elig[0] = level;
      build(elig, input.seed ?? 0);
      const counts = new Array(n).fill(0);
      for (const pick of pickN(input.picks ?? 0)) if (pick >= 0) counts[pick]++;
      return { healthy_in_locality0: level, counts, effective_weights: Array.from(scheduler.effectiveWeights) };
    });
    const want: any[] = expected.results ?? [];
    if (want.length !== results.length) out.push(`results: expected ${want.length} levels, got ${results.length}`);
    want.forEach((w, i) => {
      const got = results[i];
      if (!got) return;
      expectEqual(out, `results[${i}].healthy_in_locality0`, w.healthy_in_locality0, got.healthy_in_locality0);
      if ('counts' in w) expectEqual(out, `results[${i}].counts`, w.counts, got.counts);
      if ('effective_weights' in w) {
        w.effective_weights.forEach((e: number, j: number) => expectClose(out, `results[${i}].effective_weights[${j}]`, e, got.effective_weights[j], 1e-12));
      }
    });
  } else {
    build(eligible, input.seed ?? 0);
    const picks = scheduler.hasScheduler ? pickN(input.picks ?? 0) : null;
    if ('picks' in expected) expectEqual(out, 'picks', expected.picks, picks);
    if ('effective_weights' in expected) {
      expected.effective_weights.forEach((e: number, j: number) => expectClose(out, `effective_weights[${j}]`, e, scheduler.effectiveWeights[j], 1e-12));
    }
  }
  checkKnownKeys(out, expected, ['picks', 'first_pick_counts', 'first_pick_per_seed', 'results', 'effective_weights']);
  return out;
}

// ------------------------------------------------------------------ envoy.zone_aware

const ZONE_STATE_NAMES: Record<number, string> = {
  [NO_LOCALITY_ROUTING]: 'NoLocalityRouting',
  [LOCALITY_DIRECT]: 'LocalityDirect',
  [LOCALITY_RESIDUAL]: 'LocalityResidual',
};

function replayZoneAware(vector: any): string[] {
  const out: string[] = [];
  const input = vector.input ?? {};
  const expected = vector.expected ?? {};
  const upstreamNames: string[] = input.upstream_localities ?? [];
  const localMarker = /\s*\(local\)\s*$/;
  const upstreamHasLocal = upstreamNames.length > 0 && localMarker.test(upstreamNames[0]);
  const upstreamKeys = upstreamNames.map((s) => s.replace(localMarker, ''));
  // The local cluster's buckets: Envoy's own locality first, then the rest in order. Envoy's own
  // locality is the upstream's "(local)" one, or else the first local-cluster locality (the vectors
  // list the local cluster with Envoy's locality first, as HostsPerLocality does).
  const localNames: string[] = input.local_localities ?? [];
  const ownLocality: string | undefined = input.local_locality ?? (upstreamHasLocal ? upstreamKeys[0] : localNames[0]);
  const localCounts: number[] = input.local_hosts ?? [];
  const order = localNames.map((_, i) => i);
  const ownIndex = ownLocality === undefined ? -1 : localNames.indexOf(ownLocality);
  if (ownIndex > 0) order.splice(order.indexOf(ownIndex), 1), order.unshift(ownIndex);
  const localKeys = order.map((i) => localNames[i]);
  const localHostCounts = order.map((i) => localCounts[i]);
  const localHealthyCounts = order.map((i) => (input.local_healthy ?? localCounts)[i]);
  const za = new ZoneAwareState(upstreamKeys.length);
  za.regenerate(
    { keys: upstreamKeys, counts: input.upstream_healthy ?? [], hasLocalLocality: upstreamHasLocal },
    { keys: localKeys, counts: localHostCounts, hasLocalLocality: ownIndex >= 0 },
    { keys: localKeys, counts: localHealthyCounts, hasLocalLocality: ownIndex >= 0 },
    { minClusterSize: input.min_cluster_size ?? 6, forceLocalZoneMinSize: input.force_local_zone_min_size },
  );
  if ('state' in expected) expectEqual(out, 'state', expected.state, ZONE_STATE_NAMES[za.state]);
  if ('local_percent_to_route' in expected) expectEqual(out, 'local_percent_to_route', expected.local_percent_to_route, za.localPercentToRoute);
  if ('residual_capacity' in expected) {
    expectEqual(out, 'residual_capacity', expected.residual_capacity, Array.from(za.residualCapacity.subarray(0, za.localityCount)));
  }
  if ('upstream_locality_index' in expected) {
    const draws: any[] = Array.isArray(input.draws) ? input.draws : expected.upstream_locality_index.map(() => ({}));
    const chosen = draws.map((d, i) => {
      if (za.state === NO_LOCALITY_ROUTING) return null;
      const scripted = [d.r2, d.r3].filter((x) => typeof x === 'number');
      const source = new ScriptedIntegers(scripted, 0);
      const locality = za.chooseLocality(source);
      if (source.consumed !== scripted.length) out.push(`draws[${i}]: consumed ${source.consumed} draws, the vector lists ${scripted.length}`);
      return locality;
    });
    expectEqual(out, 'upstream_locality_index', expected.upstream_locality_index, chosen);
  }
  checkKnownKeys(out, expected, ['state', 'local_percent_to_route', 'residual_capacity', 'upstream_locality_index']);
  return out;
}

registerCategory('envoy.priority_load', replayPriorityLoad);
registerCategory('envoy.choose_priority', replayChoosePriority);
registerCategory('envoy.retry_previous_priorities', replayRetryPriorities);
registerCategory('envoy.edf_weighted_rr', replayEdfWeightedRr);
registerCategory('envoy.edf_least_request', replayEdfLeastRequest);
registerCategory('envoy.slow_start', replaySlowStart);
registerCategory('envoy.rr_unweighted', replayRrUnweighted);
registerCategory('envoy.lb_end_to_end', replayLbEndToEnd);
registerCategory('envoy.host_selection_retry', replayHostSelectionRetry);
registerCategory('envoy.least_request', replayLeastRequest);
registerCategory('envoy.locality_wrr', replayLocalityWrr);
registerCategory('envoy.zone_aware', replayZoneAware);
