/**
 * Checks an output directory the user named (`run --out`, `sweep --out`, `merge --out`) before any
 * work starts, so that a file in its place or an unwritable parent is a clear error at once rather
 * than a failure after a long run.
 */
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UserError } from './errors.ts';

function statOrUndefined(path: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Makes sure `dir` is a writable directory, creating it (and missing parents) one level at a time:
 * Node's recursive mkdir loops for ever under some paths (e.g. /proc/x), so it is not used here.
 * Every problem is a UserError naming the flag.
 */
export function prepareOutputDir(dir: string, flag: string): void {
  const path = resolve(dir);
  const here = statOrUndefined(path);
  if (here !== undefined && !here.isDirectory()) {
    throw new UserError(`${flag} ${dir}: exists and is not a directory (expected a directory to write into; it is created when missing)`);
  }
  // The nearest existing ancestor must be a directory we may write into.
  let existing = path;
  while (statOrUndefined(existing) === undefined && dirname(existing) !== existing) existing = dirname(existing);
  const st = statOrUndefined(existing);
  if (st !== undefined && !st.isDirectory()) {
    throw new UserError(`${flag} ${dir}: ${existing} is a file, so the directory cannot be created`);
  }
  try {
    accessSync(existing, constants.W_OK);
  } catch {
    throw new UserError(`${flag} ${dir}: ${existing} is not writable`);
  }
  const missing: string[] = [];
  for (let p = path; p !== existing; p = dirname(p)) missing.unshift(p);
  for (const p of missing) {
    try {
      mkdirSync(p);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' && statOrUndefined(p)?.isDirectory()) continue;
      throw new UserError(`${flag} ${dir}: cannot create ${p} (${code ?? String(e)})`);
    }
  }
}
