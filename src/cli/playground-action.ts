/** What `failsim playground` does (its options: playground-command.ts): build the page if stale, serve it, open a browser. */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PlaygroundOptions } from './playground-command.ts';
import { UserError } from './errors.ts';
import type { CommandContext } from './main.ts';

/**
 * The package's root: the nearest folder up from this module with failsim's package.json (this file
 * runs from src/cli/ through tsx, or from the prebuilt bundle in dist/).
 */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    try {
      if ((JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name === 'failsim') return dir;
    } catch {
      // no package.json here: keep walking up
    }
    dir = dirname(dir);
  }
  throw new UserError('cannot find the failsim package folder (for web/dist/index.html)');
}

/** Inputs of the page: a change to any of them since the build makes the built page stale. */
const PAGE_SOURCES = ['web/src', 'web/build.ts', 'src', 'models', 'package-lock.json'];

/** The latest modification time (ms) of the page's inputs under `root`. */
function newestSource(root: string): number {
  let newest = 0;
  const visit = (path: string): void => {
    const st = statSync(path, { throwIfNoEntry: false });
    if (!st) return;
    if (st.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
    else newest = Math.max(newest, st.mtimeMs);
  };
  for (const p of PAGE_SOURCES) visit(join(root, p));
  return newest;
}

/**
 * The built page, built first when it is missing or older than its sources (or when asked to). The
 * build runs as `npm run build:web` does, in a child process: web/build.ts is TypeScript and drives
 * esbuild, which the prebuilt CLI bundle neither contains nor could.
 */
function playgroundPage(rebuild: boolean, ctx: CommandContext): string {
  const root = packageRoot();
  const page = join(root, 'web', 'dist', 'index.html');
  if (rebuild || !existsSync(page) || newestSource(root) > statSync(page).mtimeMs) {
    ctx.stderr('building the playground page (npm run build:web)…\n');
    const build = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'web', 'build.ts'), page], { cwd: root, encoding: 'utf8' });
    if (build.status !== 0) {
      throw new UserError(`building the playground page failed (npm run build:web needs the devDependencies, esbuild among them):\n${build.stderr.trim()}`);
    }
  }
  return readFileSync(page, 'utf8');
}

/** A command that opens a URL in the desktop's browser, or undefined when there is no desktop. */
function browserOpener(): string[] | undefined {
  if (process.platform === 'darwin') return ['open'];
  if (process.platform === 'win32') return ['cmd', '/c', 'start', '""'];
  if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return undefined;
  const onPath = (name: string): boolean => (process.env.PATH ?? '').split(delimiter).some((d) => d !== '' && existsSync(join(d, name)));
  return onPath('xdg-open') ? ['xdg-open'] : undefined;
}

/** Serves `html` at / on 127.0.0.1:port (0 = any free port); resolves once listening. */
export function servePage(html: string, port: number): Promise<Server> {
  const body = Buffer.from(html);
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split(/[?#]/)[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
    } else if (path === '/' || path === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': body.length, 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
    } else {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('failsim playground: only / is served\n');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

export async function playgroundAction(ctx: CommandContext, opts: PlaygroundOptions): Promise<void> {
  if (!/^\d+$/.test(opts.port) || Number(opts.port) > 65535) throw new UserError(`--port: expected a port number 0–65535 (got "${opts.port}")`);
  const html = playgroundPage(opts.rebuild === true, ctx);
  let server: Server;
  try {
    server = await servePage(html, Number(opts.port));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(
      code === 'EADDRINUSE' ? `--port ${opts.port}: the port is in use (try --port 0 for any free port)` : `cannot listen on port ${opts.port} (${code ?? String(e)})`,
    );
  }
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : opts.port}/`;
  ctx.stdout(`failsim playground: ${url}  (Ctrl+C stops it)\n`);
  const opener = opts.open ? browserOpener() : undefined;
  if (opener) {
    const [cmd, ...args] = opener;
    spawn(cmd, [...args, url], { stdio: 'ignore', detached: true }).on('error', () => ctx.stderr(`could not start ${cmd}: open ${url} yourself\n`)).unref();
  } else if (opts.open) {
    ctx.stderr('no browser found on this machine: open the address above in one\n');
  }
  await new Promise<void>((resolve) => {
    server.on('close', resolve);
    const stop = (): void => {
      server.close();
      server.closeAllConnections(); // a browser's keep-alive connection would hold close() open
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
