/** The page's whole input: what a share link carries and what a run reads. */

export interface IncidentChoice {
  /** An incident of the battery (incidents.ts), or `battery` for all of them. */
  id: string;
  /** What the incident hits: `endpoint:ADDRESS` or `locality:REGION[/ZONE]` (incidents.ts). */
  target: string;
  /** Window, in the scenario's duration forms (`1m`, `90s`). */
  from: string;
  until: string;
  /** The whole battery only: runs per incident (`failsim check --replications`). */
  replications?: string;
}

export interface PlaygroundInput {
  /** The model the page started from, `folder/file.yaml` (for the picker; the texts below are what runs). */
  model: string;
  /** The scenario YAML (the world: clients, endpoints, faults), exactly as `failsim run` reads it. */
  scenario: string;
  /** The Istio resources or plain Envoy file the scenario's `istio:` / `envoy:` key names. */
  config: string;
  /** The incident picked, or null when the scenario's own faults run. */
  incident: IncidentChoice | null;
}

function isIncidentChoice(v: unknown): v is IncidentChoice {
  if (v === null || typeof v !== 'object') return false;
  const o = v as Record<string, unknown>;
  return ['id', 'target', 'from', 'until'].every((k) => typeof o[k] === 'string') && (o.replications === undefined || typeof o.replications === 'string');
}

export function isPlaygroundInput(v: unknown): v is PlaygroundInput {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  return (
    typeof o.model === 'string' &&
    typeof o.scenario === 'string' &&
    typeof o.config === 'string' &&
    (o.incident === null || isIncidentChoice(o.incident))
  );
}
