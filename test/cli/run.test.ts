/**
 * `failsim run` end to end, in process through main(): the seed example's three observations (split
 * without a DestinationRule, in-region with one, failover on a broken endpoint), how the Istio version
 * changes the failover, determinism, the --out files, request conservation and clear user errors.
 *
 * Expectations are derived from the effective configuration each run prints, not copied from a run.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import YAML from 'yaml';
import { main } from '../../src/cli/main.ts';

const modelDir = fileURLToPath(new URL('../../models/dynamodb-failover/', import.meta.url));
const A = join(modelDir, 'a-without-destinationrule.yaml');
const B = join(modelDir, 'b-with-destinationrule.yaml');
const C = join(modelDir, 'c-failover.yaml');
const EAST = 'dynamodb.us-east-1.amazonaws.com';
const WEST = 'dynamodb.us-west-1.amazonaws.com';

const tmp = mkdtempSync(join(tmpdir(), 'failsim-run-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface RunResult {
  code: number;
  out: string;
  err: string;
}

async function run(args: string[]): Promise<RunResult> {
  let out = '';
  let err = '';
  const code = await main(['node', 'failsim', 'run', ...args], { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

/** Runs with --json, expects success, returns the parsed summary. */
async function runJson(args: string[]): Promise<any> {
  const r = await run([...args, '--json']);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  const s = JSON.parse(r.out);
  expectConservation(s);
  return s;
}

const sum = (o: Record<string, number>): number => Object.values(o).reduce((a, b) => a + b, 0);

/**
 * Every request ends exactly once. Each call to start an attempt is a request's first attempt or a
 * retry, and either reaches a host (an attempt) or finds none (a local 503 UH); every started request
 * has finished (succeeded or failed) or is still in flight. Hence
 *   attempts + noHealthyUpstream = started + retries,   started = total + inFlightAtEnd,
 * and retryAmplification = attempts / started.
 */
function expectConservation(s: any): void {
  const started = s.requests.total + s.requests.inFlightAtEnd;
  expect(s.requests.succeeded + s.requests.failed).toBe(s.requests.total);
  expect(s.attempts.total + s.noHealthyUpstream).toBe(started + s.retries);
  expect(s.attempts.total).toBeGreaterThanOrEqual(s.requests.total - s.noHealthyUpstream);
  expect(sum(s.attempts.byEndpoint)).toBe(s.attempts.total);
  expect(sum(s.attempts.byLocality)).toBe(s.attempts.total);
  expect(sum(s.attempts.byPriority)).toBe(s.attempts.total);
  expect(s.attempts.failed).toBeLessThanOrEqual(s.attempts.total);
  if (started > 0) expect(s.retryAmplification).toBeCloseTo(s.attempts.total / started, 12);
  expect(s.ejections.detected).toBe(s.ejections.enforced + s.ejections.notEnforced + s.ejections.overflow);
}

/** Upper bound on ejection cycles a sidecar can go through while a fault lasts: the k-th ejection of
 * a host lasts at least min(base × k, max) (later unejection ticks only lengthen it), and each
 * cycle needs one failure to start. */
function maxEjectionCycles(faultMs: number, od: { base_ejection_time_ms: number; max_ejection_time_ms: number }): number {
  let t = 0;
  let k = 0;
  while (t < faultMs) {
    k++;
    t += Math.min(od.base_ejection_time_ms * k, od.max_ejection_time_ms);
  }
  return k;
}

