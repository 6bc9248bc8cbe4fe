/**
 * A sweep directory holds one shard (or the whole sweep) for good, and a merge never writes into one
 * of its inputs: both mistakes used to be accepted and broke the merge later.
 */
import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ISTIO, SCENARIO, workspace } from './cli-helper.ts';

const ws = workspace();
ws.write({
  'istio.yaml': ISTIO,
  'scenario.yaml': SCENARIO.replace('duration: 10s', 'duration: 2s'),
  'exp.yaml': 'name: tiny\nscenario: scenario.yaml\nreplications: 2\nseed: 1\nvary:\n  clients[0].rate: [5/s, 10/s]\nmetrics: [requests.errorRate]\n',
});
const sweep = (...args: string[]) => ws.run(['sweep', 'exp.yaml', '--workers', '1', '--no-progress', '--no-charts', ...args]);

describe('sweep shards and merge', () => {
  it('a shard directory records its shard and refuses to be resumed as another', async () => {
    expect((await sweep('--shard', '0/2', '--out', 's0')).code).toBe(0);
    expect(JSON.parse(readFileSync(join(ws.dir, 's0', 'shard.json'), 'utf8'))).toEqual({ shard: '0/2' });
    const other = await sweep('--shard', '1/2', '--out', 's0', '--resume');
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/^failsim: s0 holds shard 0\/2 of this sweep, not shard 1\/2: resume it with --shard 0\/2, or give shard 1\/2 another --out/);
    const whole = await sweep('--out', 's0', '--resume');
    expect(whole.code).toBe(2);
    expect(whole.stderr).toMatch(/s0 holds shard 0\/2 of this sweep, not the whole sweep/);
    expect((await sweep('--shard', '0/2', '--out', 's0', '--resume')).code).toBe(0);
  });

  it('a whole-sweep directory refuses to be resumed as a shard', async () => {
    expect((await sweep('--out', 'all')).code).toBe(0);
    expect(existsSync(join(ws.dir, 'all', 'shard.json'))).toBe(false);
    const r = await sweep('--shard', '1/2', '--out', 'all', '--resume');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/all holds the whole sweep of this sweep, not shard 1\/2: resume it with no --shard/);
  });

  it('merge refuses an output that is one of its inputs, however it is spelled', async () => {
    expect((await sweep('--shard', '1/2', '--out', 's1')).code).toBe(0);
    const before = readFileSync(join(ws.dir, 's1', 'results.jsonl'), 'utf8');
    symlinkSync(join(ws.dir, 's1'), join(ws.dir, 'link-to-s1'));
    for (const out of ['s1', './s1/', 'link-to-s1']) {
      const r = await ws.run(['merge', 's0', 's1', '--out', out, '--no-charts']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^failsim: merge: --out .* is one of the directories to merge \(s1\)/);
    }
    expect(readFileSync(join(ws.dir, 's1', 'results.jsonl'), 'utf8')).toBe(before);
    const ok = await ws.run(['merge', 's0', 's1', '--out', 'merged', '--no-charts']);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
  });
});
