/**
 * `failsim playground [--port N] [--no-open] [--rebuild]`: serves the browser playground
 * (web/dist/index.html, built on first use by web/build.ts) on localhost and opens it in a browser
 * when the machine has one. The page is self-contained: the server only hands out that one file.
 */
import type { Command } from 'commander';
import type { CommandContext } from './main.ts';

export interface PlaygroundOptions {
  port: string;
  open: boolean;
  rebuild?: boolean;
}

export const DEFAULT_PLAYGROUND_PORT = 8737;

export function addPlaygroundCommand(program: Command, ctx: CommandContext): void {
  program
    .command('playground')
    .summary('serve the browser playground on localhost')
    .description(
      'Serve the browser playground (one self-contained page: paste Istio or Envoy YAML, pick an incident, ' +
        'run, see the timeline, share a link) on http://127.0.0.1:PORT/ and open it in a browser when the ' +
        'machine has one. The page also works opened directly from web/dist/index.html (npm run build:web).',
    )
    .option('--port <n>', 'port on 127.0.0.1 (0: any free port)', String(DEFAULT_PLAYGROUND_PORT))
    .option('--no-open', 'do not open a browser')
    .option('--rebuild', 'rebuild web/dist/index.html first')
    // The server and the page build load only when the command runs (src/cli/main.ts: start-up).
    .action(async (opts: PlaygroundOptions) => (await import('./playground-action.ts')).playgroundAction(ctx, opts));
}
