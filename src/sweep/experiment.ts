/**
 * Experiment files: a scenario, the parameters to vary (each a `--set` address and a list of
 * values), replications, a base seed and the metrics to summarise. Everything is checked up front —
 * schema, every address applied to the loaded scenario and Istio documents once per value, and
 * every point of the grid built — so a sweep never fails half-way on a typo. Messages name the
 * experiment file and the path inside it (`exp.yaml: vary["DestinationRule/x:spec..."][2]: ...`).
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import YAML from 'yaml';
import * as z from 'zod';
import { UserError } from '../config/errors.ts';
import { formatPath, issueMessages } from '../config/issues.ts';
import { parseFieldPath, parseOverride } from '../config/overrides.ts';
import { parseSingleYamlDocument, yamlToData } from '../config/yaml.ts';
import { prepareRun } from '../api.ts';
import { MAX_SWEEP_RUNS, checkRunLimits, estimateRun, formatCount } from '../sim/limits.ts';
import { readScenarioFiles } from '../node/files.ts';
import type { RunSummary } from '../sim/summary.ts';

/** Summarised when the experiment names no metrics. */
export const DEFAULT_METRICS = [
  'requests.errorRate',
  'incidents[0].detectionMs.median',
  'incidents[0].mitigationMs',
  'incidents[0].failbackMs',
];

/** Top-level fields of `failsim run --json` a metric may start with (effectiveConfig is not a metric). */
const METRIC_ROOTS = [
  'scenario',
  'seed',
  'durationMs',
  'profile',
  'requests',
  'attempts',
  'retryAmplification',
  'retries',
  'noHealthyUpstream',
  'routeTimeouts',
  'ejections',
  'latencyMs',
  'incidents',
  'falseEjections',
] as const satisfies readonly Exclude<keyof RunSummary, 'effectiveConfig'>[];

const experimentSchema = z.strictObject({
  name: z.string().min(1, 'must not be empty'),
  scenario: z.string().min(1, 'must not be empty'),
  vary: z.record(z.string().min(1, 'parameter address must not be empty'), z.array(z.unknown()).min(1, 'must list at least one value')),
  replications: z.number().int('must be an integer').min(1, 'must be at least 1').max(1_000_000),
  seed: z.number().int('must be an integer').min(0, 'must be 0 or more').max(Number.MAX_SAFE_INTEGER - 1_000_000).default(1),
  metrics: z.array(z.string().min(1, 'must not be empty')).min(1, 'must list at least one metric').default(DEFAULT_METRICS),
});

export interface ParameterValue {
  /** As written in the experiment (`1.10`, `15s`, `100`); collections as JSON. Used in CSV and charts. */
  label: string;
  /** The value the override sets. */
  value: unknown;
  /** The `--set` text that applies it (`Kind/name:path=VALUE` or `path=VALUE`). */
  override: string;
}

export interface Parameter {
  /** The address as written, e.g. `DestinationRule/mydynamodb:spec.trafficPolicy.outlierDetection.interval`. */
  address: string;
  target: 'scenario' | 'resource';
  values: ParameterValue[];
}

export interface Metric {
  /** As written in the experiment, e.g. `incidents[0].detectionMs.median`. */
  written: string;
  /** The flattened column it reads, e.g. `incidents.0.detectionMs.median`. */
  column: string;
}

export interface Experiment {
  /** The experiment file as given (for messages). */
  file: string;
  name: string;
  /** `scenario:` as written (relative to the experiment file). */
  scenarioRef: string;
  /** Absolute path of the scenario file. */
  scenarioPath: string;
  parameters: Parameter[];
  replications: number;
  seed: number;
  metrics: Metric[];
  /** Text of the scenario and its mesh file, for the sweep fingerprint (resume and merge safety). */
  inputsText: string;
}

/** Seed of replication r: the same for every point, so every point sees the same traffic and faults. */
export function replicationSeed(baseSeed: number, replication: number): number {
  return baseSeed + replication;
}

