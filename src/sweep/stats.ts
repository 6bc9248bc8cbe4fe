/**
 * Mean and 95% confidence interval of a metric over a point's replications: mean ± t(0.975, n−1) ·
 * s/√n with s the sample standard deviation (Student's t, as replications are few).
 */
import { mean, sampleStandardDeviation } from 'simple-statistics';

/** t(0.975, df) for df = 1..30 (standard table values). */
const T975 = [
  12.706204736, 4.302652730, 3.182446305, 2.776445105, 2.570581836, 2.446911851, 2.364624252, 2.306004135,
  2.262157163, 2.228138852, 2.200985160, 2.178812830, 2.160368656, 2.144786688, 2.131449546, 2.119905299,
  2.109815578, 2.100922040, 2.093024054, 2.085963447, 2.079613845, 2.073873068, 2.068657610, 2.063898562,
  2.059538553, 2.055529439, 2.051830516, 2.048407142, 2.045229642, 2.042272456,
];
const Z975 = 1.959963984540054;

/**
 * The 97.5% quantile of Student's t with `df` degrees of freedom. Past the table, the Cornish–Fisher
 * expansion in 1/df around the normal quantile (Abramowitz & Stegun 26.7.5), accurate to ~1e-7 there.
 */
export function tQuantile975(df: number): number {
  if (!Number.isInteger(df) || df < 1) throw new RangeError(`degrees of freedom must be a positive integer (got ${df})`);
  if (df <= T975.length) return T975[df - 1];
  const z = Z975;
  const z3 = z ** 3;
  const z5 = z ** 5;
  const z7 = z ** 7;
  const z9 = z ** 9;
  return (
    z +
    (z3 + z) / (4 * df) +
    (5 * z5 + 16 * z3 + 3 * z) / (96 * df ** 2) +
    (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * df ** 3) +
    (79 * z9 + 776 * z7 + 1482 * z5 - 1920 * z3 - 945 * z) / (92160 * df ** 4)
  );
}

export interface IntervalSummary {
  /** Replications with a numeric value. */
  n: number;
  /** Replications where the metric was null, missing or not a number (e.g. no detection happened). */
  nulls: number;
  mean: number | null;
  /** 95% interval bounds; null with fewer than two values. */
  low: number | null;
  high: number | null;
}

export function summarizeValues(values: readonly unknown[]): IntervalSummary {
  const xs = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const nulls = values.length - xs.length;
  if (xs.length === 0) return { n: 0, nulls, mean: null, low: null, high: null };
  const m = mean(xs);
  if (xs.length < 2) return { n: 1, nulls, mean: m, low: null, high: null };
  const half = (tQuantile975(xs.length - 1) * sampleStandardDeviation(xs)) / Math.sqrt(xs.length);
  return { n: xs.length, nulls, mean: m, low: m - half, high: m + half };
}
