/** The readable summary `failsim run` prints without --json. */
import type { RunSummary } from '../sim/summary.ts';
import { neverReachedText } from '../report/mitigation.ts';

function pct(x: number | null): string {
  return x === null ? 'n/a' : `${(100 * x).toFixed(x > 0 && x < 0.001 ? 4 : 2)}%`;
}

function ms(x: number | null): string {
  if (x === null) return 'never';
  return x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : `${x.toFixed(x < 10 ? 2 : 0)} ms`;
}

export function formatRunSummary(s: RunSummary): string {
  const lines: string[] = [];
  lines.push(`${s.scenario}: ${(s.durationMs / 1000).toFixed(0)} s simulated, seed ${s.seed}`);
  lines.push(`semantics: Envoy ${s.profile.envoy}${s.profile.istio ? ` (Istio ${s.profile.istio})` : ''}, outlier profile ${s.profile.outlier}`);
  lines.push('');
  lines.push(`requests   ${s.requests.total}  failed ${s.requests.failed} (${pct(s.requests.errorRate)})` +
    (s.requests.inFlightAtEnd ? `  still in flight at the end ${s.requests.inFlightAtEnd}` : ''));
  lines.push(`attempts   ${s.attempts.total}  failed ${s.attempts.failed}  retries ${s.retries}  amplification ${s.retryAmplification?.toFixed(3) ?? 'n/a'}`);
  lines.push(`no healthy upstream (503 UH) ${s.noHealthyUpstream}   route timeouts ${s.routeTimeouts}`);
  lines.push(`latency    p50 ${ms(s.latencyMs.p50)}  p90 ${ms(s.latencyMs.p90)}  p99 ${ms(s.latencyMs.p99)}  p99.9 ${ms(s.latencyMs.p999)}`);
  lines.push('');
  lines.push('traffic by endpoint:');
  const total = s.attempts.total || 1;
  for (const [addr, n] of Object.entries(s.attempts.byEndpoint)) lines.push(`  ${addr}  ${n}  (${pct(n / total)})`);
  lines.push(
    `ejections  detected ${s.ejections.detected}  enforced ${s.ejections.enforced}  not enforced ${s.ejections.notEnforced}` +
      `  overflow (cap) ${s.ejections.overflow}  max at once ${s.ejections.maxConcurrent}  false ${s.falseEjections}`,
  );
  if (s.controlPlane !== undefined) {
    lines.push(`control plane  ${s.controlPlane.changes.length} change(s)`);
    for (const c of s.controlPlane.changes) {
      const what =
        c.sidecar === null
          ? `${c.down ? 'not ready' : 'ready'}: EDS update at every sidecar`
          : `${c.down ? 'marked unhealthy' : 'healthy again'} by ${c.sidecar}'s active health check`;
      lines.push(`  ${ms(c.atMs)}  ${c.endpoint} ${what}`);
    }
  }
  if (s.incidents.length) {
    lines.push('');
    lines.push('incidents:');
    for (const i of s.incidents) {
      lines.push(`  ${i.kind} on ${i.endpoint} from ${ms(i.fromMs)} to ${ms(i.untilMs)}`);
      const det = i.detectionMs;
      const mitigation = neverReachedText(i, s.metricSettings, pct) ?? ms(i.mitigationMs);
      // With no ejection the faulted endpoint's share never moved, so "back at once" says nothing.
      const failback = det === null ? 'n/a (no sidecar ejected it)' : ms(i.failbackMs);
      lines.push(
        `    detection ${det ? `median ${ms(det.median)}, max ${ms(det.max)} (${det.proxiesDetected}/${det.proxies} sidecars)` : 'never'}` +
          `   mitigation ${mitigation}   failback ${failback}   client errors ${i.errors} (${pct(i.errorRate)})`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
