/** Growing typed arrays: the pools of the hot paths grow by copying into a larger array. */

export type GrowableArray = Int32Array | Uint32Array | Float64Array | Uint8Array;

/** A copy of `a` with length `n` (≥ a.length), the new tail zeroed. */
export function grownTo<T extends GrowableArray>(a: T, n: number): T {
  const b = new (a.constructor as new (length: number) => T)(n);
  b.set(a);
  return b;
}
