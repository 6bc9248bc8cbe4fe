/**
 * What `explain` reads from a scenario: the mesh file it names, its client localities and versions.
 * Lenient on purpose (explain works on a scenario that would not yet run); the full schema is
 * scenario.ts's. No file access.
 */
import { parseYamlDocuments } from './yaml.ts';
import { UserError } from './errors.ts';

export interface ScenarioKeys {
  kind: 'istio' | 'envoy';
  /** The istio:/envoy: value as written (relative to the scenario file). */
  configName: string;
  localities: string[];
  versions: { istio?: string; envoy?: string };
}

/** The first YAML document of a text, parsed (merge keys as everywhere); undefined when it is not YAML. */
export function firstYamlDocument(text: string): unknown {
  try {
    // Only the first document can be a scenario or an Envoy file; an Istio file may have several.
    return parseYamlDocuments(text, 'input')[0];
  } catch {
    return undefined; // the Istio loader reports the YAML error with its location
  }
}

/** The keys of a scenario (a parsed document), or undefined when the document is not a scenario. */
export function readScenarioKeys(first: unknown, file: string): ScenarioKeys | undefined {
  if (first === null || typeof first !== 'object' || Array.isArray(first) || !('istio' in first || 'envoy' in first)) return undefined;
  const s = first as { istio?: unknown; envoy?: unknown; clients?: unknown; versions?: unknown };
  const kind = 'istio' in s ? 'istio' : 'envoy';
  if (typeof s[kind] !== 'string') {
    throw new UserError(`${file}: ${kind}: expected the path of ${kind === 'istio' ? 'an Istio' : 'an Envoy cluster'} YAML file (relative to the scenario)`);
  }
  const localities: string[] = [];
  if (s.clients !== undefined) {
    if (!Array.isArray(s.clients)) throw new UserError(`${file}: clients: expected a list`);
    s.clients.forEach((c, i) => {
      const loc = (c as { locality?: unknown } | null)?.locality;
      if (loc === undefined) return;
      if (typeof loc !== 'string') throw new UserError(`${file}: clients[${i}].locality: expected "region/zone/subzone"`);
      if (!localities.includes(loc)) localities.push(loc);
    });
  }
  const versions: { istio?: string; envoy?: string } = {};
  if (s.versions !== undefined) {
    if (s.versions === null || typeof s.versions !== 'object') throw new UserError(`${file}: versions: expected a mapping like { istio: "1.28" }`);
    const v = s.versions as Record<string, unknown>;
    for (const k of ['istio', 'envoy'] as const) {
      if (v[k] === undefined) continue;
      if (typeof v[k] !== 'string' && typeof v[k] !== 'number') throw new UserError(`${file}: versions.${k}: expected a version like "1.28"`);
      versions[k] = String(v[k]);
    }
  }
  return { kind, configName: s[kind] as string, localities, versions };
}
