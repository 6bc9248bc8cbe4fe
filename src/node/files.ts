/**
 * Node-only conveniences over src/api.ts: read a scenario file and the istio:/envoy: file it names
 * (resolved against the scenario's folder) into the texts the API takes. The CLI, sweeps, golden
 * summaries, notebooks and the bench read files through this module; nothing below src/api.ts does.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UserError } from '../config/errors.ts';
import { parseScenarioText } from '../config/load-scenario.ts';
import { parseEnvoyConfig, type EnvoyConfig, type EnvoyConfigOptions } from '../envoy/config/document.ts';
import { parseIstioYaml, type IstioConfig } from '../istio/load.ts';
import { scenarioOverrides, simulate, type SimulateInput } from '../api.ts';
import type { RunSummary } from '../sim/summary.ts';

/** A scenario file and the mesh file it names, as `simulate` takes them. */
export interface ScenarioFiles extends SimulateInput {
  scenario: string;
  /** Absolute paths of the two files. */
  scenarioPath: string;
  configPath: string;
  names: { scenario: string; config: string };
}

export interface ReadTextOptions {
  /** Names the file in messages (default: the path). */
  label?: string;
  /** The message's wording (default "cannot read the file"); the error code follows in parentheses. */
  cannotRead?: string;
  /** The whole message when the file does not exist (default: the cannot-read message). */
  missing?: string;
}

/** The text of a file, or a UserError `<label>: cannot read the file (EACCES)`. */
export function readText(path: string, options: ReadTextOptions = {}): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && options.missing !== undefined) throw new UserError(options.missing);
    throw new UserError(`${options.label ?? path}: ${options.cannotRead ?? 'cannot read the file'} (${code ?? String(e)})`);
  }
}

/**
 * Reads `file` and the istio:/envoy: file it names. The scenario is validated here (with the
 * input's sets, seed and duration: a `--set istio=...` changes which file is read), so its errors
 * come before a missing mesh file's.
 */
export function readScenarioFiles(file: string, input: Omit<SimulateInput, 'scenario' | 'istio' | 'envoy' | 'names'> = {}): ScenarioFiles {
  const scenarioPath = resolve(file);
  const text = readText(scenarioPath, { label: file, missing: `${file}: file not found` });
  const loaded = parseScenarioText(text, file, { overrides: scenarioOverrides(input) });
  const kind = loaded.configKind;
  const configPath = resolve(dirname(scenarioPath), loaded.configName);
  let isFile: boolean;
  try {
    isFile = statSync(configPath).isFile();
  } catch {
    throw new UserError(`${file}: ${kind}: file not found: ${configPath}`);
  }
  if (!isFile) throw new UserError(`${file}: ${kind}: not a file: ${configPath}`);
  const configText = readText(configPath, { label: loaded.configName });
  return { ...input, scenario: text, [kind]: configText, scenarioPath, configPath, names: { scenario: file, config: loaded.configName } };
}

/** `failsim run <file> --json` in-process: the scenario file with `--set` texts, summarised. */
export function runScenarioFile(file: string, sets: readonly string[] = []): RunSummary {
  return simulate(readScenarioFiles(file, { sets }));
}

/** Reads an Istio resources file (UserError when unreadable, IstioConfigError when invalid). */
export function loadIstioFile(path: string, displayName: string = path): IstioConfig {
  return parseIstioYaml(readText(path, { label: displayName, cannotRead: 'cannot read file' }), displayName);
}

/** Reads a plain Envoy configuration file (YAML or JSON). Errors are UserErrors. */
export function loadEnvoyConfigFile(path: string, displayName = path, options: EnvoyConfigOptions = {}): EnvoyConfig {
  return parseEnvoyConfig(readText(path, { label: displayName }), displayName, options);
}
