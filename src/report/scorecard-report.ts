/**
 * The HTML report of a `failsim check --out` or `failsim tune --out` directory: the scorecard as
 * tables (and, for tune, the trade-off chart of the points it ran and the recommended patch).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../config/errors.ts';
import type { ReportChart, ReportPage, ReportSection } from './html.ts';
import type { VegaLiteSpec } from './render.ts';

export const SCORECARD_FILE = 'scorecard.json';

export function isScorecardDir(dir: string): boolean {
  return existsSync(join(dir, SCORECARD_FILE));
}

interface IncidentRow {
  name: string;
  target: string;
  errorRate: { mean: number | null; low: number | null; high: number | null };
  failedRequests: number;
  budgetUsed: number;
  detectionMs: number | null;
  mitigationMs: number | null;
  failbackMs: number | null;
  crossLocalityShare: number;
  pass: boolean;
}

interface ScorecardDoc {
  verdict: string;
  istioMinor: number | null;
  envoyMinor: number;
  slo: string;
  hosts: string[];
  incidents: IncidentRow[];
  quietDay: { falseEjections: number; crossLocalityShare: number; errorRate: { mean: number | null }; pass: boolean };
  warnings: { code: string; message: string }[];
}

interface TuneDoc {
  current: { settings: Record<string, unknown>; scorecard: ScorecardDoc };
  recommended: { settings: Record<string, unknown>; scorecard: ScorecardDoc } | null;
  patch: string | null;
  front: { settings: Record<string, unknown>; failedRequests: number; crossLocalityShare: number; falseEjections: number; pass: boolean; onFront: boolean }[];
}

const p = (x: number | null): string | null => (x === null ? null : `${+(x * 100).toPrecision(3)}%`);
const s = (ms: number | null): string | null => (ms === null ? null : `${+(ms / 1000).toPrecision(3)} s`);

function scorecardSections(title: string, doc: ScorecardDoc): ReportSection[] {
  return [
    {
      heading: `${title}: ${doc.verdict.toUpperCase()}`,
      kind: 'table',
      note: `SLO ${doc.slo}. Error rate: clients' errors during the incident (mean and 95% interval); budget: failed requests over one window's error budget.`,
      columns: ['incident', 'target', 'errors', '95% interval', 'failed requests', 'budget used', 'detected', 'mitigated', 'failed back', 'cross-locality', 'verdict'],
      rows: doc.incidents.map((i) => [
        i.name,
        i.target,
        p(i.errorRate.mean),
        i.errorRate.low === null || i.errorRate.high === null ? null : `${p(Math.max(0, i.errorRate.low))} – ${p(Math.min(1, i.errorRate.high))}`,
        Math.round(i.failedRequests),
        p(i.budgetUsed),
        s(i.detectionMs),
        s(i.mitigationMs),
        s(i.failbackMs),
        p(i.crossLocalityShare),
        i.pass ? 'pass' : 'FAIL',
      ]),
    },
    {
      heading: `${title}: quiet day`,
      kind: 'table',
      columns: ['false ejections per 10 min', 'cross-locality', 'client errors', 'verdict'],
      rows: [[doc.quietDay.falseEjections, p(doc.quietDay.crossLocalityShare), p(doc.quietDay.errorRate.mean), doc.quietDay.pass ? 'pass' : 'FAIL']],
    },
  ];
}

/** The tune trade-off chart (also written as pareto.svg by failsim tune --out). */
export function paretoChart(front: TuneDoc['front']): ReportChart {
  const rows = front.map((f) => ({ ...f, label: Object.entries(f.settings).map(([k, v]) => `${k}=${v}`).join(' ') }));
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 560,
    height: 340,
    data: { values: rows },
    mark: { type: 'point', filled: true, size: 80 },
    encoding: {
      x: { field: 'crossLocalityShare', type: 'quantitative', title: 'cross-locality share of attempts under incidents', axis: { format: '.0%' } },
      y: {
        field: 'failedRequests',
        type: 'quantitative',
        title: 'failed requests per incident battery',
        scale: { type: 'symlog' },
        axis: { values: [0, 1, 10, 100, 1000, 10000, 100000, 1000000], format: ',d' },
      },
      color: { field: 'onFront', type: 'nominal', title: 'Pareto front' },
      shape: { field: 'pass', type: 'nominal', title: 'meets the SLO' },
      tooltip: [{ field: 'label' }, { field: 'failedRequests' }, { field: 'crossLocalityShare', format: '.1%' }, { field: 'falseEjections' }],
    },
  } as unknown as VegaLiteSpec;
  return {
    id: 'pareto',
    heading: 'Trade-off: failed requests vs cross-locality traffic',
    note: 'Each point is a setting tune ran. Lower and further left is better; points on the front cannot improve one without worsening the other. Quiet-day false ejections are in the tooltip.',
    spec,
  };
}

export function scorecardReportPage(dir: string): ReportPage {
  let doc: ScorecardDoc | TuneDoc;
  try {
    doc = JSON.parse(readFileSync(join(dir, SCORECARD_FILE), 'utf8')) as ScorecardDoc | TuneDoc;
  } catch (e) {
    throw new UserError(`${join(dir, SCORECARD_FILE)}: not a scorecard (${(e as Error).message})`);
  }
  if ('current' in doc) {
    const before: ReportSection[] = [...scorecardSections('current settings', doc.current.scorecard)];
    before.push({ heading: 'current settings', kind: 'json', value: doc.current.settings, open: true });
    if (doc.recommended) {
      before.unshift(...scorecardSections('recommended settings', doc.recommended.scorecard));
      before.unshift({ heading: 'recommended settings', kind: 'json', value: doc.recommended.settings, open: true });
    }
    const after: ReportSection[] = doc.patch ? [{ heading: 'DestinationRule patch', kind: 'json', value: doc.patch, open: true }] : [];
    return { title: 'failsim tune', subtitle: doc.current.scorecard.hosts.join(', '), before, charts: [paretoChart(doc.front)], after };
  }
  return {
    title: `failsim check: ${doc.verdict.toUpperCase()}`,
    subtitle: `${doc.hosts.join(', ')} — ${doc.istioMinor === null ? '' : `Istio 1.${doc.istioMinor}, `}Envoy 1.${doc.envoyMinor}`,
    before: scorecardSections('incidents', doc),
    charts: [],
    after: [{ heading: 'warnings', kind: 'table', columns: ['code', 'message'], rows: doc.warnings.map((w) => [w.code, w.message]) }],
  };
}
