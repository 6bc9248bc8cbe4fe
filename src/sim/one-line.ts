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
  if (s.controlPlane !== undefined) {
    // Per mechanism: when the first endpoint left the healthy set, when the last one came back.
    for (const mechanism of ['eds', 'health-check']) {
      const changes = s.controlPlane.changes.filter((c) => c.mechanism === mechanism);
      if (changes.length === 0) continue;
      const firstDown = changes.find((c) => c.down);
      const lastUp = changes.filter((c) => !c.down).pop();
      parts.push(`${mechanism}=changes:${changes.length},firstOut:${num(firstDown?.atMs ?? null)}ms,lastBack:${num(lastUp?.atMs ?? null)}ms`);
    }
  }
  return parts.join(' ');
}
