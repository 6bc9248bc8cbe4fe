/**
 * The incident picker's battery: what each incident does to its target endpoint during its window,
 * as scenario faults (docs/scenario.md "faults"), so a picked incident is a scenario the CLI runs.
 */
import { formatDurationMs } from '../../src/config/durations.ts';

export interface IncidentKind {
  id: string;
  label: string;
  /** The faults for `endpoint` over [fromMs, untilMs). */
  faults(endpoint: string, fromMs: number, untilMs: number): Record<string, unknown>[];
}

/** A window in the scenario's duration forms (`1m`, `1m30s`), exact for whole milliseconds. */
function win(fromMs: number, untilMs: number): { from: string; until: string } {
  return { from: formatDurationMs(fromMs), until: formatDurationMs(untilMs) };
}

export const INCIDENTS: readonly IncidentKind[] = [
  {
    id: 'hard-down',
    label: 'hard down (connections refused)',
    faults: (endpoint, fromMs, untilMs) => [{ endpoint, ...win(fromMs, untilMs), kind: 'connect-refused' }],
  },
  {
    id: 'blackhole',
    label: 'blackhole (connect timeout)',
    faults: (endpoint, fromMs, untilMs) => [{ endpoint, ...win(fromMs, untilMs), kind: 'connect-timeout' }],
  },
  {
    id: 'brownout',
    label: 'brownout (20 % 503)',
    faults: (endpoint, fromMs, untilMs) => [{ endpoint, ...win(fromMs, untilMs), kind: 'http-error', code: 503, rate: 0.2 }],
  },
  {
    id: 'flapping',
    label: 'flapping (10 s down, 20 s up)',
    faults: (endpoint, fromMs, untilMs) => [{ endpoint, ...win(fromMs, untilMs), kind: 'flapping', down: '10s', up: '20s', of: { kind: 'connect-refused' } }],
  },
  {
    id: 'gray',
    label: 'gray (10× latency)',
    faults: (endpoint, fromMs, untilMs) => [{ endpoint, ...win(fromMs, untilMs), kind: 'latency', factor: 10 }],
  },
  {
    id: 'restart',
    label: 'restart (in-flight connections reset, then refused until it is back)',
    faults: (endpoint, fromMs, untilMs) => {
      const resetUntil = Math.min(untilMs, fromMs + 1000);
      const faults: Record<string, unknown>[] = [{ endpoint, ...win(fromMs, resetUntil), kind: 'reset' }];
      if (resetUntil < untilMs) faults.push({ endpoint, ...win(resetUntil, untilMs), kind: 'connect-refused' });
      return faults;
    },
  },
];

export function incidentKind(id: string): IncidentKind | undefined {
  return INCIDENTS.find((k) => k.id === id);
}
