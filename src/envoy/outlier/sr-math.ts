/**
 * The success-rate threshold (spec §6.1 step 4; DetectorImpl::successRateEjectionThreshold), computed
 * in IEEE doubles in Envoy's order so results match bit for bit (spec §14.6).
 */

export interface SuccessRateThreshold {
  mean: number;
  threshold: number;
}

/**
 * mean = sum / n; variance = Σ(rate − mean)² / n (population); threshold = mean − factor · √variance.
 * `rates[0..n)` are the qualifying hosts' rates in list order, `sum` their running sum (accumulated by
 * the caller in the same order), `stdevFactor` already divided by 1000 (1900 → 1.9).
 */
export function successRateEjectionThreshold(
  sum: number,
  rates: ArrayLike<number>,
  n: number,
  stdevFactor: number,
): SuccessRateThreshold {
  const mean = sum / n;
  let variance = 0;
  for (let i = 0; i < n; i++) {
    const d = rates[i] - mean;
    // std::pow(d, 2) is correctly rounded, hence equal to d * d.
    variance += d * d;
  }
  variance /= n;
  const stdev = Math.sqrt(variance);
  return { mean, threshold: mean - stdevFactor * stdev };
}

/** A host's rate as Envoy computes it: success · 100.0 / total (a double). */
export function successRatePercent(success: number, total: number): number {
  return (success * 100.0) / total;
}
