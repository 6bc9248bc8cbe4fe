/** What `failsim report` does (its options: report-command.ts): the page for a directory, written as HTML. */
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { renderReportHtml, type ReportPage } from '../report/html.ts';
import { isRunDir, runReportPage } from '../report/run-report.ts';
import { isSweepDir, sweepReportPage } from '../report/sweep-report.ts';
import { isScorecardDir, scorecardReportPage } from '../report/scorecard-report.ts';
import { UserError } from './errors.ts';
import type { CommandContext } from './main.ts';

/** A run directory or a sweep directory's report page; anything else is a user error. */
export function reportPageFor(dir: string): ReportPage {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UserError(`${dir}: no such directory`);
  if (isScorecardDir(dir)) return scorecardReportPage(dir);
  if (isSweepDir(dir)) return sweepReportPage(dir);
  if (isRunDir(dir)) return runReportPage(dir);
  throw new UserError(
    `${dir}: neither a run directory (summary.json and timeseries.csv, from failsim run --out) nor a sweep directory (sweep.json, from failsim sweep)`,
  );
}

export function reportAction(ctx: CommandContext, dir: string, opts: { out?: string }): void {
  const page = reportPageFor(dir);
  const out = opts.out ?? join(dir, 'report.html');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, renderReportHtml(page));
  ctx.stdout(`wrote ${out} (${page.charts.length} chart${page.charts.length === 1 ? '' : 's'})\n`);
}
