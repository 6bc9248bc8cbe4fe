/**
 * Replays outlier-detection.json (see its `encoding` block) through src/envoy/outlier: every scenario
 * under every profile it lists (`model_profiles_reproducing_expected_log`), checking each `expect`
 * checkpoint, the full expected_log and expected_final; plus `sr_math_vectors` (the SR threshold
 * function the detector uses) and `config_vectors` (defaults and validation, under the 1.31+ profile).
 * A malformed file or vector is a UserError naming the file and the path inside it.
 */
import { UserError } from '../config/errors.ts';
import { ScriptedIntegers } from '../engine/random.ts';
import { isOutlierProfileId, semanticsForOutlierProfile, type OutlierProfileId } from '../envoy/profiles.ts';
import {
  OutlierConfigError,
  outlierInputFromEnvoyJson,
  resolveOutlierConfig,
  type OutlierConfig,
} from '../envoy/outlier/config.ts';
import { OutlierDetector } from '../envoy/outlier/detector.ts';
import { OutlierEventLog, type VectorLogRecord } from '../envoy/outlier/event-log.ts';
import { successRateEjectionThreshold } from '../envoy/outlier/sr-math.ts';
import { STAT_COUNT, STAT_NAMES, statIndex } from '../envoy/outlier/stats.ts';
import { Monitor, resultFromName, type MonitorKind } from '../envoy/outlier/types.ts';
import { sameValue } from './compare.ts';
import type { RunOptions } from './runner.ts';
import type { CaseResult } from './types.ts';

/** The newest profile: the one config vectors (current Envoy defaults and checks) are read under. */
const CONFIG_VECTOR_PROFILE: OutlierProfileId = '1.31+';

const EXPECT_KEYS = new Set([
  'ejected',
  'active',
  'stats',
  'success_rate',
  'sr_average',
  'sr_threshold',
  'jitter_ms',
  'counters',
  'backoff',
  'last_unejection_set',
]);
const COUNTER_KEYS = new Set(['consecutive_5xx', 'consecutive_gateway', 'consecutive_local_origin']);

export function replayOutlierFile(path: string, doc: any, options: RunOptions): CaseResult[] {
  const results: CaseResult[] = [];
  doc.vectors.forEach((vector: any, index: number) => {
    const where = `vectors[${index}]`;
    const v = parseVector(path, where, vector);
    const profiles = options.profile === undefined ? v.profiles : v.profiles.filter((p) => p === options.profile);
    for (const profile of profiles) {
      results.push({ file: path, vector: v.id, profile, differences: replayScenario(v, profile) });
    }
  });
  if (doc.sr_math_vectors !== undefined) {
    if (!Array.isArray(doc.sr_math_vectors)) fail(path, 'sr_math_vectors', 'expected an array');
    doc.sr_math_vectors.forEach((sv: any, i: number) => results.push(replaySrMath(path, `sr_math_vectors[${i}]`, sv)));
  }
  if (doc.config_vectors !== undefined) {
    if (!Array.isArray(doc.config_vectors)) fail(path, 'config_vectors', 'expected an array');
    doc.config_vectors.forEach((cv: any, i: number) => results.push(replayConfigVector(path, `config_vectors[${i}]`, cv)));
  }
  return results;
}

// ------------------------------------------------------------------ parsing (malformed → UserError)

type Event =
  | { t: number; op: 'http'; host: string; code: number; n: number }
  | { t: number; op: 'result'; host: string; result: number; code: number | undefined; n: number }
  | { t: number; op: 'tick' }
  | { t: number; op: 'tick_series'; every: number; count: number }
  | { t: number; op: 'add_host'; host: string }
  | { t: number; op: 'remove_hosts'; hosts: string[] }
  | { t: number; op: 'hc'; host: string; healthy: boolean; failedActiveHc: boolean }
  | { t: number; op: 'run_posts' }
  | { t: number; op: 'replay_posts' }
  | { t: number; op: 'expect'; checks: Record<string, any> };

