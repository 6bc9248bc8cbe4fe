/**
 * `npm run build:web`: the playground as one self-contained file, web/dist/index.html. Everything is
 * inlined — the page script (vega-embed and the chart code), the worker bundle (the simulator,
 * src/api.ts) as text the page turns into a Blob URL, the models/ scenarios, the CSS and the DejaVu
 * Sans faces — and a Content-Security-Policy forbids every request, so the page works from file://
 * and offline. Bundled for the browser: a node: import anywhere below src/api.ts fails the build.
 */
import { readdirSync, readFileSync, mkdirSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import YAML from 'yaml';
import { chartFontFiles } from '../src/report/chart-font.ts';
import { escapeHtml, jsonForScript, scriptSafe } from '../src/report/html.ts';

const WEB = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(WEB, '..');
export const DEFAULT_OUT = join(WEB, 'dist', 'index.html');
/** The seed example: its folder and scenario come first in the model picker. */
const SEED = { folder: 'dynamodb-failover', file: 'c-failover.yaml' };

/**
 * Workers need blob: (a file:// page cannot start a worker from a file URL); vega compiles its
 * expressions with Function ('unsafe-eval'); chart export writes data:/blob: images.
 */
const CSP =
  "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval' blob:; worker-src blob:; style-src 'unsafe-inline'; img-src data: blob:; font-src data:";

export interface PlaygroundModel {
  /** `folder/file.yaml` under models/. */
  id: string;
  scenario: string;
  config: string;
}

/** Every scenario of models/ (a YAML file whose istio:/envoy: key names a file beside it), seed first. */
export function collectModels(modelsDir = join(ROOT, 'models')): PlaygroundModel[] {
  const out: PlaygroundModel[] = [];
  const folders = readdirSync(modelsDir)
    .filter((f) => statSync(join(modelsDir, f)).isDirectory())
    .sort((a, b) => Number(b === SEED.folder) - Number(a === SEED.folder) || (a < b ? -1 : a > b ? 1 : 0));
  for (const folder of folders) {
    const files = readdirSync(join(modelsDir, folder))
      .filter((f) => /\.ya?ml$/.test(f))
      .sort((a, b) => Number(b === SEED.file) - Number(a === SEED.file) || (a < b ? -1 : a > b ? 1 : 0));
    for (const file of files) {
      const text = readFileSync(join(modelsDir, folder, file), 'utf8');
      let first: unknown;
      try {
        first = YAML.parseAllDocuments(text)[0]?.toJS();
      } catch {
        continue;
      }
      if (first === null || typeof first !== 'object' || Array.isArray(first)) continue;
      const s = first as Record<string, unknown>;
      const ref = typeof s.istio === 'string' ? s.istio : typeof s.envoy === 'string' ? s.envoy : undefined;
      if (ref === undefined || !('clients' in s)) continue;
      const configPath = resolve(modelsDir, folder, ref);
      if (!existsSync(configPath)) throw new Error(`models/${folder}/${file}: names ${ref}, which does not exist`);
      out.push({ id: `${folder}/${file}`, scenario: text, config: readFileSync(configPath, 'utf8') });
    }
  }
  return out;
}

async function bundle(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [join(WEB, 'src', entry)],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    define: { 'process.env.NODE_ENV': '"production"' },
    // tsconfig.json's useDefineForClassFields: false matters for speed (docs/architecture.md).
    tsconfig: join(ROOT, 'tsconfig.json'),
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

export interface BuildResult {
  file: string;
  bytes: number;
}

export async function buildPlayground(outFile: string = DEFAULT_OUT): Promise<BuildResult> {
  const [worker, page] = await Promise.all([bundle('worker.ts'), bundle('main.ts')]);
  const [regular, bold] = chartFontFiles();
  const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const data = [
    `<script type="application/json" id="failsim-models">${jsonForScript(collectModels())}</script>`,
    `<script type="text/plain" id="font-dejavu-sans">${readFileSync(regular).toString('base64')}</script>`,
    `<script type="text/plain" id="font-dejavu-sans-bold">${readFileSync(bold).toString('base64')}</script>`,
    `<script type="text/plain" id="failsim-worker">${scriptSafe(worker)}</script>`,
  ].join('\n');
  const template = readFileSync(join(WEB, 'src', 'index.html'), 'utf8');
  const style = readFileSync(join(WEB, 'src', 'style.css'), 'utf8');
  const fill: Record<string, string> = {
    CSP,
    STYLE: style,
    VERSION: escapeHtml(version),
    DATA: data,
    SCRIPT: `<script>${scriptSafe(page)}</script>`,
  };
  // One pass over the template: a placeholder-like text inside an inserted bundle is left alone.
  const html = template.replace(/\{\{(\w+)\}\}/g, (all, key: string) => fill[key] ?? all);
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, html);
  return { file: outFile, bytes: Buffer.byteLength(html) };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = process.argv[2] ? resolve(process.argv[2]) : DEFAULT_OUT;
  const { file, bytes } = await buildPlayground(out);
  console.log(`wrote ${file} (${(bytes / 1e6).toFixed(2)} MB, self-contained)`);
}
