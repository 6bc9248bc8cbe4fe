import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { cli, fixture, outputs, tempDir } from './helpers.ts';

const EXP = fixture('small.yaml');

describe('failsim sweep', () => {
  let reference: Record<string, string>;
  let referenceDir: string;

  test('--workers 1 and --workers 2 write identical bytes (tables and charts)', async () => {
    const one = join(tempDir(), 'w1');
    const two = join(tempDir(), 'w2');
    const r1 = await cli(['sweep', EXP, '--workers', '1', '--out', one]);
    expect(r1.code).toBe(0);
    // Not a terminal: a start line, then at most one line per 10% of the runs, the last at 100%.
    const lines = r1.err.trim().split('\n');
    expect(lines[0]).toBe('sweep: 8 runs');
    expect(lines.length).toBeLessThanOrEqual(11);
    for (const l of lines.slice(1)) expect(l).toMatch(/^sweep: \d+\/8 runs \(\d+%\), [\d.]+ runs\/s, ETA \S+$/);
    expect(lines[lines.length - 1]).toMatch(/^sweep: 8\/8 runs \(100%\)/);
    const r2 = await cli(['sweep', EXP, '--workers', '2', '--out', two, '--no-progress']);
    expect(r2.code).toBe(0);
    reference = outputs(one);
    referenceDir = one;
    expect(Object.keys(reference).filter((f) => f.endsWith('.png')).length).toBeGreaterThan(0);
    expect(outputs(two)).toEqual(reference);
  });

  test('results: one row per run in (point, replication) order, CRN seeds, flattened columns', () => {
    const rows = readFileSync(join(referenceDir, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(rows).toHaveLength(8);
    expect(rows.map((r) => [r.point, r.replication, r.seed])).toEqual([
      [0, 0, 3], [0, 1, 4], [1, 0, 3], [1, 1, 4], [2, 0, 3], [2, 1, 4], [3, 0, 3], [3, 1, 4],
    ]);
    expect(rows[2].params).toEqual({
      'DestinationRule/mydynamodb:spec.trafficPolicy.outlierDetection.consecutive5xxErrors': 1,
      'versions.istio': '1.28',
    });
    expect(rows[0].metrics['profile.istio']).toBe('1.10');
    expect(rows[2].metrics['profile.istio']).toBe('1.28');
    expect(rows[0].metrics).toHaveProperty(['incidents.0.detectionMs.median']);
    expect(Object.keys(rows[0].metrics).some((k) => k.startsWith('effectiveConfig'))).toBe(false);
    // Common random numbers: same replication, same traffic, whatever the point.
    expect(rows[0].metrics['requests.total']).toBe(rows[4].metrics['requests.total']);
    const csv = readFileSync(join(referenceDir, 'results.csv'), 'utf8').split('\n');
    expect(csv[0].startsWith('point,replication,seed,DestinationRule/mydynamodb:spec.trafficPolicy.outlierDetection.consecutive5xxErrors,versions.istio,')).toBe(true);
    expect(csv[0]).toContain('incidents.0.detectionMs.median');
    expect(csv).toHaveLength(10); // header, 8 rows, final newline
  });

  test('summary.csv: one row per point with mean, CI, n and nulls of each metric', () => {
    const lines = readFileSync(join(referenceDir, 'summary.csv'), 'utf8').trim().split('\n');
    const head = lines[0].split(',');
    expect(head.slice(0, 4)).toEqual(['point', 'DestinationRule/mydynamodb:spec.trafficPolicy.outlierDetection.consecutive5xxErrors', 'versions.istio', 'runs']);
    expect(head).toContain('incidents[0].detectionMs.median.ci95High');
    expect(lines).toHaveLength(5);
    const rows = readFileSync(join(referenceDir, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const cell = (line: string, name: string) => line.split(',')[head.indexOf(name)];
    // Point 0: the mean of its two runs' error rates; Istio 1.28 points never detect (nulls = 2).
    const e = rows.slice(0, 2).map((r) => r.metrics['requests.errorRate'] as number);
    expect(Number(cell(lines[1], 'requests.errorRate.mean'))).toBeCloseTo((e[0] + e[1]) / 2, 12);
    expect(cell(lines[2], 'incidents[0].detectionMs.median.nulls')).toBe('2');
    expect(cell(lines[2], 'incidents[0].detectionMs.median.n')).toBe('0');
    expect(cell(lines[2], 'incidents[0].detectionMs.median.mean')).toBe('');
  });

  test('shards 0/2 and 1/2, merged, give the unsharded files byte for byte', async () => {
    const base = tempDir();
    const s0 = join(base, 's0');
    const s1 = join(base, 's1');
    expect((await cli(['sweep', EXP, '--workers', '1', '--shard', '0/2', '--out', s0, '--no-progress'])).code).toBe(0);
    expect((await cli(['sweep', EXP, '--workers', '1', '--shard', '1/2', '--out', s1, '--no-progress'])).code).toBe(0);
    expect(existsSync(join(s0, 'summary.csv'))).toBe(false);
    const shardRows = readFileSync(join(s1, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(shardRows.map((r) => r.point * 2 + r.replication)).toEqual([1, 3, 5, 7]);
    // One shard alone is not enough.
    const partial = await cli(['merge', s0, '--out', join(base, 'bad')]);
    expect(partial.code).toBe(2);
    expect(partial.err).toMatch(/4 of 8 runs missing/);
    const merged = join(base, 'merged');
    const m = await cli(['merge', s0, s1, '--out', merged]);
    expect(m.err).toBe('');
    expect(m.code).toBe(0);
    expect(outputs(merged)).toEqual(reference);
  });

  test('--resume after an interruption runs only the missing runs and gives the same files', async () => {
    const dir = join(tempDir(), 'resume');
    expect((await cli(['sweep', EXP, '--workers', '2', '--out', dir, '--no-progress', '--no-charts'])).code).toBe(0);
    // As if killed: 3 runs journaled (in finishing order), the 4th torn mid-line, no final files.
    const journal = readFileSync(join(dir, 'runs.partial.jsonl'), 'utf8').trim().split('\n');
    writeFileSync(join(dir, 'runs.partial.jsonl'), `${journal.slice(0, 3).join('\n')}\n${journal[3].slice(0, 40)}`);
    for (const f of ['results.jsonl', 'results.csv', 'summary.csv']) rmSync(join(dir, f));
    const again = await cli(['sweep', EXP, '--workers', '2', '--out', dir, '--no-progress']);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/already holds a sweep.*--resume/);
    // Charts are left out here (their determinism is covered above): the tables must match.
    const r = await cli(['sweep', EXP, '--workers', '2', '--out', dir, '--resume', '--no-progress', '--no-charts']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/ran 5, 3 from the journal/);
    const tables = Object.fromEntries(Object.entries(reference).filter(([name]) => !name.startsWith('charts/')));
    expect(outputs(dir)).toEqual(tables);
    expect(readFileSync(join(dir, 'runs.partial.jsonl'), 'utf8').trim().split('\n')).toHaveLength(8);
  });

  test('--resume refuses a directory of another sweep', async () => {
    const dir = join(tempDir(), 'other');
    expect((await cli(['sweep', EXP, '--workers', '1', '--shard', '0/4', '--out', dir, '--no-progress'])).code).toBe(0);
    const plan = JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8'));
    writeFileSync(join(dir, 'sweep.json'), JSON.stringify({ ...plan, fingerprint: 'x' }));
    const r = await cli(['sweep', EXP, '--out', dir, '--resume', '--no-progress']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/different sweep/);
  });

  test('failsim chart draws a custom chart from a sweep directory', async () => {
    const out = join(tempDir(), 'custom');
    const r = await cli(['chart', referenceDir, '--kind', 'heatmap', '--metric', 'requests.errorRate', '--x', 'versions.istio', '--y', 'consecutive5xxErrors', '--out', out]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(readFileSync(`${out}.svg`, 'utf8')).toContain('<svg');
    expect(readFileSync(`${out}.png`).subarray(1, 4).toString()).toBe('PNG');
    const bad = await cli(['chart', referenceDir, '--kind', 'heatmap', '--metric', 'requests.errorRate', '--x', 'nope', '--y', 'versions.istio']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--x: no varied parameter "nope"/);
  });
});
