/**
 * Semantics profiles: which Envoy (and Istio) release's behaviour to reproduce.
 *
 * Outlier detection changed in steps (spec envoy-outlier-detection.md §9, §12); those steps are the
 * named profiles. Load balancing changed at other releases (envoy-load-balancing.md §12, e.g. EDF
 * start-up at 1.30, inside the `1.28-1.30` outlier profile), so the full semantics are keyed by the
 * Envoy minor version; the profile name is derived from it.
 */

export const OUTLIER_PROFILES = ['pre-1.17', '1.17-1.21', '1.22-1.26', '1.27', '1.28-1.30', '1.31+'] as const;
export type OutlierProfileId = (typeof OUTLIER_PROFILES)[number];

/** Oldest and newest Envoy minor versions failsim knows about. */
export const OLDEST_ENVOY_MINOR = 10;
export const NEWEST_ENVOY_MINOR = 36;
/** Istio 1.N ships an Envoy built near 1.(N+8) (outlier spec §13.2, LB spec §12). */
export const ISTIO_TO_ENVOY_OFFSET = 8;
export const NEWEST_ISTIO_MINOR = NEWEST_ENVOY_MINOR - ISTIO_TO_ENVOY_OFFSET;
export const OLDEST_ISTIO_MINOR = 1;

export type MaxEjectionRule =
  /** `100·A/N < m`, checked before the ejection (≤ 1.26). */
  | 'legacy'
  /** first ejection exempt, else `100·(A+1)/N ≤ m` (1.27). */
  | 'first-exempt'
  /** `100·(A+1)/N ≤ m`; 1.31+ adds `always_eject_one_host`. */
  | 'strict';

export interface OutlierProfile {
  id: OutlierProfileId;
  maxEjectionRule: MaxEjectionRule;
  /** `always_eject_one_host` exists (1.31+). */
  supportsAlwaysEjectOneHost: boolean;
  /** Backoff decay: 'none' (pre-1.17), 'pre-1.28' (at uneject check, before SR/FP), '1.28' (after SR/FP, gated). */
  decayRule: 'none' | 'pre-1.28' | '1.28';
  /** Ejection duration with backoff and max_ejection_time (1.17+), else base × num_ejections. */
  backoff: boolean;
  /** `max_ejection_time_jitter` exists (1.22+). */
  jitter: boolean;
  /** Active health check uneject: 'none' (< 1.26), 'any-check' (1.26–1.30), 'passing-check' (1.31+). */
  hcUneject: 'none' | 'any-check' | 'passing-check';
  /** Local-origin counter reset on uneject (envoy#18950, ≈1.21+). */
  resetLocalOriginOnUneject: boolean;
  /** max_ejection_time unset defaults to max(300 s, base) (1.18+); 1.17 used a fixed 300 s. */
  maxEjectionTimeDefaultsToBase: boolean;
}

const PROFILE_TABLE: Record<OutlierProfileId, OutlierProfile> = {
  'pre-1.17': {
    id: 'pre-1.17',
    maxEjectionRule: 'legacy',
    supportsAlwaysEjectOneHost: false,
    decayRule: 'none',
    backoff: false,
    jitter: false,
    hcUneject: 'none',
    resetLocalOriginOnUneject: false,
    maxEjectionTimeDefaultsToBase: false,
  },
  '1.17-1.21': {
    id: '1.17-1.21',
    maxEjectionRule: 'legacy',
    supportsAlwaysEjectOneHost: false,
    decayRule: 'pre-1.28',
    backoff: true,
    jitter: false,
    hcUneject: 'none',
    resetLocalOriginOnUneject: false,
    maxEjectionTimeDefaultsToBase: true,
  },
  '1.22-1.26': {
    id: '1.22-1.26',
    maxEjectionRule: 'legacy',
    supportsAlwaysEjectOneHost: false,
    decayRule: 'pre-1.28',
    backoff: true,
    jitter: true,
    // 1.26 only; refined by version in semanticsForEnvoy.
    hcUneject: 'any-check',
    resetLocalOriginOnUneject: true,
    maxEjectionTimeDefaultsToBase: true,
  },
  '1.27': {
    id: '1.27',
    maxEjectionRule: 'first-exempt',
    supportsAlwaysEjectOneHost: false,
    decayRule: 'pre-1.28',
    backoff: true,
    jitter: true,
    hcUneject: 'any-check',
    resetLocalOriginOnUneject: true,
    maxEjectionTimeDefaultsToBase: true,
  },
  '1.28-1.30': {
    id: '1.28-1.30',
    maxEjectionRule: 'strict',
    supportsAlwaysEjectOneHost: false,
    decayRule: '1.28',
    backoff: true,
    jitter: true,
    hcUneject: 'any-check',
    resetLocalOriginOnUneject: true,
    maxEjectionTimeDefaultsToBase: true,
  },
  '1.31+': {
    id: '1.31+',
    maxEjectionRule: 'strict',
    supportsAlwaysEjectOneHost: true,
    decayRule: '1.28',
    backoff: true,
    jitter: true,
    hcUneject: 'passing-check',
    resetLocalOriginOnUneject: true,
    maxEjectionTimeDefaultsToBase: true,
  },
};

