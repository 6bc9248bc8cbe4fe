/**
 * A mitigation that never happened (the client error rate never reached the threshold) reads the same
 * in the HTML report as in the CLI summary: "never reached", not the one-bucket "1000 ms".
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runReportPage } from '../../src/report/run-report.ts';
import { ISTIO, SCENARIO, workspace } from './cli-helper.ts';

const ws = workspace();
ws.write({
  'istio.yaml': ISTIO,
  // 0.1 % of requests fail during the fault: the error rate stays under the 1 % threshold.
  'mild.yaml': `${SCENARIO.replace('rate: 20/s', 'rate: 200/s')}faults:\n  - { endpoint: a.example.com, from: 2s, until: 8s, kind: http-error, code: 503, rate: 0.001 }\n`,
});

describe('mitigation never reached', () => {
  it('the CLI and the HTML report both say the threshold was never reached', async () => {
    const json = await ws.run(['run', 'mild.yaml', '--json']);
    expect(json.code).toBe(0);
    const summary = JSON.parse(json.stdout);
    const incident = summary.incidents[0];
    expect(incident.mitigationMs).toBeLessThanOrEqual(summary.metricSettings.bucketMs);

    const text = await ws.run(['run', 'mild.yaml', '--out', 'run']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/mitigation error rate never reached 1\.00%/);

    const page = runReportPage(join(ws.dir, 'run'));
    const table = [...page.before, ...(page.after ?? [])].find((s) => s.heading.startsWith('Incidents'));
    expect(table).toBeDefined();
    const columns = (table as { columns: string[] }).columns;
    const row = (table as { rows: unknown[][] }).rows[0];
    expect(row[columns.indexOf('mitigation')]).toBe('error rate never reached 1%');
  });
});
