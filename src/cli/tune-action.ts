/** What `failsim tune` does (its options: tune-command.ts): search, print the recommendation, write --out files. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BatteryPlan } from '../advise/battery.ts';
import { formatScorecard, pct, scorecardDocument } from '../advise/format.ts';
import { tune, type PointResult, type TuneResult } from '../advise/tune.ts';
import { TUNED_FIELDS, isRetryField, type TunedField } from '../advise/tuned-fields.ts';
import { UserError } from '../config/errors.ts';
import { renderReportHtml } from '../report/html.ts';
import { renderVegaLiteToSvg } from '../report/render.ts';
import { SCORECARD_FILE, paretoChart, scorecardReportPage } from '../report/scorecard-report.ts';
import { positiveInt, readAdviseInputs } from './advise-inputs.ts';
import { runWithPool } from './check-action.ts';
import type { CommandContext } from './main.ts';
import { DEFAULT_BUDGET, type TuneOpts } from './tune-command.ts';

function parseFields(text: string | undefined): TunedField[] | undefined {
  if (text === undefined) return undefined;
  const list = text.split(',').map((f) => f.trim());
  for (const f of list) {
    if (!(TUNED_FIELDS as readonly string[]).includes(f)) throw new UserError(`--fields ${text}: unknown field "${f}" (expected some of ${TUNED_FIELDS.join(', ')})`);
  }
  return list as TunedField[];
}

function frontRow(p: PointResult): Record<string, unknown> {
  return { settings: p.settings, failedRequests: p.failedRequests, crossLocalityShare: p.crossLocalityShare, falseEjections: p.falseEjections, pass: p.pass, replications: p.replications };
}

export function tuneDocument(plan: BatteryPlan, r: TuneResult): Record<string, unknown> {
  const frontKeys = new Set(r.front.map((p) => p));
  return {
    destinationRule: r.destinationRule,
    runs: r.runs,
    budget: r.budget,
    current: { settings: r.current.settings, scorecard: scorecardDocument({ ...plan, replications: r.current.replications }, r.current.scorecard) },
    recommended: r.recommended ? { settings: r.recommended.settings, scorecard: scorecardDocument({ ...plan, replications: r.recommended.replications }, r.recommended.scorecard) } : null,
    patch: r.patch,
    front: r.front.map(frontRow),
    points: r.points.map((p) => ({ ...frontRow(p), onFront: frontKeys.has(p) })),
  };
}

function formatTune(plan: BatteryPlan, r: TuneResult): string {
  const lines: string[] = [];
  const resources = `DestinationRule ${r.destinationRule}${r.virtualService ? `, VirtualService ${r.virtualService} retries` : ''}`;
  lines.push(`failsim tune: ${plan.hosts[0]} (${resources}), ${r.points.length} settings tried in ${r.runs.toLocaleString('en-US')} of --budget ${r.budget.toLocaleString('en-US')} runs`);
  lines.push('');
  const rec = r.recommended;
  const rows: string[][] = [['', 'current', rec ? 'recommended' : '(none meets the SLO without false ejections)']];
  // Retry fields only when the route has them (the current settings then hold them).
  const shown = TUNED_FIELDS.filter((f) => !isRetryField(f) || r.current.settings[f] !== undefined);
  for (const f of shown) rows.push([f, String(r.current.settings[f] ?? 'unset'), rec ? String(rec.settings[f] ?? 'unset') : '']);
  const num = (p: PointResult) => [
    Math.round(p.failedRequests).toLocaleString('en-US'),
    pct(p.crossLocalityShare, 2),
    String(+p.falseEjections.toFixed(1)),
    p.pass ? 'pass' : 'FAIL',
  ];
  const labels = ['failed requests (all incidents)', 'cross-locality share', 'quiet-day false ejections', 'verdict'];
  const cur = num(r.current);
  const re = rec ? num(rec) : [];
  labels.forEach((l, i) => rows.push([l, cur[i], re[i] ?? '']));
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  for (const row of rows) lines.push(`  ${row.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd()}`);
  if (rec) {
    lines.push('', 'recommended settings, scorecard:');
    lines.push(...formatScorecard({ ...plan, warnings: [], replications: rec.replications }, rec.scorecard).trimEnd().split('\n').slice(2).map((l) => `  ${l}`));
  }
  lines.push('', 'trade-off (the Pareto front of the settings that meet the SLO: none has fewer failures, less cross-locality traffic and fewer false ejections at once):');
  const front = r.front.filter((p) => p.pass).sort((a, b) => a.failedRequests - b.failedRequests);
  for (const p of front) {
    const s = TUNED_FIELDS.filter((f) => p.settings[f] !== undefined).map((f) => `${f}=${p.settings[f]}`).join(' ');
    lines.push(`  ${Math.round(p.failedRequests).toLocaleString('en-US').padStart(9)} failed  ${pct(p.crossLocalityShare, 2).padStart(6)} cross-locality  ${String(+p.falseEjections.toFixed(1)).padStart(4)} false ejections  ${p.pass ? 'pass' : 'FAIL'}  ${s}`);
  }
  if (r.patch) lines.push('', 'patch (kubectl apply -f):', '---', r.patch.trimEnd());
  return `${lines.join('\n')}\n`;
}

export async function tuneAction(ctx: CommandContext, configs: string[], opts: TuneOpts): Promise<void> {
  const { mesh, plan } = readAdviseInputs(configs, opts);
  const budget = positiveInt(opts.budget, DEFAULT_BUDGET, '--budget', 1_000_000);
  const budgetIsDefault = opts.budget === undefined;
  const fields = parseFields(opts.fields);
  let result: TuneResult | undefined;
  await runWithPool(ctx, opts, 'tune', async (run) => {
    result = await tune(plan, mesh, run, { budget, budgetIsDefault, replications: plan.replications, fields });
  }, budget);
  const r = result!;
  const doc = tuneDocument(plan, r);
  if (opts.out) {
    mkdirSync(opts.out, { recursive: true });
    writeFileSync(join(opts.out, SCORECARD_FILE), `${JSON.stringify(doc, null, 2)}\n`);
    writeFileSync(join(opts.out, 'mesh-istio.yaml'), plan.istio);
    if (r.patch) writeFileSync(join(opts.out, 'destinationrule-patch.yaml'), r.patch);
    writeFileSync(join(opts.out, 'pareto.svg'), await renderVegaLiteToSvg(paretoChart(doc.points as never).spec));
    writeFileSync(join(opts.out, 'report.html'), renderReportHtml(scorecardReportPage(opts.out)));
  }
  if (opts.json) ctx.stdout(`${JSON.stringify(doc, null, 2)}\n`);
  else ctx.stdout(formatTune(plan, r) + (opts.out ? `wrote ${opts.out}/: report.html, pareto.svg, scorecard.json, destinationrule-patch.yaml, mesh-istio.yaml\n` : ''));
  ctx.setExitCode(r.recommended?.pass ? 0 : 1);
}