export function outlierProfile(id: OutlierProfileId): OutlierProfile {
  return PROFILE_TABLE[id];
}

export function isOutlierProfileId(s: string): s is OutlierProfileId {
  return (OUTLIER_PROFILES as readonly string[]).includes(s);
}

export function outlierProfileIdForEnvoyMinor(minor: number): OutlierProfileId {
  if (minor < 17) return 'pre-1.17';
  if (minor <= 21) return '1.17-1.21';
  if (minor <= 26) return '1.22-1.26';
  if (minor === 27) return '1.27';
  if (minor <= 30) return '1.28-1.30';
  return '1.31+';
}

/** A representative Envoy minor for a profile name (the newest release in its range). */
export function envoyMinorForOutlierProfile(id: OutlierProfileId): number {
  switch (id) {
    case 'pre-1.17':
      return 16;
    case '1.17-1.21':
      return 21;
    case '1.22-1.26':
      return 26;
    case '1.27':
      return 27;
    case '1.28-1.30':
      return 30;
    case '1.31+':
      return NEWEST_ENVOY_MINOR;
  }
}

/** Everything version-dependent in src/envoy, resolved for one Envoy release. */
export interface EnvoySemantics {
  envoyMinor: number;
  outlier: OutlierProfile;
  /** EDF schedulers start with `createWithPicks` (1.30+) or the legacy pre-picks. */
  edfInit: 'createWithPicks' | 'legacy';
  /** Locality scheduler seeded with createWithPicks (1.30+) or built with no pre-picks. */
  localityEdfInit: 'createWithPicks' | 'legacy';
  /** EDS DRAINING hosts are also excluded (1.30+). */
  drainingExcluded: boolean;
  /** `weighted_priority_health` exists (1.27+: changelogs/1.27.0.yaml new_features, load_balancing). */
  weightedPriorityHealth: boolean;
  /**
   * LEAST_REQUEST full-scan selection exists: `enable_full_scan` from 1.29 (envoy#29873, still in
   * review after 1.28.0 shipped on 2023-10-18, then #30794: only when set explicitly),
   * `selection_method: FULL_SCAN` from 1.30 (changelogs/1.30.0.yaml new_features, upstream).
   */
  leastRequestFullScan: boolean;
  /** The router reports Overflow (circuit-breaker) resets to outlier detection (< 1.26). */
  reportsOverflowToOutlier: boolean;
}

export function semanticsForEnvoyMinor(minor: number): EnvoySemantics {
  const base = outlierProfile(outlierProfileIdForEnvoyMinor(minor));
  const outlier: OutlierProfile = { ...base };
  // Inside 1.22-1.26 only 1.26 has the health-check uneject (runtime guard, default on).
  if (base.id === '1.22-1.26') outlier.hcUneject = minor >= 26 ? 'any-check' : 'none';
  // 1.17.x used a fixed 300 s default max_ejection_time; 1.18 made it max(300 s, base).
  if (base.id === '1.17-1.21') outlier.maxEjectionTimeDefaultsToBase = minor >= 18;
  // The local-origin counter reset on uneject (envoy#18950, fix proposed 2021-12-06) has no entry
  // in the 1.21.0 or 1.22.0 changelogs; the spec's profile table puts it after the 1.17-1.21 range,
  // so the profile decides (docs/profiles.md states the evidence).
  return {
    envoyMinor: minor,
    outlier,
    edfInit: minor >= 30 ? 'createWithPicks' : 'legacy',
    localityEdfInit: minor >= 30 ? 'createWithPicks' : 'legacy',
    drainingExcluded: minor >= 30,
    weightedPriorityHealth: minor >= 27,
    leastRequestFullScan: minor >= 29,
    reportsOverflowToOutlier: minor < 26,
  };
}

