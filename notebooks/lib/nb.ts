/**
 * Small helpers the notebooks share (Deno's Jupyter kernel): run a scenario in-process through the
 * same code as `failsim run`, and show a Vega-Lite chart as one display_data carrying the spec
 * (application/vnd.vegalite.v5+json, interactive in JupyterLab) and a PNG fallback (image/png, what
 * GitHub and nbconvert show), both from src/report/render.ts.
 */
import { simulateRun } from '../../src/api.ts';
import { readScenarioFiles } from '../../src/node/files.ts';
import { BASE_CHART_CONFIG, renderVegaLiteToSvg, svgToPng, type VegaLiteSpec } from '../../src/report/render.ts';
import type { RunResult } from '../../src/sim/run-result.ts';
import type { RunSummary } from '../../src/sim/summary.ts';

export interface RunOptions {
  /** `--set` texts, as on the command line. */
  set?: string[];
  seed?: number;
}

export interface Run {
  sim: RunResult;
  summary: RunSummary;
}

/** `failsim run <file> [--set ...] [--seed N]`, in-process; keeps ejection intervals for charts. */
export function runScenario(file: string, options: RunOptions = {}): Run {
  const { summary, result } = simulateRun(readScenarioFiles(file, { sets: options.set, seed: options.seed }), { recordEvents: true });
  return { sim: result, summary };
}

interface JupyterDeno {
  jupyter: { display(bundle: Record<string, unknown>, options: { raw: boolean }): Promise<void> };
}
const jupyter = (globalThis as unknown as { Deno: JupyterDeno }).Deno.jupyter;

const VEGA_LITE_V5 = 'https://vega.github.io/schema/vega-lite/v5.json';

/**
 * Displays a chart. The spec gets the same base config the PNG was rendered with, so JupyterLab's
 * interactive chart and the PNG look alike; its $schema says v5 because that is the MIME type
 * Jupyter renders (the specs use nothing newer).
 */
export async function showChart(spec: VegaLiteSpec, { scale = 1 }: { scale?: number } = {}): Promise<void> {
  const svg = await renderVegaLiteToSvg(spec);
  const png = svgToPng(svg, { scale });
  const s = spec as unknown as { config?: Record<string, unknown>; title?: unknown };
  const interactive = { ...s, $schema: VEGA_LITE_V5, config: { ...BASE_CHART_CONFIG, ...(s.config ?? {}) } };
  const title = typeof s.title === 'string' ? s.title : ((s.title as { text?: string } | undefined)?.text ?? 'chart');
  await jupyter.display(
    { 'application/vnd.vegalite.v5+json': interactive, 'image/png': png.toString('base64'), 'text/plain': `<chart: ${title}>` },
    { raw: true },
  );
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'number') return Number.isInteger(v) ? v.toLocaleString('en-US') : String(Number(v.toPrecision(4)));
  return String(v).replace(/\|/g, '\\|');
}

/** Displays a Markdown table (rendered on GitHub too), with a plain-text copy. */
export async function showTable(columns: string[], rows: unknown[][]): Promise<void> {
  const md = [
    `| ${columns.join(' | ')} |`,
    `|${columns.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
  const text = [columns.join('\t'), ...rows.map((r) => r.map(cell).join('\t'))].join('\n');
  await jupyter.display({ 'text/markdown': md, 'text/plain': text }, { raw: true });
}

export function percent(v: number | null | undefined, digits = 3): string {
  return v === null || v === undefined ? '—' : `${Number((v * 100).toPrecision(digits))}%`;
}