/** Flattened column name of a metric path (`incidents[0].x` → `incidents.0.x`). */
export function metricColumn(written: string, file: string, where: string): string {
  let keys;
  try {
    keys = parseFieldPath(written);
  } catch (e) {
    throw new UserError(`${file}: ${where}: ${stripSetPrefix((e as Error).message, [written])}`);
  }
  const root = keys[0];
  if (typeof root !== 'string' || !(METRIC_ROOTS as readonly string[]).includes(root)) {
    throw new UserError(`${file}: ${where}: unknown metric ${JSON.stringify(written)} (a path into the run JSON starting with one of: ${METRIC_ROOTS.join(', ')})`);
  }
  return keys.map(String).join('.');
}

/** Drops the `--set TEXT: ` that override errors start with: the experiment names the entry instead. */
function stripSetPrefix(message: string, texts: readonly string[] = []): string {
  let out = message;
  for (const t of texts) out = out.split(`--set ${t}: `).join('');
  return out;
}

/** The `--set` text for one value: its source text where that reads back as the same value. */
function overrideFor(address: string, value: unknown, source: string | undefined): { text: string; label: string; value: unknown } {
  const candidates: string[] = [];
  if (value !== null && typeof value === 'object') candidates.push(JSON.stringify(value));
  else {
    if (source !== undefined) candidates.push(source);
    candidates.push(String(value), JSON.stringify(value));
  }
  for (const c of candidates) {
    if (c.includes('\n')) continue;
    const parsed = parseOverride(`${address}=${c}`);
    // Text fields (versions, hosts, …) keep the value verbatim, so `1.10` reads back as "1.10".
    if (JSON.stringify(parsed.value) === JSON.stringify(value) || (typeof parsed.value === 'string' && c === source)) {
      return { text: `${address}=${c}`, label: typeof value === 'object' && value !== null ? c : String(source ?? value), value: parsed.value };
    }
  }
  const c = JSON.stringify(value);
  return { text: `${address}=${c}`, label: c, value };
}

function scalarSource(node: unknown): string | undefined {
  if (!YAML.isScalar(node)) return undefined;
  const src = (node as YAML.Scalar & { source?: string }).source;
  return typeof node.value === 'string' ? node.value : src;
}

/** Reads, validates and checks an experiment file. Every problem is a UserError (exit 2). */
export interface LoadExperimentOptions {
  /** Lift the limits on the number of runs and on each run's size (`--force`; docs/limits.md). */
  force?: boolean;
}

