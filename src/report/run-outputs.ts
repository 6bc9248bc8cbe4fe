/**
 * The files `failsim run --out DIR` writes: summary.json, timeseries.csv, one Envoy outlier event
 * log per sidecar (events/<proxy>.jsonl, Envoy's OutlierDetectionEvent JSON lines, as each sidecar's
 * own event log would be), events.jsonl (all of them in time order, each tagged with its proxy), and
 * the timeline chart (timeline.svg, timeline.png).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatEnvoyEvent } from '../envoy/outlier/event-log.ts';
import { writeTimeline } from './timeline.ts';
import { proxyName, timelineData } from './timeline-data.ts';
import type { RunSummary } from '../sim/summary.ts';
import type { RunResult } from '../sim/run-result.ts';

export { proxyName, timelineData } from './timeline-data.ts';

/** The per-bucket series as CSV: one row per bucket. */
export function timeseriesCsv(run: RunResult): string {
  const s = run.series;
  const eps = run.model.endpoints;
  const header = ['time_s', 'requests', 'failures', 'error_rate'];
  for (const e of eps) header.push(`attempts:${e.address}`);
  for (const e of eps) header.push(`attempt_failures:${e.address}`);
  for (const e of eps) header.push(`ejected_proxies_max:${e.address}`);
  const lines = [header.join(',')];
  const n = eps.length;
  for (let b = 0; b < s.bucketCount; b++) {
    const row: (string | number)[] = [(b * s.bucketMs) / 1000, s.requests[b], s.failures[b]];
    row.push(s.requests[b] > 0 ? s.failures[b] / s.requests[b] : '');
    for (let e = 0; e < n; e++) row.push(s.attempts[b * n + e]);
    for (let e = 0; e < n; e++) row.push(s.attemptFailures[b * n + e]);
    for (let e = 0; e < n; e++) row.push(s.ejectedProxiesMax[b * n + e]);
    lines.push(row.join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** Envoy event-log lines per proxy, in time order. */
function eventLines(run: RunResult): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const e of run.outlierEvents) {
    const cluster = run.sidecars[e.proxy].group.cluster;
    const port = cluster.endpoints[e.event.slot]?.port ?? 0;
    const line = formatEnvoyEvent(e.event, { clusterName: cluster.name, upstreamUrl: (h) => `${h}:${port}` });
    let list = out.get(e.proxy);
    if (list === undefined) out.set(e.proxy, (list = []));
    list.push(line);
  }
  return out;
}

export async function writeRunOutputs(dir: string, run: RunResult, summary: RunSummary, summaryJson: string): Promise<void> {
  mkdirSync(join(dir, 'events'), { recursive: true });
  writeFileSync(join(dir, 'summary.json'), summaryJson);
  writeFileSync(join(dir, 'timeseries.csv'), timeseriesCsv(run));
  const perProxy = eventLines(run);
  const all: string[] = [];
  for (let p = 0; p < run.sidecars.length; p++) {
    const lines = perProxy.get(p) ?? [];
    writeFileSync(join(dir, 'events', `${proxyName(run, p)}.jsonl`), lines.length ? `${lines.join('\n')}\n` : '');
  }
  // events.jsonl: every sidecar's records in time order, each wrapped with the sidecar's name.
  const indexInProxy = new Map<number, number>();
  for (const e of run.outlierEvents) {
    const k = indexInProxy.get(e.proxy) ?? 0;
    indexInProxy.set(e.proxy, k + 1);
    all.push(`{"proxy":${JSON.stringify(proxyName(run, e.proxy))},"event":${perProxy.get(e.proxy)![k]}}`);
  }
  writeFileSync(join(dir, 'events.jsonl'), all.length ? `${all.join('\n')}\n` : '');
  await writeTimeline(dir, timelineData(run, summary));
}
