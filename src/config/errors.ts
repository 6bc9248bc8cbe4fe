/**
 * A problem with the user's input: printed by the CLI as one clear message and a non-zero exit,
 * never a stack trace; the message names the file and the path inside it. Defined in the lowest
 * layer so that every layer can throw it.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = 2,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** Formats `file: path: message` the same way everywhere. */
export function located(file: string | undefined, path: string | undefined, message: string): string {
  const parts = [file, path].filter((p) => p !== undefined && p !== '');
  return parts.length ? `${parts.join(': ')}: ${message}` : message;
}
