/**
 * One client sidecar of a run: its own load balancer and outlier detector over its group's cluster,
 * and how the router sees it (a route: LB, detector, retry policy, route timeout).
 */
import type { RandomStream } from '../engine/random.ts';
import { ClusterLoadBalancer } from '../envoy/lb/cluster-lb.ts';
import { OutlierDetector } from '../envoy/outlier/detector.ts';
import type { RouterRoute } from '../envoy/router/upstream-requests.ts';
import type { ClientGroupModel, RunModel } from './model.ts';

/** One client sidecar: its own load balancer and outlier detector (a route of the router). */
export class Sidecar {
  readonly detector: OutlierDetector | undefined;
  readonly lb: ClusterLoadBalancer;
  /** A deferred-detection run (EV_RUN_POSTS) is queued. */
  postsScheduled = false;

  constructor(
    readonly index: number,
    readonly group: ClientGroupModel,
    semantics: RunModel['versions']['semantics'],
    root: RandomStream,
    ejectionDelayMs: number,
  ) {
    this.lb = new ClusterLoadBalancer(group.cluster, semantics, group.spec.locality, root.fork(`proxy/${index}/lb`));
    if (group.outlier !== undefined) {
      const d = new OutlierDetector({
        config: group.outlier,
        profile: semantics.outlier,
        random: root.fork(`proxy/${index}/outlier`),
        dispatch: ejectionDelayMs > 0 ? 'deferred' : 'inline',
      });
      group.cluster.endpoints.forEach((e, h) => {
        if (d.addHost(e.address) !== h) throw new Error('outlier detector slots must follow the cluster host order');
      });
      this.detector = d;
    }
  }
}

/** The sidecar as a route of the router. */
export function routeOf(s: Sidecar, semantics: RunModel['versions']['semantics']): RouterRoute {
  return {
    lb: s.lb,
    detector: s.detector,
    retryPolicy: s.group.retryPolicy,
    routeTimeoutMs: s.group.cluster.route_timeout_ms,
    reportsOverflowToOutlier: semantics.reportsOverflowToOutlier,
  };
}
