/**
 * A pressure front in a high-rate capture: when a pressure wave reached the transducer (to a
 * fraction of the sampling period), how big the step was, and how sure the fit is.
 */
import { invertSpd } from '../equipment/anomaly/linear-algebra';
import { quantile } from '../equipment/anomaly/robust-stats';

export interface PressureFront {
  /** Arrival: the instant the front is half-way through its step, epoch ms (fractional). */
  arrivalMs: number;
  /** One standard deviation of `arrivalMs`, ms (from the fit's covariance). */
  sigmaMs: number;
  /** Size of the step, kPa: positive when the pressure fell (a negative pressure wave). */
  dropKpa: number;
  /** Sample-to-sample noise of the capture, kPa (robust). */
  noiseKpa: number;
  /** Significance of the step: its size over the standard error of a difference of means. */
  z: number;
  /** Logistic time scale of the front, ms (the transducer's and the wave's rise together). */
  scaleMs: number;
  samples: number;
}

export interface FrontOptions {
  /** A step less significant than this is no front (default 8). */
  minZ?: number;
  /** Samples either side of a candidate split when searching for the step (default 15). */
  searchWindow?: number;
  /** Samples used by the fit: this long before and after the step, ms (default 400 / 400). */
  fitBeforeMs?: number;
  fitAfterMs?: number;
}

/** The largest step of a capture: where it splits, its size and its significance. */
export interface CaptureStep {
  /** The first sample after the split. */
  index: number;
  /** Instant half-way between the samples either side of the split, epoch ms. */
  atMs: number;
  /** Mean of the `W` samples before the split minus that of the `W` after (positive: fell). */
  dropKpa: number;
  /** Sample-to-sample noise of the capture (robust, from first differences). */
  noise: number;
  /** Standard error of `dropKpa` under white noise: noise sqrt(2 / W). */
  se: number;
  /** |dropKpa| / se. */
  z: number;
  /** Running sums of the values (prefix[i] = v[0] + ... + v[i-1]). */
  prefix: Float64Array;
}

/**
 * The split of a capture with the largest difference of means of `W` samples either side, with
 * the capture's noise from its first differences (robust to the one big difference at a step).
 * Works for any quantity (the "kPa" of the names is the capture's own unit). Null when the
 * capture is shorter than 2 W + 4 samples.
 */
export function largestStep(
  t: ArrayLike<number>,
  v: ArrayLike<number>,
  W = 15,
): CaptureStep | null {
  const n = Math.min(t.length, v.length);
  if (n < 2 * W + 4) return null;
  const diffs = new Float64Array(n - 1);
  for (let i = 1; i < n; i++) diffs[i - 1] = v[i]! - v[i - 1]!;
  const med = quantile(diffs, 0.5);
  for (let i = 0; i < diffs.length; i++) diffs[i] = Math.abs(diffs[i]! - med);
  const noise = Math.max((quantile(diffs, 0.5) * 1.4826) / Math.SQRT2, 1e-9);
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i]! + v[i]!;
  let best = -1;
  let bestD = 0;
  for (let k = W; k <= n - W; k++) {
    const d = (prefix[k]! - prefix[k - W]! - (prefix[k + W]! - prefix[k]!)) / W;
    if (Math.abs(d) > Math.abs(bestD)) {
      bestD = d;
      best = k;
    }
  }
  if (best < 0 || !Number.isFinite(bestD)) return null;
  const se = noise * Math.sqrt(2 / W);
  return {
    index: best,
    atMs: (t[best - 1]! + t[best]!) / 2,
    dropKpa: bestD,
    noise,
    se,
    z: Math.abs(bestD) / se,
    prefix,
  };
}

const logistic = (u: number) => (u >= 0 ? 1 / (1 + Math.exp(-u)) : Math.exp(u) / (1 + Math.exp(u)));

/**
 * Finds the largest step in a capture and fits a logistic front to it by damped Gauss-Newton:
 * `p(t) = b - A L((t - t0) / s) + c (t - t0) L((t - t0) / s)`, the last term letting the level
 * after the front relax. Returns null when the capture is too short or holds no step of
 * significance `minZ`. Times in epoch ms, pressures in kPa; `t` must be ascending.
 */
