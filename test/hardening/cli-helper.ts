/**
 * Runs the CLI in-process (src/cli/main.ts) on files written into a fresh temporary directory, and
 * returns the exit code and both output streams: the hardening tests check that every bad input ends
 * in exit 2 with one `failsim:` message, never exit 70 or a stack trace.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';
import { main, type CommandContext } from '../../src/cli/main.ts';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export const ISTIO = `apiVersion: networking.istio.io/v1beta1
kind: ServiceEntry
metadata: { name: svc }
spec:
  hosts: [mydb.com]
  location: MESH_EXTERNAL
  ports: [{ number: 80, name: http, protocol: HTTP }]
  resolution: DNS
  endpoints:
  - { address: a.example.com, locality: us-east1 }
  - { address: b.example.com, locality: us-west }
---
apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata: { name: dr }
spec:
  host: mydb.com
  trafficPolicy:
    outlierDetection: { consecutive5xxErrors: 1, interval: 15s, baseEjectionTime: 1m }
`;

export const SCENARIO = `name: small
istio: istio.yaml
duration: 10s
clients:
  - locality: us-east1
    rate: 20/s
`;

/** A workspace: `files` written under a fresh directory, `run(args)` runs failsim there. */
export function workspace(prefix = 'failsim-hard-'): {
  dir: string;
  write: (files: Record<string, string>) => void;
  run: (args: string[], extra?: Partial<CommandContext>) => Promise<CliResult>;
} {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (files: Record<string, string>) => {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
  };
  const run = async (args: string[], extra: Partial<CommandContext> = {}): Promise<CliResult> => {
    let stdout = '';
    let stderr = '';
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const code = await main(['node', 'failsim', ...args], {
        stdout: (t) => (stdout += t),
        stderr: (t) => (stderr += t),
        ...extra,
      });
      return { code, stdout, stderr };
    } finally {
      process.chdir(cwd);
    }
  };
  return { dir, write, run };
}