export function loadExperiment(file: string, options: LoadExperimentOptions = {}): Experiment {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(code === 'ENOENT' ? `${file}: file not found` : `${file}: cannot read the file (${code ?? String(e)})`);
  }
  const doc = parseSingleYamlDocument(text, file);
  const raw = yamlToData(doc, file, text);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new UserError(`${file}: expected a mapping with name, scenario, vary, replications, seed, metrics`);
  }
  const parsed = experimentSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    throw new UserError(issueMessages(parsed.error.issues).map((m) => `${file}: ${m}`).join('\n'));
  }
  const exp = parsed.data;
  const scenarioPath = resolve(dirname(path), exp.scenario);

  // Parameters: each address parsed, each value turned into override text.
  const varyNode = doc.get('vary', true);
  const parameters: Parameter[] = [];
  for (const [address, values] of Object.entries(exp.vary)) {
    const at = (i?: number) => formatPath(i === undefined ? ['vary', address] : ['vary', address, i]);
    let target: 'scenario' | 'resource';
    try {
      const o = parseOverride(`${address}=0`);
      target = o.target;
      if (o.target === 'scenario' && o.path.length === 1 && o.path[0] === 'seed') {
        throw new UserError('the seed is set per replication (seed + replication); vary replications instead');
      }
    } catch (e) {
      throw new UserError(`${file}: ${at()}: ${stripSetPrefix((e as Error).message, [`${address}=0`])}`);
    }
    const seq = YAML.isMap(varyNode) ? varyNode.get(address, true) : undefined;
    const items = YAML.isSeq(seq) ? seq.items : [];
    const seen = new Map<string, number>();
    const pv: ParameterValue[] = values.map((value, i) => {
      if (value === null || value === undefined) throw new UserError(`${file}: ${at(i)}: expected a value (got null)`);
      const o = overrideFor(address, value, scalarSource(items[i]));
      const key = JSON.stringify(o.value);
      if (seen.has(key)) throw new UserError(`${file}: ${at(i)}: ${o.label} is listed twice (also at [${seen.get(key)}])`);
      seen.set(key, i);
      return { label: o.label, value: o.value, override: o.text };
    });
    parameters.push({ address, target, values: pv });
  }

  const metrics = exp.metrics.map((m, i) => ({ written: m, column: metricColumn(m, file, formatPath(['metrics', i])) }));
  const columns = new Set<string>();
  metrics.forEach((m, i) => {
    if (columns.has(m.column)) throw new UserError(`${file}: ${formatPath(['metrics', i])}: ${m.written} is listed twice`);
    columns.add(m.column);
  });

  // The scenario as it stands, then every value applied alone: a wrong resource, path or value is
  // reported against the vary entry that holds it.
  const scenarioLabel = exp.scenario;
  // Refuse a sweep too big for the machine before checking (or building) any of its points.
  const points = parameters.reduce((n, p) => n * p.values.length, 1);
  const runs = points * exp.replications;
  if (runs > MAX_SWEEP_RUNS && !options.force) {
    throw new UserError(
      `${file}: the sweep is too big: ${formatCount(points)} points × ${formatCount(exp.replications)} replications = ${formatCount(runs)} runs, ` +
        `more than the limit of ${formatCount(MAX_SWEEP_RUNS)}; vary fewer values, use fewer replications, or pass --force (docs/limits.md)`,
    );
  }
  const check = (overrides: string[], where: string) => {
    try {
      const files = readScenarioFiles(scenarioPath, { sets: overrides });
      const { loaded, model } = prepareRun({ ...files, names: { ...files.names, scenario: scenarioLabel } });
      if (!options.force) checkRunLimits(estimateRun(model, loaded.scenario), loaded.scenario, scenarioLabel, 'pass --force');
      return files;
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      const msg = stripSetPrefix(e.message, overrides).replaceAll(scenarioPath, scenarioLabel);
      throw new UserError(where ? `${file}: ${where}: ${msg}` : `${file}: scenario: ${msg}`);
    }
  };
  if (!existsFile(scenarioPath)) throw new UserError(`${file}: scenario: file not found: ${scenarioPath}`);
  const base = check([], '');
  for (const p of parameters) p.values.forEach((v, i) => check([v.override], formatPath(['vary', p.address, i])));
  // Every combination too (values valid alone can clash, e.g. a duration shorter than a fault).
  for (const point of enumeratePoints(parameters)) {
    const overrides = point.map((vi, pi) => parameters[pi].values[vi].override);
    if (parameters.length > 1) {
      check(overrides, `vary (point ${point.map((vi, pi) => `${parameters[pi].address}=${parameters[pi].values[vi].label}`).join(', ')})`);
    }
  }

  return {
    file,
    name: exp.name,
    scenarioRef: exp.scenario,
    scenarioPath,
    parameters,
    replications: exp.replications,
    seed: exp.seed,
    metrics,
    inputsText: `${base.scenario}\n---mesh---\n${base.istio ?? base.envoy}`,
  };
}

function existsFile(path: string): boolean {
  try {
    readFileSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Every combination of value indexes, the last parameter varying fastest (point index order). */
export function enumeratePoints(parameters: readonly Parameter[]): number[][] {
  let points: number[][] = [[]];
  for (const p of parameters) {
    const next: number[][] = [];
    for (const prefix of points) for (let i = 0; i < p.values.length; i++) next.push([...prefix, i]);
    points = next;
  }
  return points;
}
