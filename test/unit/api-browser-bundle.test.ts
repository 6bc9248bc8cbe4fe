/**
 * src/api.ts and everything it imports bundle for the browser (the playground runs the engine in a
 * Web Worker): esbuild with platform=browser must succeed, and no module in the bundle may import a
 * Node builtin, `node:`-prefixed (node:fs) or bare (fs, path, worker_threads). Packages that map a
 * builtin away for browsers (seedrandom's "browser": {"crypto": false}) are fine: esbuild applies
 * that mapping, so such an import never reaches the check.
 */
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { expect, it } from 'vitest';

const API = fileURLToPath(new URL('../../src/api.ts', import.meta.url));
const BUILTINS = new Set(builtinModules.flatMap((m) => [m, m.split('/')[0]]));

it('src/api.ts bundles for the browser with no Node builtin anywhere in its imports', async () => {
  const found: string[] = [];
  // Sees every import before esbuild resolves it; a builtin is recorded and left external so the
  // build goes on and the test can name every offender, not just the first.
  const recordBuiltins: Plugin = {
    name: 'record-node-builtins',
    setup(b) {
      b.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData === 'inner' || args.kind === 'entry-point') return undefined;
        const bare = args.path.startsWith('node:') || BUILTINS.has(args.path) || BUILTINS.has(args.path.split('/')[0]);
        if (!bare) return undefined;
        // A package's "browser" field may map the builtin away (an empty module): esbuild then
        // resolves it without error. An unmapped builtin does not resolve for the browser.
        const r = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: 'inner' });
        if (r.errors.length === 0 && !r.external) return undefined;
        found.push(`${args.importer.replace(/^.*\/(src|node_modules)\//, '$1/')} imports ${args.path}`);
        return { path: args.path, external: true };
      });
    },
  };
  const result = await build({
    entryPoints: [API],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    logLevel: 'silent',
    metafile: true,
    plugins: [recordBuiltins],
  });
  expect(result.errors).toEqual([]);
  expect(found).toEqual([]);
  // The check sees the whole graph: the API's own layers are in the bundle.
  const inputs = Object.keys(result.metafile!.inputs);
  for (const part of ['src/api.ts', 'src/sim/run-model.ts', 'src/envoy/outlier/detector.ts', 'src/istio/translate.ts']) {
    expect(inputs.some((i) => i.endsWith(part))).toBe(true);
  }
});
