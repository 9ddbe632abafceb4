/** Order statistics and a tail fit for calibrating the detector on its training data. */

/** The finite values, sorted ascending. */
function sortedFinite(values: ArrayLike<number>): Float64Array {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) n++;
  const s = new Float64Array(n);
  let k = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(v)) s[k++] = v;
  }
  return s.sort();
}

function sortedQuantile(s: Float64Array, q: number): number {
  if (s.length === 0) return Number.NaN;
  const pos = Math.min(1, Math.max(0, q)) * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(s.length - 1, lo + 1);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

/** The q-quantile (0..1) of the finite values, linear between order statistics; NaN if none. */
export function quantile(values: ArrayLike<number>, q: number): number {
  return sortedQuantile(sortedFinite(values), q);
}

/**
 * Location and spread of one sensor's training values, robust to a few spikes: values outside the
 * 1st..99th percentiles are clipped to them before the mean and standard deviation are taken
 * (winsorising). Percentiles rather than the MAD because a quantised sensor may sit on one level
 * most of the time, which makes its MAD (and interquartile range) zero.
 */
export function robustLocationScale(
  values: ArrayLike<number>,
  clipShare = 0.01,
): { center: number; scale: number } {
  const s = sortedFinite(values);
  const n = s.length;
  if (n === 0) return { center: 0, scale: 0 };
  const lo = sortedQuantile(s, clipShare);
  const hi = sortedQuantile(s, 1 - clipShare);
  const clipped = (v: number) => Math.min(hi, Math.max(lo, v));
  let sum = 0;
  for (let i = 0; i < n; i++) sum += clipped(s[i]!);
  const center = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (clipped(s[i]!) - center) ** 2;
  return { center, scale: n > 1 ? Math.sqrt(ss / (n - 1)) : 0 };
}

/** An exponential fit of the upper tail of a statistic: P(T > t) = tailMass · exp(-(t - u) / beta). */
export interface ExponentialTail {
  /** The threshold the excesses are measured from (the (1 - tailMass) quantile). */
  u: number;
  /** Mean excess over u. */
  beta: number;
  tailMass: number;
}

/**
 * Peaks over threshold with an exponential excess distribution (generalised Pareto with shape 0):
 * u is the (1 - tailMass) quantile of the sample and beta the mean of the excesses over it.
 */
// Siffer et al. 2017, "Anomaly Detection in Streams with Extreme Value Theory" (POT on a stream)
export function fitExponentialTail(sample: ArrayLike<number>, tailMass = 0.1): ExponentialTail {
  const u = quantile(sample, 1 - tailMass);
  let n = 0;
  let sum = 0;
  for (let i = 0; i < sample.length; i++) {
    const v = sample[i]!;
    if (Number.isFinite(v) && v > u) {
      n++;
      sum += v - u;
    }
  }
  const scaleFloor = Math.max(Math.abs(u) * 0.05, 1e-9);
  const beta = n > 0 ? Math.max(sum / n, scaleFloor) : scaleFloor;
  return { u: Number.isFinite(u) ? u : 0, beta, tailMass };
}

/** The standard normal quantile: z with P(Z <= z) = p, 0 < p < 1 (relative error < 1.2e-9). */
// Acklam 2003, "An algorithm for computing the inverse normal cumulative distribution function"
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) return p <= 0 ? -Infinity : Infinity;
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972,
    -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734,
    4.374664141464968, 2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo || p > 1 - lo) {
    const q = Math.sqrt(-2 * Math.log(p < lo ? p : 1 - p));
    const x =
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
    return p < lo ? x : -x;
  }
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

/** The value a chi-squared variable with `dof` degrees of freedom exceeds with probability p. */
// Wilson & Hilferty 1931: (X / k)^(1/3) is nearly normal with mean 1 - 2/(9k), variance 2/(9k)
export function chiSquareUpperQuantile(dof: number, p: number): number {
  const v = 2 / (9 * dof);
  const z = normalQuantile(1 - p);
  return dof * Math.max(0, 1 - v + z * Math.sqrt(v)) ** 3;
}
