/**
 * The `failsim` command line. Each subcommand lives in its own module; this file wires them and turns
 * user errors into one message on stderr and a non-zero exit code (never a stack trace).
 *
 * Start-up: a command's options and help (`<name>-command.ts`, commander only) are declared eagerly,
 * so `failsim --help` and `failsim <command> --help` list everything; what a command does
 * (`<name>-action.ts`: the simulator, the Istio translation, sweeps, charts…) is imported when the
 * command runs. In the prebuilt bundle (scripts/build-cli.mjs) each such import is a lazy module
 * initialiser, so `failsim run` evaluates only the code a run needs (experiments/perf/cli-startup.md).
 */
import { Command, CommanderError } from 'commander';
import type { RunLimits } from '../sim/limits.ts';
import { asUserError, escapeForTerminal, internalErrorMessage } from './errors.ts';
import { addConformanceCommand } from './conformance-command.ts';
import { addRunCommand } from './run-command.ts';
import { addExplainCommand } from './explain-command.ts';
import { addSweepCommand } from './sweep-command.ts';
import { addReportCommand } from './report-command.ts';
import { addPlaygroundCommand } from './playground-command.ts';
import { addCheckCommand } from './check-command.ts';
import { addTuneCommand } from './tune-command.ts';
import { addInitCommand } from './init-command.ts';

export interface CommandContext {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  setExitCode: (code: number) => void;
  /** Run-size limits (default RUN_LIMITS; tests and the fuzz test set tighter ones). */
  limits?: RunLimits;
}

export function buildProgram(ctx: CommandContext): Command {
  const program = new Command();
  program
    .name('failsim')
    .description(
      'Deterministic discrete-event simulator for Istio/Envoy failover policies.\n' +
        'Replays Envoy outlier detection and locality-priority load balancing exactly.',
    )
    .showHelpAfterError()
    .configureOutput({ writeOut: ctx.stdout, writeErr: ctx.stderr })
    .exitOverride();
  addRunCommand(program, ctx);
  addConformanceCommand(program, ctx);
  addExplainCommand(program, ctx);
  addSweepCommand(program, ctx);
  addReportCommand(program, ctx);
  addPlaygroundCommand(program, ctx);
  addCheckCommand(program, ctx);
  addTuneCommand(program, ctx);
  addInitCommand(program, ctx);
  return program;
}

/** Runs the CLI; returns the exit code: 0, 2 for anything the user can fix, 70 for a bug in failsim. */
export async function main(argv: string[], ctx?: Partial<CommandContext>): Promise<number> {
  let exitCode = 0;
  const out = ctx?.stdout ?? ((t) => process.stdout.write(t));
  const err = ctx?.stderr ?? ((t) => process.stderr.write(t));
  const context: CommandContext = {
    // Names from user files are printed: no raw control or bidi characters reach the terminal.
    stdout: (t) => out(escapeForTerminal(t)),
    stderr: (t) => err(escapeForTerminal(t)),
    setExitCode: (code) => {
      exitCode = code;
    },
    limits: ctx?.limits,
  };
  const program = buildProgram(context);
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here with code 0; usage errors were already printed by commander.
      return e.exitCode === 0 ? 0 : 2;
    }
    const user = asUserError(e);
    if (user !== undefined) {
      context.stderr(`failsim: ${user.message}\n`);
      return user.exitCode;
    }
    context.stderr(internalErrorMessage(e, process.env.FAILSIM_DEBUG !== undefined && process.env.FAILSIM_DEBUG !== ''));
    return 70;
  }
}