interface Scenario {
  id: string;
  config: Record<string, unknown>;
  dispatch: 'inline' | 'deferred';
  random: number[];
  hosts: string[];
  events: Event[];
  expectedLog: VectorLogRecord[];
  expectedFinal: any;
  profiles: OutlierProfileId[];
}

function fail(path: string, where: string, message: string): never {
  throw new UserError(`${path}: ${where}: ${message}`);
}

function isObject(x: unknown): x is Record<string, any> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

function nonNegInt(path: string, where: string, x: unknown): number {
  if (typeof x !== 'number' || !Number.isInteger(x) || x < 0) fail(path, where, `expected a non-negative integer, got ${JSON.stringify(x)}`);
  return x;
}

function str(path: string, where: string, x: unknown): string {
  if (typeof x !== 'string' || x === '') fail(path, where, `expected a non-empty string, got ${JSON.stringify(x)}`);
  return x;
}

function parseVector(path: string, where: string, vector: any): Scenario {
  if (!isObject(vector)) fail(path, where, 'expected an object');
  const id = str(path, `${where}.id`, vector.id);
  const w = `${where} (${id})`;
  if (!Array.isArray(vector.events)) fail(path, `${w}.events`, 'expected an array of events');
  if (!Array.isArray(vector.expected_log)) fail(path, `${w}.expected_log`, 'expected an array of log records');
  const config = vector.config ?? {};
  if (!isObject(config)) fail(path, `${w}.config`, 'expected an object');
  const dispatch = vector.dispatch ?? 'inline';
  if (dispatch !== 'inline' && dispatch !== 'deferred') fail(path, `${w}.dispatch`, `expected "inline" or "deferred", got ${JSON.stringify(dispatch)}`);
  const random = vector.random ?? [];
  if (!Array.isArray(random)) fail(path, `${w}.random`, 'expected an array of integers');
  random.forEach((r: unknown, i: number) => nonNegInt(path, `${w}.random[${i}]`, r));
  const hostsIn = vector.hosts ?? [];
  if (!Array.isArray(hostsIn)) fail(path, `${w}.hosts`, 'expected an array of {id, priority?}');
  const hosts = hostsIn.map((h: any, i: number) => {
    if (!isObject(h)) fail(path, `${w}.hosts[${i}]`, 'expected an object {id, priority?}');
    return str(path, `${w}.hosts[${i}].id`, h.id);
  });
  const profilesIn = vector.model_profiles_reproducing_expected_log;
  if (!Array.isArray(profilesIn) || profilesIn.length === 0) {
    fail(path, `${w}.model_profiles_reproducing_expected_log`, 'expected a non-empty array of profile names');
  }
  const profiles = profilesIn.map((p: unknown, i: number) => {
    if (typeof p !== 'string' || !isOutlierProfileId(p)) {
      fail(path, `${w}.model_profiles_reproducing_expected_log[${i}]`, `unknown profile ${JSON.stringify(p)}`);
    }
    return p;
  });
  const known = new Set<string>(hosts);
  let last = -Infinity;
  const events: Event[] = vector.events.map((e: any, i: number) => {
    const ew = `${w}.events[${i}]`;
    const ev = parseEvent(path, ew, e, known, dispatch);
    if (ev.t < last) fail(path, `${ew}.t`, `time goes backwards (${ev.t} after ${last})`);
    last = ev.op === 'tick_series' ? ev.t + (ev.count - 1) * ev.every : ev.t;
    return ev;
  });
  const expectedLog = vector.expected_log.map((r: any, i: number) => parseLogRecord(path, `${w}.expected_log[${i}]`, r));
  const expectedFinal = vector.expected_final;
  if (expectedFinal !== undefined && !isObject(expectedFinal)) fail(path, `${w}.expected_final`, 'expected an object');
  return { id, config, dispatch, random, hosts, events, expectedLog, expectedFinal, profiles };
}

