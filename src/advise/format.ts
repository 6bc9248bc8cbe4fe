/** The scorecard as text (what `failsim check` prints) and as the `--json` document. */
import { QUIET_DAY, type BatteryPlan } from './battery.ts';
import type { IncidentScore, Scorecard } from './scorecard.ts';

export function pct(x: number | null, digits = 3): string {
  if (x === null) return '—';
  const v = x * 100;
  if (v === 0) return '0%';
  if (Math.abs(v) >= 10) return `${v.toFixed(1)}%`;
  return `${+v.toPrecision(digits)}%`;
}

export function seconds(ms: number | null, runs: number, of: number, never: string): string {
  if (ms === null) return never;
  const s = ms < 1000 ? `${Math.round(ms)}ms` : ms < 100_000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.round(ms / 1000)}s`;
  return runs < of ? `${s} (${runs}/${of})` : s;
}

function errorCell(i: IncidentScore): string {
  const e = i.errorRate;
  if (e.low === null || e.high === null) return pct(e.mean);
  return `${pct(e.mean)} [${pct(Math.max(0, e.low))}, ${pct(Math.min(1, e.high))}]`;
}

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => `  ${r.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd()}`);
}

export function formatScorecard(plan: BatteryPlan, card: Scorecard): string {
  const lines: string[] = [];
  const versions = plan.istioMinor === null ? `Envoy 1.${plan.envoyMinor}` : `Istio 1.${plan.istioMinor}, Envoy 1.${plan.envoyMinor}`;
  lines.push(`failsim check: ${plan.hosts.join(', ')} on ${versions}`);
  lines.push(`SLO ${card.slo}: an incident passes when the requests it fails fit in the error budget of one window; ${card.replications} runs per incident (95% intervals)`);
  if (plan.warnings.length > 0) {
    lines.push('', 'warnings:');
    for (const w of plan.warnings) lines.push(`  [${w.code}] ${w.message}`);
  }
  lines.push('');
  const rows = [['incident', 'target', 'client errors in the incident', 'failed', 'budget', 'detected', 'mitigated', 'failed back', 'cross-locality', '']];
  for (const i of card.incidents) {
    rows.push([
      i.name,
      i.target,
      errorCell(i),
      Math.round(i.failedRequests).toLocaleString('en-US'),
      `${Math.round(i.budgetUsed * 100)}%`,
      seconds(i.detectionMs, i.detectionRuns, i.runs, 'never'),
      seconds(i.mitigationMs, i.mitigationRuns, i.runs, 'never'),
      seconds(i.failbackMs, i.failbackRuns, i.runs, 'not in 3m'),
      pct(i.crossLocalityShare, 2),
      i.pass ? 'pass' : 'FAIL',
    ]);
  }
  lines.push(...table(rows));
  const q = card.quietDay;
  lines.push(
    '',
    `quiet day (10 min, ${QUIET_DAY.text}): ${+q.falseEjections.toFixed(1)} false ejections, ` +
      `${pct(q.crossLocalityShare, 2)} cross-locality, client errors ${pct(q.errorRate.mean)}` +
      `${q.noHealthyUpstream > 0 ? `, ${Math.round(q.noHealthyUpstream)} "no healthy upstream"` : ''} — ${q.pass ? 'pass' : 'FAIL'}`,
  );
  const failed = card.incidents.filter((i) => !i.pass);
  lines.push(
    '',
    card.verdict === 'pass'
      ? 'verdict: PASS — every incident fits the SLO'
      : `verdict: FAIL — ${failed.map((i) => `${i.name} (${i.target})`).join(', ')}${failed.length ? ' exceed the error budget' : ''}${q.pass ? '' : `${failed.length ? '; ' : ''}the quiet day exceeds the SLO`}`,
  );
  return `${lines.join('\n')}\n`;
}

/** The `failsim check --json` document (docs/check.md). */
export function scorecardDocument(plan: BatteryPlan, card: Scorecard): Record<string, unknown> {
  return {
    verdict: card.verdict,
    istioMinor: plan.istioMinor,
    envoyMinor: plan.envoyMinor,
    slo: card.slo,
    hosts: plan.hosts,
    replications: card.replications,
    incidents: card.incidents.map((i) => ({
      name: i.name,
      kind: i.kind,
      target: i.target,
      host: i.host,
      clients: i.clients,
      errorRate: i.errorRate,
      failedRequests: i.failedRequests,
      budgetUsed: i.budgetUsed,
      detectionMs: i.detectionMs,
      mitigationMs: i.mitigationMs,
      failbackMs: i.failbackMs,
      crossLocalityShare: i.crossLocalityShare,
      pass: i.pass,
    })),
    quietDay: {
      falseEjections: card.quietDay.falseEjections,
      crossLocalityShare: card.quietDay.crossLocalityShare,
      errorRate: card.quietDay.errorRate,
      noHealthyUpstream: card.quietDay.noHealthyUpstream,
      pass: card.quietDay.pass,
    },
    warnings: plan.warnings,
  };
}
