/**
 * The result panels: explain's warnings and effective clusters, the run's key numbers, the battery's
 * scorecard. Built with DOM nodes and textContent only (user text is never parsed as HTML).
 */
import type { IncidentScore, Interval, QuietDayScore, Scorecard } from '../../src/advise/scorecard.ts';
import type { ExplainReport, RunSummary } from '../../src/api.ts';
import { formatDurationMs } from '../../src/config/durations.ts';

type Child = Node | string;

function h(tag: string, attrs: Record<string, string> = {}, ...children: Child[]): HTMLElement {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

function table(head: string[], rows: (string | number)[][], caption?: string): HTMLElement {
  const t = h('table');
  if (caption) t.append(h('caption', { class: 'visually-hidden' }, caption));
  t.append(h('thead', {}, h('tr', {}, ...head.map((c) => h('th', { scope: 'col' }, c)))));
  t.append(h('tbody', {}, ...rows.map((r) => h('tr', {}, ...r.map((v) => h('td', typeof v === 'number' ? { class: 'num' } : {}, String(v)))))));
  // Focusable, so a keyboard can scroll a table wider than a phone's screen.
  return h('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': caption ?? 'table' }, t);
}

const ms = (v: number | null | undefined): string =>
  v === null || v === undefined ? '—' : v === 0 ? '0 ms' : v < 1 ? `${v.toFixed(2)} ms` : formatDurationMs(Math.round(v));
const pct = (v: number | null | undefined): string => (v === null || v === undefined ? '—' : `${(v * 100).toFixed(v > 0 && v < 0.001 ? 4 : 2)} %`);