describe('failsim run: the seed example', () => {
  test('(a) without the DestinationRule traffic is split across both regions as the LB weights say', async () => {
    const s = await runJson([A, '--duration', '20s']);
    const cfg = s.effectiveConfig[0];
    const cluster = cfg.cluster;
    // No outlierDetection: Istio sets no failover priorities, both endpoints are priority 0.
    expect(cluster.endpoints.map((e: any) => e.priority)).toEqual([0, 0]);
    expect(cfg.outlierDetection).toBeNull();
    expect(cluster.lb_policy).toBe('ROUND_ROBIN');
    expect(s.attempts.byPriority).toEqual({ '0': s.attempts.total });
    expect(s.attempts.failed).toBe(0);
    // Istio 1.9–1.11 set locality_weighted_lb_config only when the locality setting has distribute
    // or failover rules (pilot/pkg/networking/core/v1alpha3/cluster.go applyLoadBalancer, 1.10.0);
    // the mesh default {enabled: true} has neither, so Envoy round-robins over the hosts: each of the
    // two endpoints gets half of every sidecar's picks, within one pick per sidecar.
    expect(cluster.locality_weighted_lb_config).toBe(false);
    for (const ep of cluster.endpoints) {
      expect(Math.abs(s.attempts.byEndpoint[ep.address] - s.attempts.total / 2)).toBeLessThanOrEqual(cfg.replicas);
    }
  });

  test('(b) with the DestinationRule every attempt goes to the in-region endpoint', async () => {
    const s = await runJson([B, '--duration', '20s']);
    const cluster = s.effectiveConfig[0].cluster;
    expect(cluster.endpoints.map((e: any) => [e.address, e.priority])).toEqual([
      [EAST, 0],
      [WEST, 1],
    ]);
    expect(s.attempts.total).toBeGreaterThan(0);
    expect(s.attempts.byEndpoint[EAST]).toBe(s.attempts.total);
    expect(s.attempts.byEndpoint[WEST]).toBe(0);
    expect(s.requests.failed).toBe(0);
    expect(s.ejections.detected).toBe(0);
  });

  test('(c) Istio 1.10: traffic moves to us-west-1 after a few failed attempts, clients see no errors', async () => {
    const s = await runJson([C]);
    expect(s.profile.istio).toBe('1.10');
    const cfg = s.effectiveConfig[0];
    const od = cfg.outlierDetection;
    expect(od.consecutive_5xx).toBe(1);
    const [inc] = s.incidents;
    expect(inc.endpoint).toBe(EAST);
    const faultMs = inc.untilMs - inc.fromMs;
    // consecutive5xxErrors 1: a sidecar ejects us-east-1 on its first failed attempt (a refused
    // connection counts as a 5xx: errors are not split by origin). Ejected, it gets no attempts until
    // the ejection ends, then the next attempt fails and ejects it again. So each sidecar fails about
    // one attempt per ejection cycle; attempts already in flight when it ejects may fail too, hence
    // the factor 2.
    const cycles = maxEjectionCycles(faultMs, od);
    expect(cycles).toBe(2); // 1 min then 2 min cover the 3 min fault
    expect(s.attempts.failed).toBeGreaterThanOrEqual(cfg.replicas); // every sidecar saw at least one
    expect(s.attempts.failed).toBeLessThanOrEqual(2 * cfg.replicas * cycles);
    expect(s.ejections.enforced).toBeGreaterThanOrEqual(cfg.replicas);
    expect(s.ejections.enforced).toBeLessThanOrEqual(cfg.replicas * cycles);
    expect(s.ejections.overflow).toBe(0);
    expect(inc.detectionMs.proxiesDetected).toBe(cfg.replicas);
    // Istio's default retry policy retries connect failures, and the retry lands on us-west-1 (us-east-1
    // is ejected by then, and previous_hosts excludes it anyway): clients never see an error.
    expect(cfg.cluster.retry_policy.retry_on).toContain('connect-failure');
    expect(s.requests.failed).toBe(0);
    expect(inc.errors).toBe(0);
    expect(s.retries).toBe(s.attempts.failed);
    // During the fault every request goes to us-west-1.
    expect(s.attempts.byEndpoint[WEST]).toBeGreaterThanOrEqual(inc.requests);
  });

  test('(c) Istio 1.28: the 10% ejection cap ejects nothing, requests fail for the whole incident', async () => {
    const s = await runJson([C, '--set', 'versions.istio=1.28']);
    expect(s.profile.istio).toBe('1.28');
    const cfg = s.effectiveConfig[0];
    expect(cfg.outlierDetection.max_ejection_percent).toBe(10);
    expect(s.ejections.overflow).toBeGreaterThan(0);
    expect(s.ejections.enforced).toBe(0);
    expect(s.ejections.maxConcurrent).toBe(0);
    expect(s.attempts.byEndpoint[WEST]).toBe(0);
    const [inc] = s.incidents;
    expect(inc.detectionMs).toBeNull();
    expect(inc.mitigationMs).toBeNull();
    // Every request started during the fault fails (its retries go back to the only priority-0 host).
    // The window also counts requests that started just before the fault and succeed: at most the
    // arrivals of the last second before it (latencies are well under a second).
    const ratePerSecond = Number.parseFloat(YAML.parse(readFileSync(C, 'utf8')).clients[0].rate);
    expect(ratePerSecond).toBeGreaterThan(0);
    expect(inc.errors).toBeGreaterThan(0);
    expect(inc.requests - inc.errors).toBeLessThanOrEqual(ratePerSecond);
    expect(inc.errorRate).toBeGreaterThan(0.99);
  });

  test('(c) Istio 1.28 with maxEjectionPercent 100: failover works again', async () => {
    const s = await runJson([C, '--set', 'versions.istio=1.28', '--set', 'DestinationRule/mydynamodb:spec.trafficPolicy.outlierDetection.maxEjectionPercent=100']);
    const cfg = s.effectiveConfig[0];
    expect(cfg.outlierDetection.max_ejection_percent).toBe(100);
    expect(s.ejections.overflow).toBe(0);
    expect(s.ejections.enforced).toBeGreaterThanOrEqual(cfg.replicas);
    const [inc] = s.incidents;
    const cycles = maxEjectionCycles(inc.untilMs - inc.fromMs, cfg.outlierDetection);
    expect(s.attempts.failed).toBeLessThanOrEqual(2 * cfg.replicas * cycles);
    expect(inc.errors).toBe(0);
    expect(s.attempts.byEndpoint[WEST]).toBeGreaterThanOrEqual(inc.requests);
  });
});

