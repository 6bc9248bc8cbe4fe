/**
 * YAML that the `yaml` package reports by throwing (unresolved aliases, alias bombs, bad merge keys)
 * and object-machinery path segments (`__proto__`, `prototype`, `constructor`) end in exit 2 with a
 * `failsim:` message naming the file and line, in every file kind and in `--set`.
 */
import { describe, expect, it } from 'vitest';
import { ISTIO, SCENARIO, workspace } from './cli-helper.ts';

const ws = workspace();
ws.write({ 'istio.yaml': ISTIO, 'scenario.yaml': SCENARIO });

function expectUserError(r: { code: number; stderr: string }, pattern: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/^failsim: /);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack frames
}

const BOMB = `a: &a [x, x, x, x, x, x, x, x, x, x]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
`;

describe('YAML aliases', () => {
  it('an unresolved alias (a value redacted as ***) names file, line and the fix', async () => {
    ws.write({ 'redacted.yaml': SCENARIO.replace('duration: 10s', 'duration: 10s\nseed: ***') });
    const r = await ws.run(['run', 'redacted.yaml']);
    expectUserError(r, /redacted\.yaml:4:7: invalid YAML: alias \*\*\* refers to no anchor/);
    expect(r.stderr).toMatch(/quote it/);
  });

  it('in the Istio file, the Envoy file, an experiment and a --set value alike', async () => {
    ws.write({
      'istio-redacted.yaml': ISTIO.replace('consecutive5xxErrors: 1', 'consecutive5xxErrors: *x'),
      's-redacted-istio.yaml': SCENARIO.replace('istio.yaml', 'istio-redacted.yaml'),
      'envoy.yaml': 'name: c\nconnect_timeout: *t\n',
      'exp.yaml': 'name: e\nscenario: scenario.yaml\nreplications: *r\n',
    });
    expectUserError(await ws.run(['run', 's-redacted-istio.yaml']), /istio-redacted\.yaml:\d+:\d+: invalid YAML: alias \*x/);
    expectUserError(await ws.run(['explain', 'istio-redacted.yaml']), /istio-redacted\.yaml:\d+:\d+: invalid YAML: alias \*x/);
    expectUserError(await ws.run(['explain', 'envoy.yaml']), /envoy\.yaml:2:18: invalid YAML: alias \*t/);
    expectUserError(await ws.run(['sweep', 'exp.yaml', '--no-progress']), /exp\.yaml:3:15: invalid YAML: alias \*r/);
    expectUserError(await ws.run(['run', 'scenario.yaml', '--set', 'seed=*s']), /--set seed=\*s: invalid YAML: alias \*s/);
  });

  it('an alias bomb is refused before it expands', async () => {
    ws.write({ 'bomb.yaml': SCENARIO + BOMB, 'istio-bomb.yaml': `${BOMB}---\n${ISTIO}` });
    expectUserError(await ws.run(['run', 'bomb.yaml']), /bomb\.yaml: invalid YAML: aliases expand to more than \d+ nodes/);
    expectUserError(await ws.run(['explain', 'istio-bomb.yaml']), /istio-bomb\.yaml: invalid YAML: aliases expand/);
  });

  it('merge keys work as in Kubernetes, and a merge of a scalar is a clear error', async () => {
    ws.write({
      'merged.yaml': SCENARIO.replace(
        /clients:[\s\S]*/,
        'clients:\n  - &east { locality: us-east1, rate: 20/s }\n  - <<: *east\n    replicas: 2\n',
      ),
      'bad-merge.yaml': SCENARIO.replace(/clients:[\s\S]*/, 'clients:\n  - <<: 5\n    locality: us-east1\n    rate: 1/s\n'),
    });
    const ok = await ws.run(['run', 'merged.yaml', '--json']);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    const summary = JSON.parse(ok.stdout);
    // The merged group inherits locality and rate: two groups of 20/s each.
    const groups = summary.requests.byClientGroup;
    expect(groups).toHaveLength(2);
    expect(groups[1].locality).toBe('us-east1');
    expect(groups[1].total).toBeGreaterThan(100);
    expectUserError(await ws.run(['run', 'bad-merge.yaml']), /bad-merge\.yaml: invalid YAML: a merge key \(<<\) must name a mapping/);
  });
});

describe('path segments that name object machinery', () => {
  for (const key of ['__proto__', 'prototype', 'constructor']) {
    it(`--set rejects ${key} anywhere in a path`, async () => {
      for (const set of [`${key}.x=1`, `clients[0].${key}.x=1`, `clients[0]["${key}"]=1`, `DestinationRule/dr:spec.${key}=1`]) {
        expectUserError(await ws.run(['run', 'scenario.yaml', '--set', set]), new RegExp(`"${key}" is not a field name`));
      }
    });
  }

  it('an experiment parameter or metric with such a segment is rejected', async () => {
    ws.write({
      'exp-proto.yaml': 'name: e\nscenario: scenario.yaml\nreplications: 1\nseed: 1\nvary:\n  clients[0].__proto__.rate: [1/s, 2/s]\nmetrics: [errorRate]\n',
      'exp-metric.yaml': 'name: e\nscenario: scenario.yaml\nreplications: 1\nseed: 1\nvary:\n  duration: [5s]\nmetrics: [incidents.constructor]\n',
    });
    expectUserError(await ws.run(['sweep', 'exp-proto.yaml', '--no-progress']), /exp-proto\.yaml: vary\["clients\[0\]\.__proto__\.rate"\]: .*"__proto__" is not a field name/);
    expectUserError(await ws.run(['sweep', 'exp-metric.yaml', '--no-progress']), /exp-metric\.yaml: .*"constructor" is not a field name/);
  });

  it('such keys inside a file or a --set value are unknown fields, and no prototype changes', async () => {
    const r = await ws.run(['run', 'scenario.yaml', '--set', 'clients[0]={__proto__: {polluted: 1}, locality: us-east1, rate: 1/s}']);
    expectUserError(r, /clients\[0\]\.__proto__: unknown field/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('YAML keys', () => {
  it('a list or mapping as a key is an error with its line, and no library warning reaches the terminal', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    try {
      ws.write({
        'list-key.yaml': `${SCENARIO}? [a, b]\n: 1\n`,
        'binary-key.yaml': `${SCENARIO}!!binary aGVsbG8=: 1\n`,
      });
      expectUserError(await ws.run(['run', 'list-key.yaml']), /list-key\.yaml:7:3: invalid YAML: a key must be text, not a list/);
      const binary = await ws.run(['run', 'binary-key.yaml']);
      expect(binary.code).toBe(2);
      expect(binary.stderr).toMatch(/^failsim: binary-key\.yaml: .*unknown field/);
      await new Promise((r) => setImmediate(r));
      expect(warnings).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
