/**
 * Endpoint latency distributions, compiled once from the scenario into a kind code plus a
 * Float64Array of parameters, and sampled per attempt without allocating.
 *
 * Parameterisations:
 * - constant v:            v
 * - uniform [min, max]:    min + (max − min)·U
 * - exponential mean m:    −m·ln(1 − U)
 * - lognormal (median, p99): mu = ln(median), sigma = (ln(p99) − mu) / z₀.₉₉ with
 *                          z₀.₉₉ = 2.3263478740408408, so median and p99 are exact; sample exp(mu + sigma·N)
 * - empirical quantiles:   inverse CDF linear between the given (q, v) points, starting from
 *                          (0, first value) unless q = 0 is given; the last q is 1 (schema-checked).
 */
import type { RandomStream } from '../engine/random.ts';
import type { LatencySpec } from '../config/scenario.ts';

export const LATENCY_CONSTANT = 0;
export const LATENCY_UNIFORM = 1;
export const LATENCY_EXPONENTIAL = 2;
export const LATENCY_LOGNORMAL = 3;
export const LATENCY_EMPIRICAL = 4;

/** Standard normal quantile at 0.99. */
export const Z_099 = 2.3263478740408408;

export interface LatencyModel {
  readonly kind: number;
  /**
   * constant [v]; uniform [min, width]; exponential [mean]; lognormal [mu, sigma];
   * empirical [q0, v0, q1, v1, ...] with q0 = 0 and the last q = 1.
   */
  readonly params: Float64Array;
}

export function compileLatency(spec: LatencySpec): LatencyModel {
  switch (spec.kind) {
    case 'constant':
      return { kind: LATENCY_CONSTANT, params: Float64Array.of(spec.valueMs) };
    case 'uniform':
      return { kind: LATENCY_UNIFORM, params: Float64Array.of(spec.minMs, spec.maxMs - spec.minMs) };
    case 'exponential':
      return { kind: LATENCY_EXPONENTIAL, params: Float64Array.of(spec.meanMs) };
    case 'lognormal': {
      const mu = Math.log(spec.medianMs);
      return { kind: LATENCY_LOGNORMAL, params: Float64Array.of(mu, (Math.log(spec.p99Ms) - mu) / Z_099) };
    }
    case 'empirical': {
      const points = spec.quantiles[0][0] === 0 ? spec.quantiles : [[0, spec.quantiles[0][1]] as [number, number], ...spec.quantiles];
      const params = new Float64Array(points.length * 2);
      points.forEach(([q, v], i) => {
        params[2 * i] = q;
        params[2 * i + 1] = v;
      });
      return { kind: LATENCY_EMPIRICAL, params };
    }
  }
}

/** Inverse CDF of an empirical model at u in [0, 1): binary search on the quantile points. */
function empiricalQuantile(p: Float64Array, u: number): number {
  let lo = 0;
  let hi = (p.length >> 1) - 1; // index of the last point (q = 1)
  // Invariant: q[lo] <= u < q[hi].
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (p[2 * mid] <= u) lo = mid;
    else hi = mid;
  }
  const q0 = p[2 * lo];
  const v0 = p[2 * lo + 1];
  return v0 + ((u - q0) / (p[2 * hi] - q0)) * (p[2 * hi + 1] - v0);
}

/** One latency draw in ms. Uses 1 uniform (2 for lognormal: Box–Muller), 0 for constant. */
export function sampleLatencyMs(model: LatencyModel, rng: RandomStream): number {
  const p = model.params;
  switch (model.kind) {
    case LATENCY_CONSTANT:
      return p[0];
    case LATENCY_UNIFORM:
      return p[0] + p[1] * rng.uniform();
    case LATENCY_EXPONENTIAL:
      return rng.exponential(p[0]);
    case LATENCY_LOGNORMAL:
      return Math.exp(p[0] + p[1] * rng.normal());
    default:
      return empiricalQuantile(p, rng.uniform());
  }
}

/** The model's quantile function (exact for every kind; for reports and tests). */
export function latencyQuantileMs(model: LatencyModel, q: number): number {
  const p = model.params;
  switch (model.kind) {
    case LATENCY_CONSTANT:
      return p[0];
    case LATENCY_UNIFORM:
      return p[0] + p[1] * q;
    case LATENCY_EXPONENTIAL:
      return -Math.log(1 - q) * p[0];
    case LATENCY_LOGNORMAL:
      return Math.exp(p[0] + p[1] * normalQuantile(q));
    default:
      return q >= 1 ? p[p.length - 1] : empiricalQuantile(p, q);
  }
}

/** Acklam's rational approximation of the standard normal quantile (relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}