describe('failsim run: determinism and output files', () => {
  // A short version of (c): the fault from 5 s to 20 s of a 30 s run.
  const short = [C, '--duration', '30s', '--set', 'faults[0].from=5s', '--set', 'faults[0].until=20s'];

  test('same seed ⇒ byte-identical JSON; another seed ⇒ different', async () => {
    const r1 = await run([...short, '--json']);
    const r2 = await run([...short, '--json']);
    expect(r1.code).toBe(0);
    expect(r1.out).toBe(r2.out);
    const r3 = await run([...short, '--json', '--seed', '2']);
    expect(r3.code).toBe(0);
    expect(r3.out).not.toBe(r1.out);
    expect(JSON.parse(r3.out).seed).toBe(2);
  });

  test('--out writes summary.json (equal to --json), timeseries.csv, events.jsonl, timeline.svg/png', async () => {
    const dir = join(tmp, 'out');
    const r = await run([...short, '--json', '--out', dir]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    for (const f of ['summary.json', 'timeseries.csv', 'events.jsonl', 'timeline.svg', 'timeline.png']) {
      expect(existsSync(join(dir, f)), f).toBe(true);
      expect(statSync(join(dir, f)).size, f).toBeGreaterThan(0);
    }
    expect(readFileSync(join(dir, 'summary.json'), 'utf8')).toBe(r.out);
    // The same run without --out prints the same JSON (recording events changes nothing).
    const plain = await run([...short, '--json']);
    expect(plain.out).toBe(r.out);

    const s = JSON.parse(r.out);
    // One EJECT line per enforced ejection, all of them Envoy outlier events.
    const events = readFileSync(join(dir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const ejects = events.filter((e) => e.event.action === 'EJECT' && e.event.enforced === true);
    expect(s.ejections.enforced).toBeGreaterThan(0);
    expect(ejects.length).toBe(s.ejections.enforced);
    expect(new Set(events.map((e) => e.proxy)).size).toBe(s.effectiveConfig[0].replicas);
    // The CSV's per-bucket counts add up to the summary's.
    const [header, ...rows] = readFileSync(join(dir, 'timeseries.csv'), 'utf8').trim().split('\n');
    const cols = header.split(',');
    const col = (name: string): number => rows.reduce((a, row) => a + Number(row.split(',')[cols.indexOf(name)]), 0);
    expect(rows.length).toBe(s.durationMs / 1000);
    expect(col('requests')).toBe(s.requests.total);
    expect(col(`attempts:${EAST}`) + col(`attempts:${WEST}`)).toBe(s.attempts.total);
    expect(readFileSync(join(dir, 'timeline.png')).subarray(1, 4).toString()).toBe('PNG');
    expect(readFileSync(join(dir, 'timeline.svg'), 'utf8')).toContain('<svg');
  });
});

describe('failsim run: conservation', () => {
  test('constant arrivals: every arrival is finished or in flight, under retries, timeouts and ejections', async () => {
    const dir = mkdtempSync(join(tmp, 'cons-'));
    writeFileSync(
      join(dir, 'istio.yaml'),
      `apiVersion: networking.istio.io/v1beta1
kind: ServiceEntry
metadata: { name: svc }
spec:
  hosts: [svc.example.com]
  location: MESH_EXTERNAL
  ports: [{ number: 80, name: http, protocol: HTTP }]
  resolution: DNS
  endpoints:
  - { address: a.example.com, locality: r1/z1 }
  - { address: b.example.com, locality: r1/z2 }
  - { address: c.example.com, locality: r2/z1 }
---
apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata: { name: svc }
spec:
  host: svc.example.com
  trafficPolicy:
    outlierDetection: { consecutive5xxErrors: 3, interval: 1s, baseEjectionTime: 2s, maxEjectionPercent: 50 }
---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: { name: svc }
spec:
  hosts: [svc.example.com]
  http:
  - route: [{ destination: { host: svc.example.com } }]
    timeout: 300ms
    retries: { attempts: 3, perTryTimeout: 60ms, retryOn: "5xx,connect-failure,reset" }
`,
    );
    // Constant arrivals at 1000/s: one every 1 ms, at 1, 2, ... ms, strictly before 10 s: 9999.
    writeFileSync(
      join(dir, 'scenario.yaml'),
      `name: conservation
istio: istio.yaml
versions: { istio: "1.28" }
duration: 10s
seed: 7
clients:
  - { locality: r1/z1, replicas: 4, rate: 1000/s, arrivals: constant }
endpoints:
  "*": { latency: { exponential: { mean: 20ms } } }
faults:
  - { endpoint: a.example.com, from: 1s, until: 6s, kind: http-error, code: 503, rate: 0.4 }
  - { endpoint: b.example.com, from: 3s, until: 5s, kind: blackhole }
  - { endpoint: c.example.com, from: 2s, until: 8s, kind: flapping, up: 300ms, down: 200ms }
`,
    );
    const s = await runJson([join(dir, 'scenario.yaml')]);
    expect(s.requests.total + s.requests.inFlightAtEnd).toBe(9999);
    // The run exercised what conservation must survive.
    expect(s.retries).toBeGreaterThan(0);
    expect(s.routeTimeouts).toBeGreaterThan(0);
    expect(s.ejections.enforced).toBeGreaterThan(0);
    expect(s.requests.failed).toBeGreaterThan(0);
  });
});

describe('failsim run: bad input is one clear message and exit code 2', () => {
  const dir = mkdtempSync(join(tmp, 'bad-'));
  for (const f of ['istio.yaml', 'serviceentry.yaml']) copyFileSync(join(modelDir, f), join(dir, f));
  const base = readFileSync(C, 'utf8');
  const variant = (name: string, from: string | RegExp, to: string): string => {
    const text = base.replace(from, to);
    expect(text).not.toBe(base);
    const p = join(dir, `${name}.yaml`);
    writeFileSync(p, text);
    return p;
  };
  const good = join(dir, 'good.yaml');
  writeFileSync(good, base);

  const cases: Array<[string, () => string[], RegExp]> = [
    ['unknown field', () => [variant('unknown', /^seed: 1$/m, 'seed: 1\nbogus: 3')], /bogus: unknown field/],
    ['bad duration', () => [variant('baddur', /^duration: 5m$/m, 'duration: 5x')], /duration: expected a duration.*"5x"/],
    ['negative rate', () => [variant('negrate', 'rate: 300/s', 'rate: -5/s')], /clients\[0\]\.rate: must be positive/],
    [
      'fault on an unknown endpoint',
      () => [variant('badfault', `  - endpoint: ${EAST}`, '  - endpoint: nope.example.com')],
      /faults\[0\]\.endpoint: .*nope\.example\.com/,
    ],
    [
      'broken YAML',
      () => {
        const p = join(dir, 'broken.yaml');
        writeFileSync(p, 'name: x\nclients: [a\n');
        return [p];
      },
      /broken\.yaml.*invalid YAML/,
    ],
    ['missing istio file', () => [variant('noistio', /^istio: istio.yaml$/m, 'istio: missing.yaml')], /istio: file not found: .*missing\.yaml/],
    ['--set on an unknown resource', () => [good, '--set', 'DestinationRule/nope:spec.x=1'], /no DestinationRule named "nope"/],
    ['--set with a bad path', () => [good, '--set', 'foo..bar=1'], /bad field path "foo\.\.bar"/],
    ['--set on an unknown scenario field', () => [good, '--set', 'nosuchfield=1'], /nosuchfield: unknown field/],
    ['--seed not a number', () => [good, '--seed', 'abc'], /--seed: expected a non-negative integer/],
    ['--seed negative', () => [good, '--seed', '-1'], /--seed: expected a non-negative integer/],
    ['--duration bad', () => [good, '--duration', 'soon'], /--duration: expected a duration/],
    ['scenario file missing', () => [join(dir, 'nope.yaml')], /nope\.yaml: file not found/],
  ];
  test.each(cases)('%s', async (_name, args, message) => {
    const r = await run([...args(), '--json']);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    const lines = r.err.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^failsim: /);
    expect(lines[0]).toMatch(message);
    expect(r.err).not.toMatch(/^\s*at /m);
    expect(r.err).not.toMatch(/internal error/);
  });
});
