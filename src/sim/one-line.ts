/**
 * A scenario's one-line summary: the key metrics of a run on one line, checked in next to each
 * model (models/<folder>/golden.txt) so that a behaviour change shows up as a diff in review.
 * Numbers are rounded so that the line is stable and readable; they are still measured values.
 */
import type { RunSummary } from './summary.ts';

function num(x: number | null, digits = 0): string {
  if (x === null) return 'null';
  return digits === 0 ? String(Math.round(x)) : x.toFixed(digits);
}

export function oneLineSummary(s: RunSummary): string {
  const parts = [
    `profile=${s.profile.outlier}`,
    `requests=${s.requests.total}`,
    `failed=${s.requests.failed}`,
    `errorRate=${s.requests.errorRate === null ? 'null' : s.requests.errorRate.toFixed(5)}`,
    `attempts=${s.attempts.total}`,
    `uh=${s.noHealthyUpstream}`,
    `ejected=${s.ejections.enforced}`,
    `overflow=${s.ejections.overflow}`,
    `notEnforced=${s.ejections.notEnforced}`,
    `falseEjections=${s.falseEjections}`,
    `p99=${num(s.latencyMs.p99, 1)}ms`,
    `byLocality=${Object.entries(s.attempts.byLocality).map(([k, v]) => `${k}:${v}`).join('|')}`,
  ];
  s.incidents.forEach((inc, i) => {
    parts.push(
      `incident${i}=detect:${num(inc.detectionMs?.median ?? null)}ms,mitigate:${num(inc.mitigationMs)}ms,failback:${num(inc.failbackMs)}ms,errors:${inc.errors}`,
    );
  });
  return parts.join(' ');
}
