/**
 * failsim's public entry point: simulate a scenario or explain a mesh configuration from YAML text
 * or parsed objects. No file system, process or thread access here or below (this module bundles
 * for the browser; test/unit/api-browser-bundle.test.ts checks it): reading a scenario and the
 * files it names is src/node/files.ts's job. See docs/api.md.
 *
 *   simulate({ scenario, istio | envoy, sets, seed, onProgress }) → the `failsim run --json` document
 *   explain({ istio | envoy, scenario?, clientLocalities, versions }) → the `failsim explain --json` document
 */
import YAML from 'yaml';
import { parseDurationMs } from './config/durations.ts';
import { UserError } from './config/errors.ts';
import { parseScenarioText, readScenarioValue, type LoadedScenario } from './config/load-scenario.ts';
import { parseOverrides, type ResourceOverride, type ScenarioOverride } from './config/overrides.ts';
import { firstYamlDocument, readScenarioKeys, type ScenarioKeys } from './config/scenario-keys.ts';
import { localityTextProblem } from './config/locality-text.ts';
import type { Locality } from './envoy/cluster.ts';
import { parseEnvoyConfig } from './envoy/config/document.ts';
import { OutlierConfigError } from './envoy/outlier/config.ts';
import { resolveVersions, type ResolvedVersions } from './envoy/profiles.ts';
import { IstioConfigError } from './istio/diagnostics.ts';
import { explainEnvoy } from './istio/explain-envoy.ts';
import { explainIstio, type ExplainReport } from './istio/explain.ts';
import { parseLocality } from './istio/locality.ts';
import { buildMesh } from './mesh/build.ts';
import type { MeshInputFile } from './mesh/documents.ts';
import { parseEndpointsFlag } from './mesh/endpoints-flag.ts';
import { buildRunModel, type RunModel } from './sim/model.ts';
import { runModel, type RunModelOptions, type RunModelOutput } from './sim/run-model.ts';
import type { RunSummary } from './sim/summary.ts';
import { RUN_LIMITS, checkRunLimits, estimateRun, type RunLimits } from './sim/limits.ts';

export type { RunSummary } from './sim/summary.ts';
export type { ExplainReport } from './istio/explain.ts';
export type { RunModelOutput } from './sim/run-model.ts';
export { UserError } from './config/errors.ts';

/** YAML (or JSON) text, or the value it parses to. */
export type Source<T = unknown> = string | T;

/** Names for messages: errors say `<scenario>: clients[0].rate: ...`, `<config>: ...`. */
export interface SourceNames {
  /** Default "scenario". */
  scenario?: string;
  /** Default: the scenario's istio:/envoy: value, or "istio" / "envoy". */
  config?: string;
}

export interface SimulateInput {
  /** The scenario (docs/scenario.md). Its istio:/envoy: key only names the file in messages; it may be left out. */
  scenario: Source<Record<string, unknown>>;
  /** Istio resources: multi-document YAML text, or a list of parsed documents. Exactly one of istio, envoy. */
  istio?: Source<readonly unknown[]>;
  /** A plain Envoy cluster, {cluster, route} or bootstrap (docs/envoy-config.md): text or parsed. */
  envoy?: Source<Record<string, unknown>>;
  /** `--set` texts, as on the command line: `field.path=VALUE`, `Kind/name:field.path=VALUE`. */
  sets?: readonly string[];
  /** Overrides the scenario's seed. */
  seed?: number;
  /** Overrides the scenario's duration (e.g. "10m"). */
  duration?: string;
  /** Called every `progressEveryMs` of simulated time (default: every 1 % of the run, at least 1 s). */
  onProgress?: (simulatedMs: number, durationMs: number) => void;
  progressEveryMs?: number;
  names?: SourceNames;
  /**
   * Refuse runs estimated beyond these limits (default RUN_LIMITS, docs/limits.md) with a UserError
   * giving the estimate; 'none' runs whatever the size.
   */
  limits?: RunLimits | 'none';
}

/** A scenario read and its model built: what a run needs, before it runs. */
export interface PreparedRun {
  loaded: LoadedScenario;
  model: RunModel;
}

