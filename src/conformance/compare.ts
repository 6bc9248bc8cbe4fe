/** Small helpers to describe differences between expected and actual values. */

export function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b || (Number.isNaN(a) && Number.isNaN(b));
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Adds "what: expected X, got Y" to `out` when they differ. */
export function expectEqual(out: string[], what: string, expected: unknown, actual: unknown): void {
  if (!sameValue(expected, actual)) {
    out.push(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

/** Like expectEqual for floating values, with an absolute tolerance. */
export function expectClose(out: string[], what: string, expected: number, actual: number, tol = 1e-9): void {
  if (!(Math.abs(expected - actual) <= tol)) {
    out.push(`${what}: expected ${expected}, got ${actual}`);
  }
}
