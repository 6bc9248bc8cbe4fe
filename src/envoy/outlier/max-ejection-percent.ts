/**
 * The max-ejection-percent rule (outlier spec §5.1), per profile, and the capacity it implies: how
 * many hosts can be ejected at once. Used by the detector's ejectHost and by `failsim explain`.
 */
import type { OutlierProfile } from '../profiles.ts';

/**
 * Whether one more ejection is allowed with `active` hosts already ejected out of `total` known to
 * the detector. Computes in IEEE doubles in Envoy's order (spec §14.6).
 */
export function ejectionAllowed(
  active: number,
  total: number,
  maxEjectionPercent: number,
  alwaysEjectOneHost: boolean,
  profile: OutlierProfile,
): boolean {
  const mep = Math.min(100, maxEjectionPercent);
  switch (profile.maxEjectionRule) {
    case 'legacy':
      // ≤ 1.26: checked before the ejection, strict <.
      return (100.0 * active) / total < mep;
    case 'first-exempt':
      return active === 0 || (100.0 * (active + 1)) / total <= mep;
    case 'strict': {
      const allowed = (100.0 * (active + 1)) / total <= mep;
      return allowed || (profile.supportsAlwaysEjectOneHost && alwaysEjectOneHost && active === 0);
    }
  }
}

/** The largest number of hosts that can be ejected at the same time (outlier spec §5.1 table). */
export function maxEjectableHosts(
  total: number,
  maxEjectionPercent: number,
  alwaysEjectOneHost: boolean,
  profile: OutlierProfile,
): number {
  let active = 0;
  while (active < total && ejectionAllowed(active, total, maxEjectionPercent, alwaysEjectOneHost, profile)) active++;
  return active;
}

/**
 * The smallest whole maxEjectionPercent (1–100) under which `hosts` of `total` can be ejected at
 * the same time; 100 when no value allows it. The rule read backwards: under the strict rule
 * (≥ 1.27) it is ceil(100·hosts/total), under the legacy one it is lower.
 */
export function smallestMaxEjectionPercentFor(
  hosts: number,
  total: number,
  alwaysEjectOneHost: boolean,
  profile: OutlierProfile,
): number {
  for (let mep = 1; mep <= 100; mep++) if (maxEjectableHosts(total, mep, alwaysEjectOneHost, profile) >= hosts) return mep;
  return 100;
}
