/**
 * The error boundary and the bounds: each class of bad input from issue 16 ends in exit 2 with a
 * `failsim:` message naming where and what was expected; exit 70 is only for bugs and asks for a
 * report; names with control characters cannot drive the terminal.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { asUserError, escapeForTerminal, internalErrorMessage } from '../../src/cli/errors.ts';
import { ISTIO, SCENARIO, workspace } from './cli-helper.ts';

const ws = workspace();
ws.write({ 'istio.yaml': ISTIO, 'scenario.yaml': SCENARIO });

function expectUserError(r: { code: number; stderr: string; stdout?: string }, pattern: RegExp): void {
  expect(r.stderr).toMatch(pattern);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/^failsim: /);
  expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
}

describe('durations, buckets and latencies are bounded (docs/limits.md)', () => {
  it('a huge duration is refused whichever way it is given', async () => {
    ws.write({ 'long.yaml': SCENARIO.replace('duration: 10s', 'duration: 8760000h') });
    const bound = /duration: must be at most 8760h \(365 days\), the longest duration failsim accepts \(got "8760000h"\)/;
    expectUserError(await ws.run(['run', 'long.yaml']), bound);
    expectUserError(await ws.run(['run', 'scenario.yaml', '--duration', '8760000h']), bound);
    expectUserError(await ws.run(['run', 'scenario.yaml', '--set', 'duration=8760000h']), bound);
  });

  it('a long run with the default 1 s bucket names the bucket it needs', async () => {
    expectUserError(
      await ws.run(['run', 'scenario.yaml', '--duration', '8000h']),
      /metrics\.bucket: 1s \(the default\) splits the run \(duration 8000h\) into 28800000 buckets; at most 10000000 are allowed: give a metrics\.bucket of at least 2880ms/,
    );
  });

  it('a bucket under 1 ms, and a zero duration, say what is expected', async () => {
    expectUserError(await ws.run(['run', 'scenario.yaml', '--set', 'metrics.bucket=1ns']), /metrics\.bucket: must be at least 1ms \(got "1ns"\)/);
    ws.write({ 'zero.yaml': SCENARIO.replace('duration: 10s', 'duration: 0') });
    const r = await ws.run(['run', 'zero.yaml']);
    expectUserError(r, /zero\.yaml: duration: must be > 0 \(got "0"\)/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1); // no follow-on errors from the cross-field checks
  });

  it('latencies beyond an hour (which no request would outlive) are refused, in every latency form', async () => {
    for (const set of [
      'endpoints["a.example.com"].latency.constant=10000000000000000h',
      'endpoints["a.example.com"].latency.lognormal={median: 1ms, p99: 2h}',
      'endpoints["a.example.com"].connectRefusedDelay=90m',
    ]) {
      expectUserError(await ws.run(['run', 'scenario.yaml', '--set', set]), /must be at most 1h, the longest latency failsim accepts/);
    }
    ws.write({ 'slow-fault.yaml': `${SCENARIO}faults:\n  - { endpoint: a.example.com, from: 1s, kind: latency, factor: 1e9 }\n` });
    expectUserError(await ws.run(['run', 'slow-fault.yaml']), /faults\[0\]\.factor: expected a number from 0 to 1000 \(got 1000000000\)/);
  });
});

describe('run size limits (docs/limits.md)', () => {
  it('a runaway rate is refused before it starts, with the estimate; --force lifts the limit', async () => {
    const r = await ws.run(['run', 'scenario.yaml', '--set', 'clients[0].rate=1000000000000/s']);
    expectUserError(r, /scenario\.yaml: the run is too big: 3\.0e13 attempts and detector ticks is more than the limit of 1\.0e9/);
    expect(r.stderr).toMatch(/estimate: about 1\.0e13 requests \(at most 3\.0e13 attempts with retries\) .* over 10s, 1 client proxies × 2 endpoints/);
    expect(r.stderr).toMatch(/pass --force to run it anyway/);
  });

  it('100 000 replicas are refused for memory, with the estimate', async () => {
    const r = await ws.run(['run', 'scenario.yaml', '--set', 'clients[0].replicas=100000']);
    expectUserError(r, /the run is too big: ~2\.\d GiB of memory is more than the limit of 1\.0 GiB/);
    expect(r.stderr).toMatch(/100 000 client proxies × 2 endpoints/);
  });

  it('the limits do not touch ordinary runs, and --force runs a refused one', async () => {
    const ok = await ws.run(['run', 'scenario.yaml', '--json', '--set', 'clients[0].rate=2000/s']);
    expect(ok.code).toBe(0);
    // A tight limit (as the fuzz test uses) shows --force's path without a big run.
    const limits = { maxEvents: 100, maxMemoryBytes: 2 ** 30 };
    const refused = await ws.run(['run', 'scenario.yaml', '--json'], { limits });
    expectUserError(refused, /the run is too big: 600 attempts and detector ticks is more than the limit of 100/);
    const forced = await ws.run(['run', 'scenario.yaml', '--json', '--force'], { limits });
    expect(forced.code).toBe(0);
    expect(JSON.parse(forced.stdout).requests.total).toBeGreaterThan(150);
  });

  it('a sweep of millions of runs is refused before any point is checked', async () => {
    ws.write({ 'huge-exp.yaml': 'name: huge\nscenario: scenario.yaml\nreplications: 1000000\nseed: 1\nvary:\n  clients[0].rate: [1/s, 2/s, 3/s, 4/s]\n' });
    const started = performance.now();
    const r = await ws.run(['sweep', 'huge-exp.yaml', '--no-progress', '--out', join(ws.dir, 'huge-out')]);
    expectUserError(r, /huge-exp\.yaml: the sweep is too big: 4 points × 1 000 000 replications = 4 000 000 runs, more than the limit of 100 000.*--force/);
    expect(performance.now() - started).toBeLessThan(20_000); // refused up front, not after planning 4 M runs
  });

  it('a sweep point too big to run is named by its vary entry', async () => {
    ws.write({ 'big-point.yaml': 'name: big\nscenario: scenario.yaml\nreplications: 1\nseed: 1\nvary:\n  clients[0].replicas: [1, 100000]\n' });
    expectUserError(
      await ws.run(['sweep', 'big-point.yaml', '--no-progress', '--out', join(ws.dir, 'big-out')]),
      /big-point\.yaml: vary\["clients\[0\]\.replicas"\]\[1\]: scenario\.yaml: the run is too big/,
    );
  });
});

describe('one error boundary', () => {
  it('run --out naming an existing file is refused before the run', async () => {
    writeFileSync(join(ws.dir, 'a-file'), 'x');
    expectUserError(await ws.run(['run', 'scenario.yaml', '--out', 'a-file']), /--out a-file: exists and is not a directory/);
    expectUserError(await ws.run(['run', 'scenario.yaml', '--out', 'a-file/sub']), /--out a-file\/sub: .*a-file is a file, so the directory cannot be created/);
    expectUserError(await ws.run(['sweep', 'x.yaml', '--out', 'a-file']), /x\.yaml: file not found/);
  });

  it('file-system errors on user paths are user errors; anything else is a bug with a request to report it', () => {
    const enoent = Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT', syscall: 'open', path: '/x/y' });
    expect(asUserError(enoent)?.message).toBe('/x/y: cannot open (ENOENT: no such file or directory)');
    expect(asUserError(new TypeError('x is undefined'))).toBeUndefined();
    const text = internalErrorMessage(new TypeError('x is undefined'), false);
    expect(text).toMatch(/^failsim: internal error: TypeError: x is undefined\n/);
    expect(text).toMatch(/this is a bug in failsim.*Please report it/s);
    expect(text).not.toMatch(/\n\s+at /);
    expect(internalErrorMessage(new TypeError('x'), true)).toMatch(/\n\s+at /);
  });

  it('control and bidi characters from names are escaped on the terminal, and JSON stays valid', async () => {
    expect(escapeForTerminal('a\u202Eb\u0007c\r\nd\te\u009Bf')).toBe('a\\u202eb\\u0007c\\u000d\nd\te\\u009bf');
    ws.write({ 'rtl.yaml': SCENARIO.replace('name: small', 'name: "evil\\u202Emoc.elpmaxe\\u001b[31m"') });
    const text = await ws.run(['run', 'rtl.yaml']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('evil\\u202emoc.elpmaxe\\u001b[31m');
    expect(text.stdout).not.toMatch(/[\u202E\u001b]/);
    const json = await ws.run(['run', 'rtl.yaml', '--json']);
    expect(json.stdout).not.toMatch(/[\u202E\u001b]/);
    expect(JSON.parse(json.stdout).scenario).toBe('evil\u202Emoc.elpmaxe\u001b[31m');
  });

  it('an out-of-range interval is reported under the DestinationRule field, with document and line', async () => {
    ws.write({
      'istio-long.yaml': ISTIO.replace('interval: 15s', 'interval: 876000000h'),
      's-long.yaml': SCENARIO.replace('istio.yaml', 'istio-long.yaml'),
    });
    const where = /istio-long\.yaml: document 2 \(DestinationRule\/dr\): spec\.trafficPolicy\.outlierDetection\.interval: "876000000h" is out of range.* \(line 19\)/;
    for (const args of [['run', 's-long.yaml'], ['explain', 'istio-long.yaml']]) {
      const r = await ws.run(args);
      expectUserError(r, where);
      expect(r.stderr).not.toMatch(/interval_ms/);
    }
  });

  it('an out-of-range duration in a plain Envoy cluster is reported under the field the user wrote', async () => {
    const cluster = (field: string, value: string): string =>
      [
        'name: mydb',
        'connect_timeout: 1s',
        'outlier_detection:',
        '  consecutive_5xx: 1',
        `  ${field}: ${value}`,
        'load_assignment:',
        '  cluster_name: mydb',
        '  endpoints:',
        '  - locality: {region: us-east-1}',
        '    lb_endpoints:',
        '    - endpoint: {address: {socket_address: {address: 10.0.0.1, port_value: 80}}}',
        '',
      ].join('\n');
    for (const field of ['interval', 'base_ejection_time', 'max_ejection_time']) {
      ws.write({ 'envoy-long.yaml': cluster(field, '99999999999s') });
      const r = await ws.run(['explain', 'envoy-long.yaml']);
      expectUserError(r, new RegExp(`envoy-long\\.yaml: outlier_detection\\.${field}: "99999999999s" is out of range`));
      expect(r.stderr).not.toMatch(/_ms/);
    }
    // The largest duration failsim models is accepted.
    ws.write({ 'envoy-max.yaml': cluster('interval', '4294967.295s') });
    expect((await ws.run(['explain', 'envoy-max.yaml'])).code).toBe(0);
  });
});

describe('explain and run agree', () => {
  it('a locality run rejects is rejected by explain too', async () => {
    ws.write({ 'bad-locality.yaml': SCENARIO.replace('locality: us-east1', 'locality: a//b') });
    expectUserError(await ws.run(['run', 'bad-locality.yaml']), /clients\[0\]\.locality: expected a locality like region, region\/zone or region\/zone\/subzone \(got "a\/\/b"\)/);
    expectUserError(await ws.run(['explain', 'bad-locality.yaml']), /clients\[\]\.locality: expected a locality like region, region\/zone or region\/zone\/subzone \(got "a\/\/b"\)/);
    expectUserError(await ws.run(['explain', 'istio.yaml', '--client-locality', 'a//b']), /--client-locality: expected a locality like .* \(got "a\/\/b"\)/);
    const ok = await ws.run(['explain', 'istio.yaml', '--client-locality', 'us-east1/z1']);
    expect(ok.code).toBe(0);
  });

  it('--istio and --envoy together are a conflict, as versions.istio and versions.envoy are in a scenario', async () => {
    expectUserError(await ws.run(['explain', 'istio.yaml', '--istio', '1.10', '--envoy', '1.36']), /--istio 1\.10 --envoy 1\.36: give one of them/);
    ws.write({ 'both.yaml': SCENARIO.replace('duration: 10s', 'duration: 10s\nversions: { istio: "1.10", envoy: "1.36" }') });
    expectUserError(await ws.run(['run', 'both.yaml']), /versions: expected at most one of istio or envoy/);
  });
});

describe('inputs that would crash the process or spawn without bound', () => {
  it('deeply nested flow collections are refused before the YAML parser recurses (a fatal OOM otherwise)', async () => {
    const deep = `${'['.repeat(3000)}${']'.repeat(3000)}`;
    ws.write({ 'deep-istio.yaml': deep, 'deep.yaml': `${SCENARIO}metrics: ${deep.replace(/^\[/, '{a: [').replace(/\]$/, ']}')}\n` });
    const nested = /:1: invalid YAML: lists or mappings nested more than 100 deep/;
    expectUserError(await ws.run(['explain', 'deep-istio.yaml']), new RegExp(`deep-istio\\.yaml${nested.source}`));
    expectUserError(await ws.run(['run', 'deep.yaml']), /deep\.yaml:7: invalid YAML: lists or mappings nested more than 100 deep/);
    expectUserError(await ws.run(['run', 'scenario.yaml', '--set', `metrics=${deep}`]), /--set metrics=.*: invalid YAML: lists or mappings nested/);
    // Brackets inside quotes, comments and plain scalars are not nesting.
    ws.write({ 'brackets.yaml': SCENARIO.replace('name: small', `name: "${'['.repeat(200)}" # ${'{'.repeat(200)}\n# a${'['.repeat(200)}`) });
    expect((await ws.run(['run', 'brackets.yaml', '--json'])).code).toBe(0);
  });

  it('a sweep.json that failsim did not write is refused by merge, chart and resume', async () => {
    ws.write({ 'fake/sweep.json': '{"parameters": 5}', 'fake/results.jsonl': '' });
    for (const args of [['merge', 'fake', '--out', 'fake-out'], ['chart', 'fake', '--kind', 'ecdf', '--metric', 'requests.errorRate']]) {
      expectUserError(await ws.run(args), /fake\/sweep\.json: not a sweep plan written by this failsim/);
    }
  });

  it('--workers far beyond the CPUs is refused without --force', async () => {
    ws.write({ 'w-exp.yaml': 'name: w\nscenario: scenario.yaml\nreplications: 1\nseed: 1\nvary:\n  clients[0].rate: [1/s]\n' });
    expectUserError(await ws.run(['sweep', 'w-exp.yaml', '--workers', '100000', '--no-progress']), /--workers 100000: more than 4 per CPU/);
  });
});
