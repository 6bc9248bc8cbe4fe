/**
 * Integer arithmetic on doubles for the hot paths.
 *
 * Random draws are integers in [0, 2^32) held as doubles (they do not fit a signed 32-bit int), so
 * `x % n` on them compiles to a call to C's fmod: about 20 ns, against about 2 ns for a division
 * and a floor (experiments/perf/simulation.md). `uintMod` gives the same result.
 */

/**
 * `x % n` for integers 0 ≤ x < 2^53 and n ≥ 1, computed as x − ⌊x/n⌋·n.
 *
 * Exact: with r = x/n not an integer, r lies at least 1/n below the next integer, while rounding
 * the quotient moves it by at most r·2^-53 = x/n·2^-53 < 1/n (x < 2^53); rounding is monotonic, so
 * it never reaches the next integer nor falls below ⌊r⌋, and ⌊x/n⌋ is exact. The product and the
 * difference are integers below 2^53, so exact too.
 */
export function uintMod(x: number, n: number): number {
  return x - Math.floor(x / n) * n;
}
