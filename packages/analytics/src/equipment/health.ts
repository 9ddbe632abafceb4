/**
 * Health index and remaining useful life (shared/domain/rotating-equipment.md §4.4): the simple
 * baseline the domain file describes. A feature is scaled so that its healthy baseline is 0 and
 * its failure threshold 1; a linear and an exponential trend are fitted by least squares; the
 * remaining life is the time until the better trend reaches 1. Times in are epoch milliseconds,
 * durations out are seconds.
 */

/** The two ends of the health scale, in the unit of the feature (mm/s for velocity r.m.s.). */
export interface HealthScale {
  /** Value of a healthy machine (HI 0), e.g. its commissioning velocity r.m.s. in mm/s. */
  baseline: number;
  /** Value taken as failure (HI 1), e.g. the ISO 10816-3 C/D boundary in mm/s. */
  threshold: number;
}

function checkScale(scale: HealthScale): void {
  if (!(scale.threshold > scale.baseline))
    throw new RangeError(
      `health scale needs threshold > baseline, got ${scale.baseline} → ${scale.threshold}`,
    );
}

/**
 * The feature value (unit of `scale`) on the health scale, not clamped: below the baseline it is
 * negative, past the threshold above 1. Trends are fitted on this, so a reading beyond the
 * threshold still carries its slope.
 */
export function normalisedHealth(value: number, scale: HealthScale): number {
  checkScale(scale);
  // §4.4: HI = (feature − baseline) / (threshold − baseline)
  return (value - scale.baseline) / (scale.threshold - scale.baseline);
}

/**
 * Health index of a feature value (unit of `scale`): 0 at or below the baseline, 1 at or past the
 * failure threshold, linear between. This is the figure to show; RUL is fitted on
 * {@link normalisedHealth}.
 */
export function healthIndex(value: number, scale: HealthScale): number {
  return Math.min(1, Math.max(0, normalisedHealth(value, scale)));
}

export type DegradationModel = 'linear' | 'exponential';

export type NoTrendReason =
  /** The health scale is not known yet (the tracker is still learning the baseline). */
  | 'no_baseline'
  | 'too_few_points'
  | 'span_too_short'
  | 'slope_not_positive'
  | 'poor_fit'
  | 'slope_not_significant';

export type RulEstimate =
  | {
      status: 'estimate';
      /** Remaining useful life from `asOfMs`, seconds (0 once the trend is past the threshold). */
      rulS: number;
      /** Earliest crossing (slope + 1 standard error), seconds from `asOfMs`. */
      lowS: number;
      /** Latest crossing (slope − 1 standard error), seconds from `asOfMs`. */
      highS: number;
      model: DegradationModel;
      /** Coefficient of determination of the chosen model, on the HI scale. */
      r2: number;
      /** Linear: HI per second. Exponential: growth rate β of HI, 1/s. */
      slopePerS: number;
      /** Standard error of `slopePerS`, same unit. */
      slopeStdErrPerS: number;
      /** Epoch ms from which `rulS`, `lowS` and `highS` count. */
      asOfMs: number;
      /** Points the fit used. */
      points: number;
    }
  | { status: 'no_trend'; reason: NoTrendReason; detail: string };

export interface RulOptions {
  /** Fit only points within this many seconds of the last one (default: all given). */
  windowS?: number;
  /** Fewer points than this give no estimate (default 10, at least 3). */
  minPoints?: number;
  /** A window shorter than this many seconds gives no estimate (default 3 600). */
  minSpanS?: number;
  /**
   * The chosen model's R² on the HI scale must reach this (default 0.6). Pure noise over ten or
   * more points almost never does; a steady trend with noise a tenth of its rise does easily.
   */
  minR2?: number;
  /** Epoch ms the remaining life counts from (default: the time of the last point). */
  nowMs?: number;
  /**
   * Degradation onset level (default 0.1): when the points after the HI last sat at or below
   * it satisfy `minPoints` and `minSpanS`, only they are fitted.
   */
  onsetHi?: number;
}

export const RUL_DEFAULTS = {
  minPoints: 10,
  minSpanS: 3600,
  minR2: 0.6,
  onsetHi: 0.1,
} as const;

interface LineFit {
  /** Slope per second. */
  slope: number;
  slopeStdErr: number;
  /** Mean time of the points, seconds from the first point of the window. */
  tMean: number;
  /** Mean of the fitted variable (HI, or ln HI). */
  yMean: number;
}

