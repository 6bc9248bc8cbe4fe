#!/usr/bin/env node
// Entry point. Runs the prebuilt bundle dist/failsim.mjs (scripts/build-cli.mjs; built by `npm ci`)
// when it was built from the sources on disk now; otherwise rebuilds it first (≈ 0.3 s, so an edit
// in src/ is never run stale), and if esbuild is not installed or dist/ is not writable, runs the
// TypeScript sources through tsx as before (≈ 1 s more per start).
import { buildCli, bundleIsCurrent } from '../scripts/build-cli.mjs';

async function loadMain() {
  if (process.env.FAILSIM_TSX !== '1') {
    try {
      if (!bundleIsCurrent()) await buildCli();
      return (await import('../dist/failsim.mjs')).main;
    } catch {
      // no esbuild (installed without devDependencies) or a read-only install: fall back to tsx
    }
  }
  const { register } = await import('tsx/esm/api');
  register();
  return (await import('../src/cli/main.ts')).main;
}

const main = await loadMain();
process.exitCode = await main(process.argv);