/** One list item per warning (report-level and per cluster, each once), `data-code` = its code. */
export function renderWarnings(list: HTMLElement, report: ExplainReport): void {
  const seen = new Set<string>();
  const items: HTMLElement[] = [];
  const add = (w: { code: string; message: string }, where: string): void => {
    const key = `${w.code}\u0000${w.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    items.push(h('li', { 'data-code': w.code }, h('code', {}, w.code), ' ', where ? `${where}: ` : '', w.message));
  };
  for (const w of report.warnings) add(w, '');
  for (const c of report.clusters) for (const w of c.warnings) add(w, report.clusters.length > 1 ? `client ${c.clientLocality || '(no locality)'}` : '');
  list.replaceChildren(...items);
  list.setAttribute('aria-label', `${items.length} warning${items.length === 1 ? '' : 's'}`);
  list.dataset.count = String(items.length);
  if (items.length === 0) {
    // Shown, but not a warning: outside the list, so the list keeps one child per warning.
    list.dataset.empty = 'true';
  } else {
    delete list.dataset.empty;
  }
}

export function renderClusters(container: HTMLElement, report: ExplainReport): void {
  const envoyInput = report.istioMinor === null;
  if (report.clusters.length === 0) {
    container.replaceChildren(h('p', { class: 'hint' }, 'No cluster: the configuration has no service with endpoints.'));
    return;
  }
  container.replaceChildren(
    ...report.clusters.map((c) => {
      const od = c.outlierDetection;
      const facts: string[] = [
        `priority loads with every host healthy: [${c.priorityLoads.join(', ')}]`,
        `lb_policy ${c.lbPolicy}${c.localityWeightedLbConfig ? ' (locality-weighted)' : ''}; healthy_panic_threshold ${c.healthyPanicThreshold} %${c.healthyPanicThreshold === 0 ? ' (panic off)' : ''}`,
        od
          ? `outlier_detection: consecutive_5xx ${od.consecutive_5xx}, interval ${ms(od.interval_ms)}, base_ejection_time ${ms(od.base_ejection_time_ms)}, max_ejection_percent ${od.max_ejection_percent} % — at most ${c.maxEjectableHosts} of ${c.endpoints.length} hosts ejected at once`
          : 'no outlier detection',
        c.retryPolicy ? `retries: ${c.retryPolicy.num_retries} on ${c.retryPolicy.retry_on.join(',')}` : 'no retry policy',
      ];
      return h(
        'div',
        { class: 'cluster' },
        h('h4', {}, `${c.clusterName} — ${envoyInput ? 'every client' : `client locality ${c.clientLocality || '(none)'}`}`),
        table(
          ['endpoint', 'locality', 'priority', 'weight'],
          c.endpoints.map((e) => [`${e.address}:${e.port}`, e.locality || '(none)', e.priority, e.weight]),
          'endpoints',
        ),
        h('ul', {}, ...facts.map((f) => h('li', {}, f))),
      );
    }),
  );
}

export function describeSummary(container: HTMLElement, s: RunSummary): void {
  const kv = (label: string, value: string): HTMLElement => h('div', {}, h('b', {}, value), h('span', {}, label));
  const attempts = s.attempts.total;
  const byLocality = Object.entries(s.attempts.byLocality)
    .map(([l, n]) => `${l} ${pct(attempts > 0 ? n / attempts : null)}`)
    .join(', ');
  const boxes = [
    kv('client requests', s.requests.total.toLocaleString('en-US')),
    kv('client error rate (after retries)', pct(s.requests.errorRate)),
    kv('failed requests', s.requests.failed.toLocaleString('en-US')),
    kv('ejections enforced', s.ejections.enforced.toLocaleString('en-US')),
    kv('ejections refused by the cap', s.ejections.overflow.toLocaleString('en-US')),
    kv('latency p50 / p99', `${ms(s.latencyMs.p50)} / ${ms(s.latencyMs.p99)}`),
  ];
  const incidents = s.incidents.map((i) => [
    `${i.kind} ${i.endpoint}`,
    `${formatDurationMs(i.fromMs)}–${formatDurationMs(i.untilMs)}`,
    ms(i.detectionMs?.median),
    ms(i.mitigationMs),
    ms(i.failbackMs),
    pct(i.errorRate),
  ]);
  container.replaceChildren(
    h('p', {}, `${s.scenario}: Envoy ${s.profile.envoy}${s.profile.istio ? ` (Istio ${s.profile.istio})` : ''}, outlier rules ${s.profile.outlier}, seed ${s.seed}.`),
    h('div', { class: 'kv' }, ...boxes),
    h('p', {}, `Attempts by locality: ${byLocality || '—'}.`),
    incidents.length
      ? table(['incident', 'window', 'detection (median)', 'mitigation', 'failback', 'error rate in window'], incidents, 'incidents')
      : h('p', { class: 'hint' }, 'No faults in this scenario.'),
  );
}

/** The `failsim check --json` document (src/advise/format.ts scorecardDocument), as the page reads it. */
export interface ScorecardDocument {
  verdict: Scorecard['verdict'];
  istioMinor: number | null;
  envoyMinor: number;
  slo: string;
  hosts: string[];
  replications: number;
  incidents: Omit<IncidentScore, 'host' | 'detectionRuns' | 'mitigationRuns' | 'failbackRuns' | 'runs'>[];
  quietDay: QuietDayScore;
}

const interval = (i: Interval): string => (i.mean === null ? '—' : i.low === null || i.high === null ? pct(i.mean) : `${pct(i.mean)} [${pct(i.low)}, ${pct(i.high)}]`);
const verdict = (pass: boolean): HTMLElement => h('span', { class: pass ? 'pass' : 'fail' }, pass ? 'pass' : 'fail');

export function renderScorecard(container: HTMLElement, doc: ScorecardDocument): void {
  const rows = doc.incidents.map((i) => [
    `${i.name} (${i.kind})`,
    i.target,
    i.clients.join(', '),
    interval(i.errorRate),
    Number(i.failedRequests.toFixed(1)),
    `${(i.budgetUsed * 100).toFixed(0)} %`,
    ms(i.detectionMs),
    ms(i.mitigationMs),
    ms(i.failbackMs),
    pct(i.crossLocalityShare),
  ]);
  const t = table(
    ['incident', 'target', 'clients', 'client error rate in the window (95 % interval)', 'failed requests per run', 'error budget used', 'detection', 'mitigation', 'failback', 'traffic outside the client\'s locality', 'verdict'],
    [],
    'scorecard',
  );
  const body = t.querySelector('tbody')!;
  doc.incidents.forEach((i, n) => {
    const tr = h('tr', {}, ...rows[n].map((v) => h('td', typeof v === 'number' ? { class: 'num' } : {}, String(v))));
    tr.append(h('td', {}, verdict(i.pass)));
    body.append(tr);
  });
  const q = doc.quietDay;
  container.replaceChildren(
    h('p', {}, 'Verdict: ', verdict(doc.verdict === 'pass'), ` against the SLO ${doc.slo} — ${doc.hosts.join(', ')}, ${doc.replications} replication${doc.replications === 1 ? '' : 's'} per incident.`),
    t,
    h('p', {}, `Quiet day (0.01 % background 500s, then 503s, 10 min): ${q.falseEjections} false ejection${q.falseEjections === 1 ? '' : 's'}, client error rate ${interval(q.errorRate)}, traffic outside the client's locality ${pct(q.crossLocalityShare)} — `, verdict(q.pass), '.'),
    h('p', { class: 'hint' }, '— : never happened in any run. The battery is failsim check: it builds its own world around the Istio file (latency by distance, 300 requests/s from 3 sidecars per client locality; docs/check.md), so the scenario\'s clients, endpoints and faults do not apply; its version and client localities do.'),
  );
}