/** Ordinary least squares of y on t (t in seconds); y is read through `map`. */
function fitLine(
  t: Float64Array,
  y: ArrayLike<number>,
  from: number,
  n: number,
  map: (v: number) => number,
): LineFit & { sse: number } {
  let st = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    st += t[i]!;
    sy += map(y[from + i]!);
  }
  const tMean = st / n;
  const yMean = sy / n;
  let stt = 0;
  let sty = 0;
  for (let i = 0; i < n; i++) {
    const dt = t[i]! - tMean;
    stt += dt * dt;
    sty += dt * (map(y[from + i]!) - yMean);
  }
  const slope = sty / stt;
  let sse = 0;
  for (let i = 0; i < n; i++) {
    const r = map(y[from + i]!) - (yMean + slope * (t[i]! - tMean));
    sse += r * r;
  }
  // OLS: SE(slope) = sqrt(SSE / (n − 2) / Σ(t − t̄)²)
  const slopeStdErr = Math.sqrt(sse / (n - 2) / stt);
  return { slope, slopeStdErr, tMean, yMean, sse };
}

/**
 * Remaining useful life from a health-index history: `timesMs` (epoch ms, non-decreasing) and
 * `hi` (normalised health, 0 healthy, 1 failure; see {@link normalisedHealth}). Fits HI = a + b·t
 * and ln HI = α + β·t (the MATLAB exponential degradation model with φ at the baseline; only
 * when every HI in the window is > 0), keeps the one with the higher R² on the HI scale, and
 * returns the time until it reaches 1 with a band from ±1 standard error of the slope. The band
 * ignores the intercept's (much smaller) error and assumes independent residuals, so on real,
 * autocorrelated data it is narrower than the truth. Suppressed, with a reason, when the data
 * cannot support a trend.
 */
