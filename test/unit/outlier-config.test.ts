import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_EJECTION_TIME_MS,
  OUTLIER_DEFAULTS,
  OutlierConfigError,
  outlierInputFromEnvoyJson,
  parseEnvoyDuration,
  resolveOutlierConfig,
} from '../../src/envoy/outlier/config.ts';
import { semanticsForEnvoyMinor, semanticsForOutlierProfile } from '../../src/envoy/profiles.ts';

const p131 = semanticsForOutlierProfile('1.31+').outlier;

function issuesOf(f: () => unknown): Array<{ field: string; message: string }> {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(OutlierConfigError);
    return (e as OutlierConfigError).issues;
  }
  throw new Error('expected an OutlierConfigError');
}

describe('resolveOutlierConfig: defaults', () => {
  it('an empty message gives Envoy defaults (spec §1)', () => {
    const c = resolveOutlierConfig({}, p131);
    expect(c).toEqual({ ...OUTLIER_DEFAULTS, max_ejection_time_ms: DEFAULT_MAX_EJECTION_TIME_MS });
    expect(c.enforcing_consecutive_gateway_failure).toBe(0);
    expect(c.enforcing_failure_percentage).toBe(0);
    expect(c.interval_ms).toBe(10_000);
    expect(c.base_ejection_time_ms).toBe(30_000);
  });

  it('unset max_ejection_time is max(300 s, base) from 1.18, fixed 300 s on 1.17', () => {
    expect(resolveOutlierConfig({ base_ejection_time_ms: 400_000 }, p131).max_ejection_time_ms).toBe(400_000);
    expect(resolveOutlierConfig({ base_ejection_time_ms: 10_000 }, p131).max_ejection_time_ms).toBe(300_000);
    const v117 = semanticsForEnvoyMinor(17).outlier;
    expect(v117.maxEjectionTimeDefaultsToBase).toBe(false);
    expect(resolveOutlierConfig({ base_ejection_time_ms: 10_000 }, v117).max_ejection_time_ms).toBe(300_000);
    const issues = issuesOf(() => resolveOutlierConfig({ base_ejection_time_ms: 400_000 }, v117));
    expect(issues[0].message).toMatch(/cannot be smaller than base_ejection_time/);
  });

  it('pre-1.17 has no max_ejection_time, so a large base is accepted', () => {
    const pre = semanticsForOutlierProfile('pre-1.17').outlier;
    expect(resolveOutlierConfig({ base_ejection_time_ms: 400_000 }, pre).base_ejection_time_ms).toBe(400_000);
  });

  it('clamps max_ejection_percent to 100', () => {
    expect(resolveOutlierConfig({ max_ejection_percent: 150 }, p131).max_ejection_percent).toBe(100);
  });
});

describe('resolveOutlierConfig: validation', () => {
  it('rejects max_ejection_time below base, naming the field', () => {
    const issues = issuesOf(() => resolveOutlierConfig({ base_ejection_time_ms: 10_000, max_ejection_time_ms: 3_000 }, p131));
    expect(issues).toEqual([
      { field: 'max_ejection_time_ms', message: 'max_ejection_time (3000 ms) cannot be smaller than base_ejection_time (10000 ms)' },
    ]);
  });

  it('rejects enforcing_* and failure_percentage_threshold above 100', () => {
    for (const field of [
      'enforcing_consecutive_5xx',
      'enforcing_consecutive_gateway_failure',
      'enforcing_consecutive_local_origin_failure',
      'enforcing_success_rate',
      'enforcing_local_origin_success_rate',
      'enforcing_failure_percentage',
      'enforcing_failure_percentage_local_origin',
      'failure_percentage_threshold',
    ]) {
      const issues = issuesOf(() => resolveOutlierConfig({ [field]: 101 }, p131));
      expect(issues).toEqual([{ field, message: 'expected a percentage ≤ 100, got 101' }]);
      expect(resolveOutlierConfig({ [field]: 100 }, p131)[field as 'enforcing_success_rate']).toBe(100);
    }
  });

  it('rejects zero interval and base, negative and fractional numbers, wrong types', () => {
    expect(issuesOf(() => resolveOutlierConfig({ interval_ms: 0 }, p131))[0]).toEqual({
      field: 'interval_ms',
      message: 'expected a duration > 0, got 0 ms',
    });
    expect(issuesOf(() => resolveOutlierConfig({ base_ejection_time_ms: 0 }, p131))[0].field).toBe('base_ejection_time_ms');
    expect(issuesOf(() => resolveOutlierConfig({ consecutive_5xx: -1 }, p131))[0].message).toMatch(/integer/);
    expect(issuesOf(() => resolveOutlierConfig({ consecutive_5xx: 2.5 }, p131))[0].field).toBe('consecutive_5xx');
    expect(issuesOf(() => resolveOutlierConfig({ split_external_local_origin_errors: 'yes' as any }, p131))[0].message).toMatch(/boolean/);
  });

  it('rejects unknown fields and reports every issue at once', () => {
    const issues = issuesOf(() => resolveOutlierConfig({ consecutive5xx: 3, enforcing_success_rate: 200 } as any, p131));
    expect(issues.map((i) => i.field)).toEqual(['consecutive5xx', 'enforcing_success_rate']);
    expect(issues[0].message).toMatch(/unknown field/);
  });
});

describe('Envoy duration strings', () => {
  it('parses seconds with fractions to whole ms', () => {
    expect(parseEnvoyDuration('0.1s')).toBe(100);
    expect(parseEnvoyDuration('10s')).toBe(10_000);
    expect(parseEnvoyDuration('400s')).toBe(400_000);
    expect(parseEnvoyDuration('1.0005s')).toBe(1000);
    expect(parseEnvoyDuration('0.000000001s')).toBe(0);
  });

  it('rejects other forms', () => {
    for (const bad of ['10', '-1s', '1.s', '10ms', '1.1234567891s', '']) expect(() => parseEnvoyDuration(bad), bad).toThrow();
  });

  it('converts an Envoy JSON message, rejecting unknown fields', () => {
    expect(outlierInputFromEnvoyJson({ interval: '0.1s', max_ejection_time_jitter: '13s', consecutive_5xx: 3 })).toEqual({
      interval_ms: 100,
      max_ejection_time_jitter_ms: 13_000,
      consecutive_5xx: 3,
    });
    expect(() => outlierInputFromEnvoyJson({ intervl: '1s' })).toThrow(/intervl: unknown field/);
    expect(() => outlierInputFromEnvoyJson({ interval: 10 })).toThrow(/interval: expected a duration/);
  });
});