/** Simulates one scenario; returns the document `failsim run --json` prints (docs/run-output.md). */
export function simulate(input: SimulateInput): RunSummary {
  return simulateRun(input).summary;
}

/**
 * Like `simulate`, with what the run's output files and charts read (`recordEvents: true` keeps
 * ejection intervals and outlier events).
 */
export function simulateRun(input: SimulateInput, options: Pick<RunModelOptions, 'recordEvents'> = {}): RunModelOutput {
  const { loaded, model } = prepareRun(input);
  if (input.limits !== 'none') {
    checkRunLimits(estimateRun(model, loaded.scenario), loaded.scenario, loaded.file, 'pass --force', input.limits ?? RUN_LIMITS);
  }
  return runModel(model, loaded.scenario, {
    recordEvents: options.recordEvents,
    onProgress: input.onProgress,
    progressEveryMs: input.progressEveryMs,
  });
}

/** Reads the scenario (with sets, seed, duration) and builds its model; every input error is a UserError. */
export function prepareRun(input: SimulateInput): PreparedRun {
  const { resources } = parseOverrides(input.sets ?? []);
  const loaded = readScenario(input);
  const model = buildRunModel(loaded, meshConfigText(input), resources);
  return { loaded, model };
}

/** The scenario overrides of an input: its `--set` scenario fields, then seed and duration. */
export function scenarioOverrides(input: Pick<SimulateInput, 'sets' | 'seed' | 'duration'>): ScenarioOverride[] {
  const { scenario } = parseOverrides(input.sets ?? []);
  if (input.seed !== undefined) {
    if (!Number.isSafeInteger(input.seed) || input.seed < 0) throw new UserError(`seed: expected a non-negative integer (got ${input.seed})`);
    scenario.push({ target: 'scenario', path: ['seed'], value: input.seed, text: `seed=${input.seed}` });
  }
  if (input.duration !== undefined) {
    if (parseDurationMs(input.duration) === undefined) {
      throw new UserError(`duration: expected a duration like 30s, 10m, 1h (got "${input.duration}")`);
    }
    scenario.push({ target: 'scenario', path: ['duration'], value: input.duration, text: `duration=${input.duration}` });
  }
  return scenario;
}

/** The resource (`Kind/name:path=VALUE`) overrides of an input. */
export function resourceOverrides(input: Pick<SimulateInput, 'sets'>): ResourceOverride[] {
  return parseOverrides(input.sets ?? []).resources;
}

function readScenario(input: SimulateInput): LoadedScenario {
  const kind = configKindOf(input);
  const file = input.names?.scenario ?? 'scenario';
  const options = { overrides: scenarioOverrides(input), supplied: { kind, name: input.names?.config ?? kind } };
  const loaded = typeof input.scenario === 'string' ? parseScenarioText(input.scenario, file, options) : readScenarioValue(input.scenario, file, options);
  return input.names?.config === undefined ? loaded : { ...loaded, configName: input.names.config };
}

function configKindOf(input: { istio?: unknown; envoy?: unknown }): 'istio' | 'envoy' {
  if ((input.istio === undefined) === (input.envoy === undefined)) {
    throw new UserError('expected exactly one of istio (Istio resources) or envoy (an Envoy configuration)');
  }
  return input.istio !== undefined ? 'istio' : 'envoy';
}

/** Parsed documents go back to YAML text: the readers take text (their messages carry line numbers). */
function meshConfigText(input: { istio?: unknown; envoy?: unknown }): string {
  const config = input.istio ?? input.envoy;
  if (typeof config === 'string') return config;
  if (input.istio !== undefined) {
    if (!Array.isArray(config)) throw new UserError('istio: expected YAML text or a list of parsed documents');
    return config.map((d) => YAML.stringify(d)).join('---\n');
  }
  return YAML.stringify(config);
}

