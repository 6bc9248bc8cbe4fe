/**
 * Turns zod issues into the messages failsim prints: `file: field.path: expectation (got X)`.
 * Paths use the same syntax as `--set`: `clients[0].rate`, `endpoints["db.example.com"].latency`.
 */
import type { z } from 'zod';

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** `faults[0].from`, `endpoints["a.b.com"].latency` from a list of keys. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && IDENTIFIER.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

/** A short rendering of a user value for messages: strings quoted, long values cut. */
export function showValue(value: unknown): string {
  let text: string;
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') text = JSON.stringify(value);
  else if (value === null) text = 'null';
  else if (Array.isArray(value)) text = 'a list';
  else if (typeof value === 'object') text = 'a mapping';
  else text = String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function describeType(expected: string): string {
  switch (expected) {
    case 'object':
      return 'a mapping';
    case 'array':
      return 'a list';
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'int':
      return 'an integer';
    case 'boolean':
      return 'true or false';
    default:
      return expected;
  }
}

type Issue = z.core.$ZodIssue;

/** One message per issue (without the file prefix), each `path: text`. */
export function issueMessages(issues: readonly Issue[], prefix: readonly PropertyKey[] = []): string[] {
  const out: string[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    const where = formatPath(path);
    const at = (text: string) => (where ? `${where}: ${text}` : text);
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys) out.push(`${formatPath([...path, key])}: unknown field`);
        break;
      case 'invalid_type': {
        const input = (issue as { input?: unknown }).input;
        if (input === undefined && !issue.message.startsWith('expected')) out.push(at('is required'));
        else if (issue.message.startsWith('Invalid input')) {
          out.push(at(`expected ${describeType(issue.expected)} (got ${showValue(input)})`));
        } else out.push(at(issue.message));
        break;
      }
      case 'invalid_union': {
        // Report the branch whose shape matched (its errors are not a type mismatch at the union's own
        // path); otherwise the union's own message, which each schema sets to name the accepted forms.
        const branches = issue.errors.filter(
          (branch) => !branch.every((i) => i.path.length === 0 && i.code === 'invalid_type'),
        );
        if (branches.length === 1) out.push(...issueMessages(branches[0], path));
        else out.push(at(issue.message));
        break;
      }
      case 'invalid_value':
        out.push(
          at(
            issue.message.startsWith('Invalid')
              ? `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')} (got ${showValue((issue as { input?: unknown }).input)})`
              : issue.message,
          ),
        );
        break;
      default:
        out.push(at(issue.message));
    }
  }
  return out;
}