function parseEvent(path: string, w: string, e: any, known: Set<string>, dispatch: string): Event {
  if (!isObject(e)) fail(path, w, 'expected an object');
  const t = nonNegInt(path, `${w}.t`, e.t);
  const host = (key = 'host'): string => {
    const h = str(path, `${w}.${key}`, e[key]);
    if (!known.has(h)) fail(path, `${w}.${key}`, `unknown host "${h}"`);
    return h;
  };
  const count = (): number => (e.n === undefined ? 1 : nonNegInt(path, `${w}.n`, e.n));
  switch (e.op) {
    case 'http':
      return { t, op: 'http', host: host(), code: nonNegInt(path, `${w}.code`, e.code), n: count() };
    case 'result': {
      const result = resultFromName(e.result);
      if (result === undefined) fail(path, `${w}.result`, `unknown result ${JSON.stringify(e.result)}`);
      const code = e.code === undefined ? undefined : nonNegInt(path, `${w}.code`, e.code);
      return { t, op: 'result', host: host(), result, code, n: count() };
    }
    case 'tick':
      return { t, op: 'tick' };
    case 'tick_series': {
      const every = nonNegInt(path, `${w}.every`, e.every);
      const c = nonNegInt(path, `${w}.count`, e.count);
      if (c === 0) fail(path, `${w}.count`, 'expected at least 1');
      return { t, op: 'tick_series', every, count: c };
    }
    case 'add_host': {
      const h = str(path, `${w}.host`, e.host);
      known.add(h);
      return { t, op: 'add_host', host: h };
    }
    case 'remove_hosts': {
      if (!Array.isArray(e.hosts)) fail(path, `${w}.hosts`, 'expected an array of host ids');
      const hosts = e.hosts.map((x: unknown, i: number) => {
        const h = str(path, `${w}.hosts[${i}]`, x);
        if (!known.has(h)) fail(path, `${w}.hosts[${i}]`, `unknown host "${h}"`);
        return h;
      });
      return { t, op: 'remove_hosts', hosts };
    }
    case 'hc': {
      if (typeof e.healthy !== 'boolean') fail(path, `${w}.healthy`, 'expected a boolean');
      if (e.failed_active_hc !== undefined && typeof e.failed_active_hc !== 'boolean') {
        fail(path, `${w}.failed_active_hc`, 'expected a boolean');
      }
      return { t, op: 'hc', host: host(), healthy: e.healthy, failedActiveHc: e.failed_active_hc === true };
    }
    case 'run_posts':
    case 'replay_posts':
      if (dispatch !== 'deferred') fail(path, `${w}.op`, `${e.op} needs dispatch "deferred"`);
      return { t, op: e.op };
    case 'expect': {
      const checks: Record<string, any> = {};
      for (const [k, v] of Object.entries(e)) {
        if (k === 't' || k === 'op' || k === 'note' || k.startsWith('_')) continue;
        if (!EXPECT_KEYS.has(k)) fail(path, `${w}.${k}`, `unknown checkpoint key (known: ${[...EXPECT_KEYS].join(', ')})`);
        checks[k] = v;
      }
      return { t, op: 'expect', checks };
    }
    default:
      fail(path, `${w}.op`, `unknown op ${JSON.stringify(e.op)}`);
  }
}

function parseLogRecord(path: string, w: string, r: any): VectorLogRecord {
  if (!isObject(r)) fail(path, w, 'expected a log record object');
  const t = nonNegInt(path, `${w}.t`, r.t);
  const host = str(path, `${w}.host`, r.host);
  if (r.action === 'UNEJECT') return { t, action: 'UNEJECT', host };
  if (r.action !== 'EJECT') fail(path, `${w}.action`, `expected "EJECT" or "UNEJECT", got ${JSON.stringify(r.action)}`);
  if (typeof r.enforced !== 'boolean') fail(path, `${w}.enforced`, 'expected a boolean');
  return { t, action: 'EJECT', host, type: str(path, `${w}.type`, r.type), enforced: r.enforced };
}

// ------------------------------------------------------------------ replay

class ScenarioRun {
  readonly detector: OutlierDetector;
  readonly log = new OutlierEventLog();
  /** Current members by name. */
  readonly slots = new Map<string, number>();

