/**
 * How a run's mitigation time is shown: `mitigationMs` has the resolution of one metrics bucket, so a
 * value within the first bucket means the client error rate never reached the threshold at all
 * (docs/metrics.md): there was nothing to mitigate, and "1000 ms" would claim a recovery that never
 * happened. The CLI summary and the HTML report both say so through this one rule.
 */
import type { RunSummary } from '../sim/summary.ts';

type Incident = RunSummary['incidents'][number];

/** True when the incident's client error rate never reached the mitigation threshold. */
export function thresholdNeverReached(i: Pick<Incident, 'mitigationMs'>, settings: RunSummary['metricSettings'] | undefined): boolean {
  // A summary.json written before metricSettings existed cannot tell: show the number as it is.
  return settings !== undefined && i.mitigationMs !== null && i.mitigationMs <= settings.bucketMs;
}

/** `error rate never reached 1.00 %`-style text, or undefined when the mitigation time is a real one. */
export function neverReachedText(i: Pick<Incident, 'mitigationMs'>, settings: RunSummary['metricSettings'] | undefined, pct: (x: number) => string): string | undefined {
  return thresholdNeverReached(i, settings) ? `error rate never reached ${pct(settings!.mitigation.threshold)}` : undefined;
}
