/**
 * `failsim playground`: serves the built page on 127.0.0.1 (building it when missing), only at /,
 * prints its address, stops cleanly on SIGTERM; a bad --port is a usage error.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { servePage } from '../../src/cli/playground-action.ts';
import { DEFAULT_OUT } from '../../web/build.ts';

const BIN = fileURLToPath(new URL('../../bin/failsim.mjs', import.meta.url));

describe('failsim playground', () => {
  test('the server answers / with the page, anything else with 404, and refuses other methods', async () => {
    const html = '<!DOCTYPE html><title>t</title>';
    const server = await servePage(html, 0);
    const address = server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    try {
      const page = await fetch(`${base}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await page.text()).toBe(html);
      expect((await fetch(`${base}/index.html?x=1`)).status).toBe(200);
      expect((await fetch(`${base}/../etc/passwd`)).status).toBe(404);
      expect((await fetch(`${base}/models/`)).status).toBe(404);
      expect((await fetch(`${base}/`, { method: 'POST', body: 'x' })).status).toBe(405);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  test('a bad --port is a usage error naming the option', async () => {
    let err = '';
    const code = await main(['node', 'failsim', 'playground', '--port', '70000', '--no-open'], { stdout: () => {}, stderr: (t) => (err += t) });
    expect(code).toBe(2);
    expect(err).toBe('failsim: --port: expected a port number 0–65535 (got "70000")\n');
  });

  test('npx failsim playground --port 0 --no-open rebuilds a stale web/dist/index.html, serves it, stops on SIGTERM', async () => {
    // A page older than its sources (here: a placeholder dated 2000) is rebuilt before it is served.
    mkdirSync(dirname(DEFAULT_OUT), { recursive: true });
    writeFileSync(DEFAULT_OUT, 'stale page');
    utimesSync(DEFAULT_OUT, new Date('2000-01-01'), new Date('2000-01-01'));
    const child = spawn(process.execPath, [BIN, 'playground', '--port', '0', '--no-open'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no address printed; stderr: ${err}`)), 90_000);
      child.stdout.on('data', (d) => {
        out += d;
        const m = /failsim playground: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      child.on('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
    });
    expect(err).toContain('building the playground page');
    const body = await (await fetch(url)).text();
    expect(body).toBe(readFileSync(DEFAULT_OUT, 'utf8'));
    expect(body).toContain('<title>failsim playground</title>');
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  }, 120_000);
});