  constructor(config: OutlierConfig, profileId: OutlierProfileId, s: Scenario) {
    this.detector = new OutlierDetector({
      config,
      profile: semanticsForOutlierProfile(profileId).outlier,
      random: new ScriptedIntegers(s.random, 0),
      // Vectors only use enforcement 0 or 100, which never draw; keep the jitter values for jitter.
      enforcementRandom: new ScriptedIntegers([], 0),
      dispatch: s.dispatch,
      eventSink: this.log,
    });
    for (const h of s.hosts) this.add(h);
  }

  add(name: string): void {
    if (this.slots.has(name)) throw new Error(`add_host: ${name} is already a member`);
    this.slots.set(name, this.detector.addHost(name));
  }
}

function replayScenario(s: Scenario, profileId: OutlierProfileId): string[] {
  const diffs: string[] = [];
  let config: OutlierConfig;
  try {
    config = resolveOutlierConfig(s.config as any, semanticsForOutlierProfile(profileId).outlier);
  } catch (e) {
    return [`config rejected: ${(e as Error).message}`];
  }
  const run = new ScenarioRun(config, profileId, s);
  const d = run.detector;
  try {
    s.events.forEach((e, i) => {
      // A result for a removed host reaches an orphaned monitor in Envoy: no observable effect.
      const slot = 'host' in e ? run.slots.get(e.host) : undefined;
      switch (e.op) {
        case 'http':
          if (slot !== undefined) for (let k = 0; k < e.n; k++) d.putHttpResponseCode(slot, e.code, e.t);
          break;
        case 'result':
          if (slot !== undefined) for (let k = 0; k < e.n; k++) d.putResult(slot, e.result, e.code, e.t);
          break;
        case 'tick':
          d.tick(e.t);
          break;
        case 'tick_series':
          for (let k = 0; k < e.count; k++) d.tick(e.t + k * e.every);
          break;
        case 'add_host':
          run.add(e.host);
          break;
        case 'remove_hosts':
          for (const h of e.hosts) {
            const sl = run.slots.get(h);
            if (sl === undefined) throw new Error(`remove_hosts: ${h} is not a member`);
            d.removeHost(sl);
            run.slots.delete(h);
          }
          break;
        case 'hc':
          if (slot !== undefined) d.activeHealthCheck(slot, e.healthy, e.failedActiveHc, e.t);
          break;
        case 'run_posts':
          d.runPosts(e.t);
          break;
        case 'replay_posts':
          d.replayPosts(e.t);
          break;
        case 'expect':
          checkpoint(run, e.checks, `checkpoint at t=${e.t} (event ${i})`, diffs);
          break;
      }
    });
  } catch (e) {
    diffs.push(`replay stopped: ${(e as Error).message}`);
    return diffs;
  }
  compareLog(s.expectedLog, run.log.vectorRecords(), diffs);
  if (s.expectedFinal !== undefined) checkFinal(run, s.expectedFinal, diffs);
  return diffs;
}

