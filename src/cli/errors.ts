/**
 * The CLI's error boundary. Every failure a user can cause ends as one `failsim:` message and exit 2;
 * exit 70 (EX_SOFTWARE) is left for genuine bugs, and then the message asks for a report instead of
 * dumping a stack trace (FAILSIM_DEBUG=1 prints it).
 *
 * The user-error type itself lives in src/config (the lowest layer) so every layer can throw it.
 */
import { UserError } from '../config/errors.ts';
import { OutlierConfigError } from '../envoy/outlier/config.ts';
import { IstioConfigError } from '../istio/diagnostics.ts';
import { MissingChartFontError } from '../report/missing-chart-font.ts';

export { UserError, located } from '../config/errors.ts';

/** What an operating-system error code means, in words. */
const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a part of the path is not a directory',
  EISDIR: 'is a directory',
  EEXIST: 'already exists',
  ENOSPC: 'no space left on the device',
  EROFS: 'read-only file system',
  EDQUOT: 'disk quota exceeded',
  ENAMETOOLONG: 'file name too long',
  ELOOP: 'too many symbolic links',
  EMFILE: 'too many open files',
  EBUSY: 'resource busy',
};

function fileErrorMessage(e: NodeJS.ErrnoException): string {
  const verb = e.syscall === 'mkdir' ? 'cannot create the directory' : e.syscall === 'open' || e.syscall === 'read' ? 'cannot open' : `cannot ${e.syscall ?? 'access'}`;
  return `${e.path}: ${verb} (${e.code}: ${ERRNO_TEXT[e.code!] ?? e.message})`;
}

/**
 * The user error an exception stands for, or undefined when it is a bug. Besides UserError: invalid
 * mesh configuration that reached the CLI unconverted, a missing chart font, and file-system errors
 * on a path the user named (unwritable --out, a file where a directory is expected, a full disk).
 */
export function asUserError(e: unknown): UserError | undefined {
  if (e instanceof UserError) return e;
  if (e instanceof IstioConfigError || e instanceof MissingChartFontError) return new UserError(e.message);
  if (e instanceof OutlierConfigError) return new UserError(`outlier_detection: ${e.message}`);
  const errno = e as NodeJS.ErrnoException;
  if (errno instanceof Error && typeof errno.code === 'string' && typeof errno.path === 'string' && errno.code in ERRNO_TEXT) {
    return new UserError(fileErrorMessage(errno));
  }
  return undefined;
}

/** The message for a bug: what happened, and a request to report it. */
export function internalErrorMessage(e: unknown, debug: boolean): string {
  const err = e instanceof Error ? e : new Error(String(e));
  const lines = [
    `failsim: internal error: ${err.name}: ${err.message.split('\n')[0]}`,
    'failsim: this is a bug in failsim, not a problem with your input. Please report it with the command line and the',
    `failsim: input files that caused it${debug ? '.' : ' (run again with FAILSIM_DEBUG=1 to include the stack trace).'}`,
  ];
  if (debug && err.stack) lines.push(err.stack);
  return `${lines.join('\n')}\n`;
}

/**
 * Characters that must not reach a terminal raw: C0/C1 controls (but newline and tab), bidirectional
 * overrides and other invisible format characters (U+202E can make `a.example.com` print as
 * `moc.elpmaxe.a`), and line/paragraph separators. Names in user files are printed, so every byte
 * the CLI writes goes through `escapeForTerminal`.
 */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

/**
 * Escapes unsafe characters as `\uXXXX` (JSON's escape, so JSON output stays valid and means the same).
 * Newlines and tabs pass.
 */
export function escapeForTerminal(text: string): string {
  return text.replace(UNSAFE, (c) => {
    if (c === '\n' || c === '\t') return c;
    let out = '';
    for (let i = 0; i < c.length; i++) out += `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`;
    return out;
  });
}