export function fitPressureFront(
  t: ArrayLike<number>,
  v: ArrayLike<number>,
  opts: FrontOptions = {},
): PressureFront | null {
  const n = Math.min(t.length, v.length);
  const W = opts.searchWindow ?? 15;
  const step = largestStep(t, v, W);
  if (!step) return null;
  const { index: best, dropKpa: bestD, noise, z, prefix } = step;
  if (z < (opts.minZ ?? 8)) return null;

  const dt = (t[n - 1]! - t[0]!) / (n - 1);
  const guessT0 = (t[best - 1]! + t[best]!) / 2;
  const from = guessT0 - (opts.fitBeforeMs ?? 400);
  const to = guessT0 + (opts.fitAfterMs ?? 400);
  const idx: number[] = [];
  for (let i = 0; i < n; i++) if (t[i]! >= from && t[i]! <= to) idx.push(i);
  const m = idx.length;
  if (m < 12) return null;
  // parameters: b, A, t0, s (ms), c (kPa per ms after the front)
  const p = [(prefix[best]! - prefix[best - W]!) / W, bestD, guessT0, Math.max(dt, 5), 0];
  const jac = new Float64Array(5);
  const jtj = new Float64Array(25);
  const jtr = new Float64Array(5);
  const sse = (q: number[]): number => {
    let s = 0;
    for (const i of idx) {
      const u = (t[i]! - q[2]!) / q[3]!;
      const L = logistic(u);
      const r = v[i]! - (q[0]! - q[1]! * L + q[4]! * (t[i]! - q[2]!) * L);
      s += r * r;
    }
    return s;
  };
  let lambda = 1e-3;
  let current = sse(p);
  for (let iter = 0; iter < 60; iter++) {
    jtj.fill(0);
    jtr.fill(0);
    for (const i of idx) {
      const x = t[i]! - p[2]!;
      const u = x / p[3]!;
      const L = logistic(u);
      const dL = L * (1 - L);
      const r = v[i]! - (p[0]! - p[1]! * L + p[4]! * x * L);
      jac[0] = 1;
      jac[1] = -L;
      // d/dt0 of (-A L + c x L): A L'/s - c L - c x L'/s
      jac[2] = (p[1]! * dL) / p[3]! - p[4]! * L - (p[4]! * x * dL) / p[3]!;
      // d/ds: (A - c x) L' u / s
      jac[3] = ((p[1]! - p[4]! * x) * dL * u) / p[3]!;
      jac[4] = x * L;
      for (let a = 0; a < 5; a++) {
        jtr[a] = jtr[a]! + jac[a]! * r;
        for (let b = 0; b < 5; b++) jtj[a * 5 + b] = jtj[a * 5 + b]! + jac[a]! * jac[b]!;
      }
    }
    let improved = false;
    for (let tries = 0; tries < 8 && !improved; tries++) {
      const damped = Float64Array.from(jtj);
      for (let a = 0; a < 5; a++) damped[a * 5 + a] = damped[a * 5 + a]! * (1 + lambda) + 1e-12;
      const inv = invertSpd(damped, 5);
      if (!inv) {
        lambda *= 10;
        continue;
      }
      const q = p.slice();
      for (let a = 0; a < 5; a++) {
        let s = 0;
        for (let b = 0; b < 5; b++) s += inv[a * 5 + b]! * jtr[b]!;
        q[a] = q[a]! + s;
      }
      q[3] = Math.min(40, Math.max(2, q[3]!));
      q[2] = Math.min(to, Math.max(from, q[2]!));
      const e = sse(q);
      if (e <= current) {
        const gain = current - e;
        for (let a = 0; a < 5; a++) p[a] = q[a]!;
        current = e;
        lambda = Math.max(lambda / 10, 1e-9);
        improved = true;
        if (gain < 1e-12 * (1 + e)) iter = 60;
      } else {
        lambda *= 10;
      }
    }
    if (!improved) break;
  }
  // covariance of the parameters: sigma^2 (JᵀJ)⁻¹ at the optimum
  jtj.fill(0);
  for (const i of idx) {
    const x = t[i]! - p[2]!;
    const u = x / p[3]!;
    const L = logistic(u);
    const dL = L * (1 - L);
    jac[0] = 1;
    jac[1] = -L;
    jac[2] = (p[1]! * dL) / p[3]! - p[4]! * L - (p[4]! * x * dL) / p[3]!;
    jac[3] = ((p[1]! - p[4]! * x) * dL * u) / p[3]!;
    jac[4] = x * L;
    for (let a = 0; a < 5; a++)
      for (let b = 0; b < 5; b++) jtj[a * 5 + b] = jtj[a * 5 + b]! + jac[a]! * jac[b]!;
  }
  const inv = invertSpd(jtj, 5);
  const resid = Math.sqrt(current / Math.max(1, m - 5));
  const sigmaMs = inv ? resid * Math.sqrt(Math.max(inv[2 * 5 + 2]!, 0)) : dt;
  if (!Number.isFinite(p[2]!) || !Number.isFinite(sigmaMs)) return null;
  return {
    arrivalMs: p[2]!,
    sigmaMs: Math.max(sigmaMs, 0.01),
    dropKpa: p[1]!,
    noiseKpa: noise,
    z,
    scaleMs: p[3]!,
    samples: m,
  };
}