function push(diffs: string[], where: string, expected: unknown, actual: unknown): void {
  if (!sameValue(expected, actual)) diffs.push(`${where}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

function monitorOf(key: string): MonitorKind | undefined {
  return key === 'external' ? Monitor.EXTERNAL : key === 'local' ? Monitor.LOCAL : undefined;
}

/** Checks one `expect` event; every listed key must hold. */
function checkpoint(run: ScenarioRun, checks: Record<string, any>, label: string, diffs: string[]): void {
  const d = run.detector;
  const perHost = (key: string, value: any, get: (slot: number) => unknown): void => {
    if (!isObject(value)) {
      diffs.push(`${label}: ${key}: expected an object keyed by host`);
      return;
    }
    for (const [host, expected] of Object.entries(value)) {
      const slot = run.slots.get(host);
      push(diffs, `${label}: ${key}.${host}`, expected, slot === undefined ? 'not a member' : get(slot));
    }
  };
  const perMonitor = (key: string, value: any, get: (m: MonitorKind) => number): void => {
    if (!isObject(value)) {
      diffs.push(`${label}: ${key}: expected an object keyed by external/local`);
      return;
    }
    for (const [mk, expected] of Object.entries(value)) {
      const m = monitorOf(mk);
      if (m === undefined) diffs.push(`${label}: ${key}.${mk}: unknown monitor (external or local)`);
      else push(diffs, `${label}: ${key}.${mk}`, expected, get(m));
    }
  };
  for (const [key, value] of Object.entries(checks)) {
    switch (key) {
      case 'ejected':
        perHost(key, value, (s) => d.isEjected(s));
        break;
      case 'active':
        push(diffs, `${label}: active`, value, d.ejectionsActive);
        break;
      case 'stats':
        checkStats(d, value, `${label}: stats`, false, diffs);
        break;
      case 'success_rate':
        if (!isObject(value)) {
          diffs.push(`${label}: success_rate: expected an object keyed by external/local`);
          break;
        }
        for (const [mk, byHost] of Object.entries(value)) {
          const m = monitorOf(mk);
          if (m === undefined) diffs.push(`${label}: success_rate.${mk}: unknown monitor (external or local)`);
          else perHost(`success_rate.${mk}`, byHost, (s) => d.successRate(s, m));
        }
        break;
      case 'sr_average':
        perMonitor(key, value, (m) => d.successRateAverage(m));
        break;
      case 'sr_threshold':
        perMonitor(key, value, (m) => d.successRateEjectionThreshold(m));
        break;
      case 'jitter_ms':
        perHost(key, value, (s) => d.jitter(s));
        break;
      case 'backoff':
        perHost(key, value, (s) => d.backoff(s));
        break;
      case 'last_unejection_set':
        perHost(key, value, (s) => d.lastUnejectionTime(s) !== undefined);
        break;
      case 'counters':
        if (!isObject(value)) {
          diffs.push(`${label}: counters: expected an object keyed by host`);
          break;
        }
        for (const [host, cs] of Object.entries(value)) {
          const slot = run.slots.get(host);
          if (!isObject(cs)) {
            diffs.push(`${label}: counters.${host}: expected an object`);
            continue;
          }
          for (const [ck, expected] of Object.entries(cs)) {
            const where = `${label}: counters.${host}.${ck}`;
            if (!COUNTER_KEYS.has(ck)) diffs.push(`${where}: unknown counter (known: ${[...COUNTER_KEYS].join(', ')})`);
            else if (slot === undefined) push(diffs, where, expected, 'not a member');
            else {
              const actual =
                ck === 'consecutive_5xx'
                  ? d.consecutive5xx(slot)
                  : ck === 'consecutive_gateway'
                    ? d.consecutiveGatewayFailure(slot)
                    : d.consecutiveLocalOriginFailure(slot);
              push(diffs, where, expected, actual);
            }
          }
        }
        break;
    }
  }

}

function checkStats(d: OutlierDetector, expected: any, where: string, complete: boolean, diffs: string[]): void {
  if (!isObject(expected)) {
    diffs.push(`${where}: expected an object of counters`);
    return;
  }
  for (const [name, value] of Object.entries(expected)) {
    if (name === 'ejections_active') {
      push(diffs, `${where}.${name}`, value, d.ejectionsActive);
      continue;
    }
    const idx = statIndex(name);
    if (idx === undefined) diffs.push(`${where}.${name}: unknown counter`);
    else push(diffs, `${where}.${name}`, value, d.stat(idx));
  }
  if (complete) {
    // expected_final lists every non-zero counter: the others must be zero.
    for (let i = 0; i < STAT_COUNT; i++) {
      if (!(STAT_NAMES[i] in expected) && d.stat(i) !== 0) diffs.push(`${where}.${STAT_NAMES[i]}: expected 0 (unlisted), got ${d.stat(i)}`);
    }
  }
}

function describeRecord(r: VectorLogRecord | undefined): string {
  if (r === undefined) return '(none)';
  return r.action === 'UNEJECT' ? `t=${r.t} UNEJECT ${r.host}` : `t=${r.t} EJECT ${r.host} ${r.type} enforced=${r.enforced}`;
}

function compareLog(expected: VectorLogRecord[], actual: VectorLogRecord[], diffs: string[]): void {
  const n = Math.max(expected.length, actual.length);
  for (let i = 0; i < n; i++) {
    if (!sameValue(expected[i], actual[i])) {
      diffs.push(
        `log record ${i}: expected ${describeRecord(expected[i])}, got ${describeRecord(actual[i])}` +
          ` (log has ${actual.length} records, expected ${expected.length})`,
      );
      return;
    }
  }
}

function checkFinal(run: ScenarioRun, f: Record<string, any>, diffs: string[]): void {
  const d = run.detector;
  if (f.active !== undefined) push(diffs, 'final: active', f.active, d.ejectionsActive);
  if (f.ejected !== undefined) {
    const actual: Record<string, boolean> = {};
    for (const [name, slot] of run.slots) actual[name] = d.isEjected(slot);
    const exp = isObject(f.ejected) ? f.ejected : {};
    const names = new Set([...Object.keys(exp), ...Object.keys(actual)]);
    for (const name of names) {
      push(diffs, `final: ejected.${name}`, name in exp ? exp[name] : 'not a member', name in actual ? actual[name] : 'not a member');
    }
  }
  if (f.stats !== undefined) checkStats(d, f.stats, 'final: stats', true, diffs);
}

// ------------------------------------------------------------------ SR math and config vectors

function replaySrMath(path: string, where: string, sv: any): CaseResult {
  if (!isObject(sv)) fail(path, where, 'expected an object');
  const id = typeof sv.id === 'string' ? sv.id : where;
  if (!Array.isArray(sv.rates) || sv.rates.some((r: unknown) => typeof r !== 'number')) fail(path, `${where}.rates`, 'expected an array of numbers');
  for (const k of ['stdev_factor', 'expected_mean', 'expected_threshold']) {
    if (typeof sv[k] !== 'number') fail(path, `${where}.${k}`, 'expected a number');
  }
  const rates: number[] = sv.rates;
  let sum = 0;
  for (const r of rates) sum += r;
  const diffs: string[] = [];
  const { mean, threshold } = successRateEjectionThreshold(sum, rates, rates.length, sv.stdev_factor);
  push(diffs, 'mean', sv.expected_mean, mean);
  push(diffs, 'threshold', sv.expected_threshold, threshold);
  return { file: path, vector: `sr_math:${id}`, differences: diffs };
}

function replayConfigVector(path: string, where: string, cv: any): CaseResult {
  if (!isObject(cv)) fail(path, where, 'expected an object');
  if (!isObject(cv.input)) fail(path, `${where}.input`, 'expected an object');
  const name = `config:${typeof cv.id === 'string' ? cv.id : where}${typeof cv.source === 'string' ? ` (${cv.source})` : ''}`;
  const result: CaseResult = { file: path, vector: name, profile: CONFIG_VECTOR_PROFILE, differences: [] };
  const rejectExpected = typeof cv.expected === 'string' && cv.expected.startsWith('REJECT');
  if (!rejectExpected && !isObject(cv.expected)) fail(path, `${where}.expected`, 'expected an object or a "REJECT ..." string');
  let config: OutlierConfig | undefined;
  let error: string | undefined;
  try {
    config = resolveOutlierConfig(outlierInputFromEnvoyJson(cv.input), semanticsForOutlierProfile(CONFIG_VECTOR_PROFILE).outlier);
  } catch (e) {
    if (!(e instanceof OutlierConfigError)) throw e;
    error = e.message;
  }
  if (rejectExpected) {
    if (error === undefined) result.differences.push(`expected the config to be rejected (${cv.expected}), but it was accepted`);
    return result;
  }
  if (error !== undefined) {
    result.differences.push(`config rejected: ${error}`);
    return result;
  }
  for (const [key, value] of Object.entries(cv.expected as Record<string, unknown>)) {
    if (!(key in config!)) result.differences.push(`${key}: not a resolved config field`);
    else push(result.differences, key, value, (config as Record<string, unknown>)[key]);
  }
  return result;
}