export interface ExplainInput {
  /** Istio resources (text or parsed documents), or a plain Envoy configuration: exactly one. */
  istio?: Source<readonly unknown[]>;
  envoy?: Source<Record<string, unknown>>;
  /** A scenario (text or parsed): its clients' localities and versions apply unless given here. */
  scenario?: Source<Record<string, unknown>>;
  /** Client proxy localities, "region/zone/subzone". */
  clientLocalities?: readonly string[];
  /** Which release to reproduce (at most one); default: the scenario's, else the newest. */
  versions?: { istio?: string; envoy?: string };
  /** Envoy bootstrap: which of static_resources.clusters to explain. */
  cluster?: string;
  /** Several Kubernetes and Istio files (src/mesh), instead of `istio`. */
  meshFiles?: readonly MeshInputFile[];
  /** `host=region/zone:count,...`: endpoints for hosts the files give none for (`--endpoints`). */
  endpoints?: readonly string[];
  names?: SourceNames;
}

/** The effective Envoy cluster each client sidecar gets, with warnings (docs/explain.md). */
export function explain(input: ExplainInput): ExplainReport {
  const envoyInput = input.meshFiles === undefined && configKindOf(input) === 'envoy';
  const scenarioName = input.names?.scenario ?? 'scenario';
  const keys: ScenarioKeys | undefined =
    input.scenario === undefined
      ? undefined
      : readScenarioKeys(typeof input.scenario === 'string' ? firstYamlDocument(input.scenario) : input.scenario, scenarioName);
  const configName = input.names?.config ?? keys?.configName ?? (envoyInput ? 'envoy' : 'istio');
  const localities = input.clientLocalities ?? keys?.localities ?? [];
  localities.forEach((l, i) => {
    const problem = localityTextProblem(l);
    if (problem !== undefined) throw new UserError(`${input.clientLocalities ? `clientLocalities[${i}]` : `${scenarioName}: clients[].locality`}: ${problem}`);
  });
  const given = input.versions !== undefined && (input.versions.istio !== undefined || input.versions.envoy !== undefined);
  if (given && input.versions!.istio !== undefined && input.versions!.envoy !== undefined) {
    // As a scenario's versions: each implies the other (Istio 1.x ships Envoy 1.(x+8)).
    throw new UserError(`versions: expected at most one of istio or envoy (got istio ${input.versions!.istio} and envoy ${input.versions!.envoy})`);
  }
  const choice = given ? input.versions! : (keys?.versions ?? {});
  let versions: ResolvedVersions;
  try {
    versions = resolveVersions({ istio: choice.istio, envoy: choice.envoy });
  } catch (e) {
    throw new UserError(`${given ? '' : `${scenarioName}: versions: `}${(e as Error).message}`);
  }
  const clientLocalities: Locality[] = localities.length > 0 ? localities.map(parseLocality) : [{ region: '', zone: '', subzone: '' }];
  let report: ExplainReport;
  try {
    if (envoyInput) report = explainEnvoy(parseEnvoyConfig(meshConfigText(input), configName, { clusterName: input.cluster }), versions);
    else {
      // Istio resources, Kubernetes workloads or both (src/mesh): every host needs its endpoints.
      const files = input.meshFiles ?? [{ file: configName, text: meshConfigText(input) }];
      const mesh = buildMesh(files, { endpoints: (input.endpoints ?? []).map(parseEndpointsFlag) });
      report = explainIstio(mesh.istio, { clientLocalities, versions, sourceText: files.length === 1 ? files[0].text : undefined });
      report.warnings.push(...mesh.notes.map((n) => ({ code: n.code, message: n.resource ? `${n.resource}: ${n.message}` : n.message })));
    }
  } catch (e) {
    if (e instanceof IstioConfigError) throw new UserError(e.message);
    if (e instanceof OutlierConfigError) throw new UserError(`${configName}: ${envoyInput ? 'outlier_detection: ' : ''}${e.message}`);
    throw e;
  }
  // A plain Envoy cluster is the same for every client locality.
  if (localities.length === 0 && !envoyInput) {
    report.warnings.push({
      code: 'no-client-locality',
      message: "no client locality given (--client-locality or the scenario's clients[].locality): the client is assumed to have an empty locality",
    });
  }
  return report;
}
