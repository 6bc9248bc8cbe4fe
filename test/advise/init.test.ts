import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { describe, expect, test } from 'vitest';
import { simulate } from '../../src/api.ts';
import { planBattery } from '../../src/advise/battery.ts';
import { DEFAULT_SLO } from '../../src/advise/slo.ts';
import { DEFAULT_WORLD } from '../../src/advise/world.ts';
import { main } from '../../src/cli/main.ts';
import { buildMesh } from '../../src/mesh/build.ts';
import { runScenarioFile } from '../../src/node/files.ts';

const fixtures = fileURLToPath(new URL('../fixtures/mesh/', import.meta.url));
const files = ['k8s-3zones.yaml', 'dr-reviews.yaml'].map((f) => join(fixtures, f));

describe('failsim init', () => {
  test('writes a commented scenario that failsim run accepts, with the world and incident check runs', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'failsim-init-'));
    let out = '';
    let err = '';
    const code = await main(['node', 'failsim', 'init', ...files, '--istio', '1.28', '--istio-out', join(tmp, 'mesh-istio.yaml')], {
      stdout: (t) => (out += t),
      stderr: (t) => (err += t),
    });
    expect(code).toBe(0);
    expect(err).toContain('wrote');
    expect(out.split('\n').filter((l) => l.trimStart().startsWith('#')).length).toBeGreaterThan(10);
    writeFileSync(join(tmp, 'scenario.yaml'), out);
    const scenario = YAML.parse(out);
    expect(scenario.clients[0]).toMatchObject({ locality: 'us-east1/us-east1-b', replicas: 3, rate: '300/s', host: 'reviews.shop.svc.cluster.local' });
    expect(scenario.faults).toEqual([{ locality: 'us-east1/us-east1-b', from: '30s', until: '330s', kind: 'connect-refused' }]);
    const run = runScenarioFile(join(tmp, 'scenario.yaml'));

    // The same run as check's hard-down cell for that client and seed 1.
    const mesh = buildMesh(files.map((f) => ({ file: f, text: readFileSync(f, 'utf8') })));
    const plan = planBattery(mesh, { versions: { istio: '1.28' }, world: DEFAULT_WORLD, slo: DEFAULT_SLO, replications: 1 });
    const cell = plan.cells.find((c) => c.incident === 'hard-down' && c.client === 'us-east1/us-east1-b')!;
    const checkRun = simulate({ scenario: cell.scenario, istio: plan.istio, seed: 1 });
    expect(run.requests).toEqual(checkRun.requests);
    expect(run.attempts).toEqual(checkRun.attempts);
    expect(run.incidents).toEqual(checkRun.incidents);
    expect(readFileSync(join(tmp, 'mesh-istio.yaml'), 'utf8')).toBe(plan.istio);
  });
});
