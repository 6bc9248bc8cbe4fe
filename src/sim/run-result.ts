/**
 * What one run leaves behind: a plain value built when the run ends. summary.ts (the JSON document)
 * and report/run-outputs.ts (the --out files and charts) read this, never the simulator.
 */
import type { Scenario } from '../config/scenario.ts';
import type { EjectionInterval, ProxyOutlierEvent } from '../metrics/ejections.ts';
import type { EjectionLog } from '../metrics/incidents.ts';
import type { RunCounters } from '../metrics/run-counters.ts';
import type { RunSeries } from '../metrics/time-series.ts';
import type { FaultWindow } from '../world/faults.ts';
import type { ControlPlaneChange } from './control-plane-events.ts';
import type { ClientGroupModel, RunModel } from './model.ts';

/** One client sidecar as the outputs name and count it. */
export interface SidecarResult {
  /** `clients<group>-sidecar<replica>` (event-log file names, timeline rows). */
  name: string;
  group: ClientGroupModel;
  /** Its outlier detector's counters (Envoy's stat names), or null without a detector. */
  outlierStats: Record<string, number> | null;
}

/** A capacity-limited endpoint's servers over the run. */
export interface EndpointCapacityResult {
  /** World endpoint index. */
  endpoint: number;
  /** Mean share of its servers busy. */
  utilisation: number;
  maxBusy: number;
  maxQueued: number;
  overloadRejections: number;
}

export interface RunResult {
  model: RunModel;
  scenario: Scenario;
  counters: RunCounters;
  series: RunSeries;
  /** Per sidecar, in proxy index order. */
  sidecars: SidecarResult[];
  ejectionLog: EjectionLog;
  /** Most (sidecar, host) ejections in force at once. */
  maxConcurrentEjections: number;
  /** Kept only when the run recorded events (recordEvents); sorted by start. */
  ejectionIntervals: readonly EjectionInterval[];
  outlierEvents: readonly ProxyOutlierEvent[];
  /** Intervals and events not kept (event limit reached). */
  droppedEvents: number;
  faultWindows: readonly FaultWindow[];
  /** Endpoints with a `capacity`, in endpoint order. */
  capacity: EndpointCapacityResult[];
  /** EDS and active health-check changes applied (empty unless the scenario's controlPlane is on). */
  controlPlaneChanges: readonly ControlPlaneChange[];
}
