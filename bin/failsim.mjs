#!/usr/bin/env node
// Entry point. Runs the prebuilt bundle dist/failsim.cjs (scripts/build-cli.mjs; built by `npm ci`)
// from its V8 code cache (scripts/load-cli.mjs) when it was built from the sources on disk now;
// otherwise rebuilds it first (≈ 0.3 s, so an edit in src/ is never run stale), and if esbuild is not
// installed or dist/ is not writable, runs the TypeScript sources through tsx as before (≈ 1 s more
// per start).
import { DIST, buildCli, bundleIsCurrent } from '../scripts/build-cli.mjs';
import { loadCli } from '../scripts/load-cli.mjs';

async function load() {
  if (process.env.FAILSIM_TSX !== '1') {
    try {
      if (!bundleIsCurrent()) await buildCli();
      return loadCli(DIST);
    } catch {
      // no esbuild (installed without devDependencies) or a read-only install: fall back to tsx
    }
  }
  const { register } = await import('tsx/esm/api');
  register();
  return { main: (await import('../src/cli/main.ts')).main, saveCache: () => undefined };
}

const cli = await load();
process.exitCode = await cli.main(process.argv);
cli.saveCache(process.exitCode);
