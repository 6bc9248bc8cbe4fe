/**
 * Category `envoy.outlier_max_ejection` (load-balancing.json, e.g. OD-01): the largest number of hosts
 * that can be ejected at once under each max-ejection-percent rule, computed with the same
 * `ejectionAllowed` the detector uses (via maxEjectableHosts).
 */
import { maxEjectableHosts } from '../envoy/outlier/max-ejection-percent.ts';
import { outlierProfile, type OutlierProfileId } from '../envoy/profiles.ts';
import { registerCategory } from './categories.ts';
import { expectEqual } from './compare.ts';

/** Expected-row columns → (profile whose rule it is, always_eject_one_host). */
const RULE_COLUMNS: Record<string, { profile: OutlierProfileId; alwaysEjectOneHost: boolean }> = {
  legacy_le_1_26: { profile: '1.22-1.26', alwaysEjectOneHost: false },
  v1_27_transition: { profile: '1.27', alwaysEjectOneHost: false },
  strict: { profile: '1.28-1.30', alwaysEjectOneHost: false },
  strict_with_always_eject_one_host: { profile: '1.31+', alwaysEjectOneHost: true },
};
const INPUT_COLUMNS = new Set(['total_hosts_in_cluster', 'max_ejection_percent']);

export function replayOutlierMaxEjection(vector: any): string[] {
  const out: string[] = [];
  const rows = vector?.expected?.rows;
  if (!Array.isArray(rows)) return ['expected.rows: expected an array'];
  const cases = vector?.input?.cases;
  if (Array.isArray(cases) && cases.length !== rows.length) {
    out.push(`input.cases has ${cases.length} entries but expected.rows has ${rows.length}`);
  }
  rows.forEach((row: any, i: number) => {
    const n = row?.total_hosts_in_cluster ?? cases?.[i]?.total_hosts_in_cluster;
    const mep = row?.max_ejection_percent ?? cases?.[i]?.max_ejection_percent;
    if (!Number.isInteger(n) || n < 1 || !Number.isInteger(mep) || mep < 0) {
      out.push(`rows[${i}]: needs integer total_hosts_in_cluster ≥ 1 and max_ejection_percent ≥ 0`);
      return;
    }
    for (const [column, expected] of Object.entries(row)) {
      if (INPUT_COLUMNS.has(column) || column.startsWith('_')) continue;
      const rule = RULE_COLUMNS[column];
      if (!rule) {
        out.push(`rows[${i}].${column}: unknown rule column (known: ${Object.keys(RULE_COLUMNS).join(', ')})`);
        continue;
      }
      const actual = maxEjectableHosts(n, mep, rule.alwaysEjectOneHost, outlierProfile(rule.profile));
      expectEqual(out, `rows[${i}] (N=${n}, max_ejection_percent=${mep}) ${column}`, expected, actual);
    }
  });
  return out;
}

registerCategory('envoy.outlier_max_ejection', replayOutlierMaxEjection);
