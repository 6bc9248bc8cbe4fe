import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { runScenarioFile } from '../../src/node/files.ts';

const models = fileURLToPath(new URL('../../models/dynamodb-failover/', import.meta.url));
const fixtures = fileURLToPath(new URL('../fixtures/mesh/', import.meta.url));
const seedArgs = ['--client-locality', 'us-east1/us-east1-b', '--istio', '1.28', '--world', join(fixtures, 'world-seed.yaml'), '--no-progress'];

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['node', 'failsim', ...args], { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

describe('failsim check', () => {
  test('the seed configuration on Istio 1.28 fails: nothing is ejected, the hard down fails ~100% of requests', async () => {
    const r = await cli(['check', join(models, 'istio.yaml'), ...seedArgs, '--replications', '1', '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.out);
    expect(Object.keys(doc)).toEqual(expect.arrayContaining(['verdict', 'istioMinor', 'envoyMinor', 'incidents', 'quietDay', 'warnings']));
    expect(doc.verdict).toBe('fail');
    expect([doc.istioMinor, doc.envoyMinor]).toEqual([28, 36]);
    expect(doc.incidents.map((i: { name: string }) => i.name)).toEqual(['hard-down', 'blackhole', 'brownout', 'flapping', 'gray-failure', 'pod-restart']);
    const hard = doc.incidents[0];
    for (const key of ['name', 'kind', 'target', 'errorRate', 'failedRequests', 'detectionMs', 'mitigationMs', 'failbackMs', 'crossLocalityShare', 'pass']) expect(hard).toHaveProperty(key);
    expect(Object.keys(hard.errorRate)).toEqual(['mean', 'low', 'high']);
    expect(hard.target).toBe('us-east1');
    expect(hard.errorRate.mean).toBeGreaterThan(0.999);
    expect(hard.detectionMs).toBeNull(); // the cap ejects nothing
    expect(hard.crossLocalityShare).toBe(0);
    expect(hard.pass).toBe(false);
    expect(doc.warnings.map((w: { code: string }) => w.code)).toContain('ejection-cap-ejects-nothing');
    expect(Object.keys(doc.quietDay)).toEqual(expect.arrayContaining(['falseEjections', 'crossLocalityShare']));
  });

  test('--envoy instead of --istio: on Envoy 1.27 (Istio 1.19) the cap is not strict yet, so the seed configuration fails over and passes', async () => {
    const r = await cli(['check', join(models, 'istio.yaml'), ...seedArgs.filter((a) => a !== '--istio' && a !== '1.28'), '--envoy', '1.27', '--replications', '1', '--json']);
    expect(r.err).toBe('');
    const doc = JSON.parse(r.out);
    expect([doc.istioMinor, doc.envoyMinor]).toEqual([19, 27]);
    expect(doc.incidents[0].detectionMs).toBeGreaterThan(0);
    expect(doc.incidents[0].crossLocalityShare).toBeGreaterThan(0.5);
    expect(doc.verdict).toBe('pass');
    expect(r.code).toBe(0);
  });

  let mep50Output = '';
  test('with maxEjectionPercent 50 it passes: us-east-1 is ejected and traffic fails over', async () => {
    const r = await cli(['check', join(models, 'istio-mep50.yaml'), ...seedArgs, '--replications', '2', '--workers', '2', '--json']);
    mep50Output = r.out;
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.verdict).toBe('pass');
    const hard = doc.incidents[0];
    expect(hard.errorRate.mean).toBeLessThan(0.001);
    expect(hard.detectionMs).toBeGreaterThan(0);
    expect(hard.crossLocalityShare).toBeGreaterThan(0.5);
    expect(doc.incidents.every((i: { pass: boolean }) => i.pass)).toBe(true);
  });

  test('--out writes runnable scenarios that reproduce the runs, the scorecard and an HTML report; results do not depend on the workers', async () => {
    const out = mkdtempSync(join(tmpdir(), 'failsim-check-'));
    const one = await cli(['check', join(models, 'istio-mep50.yaml'), ...seedArgs, '--replications', '2', '--workers', '1', '--json', '--out', out]);
    expect(one.out).toBe(mep50Output); // the previous test's, on two workers
    const files = readdirSync(out).sort();
    expect(files).toEqual(['mesh-istio.yaml', 'report.html', 'runs.jsonl', 'scenarios', 'scorecard.json']);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('failsim check: PASS');
    const runs = readFileSync(join(out, 'runs.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const scenarios = readdirSync(join(out, 'scenarios')).sort();
    expect(scenarios).toHaveLength(7);
    const brownout = scenarios.find((s) => s.includes('brownout'))!;
    const rerun = runScenarioFile(join(out, 'scenarios', brownout), ['seed=2']);
    const recorded = runs.find((r) => r.scenario.startsWith('check brownout') && r.seed === 2);
    expect(rerun.requests.failed).toBe(recorded.failed);
    expect(rerun.attempts.total).toBe(recorded.attempts);
  });

  test('a Kubernetes dump over three zones: every zone is hit from its own clients', async () => {
    const r = await cli(['check', join(fixtures, 'k8s-3zones.yaml'), join(fixtures, 'dr-reviews.yaml'), '--istio', '1.28', '--replications', '1', '--json', '--no-progress']);
    expect(r.err).toBe('');
    const doc = JSON.parse(r.out);
    expect(doc.hosts).toEqual(['reviews.shop.svc.cluster.local']);
    const targets = [...new Set(doc.incidents.map((i: { target: string }) => i.target.split(' ')[0]))];
    expect(targets).toEqual(['us-east1/us-east1-b', 'us-east1/us-east1-c', 'us-east1/us-east1-d']);
    expect(doc.incidents).toHaveLength(18);
    const hard = doc.incidents.filter((i: { name: string }) => i.name === 'hard-down');
    // maxEjectionPercent 34 of 9 hosts lets the 3 pods of a zone out: each zone fails over to the others.
    for (const h of hard) expect(h.crossLocalityShare).toBeGreaterThan(0.3);
    expect(r.code).toBe(doc.verdict === 'pass' ? 0 : 1);
  });

  test('the quiet day prices both detectors: one gateway error is enough to eject with consecutiveGatewayErrors 1 (its 503 half), not with 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'failsim-check-gw-'));
    const quiet = async (gateway: number) => {
      const dr = join(dir, `dr-${gateway}.yaml`);
      writeFileSync(dr, readFileSync(join(fixtures, 'dr-reviews.yaml'), 'utf8').replace('consecutive5xxErrors: 5', `consecutive5xxErrors: 5\n      consecutiveGatewayErrors: ${gateway}`));
      const r = await cli(['check', join(fixtures, 'static-3zones.yaml'), dr, '--client-locality', 'us-east1/us-east1-b', '--istio', '1.28', '--replications', '3', '--json', '--no-progress']);
      expect(r.err).toBe('');
      return JSON.parse(r.out).quietDay;
    };
    // 300 requests/s for the 5 minutes of 503s at 0.01 %: about 9 background 503s a day, each an
    // ejection at 1 (seeds 1-3: 1, 12 and 8); at 2 it takes two in a row from one sidecar to one pod.
    expect((await quiet(1)).falseEjections).toBeGreaterThanOrEqual(3);
    expect((await quiet(2)).falseEjections).toBe(0);
  });

  test('bad input is exit 2 with a message: a DestinationRule alone, a bad SLO, a bad world file', async () => {
    const dr = await cli(['check', join(fixtures, 'dr-reviews.yaml'), '--no-progress']);
    expect(dr.code).toBe(2);
    expect(dr.err).toContain('has no endpoints anywhere in the input');
    const slo = await cli(['check', join(models, 'istio.yaml'), '--slo', 'errorRate=150%']);
    expect(slo.code).toBe(2);
    expect(slo.err).toContain('--slo errorRate=150%: errorRate must be a percentage above 0 and below 100');
    const world = await cli(['check', join(models, 'istio.yaml'), '--world', join(fixtures, 'dr-reviews.yaml')]);
    expect(world.code).toBe(2);
    expect(world.err).toMatch(/dr-reviews\.yaml: .*unknown field/);
  });
});
