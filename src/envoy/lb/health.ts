/**
 * Host health flags and Envoy's classification of a host (spec §2).
 *
 * Flags are bits on each host, as in Envoy's `Host::HealthFlag`. A host is *unhealthy* if any of the
 * failure bits is set, otherwise *degraded* if a degraded bit is set, otherwise *healthy*.
 * *Excluded* is a separate, overlapping property: an excluded host stays in `hosts` but leaves the
 * denominators of priority health, panic and locality weight.
 */

export const FAILED_ACTIVE_HC = 1 << 0;
/** Set by outlier detection (ClusterLoadBalancer.markEjected manages this bit). */
export const FAILED_OUTLIER_CHECK = 1 << 1;
/** EDS status UNHEALTHY or TIMEOUT (before Envoy 1.30 also DRAINING). */
export const FAILED_EDS_HEALTH = 1 << 2;
export const DEGRADED_ACTIVE_HC = 1 << 3;
/** EDS status DEGRADED. */
export const DEGRADED_EDS_HEALTH = 1 << 4;
export const PENDING_ACTIVE_HC = 1 << 5;
export const EXCLUDED_VIA_IMMEDIATE_HC_FAIL = 1 << 6;
/** EDS status DRAINING: unhealthy, and excluded from Envoy 1.30 (`drainingExcluded`). */
export const EDS_STATUS_DRAINING = 1 << 7;

/**
 * Not an Envoy health flag: the host is absent from the last EDS update (Envoy destroys the host;
 * failsim keeps the slot so host indexes stay dense). An absent host is in no list of its priority
 * — not hosts(), healthy, degraded or excluded — so it leaves every count, panic's all-hosts source
 * and its locality's size, as a removed host does. Managed by ClusterLoadBalancer.setHostInEds.
 */
export const ABSENT_FROM_EDS = 1 << 8;

export const HEALTHY_FLAGS = 0;

const UNHEALTHY_MASK = FAILED_ACTIVE_HC | FAILED_OUTLIER_CHECK | FAILED_EDS_HEALTH | EDS_STATUS_DRAINING;
const DEGRADED_MASK = DEGRADED_ACTIVE_HC | DEGRADED_EDS_HEALTH;

export const HEALTH_HEALTHY = 0;
export const HEALTH_DEGRADED = 1;
export const HEALTH_UNHEALTHY = 2;

/** Envoy's `coarseHealth()`: HEALTH_HEALTHY, HEALTH_DEGRADED or HEALTH_UNHEALTHY. */
export function coarseHealth(flags: number): number {
  if ((flags & UNHEALTHY_MASK) !== 0) return HEALTH_UNHEALTHY;
  if ((flags & DEGRADED_MASK) !== 0) return HEALTH_DEGRADED;
  return HEALTH_HEALTHY;
}

/** The bits that put a host in the excluded list for this Envoy release. */
export function excludedMask(drainingExcluded: boolean): number {
  return PENDING_ACTIVE_HC | EXCLUDED_VIA_IMMEDIATE_HC_FAIL | (drainingExcluded ? EDS_STATUS_DRAINING : 0);
}
