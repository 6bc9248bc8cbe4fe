/**
 * Reads a scenario file: YAML → `--set` overrides → schema validation → the path of the mesh
 * configuration (istio: or envoy:) resolved against the scenario's directory.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import YAML from 'yaml';
import { UserError } from './errors.ts';
import { applyScenarioOverrides, type ScenarioOverride } from './overrides.ts';
import { validateScenario, type Scenario } from './scenario.ts';
import { parseSingleYamlDocument } from './yaml.ts';

export interface LoadedScenario {
  scenario: Scenario;
  /** Absolute path of the scenario file. */
  scenarioPath: string;
  /** Which mesh configuration the scenario names. */
  configKind: 'istio' | 'envoy';
  /** Absolute path of that file (it exists and is a regular file). */
  configPath: string;
}

export interface LoadScenarioOptions {
  /** Scenario-field overrides (`--set field.path=VALUE`), applied before validation, in order. */
  overrides?: readonly ScenarioOverride[];
  /** Skip the check that the istio/envoy file exists (tests, or when the text is supplied otherwise). */
  skipConfigFileCheck?: boolean;
}

/**
 * YAML reads `1.10` as the number 1.1. A version is meant as text, so take the scalar's source text
 * (`1.10`) instead of its numeric value, whether or not the user quoted it.
 */
function keepVersionsAsWritten(doc: YAML.Document.Parsed): void {
  for (const key of ['istio', 'envoy']) {
    const node = doc.getIn(['versions', key], true);
    if (YAML.isScalar(node) && typeof node.value === 'number') {
      node.value = (node as YAML.Scalar & { source?: string }).source ?? String(node.value);
    }
  }
}

/** Parses scenario text (no file access). `file` labels messages; `baseDir` resolves istio:/envoy:. */
export function parseScenarioText(
  text: string,
  file: string,
  baseDir: string,
  options: LoadScenarioOptions = {},
): LoadedScenario {
  const doc = parseSingleYamlDocument(text, file);
  keepVersionsAsWritten(doc);
  let raw: unknown = doc.toJS({ maxAliasCount: 100 });
  if (options.overrides?.length) raw = applyScenarioOverrides(raw, options.overrides, file);
  const scenario = validateScenario(raw, file);
  const configKind = scenario.istio !== undefined ? 'istio' : 'envoy';
  const configPath = resolve(baseDir, (scenario.istio ?? scenario.envoy)!);
  if (!options.skipConfigFileCheck) {
    if (!existsSync(configPath)) throw new UserError(`${file}: ${configKind}: file not found: ${configPath}`);
    if (!statSync(configPath).isFile()) throw new UserError(`${file}: ${configKind}: not a file: ${configPath}`);
  }
  return { scenario, scenarioPath: resolve(baseDir, file), configKind, configPath };
}

/** Reads and validates a scenario file. Errors (missing file, YAML, schema) are UserErrors. */
export function loadScenario(file: string, options: LoadScenarioOptions = {}): LoadedScenario {
  const scenarioPath = resolve(file);
  let text: string;
  try {
    text = readFileSync(scenarioPath, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(
      code === 'ENOENT' ? `${file}: file not found` : `${file}: cannot read the file (${code ?? String(err)})`,
    );
  }
  const loaded = parseScenarioText(text, file, dirname(scenarioPath), options);
  return { ...loaded, scenarioPath };
}
