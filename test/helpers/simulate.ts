/**
 * Runs `failsim run --json` in-process on an Istio config and a scenario written into a fresh
 * directory, and returns the parsed summary. Shared by the statistical tests.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';
import { main } from '../../src/cli/main.ts';

/** A ServiceEntry with one endpoint, a.example.com in locality r1. */
export const ONE_ENDPOINT_SERVICE_ENTRY = `apiVersion: networking.istio.io/v1beta1
kind: ServiceEntry
metadata: { name: svc }
spec:
  hosts: [svc.example.com]
  location: MESH_EXTERNAL
  ports: [{ number: 80, name: http, protocol: HTTP }]
  resolution: DNS
  endpoints:
  - { address: a.example.com, locality: r1 }
`;

/** A simulate(istioDocs, scenario) function whose temp files are removed after the test file. */
export function simulator(prefix: string): (istioDocs: string[], scenario: string) => Promise<any> {
  const tmp = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  let counter = 0;
  return async (istioDocs, scenario) => {
    const dir = join(tmp, `case-${counter++}`);
    mkdirSync(dir);
    writeFileSync(join(dir, 'istio.yaml'), istioDocs.join('---\n'));
    writeFileSync(join(dir, 'scenario.yaml'), scenario);
    let out = '';
    let err = '';
    const code = await main(['node', 'failsim', 'run', join(dir, 'scenario.yaml'), '--json'], {
      stdout: (t) => (out += t),
      stderr: (t) => (err += t),
    });
    expect(err).toBe('');
    expect(code).toBe(0);
    return JSON.parse(out);
  };
}
