/**
 * The incident picker: the incidents of `failsim check`'s battery (src/advise/battery.ts), each put on
 * the target and window picked in the page as scenario faults (docs/scenario.md "faults"), so a
 * picked incident is a scenario the CLI runs. The whole battery runs as `failsim check` does (worker.ts).
 */
import { INCIDENTS as BATTERY, type IncidentDef } from '../../src/advise/battery.ts';
import { formatDurationMs } from '../../src/config/durations.ts';

export interface IncidentKind {
  id: string;
  label: string;
  /** The faults for `target` over [fromMs, untilMs). */
  faults(target: FaultTarget, fromMs: number, untilMs: number): Record<string, unknown>[];
}

/** An endpoint address, or a locality (every endpoint in it), as the scenario's fault targets. */
export type FaultTarget = { endpoint: string } | { locality: string };

/** The picker's value for a target: `endpoint:ADDRESS` or `locality:REGION/ZONE`. */
export function targetValue(t: FaultTarget): string {
  return 'endpoint' in t ? `endpoint:${t.endpoint}` : `locality:${t.locality}`;
}

export function parseTarget(value: string): FaultTarget | undefined {
  const colon = value.indexOf(':');
  const kind = value.slice(0, colon);
  const rest = value.slice(colon + 1);
  if (colon <= 0 || rest === '') return undefined;
  if (kind === 'endpoint') return { endpoint: rest };
  if (kind === 'locality') return { locality: rest };
  return undefined;
}

function fromBattery(def: IncidentDef): IncidentKind {
  return {
    id: def.name,
    label: `${def.name}: ${def.description}`,
    faults: (target, fromMs, untilMs) => [{ ...target, from: formatDurationMs(fromMs), until: formatDurationMs(untilMs), ...def.fault }],
  };
}

export const INCIDENTS: readonly IncidentKind[] = BATTERY.map(fromBattery);

export function incidentKind(id: string): IncidentKind | undefined {
  return INCIDENTS.find((k) => k.id === id);
}
