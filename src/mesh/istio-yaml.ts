/**
 * The mesh's Istio configuration as one multi-document YAML text: what a scenario's `istio:` file
 * holds, so that `failsim run`, `check` and `tune` simulate exactly the configuration `explain`
 * shows (generated ServiceEntries first, then the user's DestinationRules and VirtualServices).
 */
import YAML from 'yaml';
import type { Mesh } from './build.ts';

export function meshIstioYaml(mesh: Mesh, header?: string): string {
  const body = mesh.documents.map((d) => YAML.stringify(d, { lineWidth: 0 })).join('---\n');
  return header ? `${header.replace(/^/gm, '# ')}\n${body}` : body;
}