/** Semantics for a profile name, using the newest Envoy release in that profile's range. */
export function semanticsForOutlierProfile(id: OutlierProfileId): EnvoySemantics {
  return semanticsForEnvoyMinor(envoyMinorForOutlierProfile(id));
}

/** Parses "1.18", "1.18.3" or "v1.18" to the minor number, or undefined. */
export function parseMinor(version: string): number | undefined {
  const m = /^v?1\.(\d+)(?:\.\d+)?(?:[-+].*)?$/.exec(version.trim());
  return m ? Number(m[1]) : undefined;
}

export interface VersionChoice {
  envoy?: string;
  istio?: string;
  profile?: string;
}

export interface ResolvedVersions {
  envoyMinor: number;
  /** Istio minor when the choice came from (or maps to) an Istio release. */
  istioMinor: number | undefined;
  profile: OutlierProfileId;
  semantics: EnvoySemantics;
}

/**
 * Chooses the semantics from an Envoy version, an Istio version (Envoy = Istio + 8) or a profile
 * name. With nothing given: the newest. Throws an Error with a readable message on a bad version.
 */
export function resolveVersions(choice: VersionChoice): ResolvedVersions {
  if (choice.envoy !== undefined && choice.istio !== undefined) {
    const e = parseMinor(choice.envoy);
    const i = parseMinor(choice.istio);
    if (e === undefined) throw new Error(`envoy version "${choice.envoy}" is not of the form 1.N`);
    if (i === undefined) throw new Error(`istio version "${choice.istio}" is not of the form 1.N`);
    checkRange('envoy', e, OLDEST_ENVOY_MINOR, NEWEST_ENVOY_MINOR);
    checkRange('istio', i, OLDEST_ISTIO_MINOR, NEWEST_ISTIO_MINOR);
    const semantics = semanticsForEnvoyMinor(e);
    return { envoyMinor: e, istioMinor: i, profile: semantics.outlier.id, semantics };
  }
  if (choice.envoy !== undefined) {
    const e = parseMinor(choice.envoy);
    if (e === undefined) throw new Error(`envoy version "${choice.envoy}" is not of the form 1.N`);
    checkRange('envoy', e, OLDEST_ENVOY_MINOR, NEWEST_ENVOY_MINOR);
    const semantics = semanticsForEnvoyMinor(e);
    const istio = e - ISTIO_TO_ENVOY_OFFSET;
    return {
      envoyMinor: e,
      istioMinor: istio >= OLDEST_ISTIO_MINOR ? istio : undefined,
      profile: semantics.outlier.id,
      semantics,
    };
  }
  if (choice.istio !== undefined) {
    const i = parseMinor(choice.istio);
    if (i === undefined) throw new Error(`istio version "${choice.istio}" is not of the form 1.N`);
    checkRange('istio', i, OLDEST_ISTIO_MINOR, NEWEST_ISTIO_MINOR);
    const e = Math.max(OLDEST_ENVOY_MINOR, i + ISTIO_TO_ENVOY_OFFSET);
    const semantics = semanticsForEnvoyMinor(e);
    return { envoyMinor: e, istioMinor: i, profile: semantics.outlier.id, semantics };
  }
  if (choice.profile !== undefined) {
    if (!isOutlierProfileId(choice.profile)) {
      throw new Error(`profile "${choice.profile}" is not one of ${OUTLIER_PROFILES.join(', ')}`);
    }
    const semantics = semanticsForOutlierProfile(choice.profile);
    const istio = semantics.envoyMinor - ISTIO_TO_ENVOY_OFFSET;
    return { envoyMinor: semantics.envoyMinor, istioMinor: istio, profile: choice.profile, semantics };
  }
  const semantics = semanticsForEnvoyMinor(NEWEST_ENVOY_MINOR);
  return { envoyMinor: NEWEST_ENVOY_MINOR, istioMinor: NEWEST_ISTIO_MINOR, profile: semantics.outlier.id, semantics };
}

function checkRange(what: string, minor: number, lo: number, hi: number): void {
  if (minor < lo || minor > hi) {
    throw new Error(`${what} version 1.${minor} is outside the supported range 1.${lo}–1.${hi}`);
  }
}
