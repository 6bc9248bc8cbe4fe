/**
 * Reads a scenario from its text or its parsed value: YAML → `--set` overrides → schema validation.
 * No file access (this runs in the browser too): the istio:/envoy: key is returned as written, and
 * the node-only src/node/files.ts resolves and reads it.
 */
import YAML from 'yaml';
import { UserError } from './errors.ts';
import { applyScenarioOverrides, type ScenarioOverride } from './overrides.ts';
import type { Scenario } from './scenario.ts';
import { validateScenario } from './scenario-schema.ts';
import { parseSingleYamlDocument, yamlToData } from './yaml.ts';

export interface LoadedScenario {
  scenario: Scenario;
  /** The scenario as named in messages (a path as the user wrote it, or a label). */
  file: string;
  /** Which mesh configuration the scenario names. */
  configKind: 'istio' | 'envoy';
  /** The istio:/envoy: value as written (relative to the scenario file); names that file in messages. */
  configName: string;
}

export interface ReadScenarioOptions {
  /** Scenario-field overrides (`--set field.path=VALUE`), applied before validation, in order. */
  overrides?: readonly ScenarioOverride[];
  /**
   * The kind of mesh configuration the caller supplies with the scenario (src/api.ts). A scenario
   * that names none gets `kind: name`; one that names the other kind is an error.
   */
  supplied?: { kind: 'istio' | 'envoy'; name: string };
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

/** Parses scenario text. `file` labels messages. Errors (YAML, overrides, schema) are UserErrors. */
export function parseScenarioText(text: string, file: string, options: ReadScenarioOptions = {}): LoadedScenario {
  const doc = parseSingleYamlDocument(text, file);
  keepVersionsAsWritten(doc);
  return readScenarioValue(yamlToData(doc, file, text), file, options);
}

/**
 * Reads an already parsed scenario (a plain object as YAML or JSON would give; versions should be
 * strings). The input is not modified.
 */
export function readScenarioValue(value: unknown, file: string, options: ReadScenarioOptions = {}): LoadedScenario {
  let raw = options.overrides?.length ? applyScenarioOverrides(value, options.overrides, file) : value;
  const supplied = options.supplied;
  if (supplied !== undefined && raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
    const named = raw as Record<string, unknown>;
    if (named.istio === undefined && named.envoy === undefined) raw = { ...named, [supplied.kind]: supplied.name };
  }
  const scenario = validateScenario(raw, file);
  const configKind = scenario.istio !== undefined ? 'istio' : 'envoy';
  if (supplied !== undefined && supplied.kind !== configKind) {
    throw new UserError(`${file}: ${configKind}: the scenario names ${configKind === 'istio' ? 'Istio resources' : 'an Envoy file'}, but ${supplied.kind === 'istio' ? 'Istio resources' : 'an Envoy configuration'} were given`);
  }
  return { scenario, file, configKind, configName: (scenario.istio ?? scenario.envoy)! };
}
