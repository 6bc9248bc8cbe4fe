import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { cli, fixture, tempDir } from './helpers.ts';

const DR = 'DestinationRule/mydynamodb:spec.trafficPolicy.outlierDetection';

function experiment(body: string): string {
  const dir = tempDir('failsim-exp-');
  // The scenario is named relative to the experiment file: point at the fixture by absolute path.
  const file = join(dir, 'exp.yaml');
  writeFileSync(file, body.replace('SCENARIO', fixture('short.yaml')));
  return file;
}

const base = (vary: string, extra = '') => `name: bad\nscenario: SCENARIO\nreplications: 1\n${extra}vary:\n${vary}\n`;

describe('experiment files: errors exit 2 and name the file and the path', () => {
  test.each([
    ['unknown resource', base(`  DestinationRule/nope:spec.trafficPolicy.outlierDetection.interval: [1s]`), /exp\.yaml: vary\["DestinationRule\/nope:spec\.trafficPolicy\.outlierDetection\.interval"\]\[0\]: no DestinationRule named "nope"/],
    ['unknown resource field', base(`  ${DR}.intervall: [1s]`), /exp\.yaml: vary\[".*intervall"\]\[0\]: .*intervall: unknown field/],
    ['unknown scenario field', base(`  clients[0].rat: [5]`), /exp\.yaml: vary\["clients\[0\]\.rat"\]\[0\]: .*clients\[0\]\.rat: unknown field/],
    ['bad value', base(`  ${DR}.interval: [1s, 5x]`), /exp\.yaml: vary\[".*interval"\]\[1\]: /],
    ['empty list', base(`  ${DR}.interval: []`), /exp\.yaml: vary\[".*interval"\]: must list at least one value/],
    ['duplicate value', base(`  ${DR}.interval: [1s, 1s]`), /exp\.yaml: vary\[".*interval"\]\[1\]: 1s is listed twice/],
    ['seed varied', base(`  seed: [1, 2]`), /exp\.yaml: vary\.seed: the seed is set per replication/],
    ['unknown metric', base(`  ${DR}.interval: [1s]`, 'metrics: [requests.errorRat, bogus.x]\n'), /exp\.yaml: metrics\[1\]: unknown metric "bogus\.x"/],
    ['replications 0', `name: bad\nscenario: SCENARIO\nreplications: 0\nvary: {}\n`, /exp\.yaml: replications: must be at least 1/],
    ['missing scenario field', `name: bad\nreplications: 1\nvary: {}\n`, /exp\.yaml: scenario: is required/],
    ['unknown field', `name: bad\nscenario: SCENARIO\nreplications: 1\nvary: {}\nworkers: 3\n`, /exp\.yaml: workers: unknown field/],
    ['points that clash', base(`  duration: [30s, 10s]`), /exp\.yaml: vary\.duration\[1\]: .*faults\[0\]\.until: must not be after the end of the run/],
  ])('%s', async (_name, body, message) => {
    const r = await cli(['sweep', experiment(body), '--out', join(tempDir(), 'o'), '--no-progress']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
  });

  test('a missing scenario file names the experiment', async () => {
    const file = experiment(`name: x\nscenario: nowhere.yaml\nreplications: 1\nvary: {}\n`);
    const r = await cli(['sweep', file, '--no-progress']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/exp\.yaml: scenario: file not found/);
  });

  test('bad --shard and --workers', async () => {
    const file = fixture('small.yaml');
    expect((await cli(['sweep', file, '--shard', '2/2'])).err).toMatch(/--shard 2\/2: need 0 <= i < N/);
    expect((await cli(['sweep', file, '--workers', '0'])).err).toMatch(/--workers: expected a positive integer/);
  });
});
