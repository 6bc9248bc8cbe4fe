/** What `failsim check` does (its options: check-command.ts), and the worker pool and output files tune shares. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { batteryJobs, type BatteryJob, type BatteryPlan } from '../advise/battery.ts';
import { formatScorecard, scorecardDocument } from '../advise/format.ts';
import type { JobRunner, RunMetrics } from '../advise/job.ts';
import { scoreBattery, type Scorecard } from '../advise/scorecard.ts';
import { createAdvisePool, defaultWorkers } from './advise-pool.ts';
import { renderReportHtml } from '../report/html.ts';
import { SCORECARD_FILE, scorecardReportPage } from '../report/scorecard-report.ts';
import type { AdviseOpts } from './advise-options.ts';
import { positiveInt, readAdviseInputs } from './advise-inputs.ts';
import type { CommandContext } from './main.ts';
import { sweepProgress } from './progress.ts';

/**
 * Runs jobs on a worker pool with a progress bar; the pool is closed afterwards. `atMost`: the most
 * runs the body will ask for (tune's budget), shown as the total instead of the runs asked so far.
 */
export async function runWithPool(ctx: CommandContext, opts: AdviseOpts, label: string, body: (run: JobRunner) => Promise<void>, atMost?: number): Promise<void> {
  const progress = await sweepProgress(ctx, opts.progress !== false && opts.json !== true, label);
  const pool = createAdvisePool(positiveInt(opts.workers, defaultWorkers(), '--workers', 256));
  let before = 0;
  const runner: JobRunner = (jobs, onDone) => {
    const total = (n: number) => Math.max(atMost ?? 0, before + n);
    progress.update(before, total(jobs.length));
    return pool.runner(jobs, (done, n) => {
      onDone?.(done, n);
      progress.update(before + done, total(n));
      if (done === n) before += n;
    });
  };
  try {
    await body(runner);
  } finally {
    progress.stop();
    await pool.close();
  }
}

/** --out: the Istio configuration simulated, every scenario (runnable with failsim run), the runs, the report. */
export function writeAdviseOutputs(dir: string, plan: BatteryPlan, jobs: readonly BatteryJob[], results: readonly RunMetrics[], document: unknown): void {
  mkdirSync(join(dir, 'scenarios'), { recursive: true });
  writeFileSync(join(dir, 'mesh-istio.yaml'), plan.istio);
  plan.cells.forEach((cell, i) => {
    const name = `${String(i).padStart(3, '0')}-${cell.incident}-${cell.target.replace(/[^A-Za-z0-9.-]+/g, '_')}.yaml`;
    writeFileSync(join(dir, 'scenarios', name), YAML.stringify({ ...cell.scenario, istio: '../mesh-istio.yaml' }, { lineWidth: 0 }));
  });
  const lines = results.map((m, i) => JSON.stringify({ scenario: jobs[i].name, seed: jobs[i].seed, sets: jobs[i].sets, ...m }));
  writeFileSync(join(dir, 'runs.jsonl'), `${lines.join('\n')}\n`);
  writeFileSync(join(dir, SCORECARD_FILE), `${JSON.stringify(document, null, 2)}\n`);
  writeFileSync(join(dir, 'report.html'), renderReportHtml(scorecardReportPage(dir)));
}

export async function checkAction(ctx: CommandContext, configs: string[], opts: AdviseOpts): Promise<void> {
  const { plan } = readAdviseInputs(configs, opts);
  const jobs = batteryJobs(plan);
  let results: RunMetrics[] = [];
  await runWithPool(ctx, opts, 'check', async (run) => {
    results = await run(jobs);
  });
  const card: Scorecard = scoreBattery(plan, results);
  const doc = scorecardDocument(plan, card);
  if (opts.out) writeAdviseOutputs(opts.out, plan, jobs, results, doc);
  if (opts.json) ctx.stdout(`${JSON.stringify(doc, null, 2)}\n`);
  else ctx.stdout(formatScorecard(plan, card) + (opts.out ? `wrote ${opts.out}/: report.html, scorecard.json, runs.jsonl, mesh-istio.yaml, scenarios/\n` : ''));
  ctx.setExitCode(card.verdict === 'pass' ? 0 : 1);
}
