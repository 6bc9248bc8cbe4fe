/**
 * The control plane's effect on the sidecars during a run: the schedules of src/world/control-plane.ts
 * (readiness → EDS) and src/world/health-check.ts (active health checks), turned into timed changes
 * that the simulator applies through the Envoy pieces' own APIs — an EDS removal takes the host out
 * of the load balancer's host set and out of the outlier detector (an ejected host's ejection ends
 * with it), an EDS return brings a fresh host, UNHEALTHY / FAILED_ACTIVE_HC are health flags.
 * Empty (no events at all) unless the scenario's controlPlane turns a process on.
 */
import type { RandomStream } from '../engine/random.ts';
import type { ClusterLoadBalancer } from '../envoy/lb/cluster-lb.ts';
import { FAILED_ACTIVE_HC, FAILED_EDS_HEALTH, HEALTHY_FLAGS } from '../envoy/lb/health.ts';
import type { OutlierDetector } from '../envoy/outlier/detector.ts';
import type { EjectionBook } from '../metrics/ejections.ts';
import type { Scenario } from '../config/scenario.ts';
import { edsChanges, readinessChanges } from '../world/control-plane.ts';
import type { FaultSchedule } from '../world/faults.ts';
import { healthCheckChanges } from '../world/health-check.ts';
import type { ClientGroupModel } from './model.ts';

/** What one change did, for the run's outputs (time order). */
export interface ControlPlaneChange {
  atMs: number;
  /** 'eds' (readiness through istiod; every sidecar) or 'health-check' (one sidecar's check). */
  mechanism: 'eds' | 'health-check';
  /** World endpoint index. */
  endpoint: number;
  /** The sidecar (health checks) or -1 (an EDS push reaches every sidecar). */
  sidecar: number;
  /** The endpoint leaves (true) or rejoins (false) the healthy set. */
  down: boolean;
}

interface SidecarView {
  readonly lb: ClusterLoadBalancer;
  readonly detector: OutlierDetector | undefined;
  readonly group: ClientGroupModel;
}

export class ControlPlaneEvents {
  readonly changes: ControlPlaneChange[];
  /** Per sidecar: the scenario's `unready`, else what istiod does for its cluster's service. */
  private readonly unready: ('remove' | 'unhealthy')[];

  constructor(
    scenario: Scenario,
    faults: FaultSchedule,
    refusedDelayMs: ArrayLike<number>,
    endpointCount: number,
    private readonly sidecars: readonly SidecarView[],
    private readonly ejections: EjectionBook,
    root: RandomStream,
  ) {
    const { readiness, healthCheck } = scenario.controlPlane;
    const d = scenario.durationMs;
    this.unready = sidecars.map((s) => readiness?.unready ?? (s.group.translated?.sendsUnhealthyEndpoints ? 'unhealthy' : 'remove'));
    const changes: ControlPlaneChange[] = [];
    if (readiness !== null) {
      const ready = readinessChanges(readiness, faults, endpointCount, d, root);
      for (const c of edsChanges(readiness, ready, d)) changes.push({ atMs: c.atMs, mechanism: 'eds', endpoint: c.endpoint, sidecar: -1, down: !c.ready });
    }
    if (healthCheck !== null) {
      const proxies = sidecars.map((s) => ({ hostToEndpoint: s.group.hostToEndpoint, connectTimeoutMs: s.group.cluster.connect_timeout_ms }));
      for (const c of healthCheckChanges(healthCheck, proxies, faults, refusedDelayMs, endpointCount, d, root)) {
        changes.push({ atMs: c.atMs, mechanism: 'health-check', endpoint: sidecars[c.sidecar].group.hostToEndpoint[c.host], sidecar: c.sidecar, down: c.failed });
      }
    }
    this.changes = changes.sort((a, b) => a.atMs - b.atMs);
  }

  /** Applies change i at `now`. */
  apply(i: number, now: number): void {
    const c = this.changes[i];
    if (c.mechanism === 'health-check') {
      const s = this.sidecars[c.sidecar];
      s.lb.setHostHealth(this.hostOf(s, c.endpoint), c.down ? FAILED_ACTIVE_HC : HEALTHY_FLAGS);
      return;
    }
    this.sidecars.forEach((s, index) => {
      const host = this.hostOf(s, c.endpoint);
      if (host < 0) return;
      if (this.unready[index] === 'unhealthy') s.lb.setHostHealth(host, c.down ? FAILED_EDS_HEALTH : HEALTHY_FLAGS);
      else if (c.down) {
        if (s.lb.isEjected(host)) this.ejections.record(index, host, false, now);
        s.detector?.removeHost(host);
        s.lb.setHostInEds(host, false);
      } else {
        s.lb.setHostInEds(host, true, HEALTHY_FLAGS);
        s.detector?.addHostAt(host, s.group.cluster.endpoints[host].address);
      }
    });
  }

  private hostOf(s: SidecarView, endpoint: number): number {
    return s.group.hostToEndpoint.indexOf(endpoint);
  }
}