export function estimateRul(
  timesMs: ArrayLike<number>,
  hi: ArrayLike<number>,
  options: RulOptions = {},
): RulEstimate {
  if (timesMs.length !== hi.length)
    throw new RangeError(`estimateRul: ${timesMs.length} times for ${hi.length} values`);
  const minPoints = Math.max(3, options.minPoints ?? RUL_DEFAULTS.minPoints);
  const minSpanS = options.minSpanS ?? RUL_DEFAULTS.minSpanS;
  const minR2 = options.minR2 ?? RUL_DEFAULTS.minR2;
  const total = timesMs.length;
  if (total < minPoints)
    return noTrend('too_few_points', `${total} points, at least ${minPoints} needed`);
  for (let i = 0; i < total; i++) {
    if (!Number.isFinite(timesMs[i]!) || !Number.isFinite(hi[i]!))
      throw new RangeError(`estimateRul: point ${i} is not finite`);
    if (i > 0 && timesMs[i]! < timesMs[i - 1]!)
      throw new RangeError(`estimateRul: times decrease at point ${i}`);
  }
  const lastMs = timesMs[total - 1]!;
  const windowMs = (options.windowS ?? Infinity) * 1000;
  let from = 0;
  while (from < total && timesMs[from]! < lastMs - windowMs) from++;
  // Degradation onset: when the points since the HI last sat at or below `onsetHi` are enough
  // for a fit, fit those only; a flat healthy stretch before a rise would drag the slope down.
  const onset = options.onsetHi ?? RUL_DEFAULTS.onsetHi;
  let last = -1;
  for (let i = total - 1; i >= from; i--) {
    if (hi[i]! <= onset) {
      last = i;
      break;
    }
  }
  if (last >= from && total - (last + 1) >= minPoints) {
    const suffixSpanS = (lastMs - timesMs[last + 1]!) / 1000;
    if (suffixSpanS >= minSpanS) from = last + 1;
  }
  const n = total - from;
  if (n < minPoints)
    return noTrend('too_few_points', `${n} points in the window, at least ${minPoints} needed`);
  const firstMs = timesMs[from]!;
  const spanS = (lastMs - firstMs) / 1000;
  if (spanS < minSpanS || spanS <= 0)
    return noTrend('span_too_short', `data span ${spanS} s, at least ${minSpanS} s needed`);

  // Seconds from the first point: epoch ms squared would lose precision in the sums.
  const t = new Float64Array(n);
  let allPositive = true;
  let hiMean = 0;
  for (let i = 0; i < n; i++) {
    t[i] = (timesMs[from + i]! - firstMs) / 1000;
    const v = hi[from + i]!;
    if (!(v > 0)) allPositive = false;
    hiMean += v;
  }
  hiMean /= n;
  let sst = 0;
  for (let i = 0; i < n; i++) sst += (hi[from + i]! - hiMean) ** 2;

  // MathWorks linearDegradationModel: S(t) = φ + θ·t + ε, fitted by least squares
  const lin = fitLine(t, hi, from, n, (v) => v);
  const linR2 = sst > 0 ? 1 - lin.sse / sst : 0;
  let exp: (LineFit & { r2: number }) | null = null;
  if (allPositive) {
    // MathWorks exponentialDegradationModel with φ = 0: ln S(t) = ln θ + β·t, least squares
    const f = fitLine(t, hi, from, n, Math.log);
    let sse = 0;
    for (let i = 0; i < n; i++) {
      const r = hi[from + i]! - Math.exp(f.yMean + f.slope * (t[i]! - f.tMean));
      sse += r * r;
    }
    exp = { ...f, r2: sst > 0 ? 1 - sse / sst : 0 };
  }

  const linOk = lin.slope > 0;
  const expOk = exp !== null && exp.slope > 0;
  if (!linOk && !expOk)
    return noTrend('slope_not_positive', `trend slope ${lin.slope} HI/s is not positive`);
  // Ties go to the linear model, the simpler one.
  const useExp = expOk && (!linOk || exp!.r2 > linR2);
  const fit: LineFit = useExp ? exp! : lin;
  const r2 = useExp ? exp!.r2 : linR2;
  const model: DegradationModel = useExp ? 'exponential' : 'linear';
  if (r2 < minR2)
    return noTrend('poor_fit', `best fit (${model}) has R² ${r2.toFixed(3)} < ${minR2}`);
  if (fit.slope - fit.slopeStdErr <= 0)
    return noTrend(
      'slope_not_significant',
      `slope ${fit.slope} is within one standard error (${fit.slopeStdErr}) of zero`,
    );

  // The threshold HI = 1 is ln 1 = 0 on the log scale.
  const target = useExp ? 0 : 1;
  // Pivot at the centroid, where the fitted level is uncorrelated with the slope, so varying
  // the slope by its standard error gives the band. §4.4: RUL = (threshold − current) / slope.
  const gap = target - fit.yMean;
  const crossS = (slope: number): number => fit.tMean + gap / slope;
  const asOfMs = options.nowMs ?? lastMs;
  const fromNow = (tS: number): number => Math.max(0, (firstMs - asOfMs) / 1000 + tS);
  const central = fromNow(crossS(fit.slope));
  const early = fromNow(crossS(fit.slope + fit.slopeStdErr));
  const late = fromNow(crossS(fit.slope - fit.slopeStdErr));
  return {
    status: 'estimate',
    rulS: central,
    // Past the centroid level the band flips; min/max keep low ≤ rul ≤ high.
    lowS: Math.min(early, late, central),
    highS: Math.max(early, late, central),
    model,
    r2,
    slopePerS: fit.slope,
    slopeStdErrPerS: fit.slopeStdErr,
    asOfMs,
    points: n,
  };
}

function noTrend(reason: NoTrendReason, detail: string): RulEstimate {
  return { status: 'no_trend', reason, detail };
}

const MINUTE_S = 60;
const HOUR_S = 3600;
const DAY_S = 86_400;

/**
 * A remaining-life estimate in words, e.g. "12-19 days at the current trend": days from two
 * days up, hours from two hours up, else minutes; the band is rounded outwards.
 */
export function formatRul(estimate: RulEstimate): string {
  if (estimate.status === 'no_trend') return 'no degradation trend';
  if (estimate.highS === 0) return 'at the failure threshold now';
  const [unit, name] =
    estimate.rulS >= 2 * DAY_S
      ? [DAY_S, 'day']
      : estimate.rulS >= 2 * HOUR_S
        ? [HOUR_S, 'hour']
        : [MINUTE_S, 'minute'];
  const low = Math.floor(estimate.lowS / unit);
  const high = Math.ceil(estimate.highS / unit);
  const range = low === high ? `${low}` : `${low}-${high}`;
  return `${range} ${name}${high === 1 && low === high ? '' : 's'} at the current trend`;
}
