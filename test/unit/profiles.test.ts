import { describe, expect, it } from 'vitest';
import {
  OUTLIER_PROFILES,
  outlierProfile,
  outlierProfileIdForEnvoyMinor,
  parseMinor,
  resolveVersions,
  semanticsForEnvoyMinor,
} from '../../src/envoy/profiles.ts';
import { maxEjectableHosts, smallestMaxEjectionPercentFor } from '../../src/envoy/outlier/max-ejection-percent.ts';

describe('semantics profiles', () => {
  it('maps Envoy versions to the spec §9 profiles', () => {
    const cases: Array<[string, string]> = [
      ['1.16', 'pre-1.17'],
      ['1.17', '1.17-1.21'],
      ['1.18', '1.17-1.21'],
      ['1.21.3', '1.17-1.21'],
      ['1.22', '1.22-1.26'],
      ['1.26', '1.22-1.26'],
      ['1.27', '1.27'],
      ['1.28', '1.28-1.30'],
      ['1.30', '1.28-1.30'],
      ['1.31', '1.31+'],
      ['1.36', '1.31+'],
    ];
    for (const [envoy, profile] of cases) expect(resolveVersions({ envoy }).profile, envoy).toBe(profile);
  });

  it('maps Istio 1.N to Envoy 1.(N+8)', () => {
    expect(resolveVersions({ istio: '1.10' })).toMatchObject({ envoyMinor: 18, istioMinor: 10, profile: '1.17-1.21' });
    expect(resolveVersions({ istio: '1.20' })).toMatchObject({ envoyMinor: 28, profile: '1.28-1.30' });
    expect(resolveVersions({ istio: '1.23' })).toMatchObject({ envoyMinor: 31, profile: '1.31+' });
    expect(resolveVersions({ istio: '1.28' })).toMatchObject({ envoyMinor: 36, profile: '1.31+' });
  });

  it('defaults to the newest', () => {
    expect(resolveVersions({}).profile).toBe('1.31+');
    expect(resolveVersions({}).envoyMinor).toBe(semanticsForEnvoyMinor(36).envoyMinor);
  });

  it('rejects malformed and out-of-range versions with a readable message', () => {
    expect(() => resolveVersions({ envoy: 'latest' })).toThrow(/not of the form 1\.N/);
    expect(() => resolveVersions({ istio: '2.0' })).toThrow(/not of the form 1\.N/);
    expect(() => resolveVersions({ envoy: '1.99' })).toThrow(/outside the supported range/);
    expect(() => resolveVersions({ profile: '1.29' })).toThrow(/not one of/);
    expect(parseMinor('v1.18.2')).toBe(18);
  });

  it('every profile id round-trips through its representative Envoy version', () => {
    for (const id of OUTLIER_PROFILES) {
      const r = resolveVersions({ profile: id });
      expect(outlierProfileIdForEnvoyMinor(r.envoyMinor)).toBe(id);
    }
  });

  it('EDF start-up changes at Envoy 1.30, inside the 1.28-1.30 outlier profile', () => {
    expect(semanticsForEnvoyMinor(29).edfInit).toBe('legacy');
    expect(semanticsForEnvoyMinor(30).edfInit).toBe('createWithPicks');
    expect(semanticsForEnvoyMinor(29).outlier.id).toBe(semanticsForEnvoyMinor(30).outlier.id);
  });

  it('weighted_priority_health from Envoy 1.27 (changelogs/1.27.0.yaml), least-request full scan from 1.29 (enable_full_scan, envoy#29873/#30794; selection_method in changelogs/1.30.0.yaml)', () => {
    expect(semanticsForEnvoyMinor(26).weightedPriorityHealth).toBe(false);
    expect(semanticsForEnvoyMinor(27).weightedPriorityHealth).toBe(true);
    expect(semanticsForEnvoyMinor(28).leastRequestFullScan).toBe(false);
    expect(semanticsForEnvoyMinor(29).leastRequestFullScan).toBe(true);
  });
});

describe('ejection capacity (outlier spec §5.1 table)', () => {
  const cap = (n: number, m: number, profile: (typeof OUTLIER_PROFILES)[number], always = false) =>
    maxEjectableHosts(n, m, always, outlierProfile(profile));

  it('2 hosts at the default 10%: none on strict profiles, one on legacy ones', () => {
    expect(cap(2, 10, '1.28-1.30')).toBe(0);
    expect(cap(2, 10, '1.31+')).toBe(0);
    expect(cap(2, 10, '1.17-1.21')).toBe(1);
    expect(cap(2, 10, '1.27')).toBe(1);
    expect(cap(2, 10, '1.31+', true)).toBe(1);
    // always_eject_one_host does not exist before 1.31.
    expect(cap(2, 10, '1.28-1.30', true)).toBe(0);
  });

  it('matches the table for every rule', () => {
    for (let n = 1; n <= 9; n++) {
      expect(cap(n, 10, '1.22-1.26')).toBe(1);
      expect(cap(n, 10, '1.27')).toBe(1);
      expect(cap(n, 10, '1.28-1.30')).toBe(0);
    }
    expect(cap(15, 10, '1.22-1.26')).toBe(2);
    expect(cap(15, 10, '1.28-1.30')).toBe(1);
    expect(cap(3, 50, '1.22-1.26')).toBe(2);
    expect(cap(3, 50, '1.31+')).toBe(1);
    expect(cap(2, 1, '1.31+')).toBe(0);
    expect(cap(2, 1, '1.22-1.26')).toBe(1);
  });

  it('strict capacity is floor(N·m/100) and legacy is ceil(N·m/100) (at least 1)', () => {
    for (let n = 1; n <= 40; n++) {
      for (const m of [1, 5, 10, 20, 33, 34, 50, 67, 99, 100]) {
        expect(cap(n, m, '1.31+')).toBe(Math.floor((n * m) / 100 + 1e-9));
        expect(cap(n, m, '1.22-1.26')).toBe(Math.min(n, Math.max(1, Math.ceil((n * m) / 100 - 1e-9))));
      }
    }
  });

  it('the smallest maxEjectionPercent that lets k of N out is the rule read backwards, per profile', () => {
    for (const id of OUTLIER_PROFILES) {
      const profile = outlierProfile(id);
      for (let n = 1; n <= 30; n++) {
        for (let k = 1; k <= n; k++) {
          const m = smallestMaxEjectionPercentFor(k, n, false, profile);
          expect(maxEjectableHosts(n, m, false, profile)).toBeGreaterThanOrEqual(k);
          if (m > 1) expect(maxEjectableHosts(n, m - 1, false, profile)).toBeLessThan(k);
          // Strict rule: k·100/N ≤ m; legacy: (k−1)·100/N < m, so at most the strict value.
          if (profile.maxEjectionRule === 'strict') expect(m).toBe(Math.ceil((100 * k) / n - 1e-9));
          else expect(m).toBeLessThanOrEqual(Math.ceil((100 * k) / n - 1e-9));
        }
      }
    }
    // The seed's two endpoints, one per region, on Istio 1.28: 50 lets one region out.
    expect(smallestMaxEjectionPercentFor(1, 2, false, outlierProfile('1.28-1.30'))).toBe(50);
    expect(smallestMaxEjectionPercentFor(1, 2, false, outlierProfile('1.22-1.26'))).toBe(1);
  });
});
