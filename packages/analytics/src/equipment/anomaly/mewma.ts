/**
 * A streaming multivariate EWMA (MEWMA) detector. Each sensor is standardised on the training
 * data, the vector is smoothed by an exponentially weighted moving average, and the Mahalanobis
 * distance of the smoothed vector (covariance learned from the smoothed training vectors) is the
 * anomaly statistic. A second, high-pass statistic (fast minus slow EWMA) marks changepoints.
 * Method, formulas and sources: docs/detector.md.
 */
import type { Contribution, DetectorOutput, StreamingDetector, TrainingSegment } from '../detector';
import { invertSpd, quadraticForm } from './linear-algebra';
import {
  chiSquareUpperQuantile,
  fitExponentialTail,
  robustLocationScale,
  type ExponentialTail,
} from './robust-stats';

export interface MewmaOptions {
  /** EWMA weight λ of a new sample, (0, 1]; the smoothing window is about 2/λ - 1 samples. */
  smoothing: number;
  /** Shrinkage of the covariances toward their diagonal, 0..1 (steadies short trainings). */
  shrinkage: number;
  /**
   * The alarm threshold, in mean excesses above the 90th percentile of the statistic on held-out
   * training data (peaks over threshold: k = ln(0.1 / p) for a nominal exceedance probability p).
   */
  threshold: number;
  /** Samples above the threshold before the anomaly decision turns on. */
  onDelay: number;
  /** Samples below offRatio × threshold before the anomaly decision turns off. */
  offDelay: number;
  offRatio: number;
  /** EWMA weights of the fast and the slow average whose difference is the change statistic. */
  changeFast: number;
  changeSlow: number;
  /** The change threshold, in mean excesses above the 90th percentile (in-sample). */
  changeThreshold: number;
  /** Samples the change statistic must stay below offRatio × its threshold to count as settled. */
  changeSettle: number;
  /** Fewest samples between two changepoint alarms. */
  changepointGap: number;
  /** 'full' learns how sensors move together; 'diagonal' treats them as independent. */
  covariance: 'full' | 'diagonal';
  /** A step longer than gapFactor × the training sample period is a gap. */
  gapFactor: number;
  /** Repeats of one value before a sensor counts as stuck (or 3 × its longest in training). */
  stuckSamples: number;
  /** One standardised reading is clipped to ±clip before smoothing (limits a single glitch). */
  clip: number;
  /** Share at the end of each training segment held out to calibrate the threshold; 0: none. */
  holdout: number;
  /**
   * Neither threshold is ever below the chi-squared quantile (one degree of freedom per sensor)
   * that stationary Gaussian data would exceed with this probability per sample.
   */
  floorProbability: number;
  /**
   * Seconds over which each sensor's normal level follows slow changes of the operating point
   * (process load), while the detector is confidently normal (statistic below offRatio x the
   * threshold); 0 keeps the training level fixed. Faster changes, and everything after an alarm
   * begins, are still judged against the level learned so far.
   */
  adaptS: number;
}

export const MEWMA_DEFAULTS: Readonly<MewmaOptions> = {
  smoothing: 0.1,
  shrinkage: 0.1,
  threshold: 25,
  onDelay: 3,
  offDelay: 30,
  offRatio: 0.7,
  changeFast: 0.3,
  changeSlow: 0.03,
  changeThreshold: 4.6,
  changeSettle: 5,
  changepointGap: 10,
  covariance: 'full',
  gapFactor: 3,
  stuckSamples: 30,
  clip: 50,
  holdout: 0.25,
  floorProbability: 1e-6,
  adaptS: 0,
};

/** Defaults filled in and ranges checked. */
export function resolveOptions(o: Partial<MewmaOptions>): MewmaOptions {
  const r = { ...MEWMA_DEFAULTS, ...o };
  for (const k of ['smoothing', 'changeFast', 'changeSlow'] as const) {
    if (!(r[k] > 0 && r[k] <= 1)) throw new RangeError(`${k} must be in (0, 1], got ${r[k]}`);
  }
  for (const k of ['threshold', 'changeThreshold', 'gapFactor', 'clip'] as const) {
    if (!(r[k] > 0)) throw new RangeError(`${k} must be positive, got ${r[k]}`);
  }
  for (const k of ['shrinkage', 'offRatio'] as const) {
    if (!(r[k] >= 0 && r[k] <= 1)) throw new RangeError(`${k} must be in [0, 1], got ${r[k]}`);
  }
  if (!(r.holdout >= 0 && r.holdout < 1)) throw new RangeError('holdout must be in [0, 1)');
  if (!(r.floorProbability >= 0 && r.floorProbability < 1))
    throw new RangeError('floorProbability must be in [0, 1)');
  if (!(r.adaptS >= 0)) throw new RangeError(`adaptS must be >= 0, got ${r.adaptS}`);
  return r;
}

/** What fit() learns; read-only afterwards. */
export interface MewmaModel {
  m: number;
  center: Float64Array;
  scale: Float64Array;
  /** 1 where the sensor varied in training (a constant one is ignored). */
  active: Uint8Array;
  /** Covariance of the raw standardised readings (to impute missing ones). */
  raw: Float64Array;
  /** Precision (inverse covariance) of the smoothed standardised vector, and its deviations. */
  precision: Float64Array;
  levelSd: Float64Array;
  /** Precision (inverse covariance) of the change statistic's vector. */
  changePrecision: Float64Array;
  /** Statistic value where the score is 0, and the alarm threshold (score 0.5). */
  scoreZero: number;
  threshold: number;
  changeThreshold: number;
  /** Median sample period, ms. */
  period: number;
  /** Repeats of one value after which a sensor counts as stuck. */
  stuckLimit: Int32Array;
}

const MAX_CONTRIBUTIONS = 5;
const MIN_CONTRIBUTION_SIGMA = 1;
const MAX_IMPUTERS = 256;

interface Imputer {
  missing: Int32Array;
  observed: Int32Array;
  /** Row-major |missing| × |observed| regression coefficients. */
  coef: Float64Array;
}

export class MewmaDetector implements StreamingDetector {
  private model: MewmaModel | null = null;
  // streaming state, reset by fit()
  private level = new Float64Array(0);
  private fast = new Float64Array(0);
  private slow = new Float64Array(0);
  private u = new Float64Array(0);
  private diff = new Float64Array(0);
  private usable = new Uint8Array(0);
  private last = new Float64Array(0);
  /** The normal level of each sensor: the model's, moved by adaptation when enabled. */
  private center = new Float64Array(0);
  private run = new Int32Array(0);
  private prevT = Number.NaN;
  private confidence = 1;
  private anomaly = false;
  private above = 0;
  private below = 0;
  private changeHigh = false;
  private changeLow = 0;
  private sinceChangepoint = Infinity;
  private readonly imputers = new Map<string, Imputer>();

  constructor(
    readonly name: string,
    private readonly sensorNames: readonly string[],
    private readonly o: MewmaOptions,
  ) {
    if (sensorNames.length === 0) throw new Error('a detector needs at least one sensor');
  }

  fit(segments: TrainingSegment[]): void {
    this.install(fitModel(segments, this.sensorNames.length, this.o));
  }

  /** Uses an already fitted model and resets the streaming state (calibration replays). */
  install(model: MewmaModel): void {
    const m = model.m;
    this.model = model;
    this.imputers.clear();
    this.level = new Float64Array(m);
    this.fast = new Float64Array(m);
    this.slow = new Float64Array(m);
    this.u = new Float64Array(m);
    this.diff = new Float64Array(m);
    this.usable = new Uint8Array(m);
    this.last = new Float64Array(m).fill(Number.NaN);
    this.center = Float64Array.from(model.center);
    this.run = new Int32Array(m);
    this.prevT = Number.NaN;
    this.confidence = model.active.reduce((a, b) => a + b, 0) / m;
    this.anomaly = false;
    this.above = 0;
    this.below = 0;
    this.changeHigh = false;
    this.changeLow = 0;
    this.sinceChangepoint = Infinity;
  }

  update(t: number, x: ArrayLike<number>): DetectorOutput {
    const md = this.model;
    if (!md) throw new Error(`${this.name}: fit() before update()`);
    const o = this.o;
    const prevT = this.prevT;
    const stat = this.step(t, x);
    const change = this.changeStatistic();
    if (o.adaptS > 0 && !this.anomaly && stat < o.offRatio * md.threshold) {
      this.adapt(t - prevT, x);
    }
    const score = Math.min(
      1,
      Math.max(0, (stat - md.scoreZero) / (2 * (md.threshold - md.scoreZero))),
    );

    // the decision: on after onDelay samples above the threshold, off after offDelay well below
    let edge = false;
    this.above = stat > md.threshold ? this.above + 1 : 0;
    this.below = stat < o.offRatio * md.threshold ? this.below + 1 : 0;
    if (!this.anomaly && this.above >= o.onDelay) {
      this.anomaly = true;
      edge = true;
    } else if (this.anomaly && this.below >= o.offDelay) {
      this.anomaly = false;
      edge = true;
    }

    // a change begins when the fast-minus-slow statistic rises, and settles when it falls back
    let changeEvent = false;
    if (!this.changeHigh && change > md.changeThreshold) {
      this.changeHigh = true;
      this.changeLow = 0;
      changeEvent = true;
    } else if (this.changeHigh) {
      this.changeLow = change < o.offRatio * md.changeThreshold ? this.changeLow + 1 : 0;
      if (this.changeLow >= o.changeSettle) {
        this.changeHigh = false;
        changeEvent = true;
      }
    }
    this.sinceChangepoint++;
    let changepoint = false;
    if ((edge || changeEvent) && this.sinceChangepoint >= o.changepointGap) {
      changepoint = true;
      this.sinceChangepoint = 0;
    }

    return {
      score,
      anomaly: this.anomaly,
      changepoint,
      contributions: this.contributions(),
      confidence: Math.max(0, Math.min(1, this.confidence)),
    };
  }

  /** Advances the streaming state by one sample; returns the anomaly statistic. */
  step(t: number, x: ArrayLike<number>): number {
    const md = this.model!;
    const o = this.o;
    const m = md.m;
    const lam = o.smoothing;

    // a gap or a clock jump leaves fewer fresh samples in the smoothing window
    const dt = t - this.prevT;
    if (Number.isFinite(dt) && (dt <= 0 || dt > o.gapFactor * md.period)) {
      const missed = dt > 0 ? Math.round(dt / md.period) - 1 : Math.ceil(2 / lam);
      this.confidence *= Math.pow(1 - lam, Math.min(missed, 10_000));
    }
    if (Number.isFinite(t)) this.prevT = t;

    // standardise; missing, stuck and constant sensors are unusable
    let nUsable = 0;
    for (let j = 0; j < m; j++) {
      const v = j < x.length ? x[j]! : Number.NaN;
      this.run[j] = v === this.last[j] ? this.run[j]! + 1 : 0;
      this.last[j] = v;
      const ok = md.active[j] === 1 && Number.isFinite(v) && this.run[j]! < md.stuckLimit[j]!;
      this.usable[j] = ok ? 1 : 0;
      if (ok) {
        nUsable++;
        const z = (v - this.center[j]!) / md.scale[j]!;
        this.u[j] = Math.max(-o.clip, Math.min(o.clip, z));
      } else {
        this.u[j] = 0;
      }
    }
    if (nUsable < m && nUsable > 0) this.impute();
    this.confidence = (1 - lam) * this.confidence + (lam * nUsable) / m;

    // Lowry et al. 1992 (MEWMA): z(t) = λ u(t) + (1 - λ) z(t-1), statistic z(t)ᵀ Σz⁻¹ z(t)
    for (let j = 0; j < m; j++) {
      const uj = this.u[j]!;
      this.level[j] = lam * uj + (1 - lam) * this.level[j]!;
      this.fast[j] = o.changeFast * uj + (1 - o.changeFast) * this.fast[j]!;
      this.slow[j] = o.changeSlow * uj + (1 - o.changeSlow) * this.slow[j]!;
    }
    return quadraticForm(md.precision, this.level, m);
  }

  /** Moves each usable sensor's normal level toward its reading, time constant adaptS. */
  private adapt(dtMs: number, x: ArrayLike<number>): void {
    if (!(dtMs > 0)) return;
    const a = Math.min(1, dtMs / 1000 / this.o.adaptS);
    for (let j = 0; j < this.center.length; j++) {
      if (this.usable[j] !== 1) continue;
      const v = x[j]!;
      this.center[j] = this.center[j]! + a * (v - this.center[j]!);
    }
  }

  // Basseville & Nikiforov 1993, 2.1: a filtered derivative (difference of two averages) for changes
  private changeStatistic(): number {
    const m = this.model!.m;
    for (let j = 0; j < m; j++) this.diff[j] = this.fast[j]! - this.slow[j]!;
    return quadraticForm(this.model!.changePrecision, this.diff, m);
  }

  /** Replaces unusable readings by their expectation given the usable ones (keeps correlations). */
  private impute(): void {
    const md = this.model!;
    let key = '';
    for (let j = 0; j < md.m; j++) key += this.usable[j] === 1 ? '1' : '0';
    let imp = this.imputers.get(key);
    if (!imp) {
      if (this.imputers.size >= MAX_IMPUTERS) this.imputers.clear();
      imp = makeImputer(md, this.usable);
      this.imputers.set(key, imp);
    }
    const { missing, observed, coef } = imp;
    const no = observed.length;
    for (let a = 0; a < missing.length; a++) {
      let s = 0;
      for (let b = 0; b < no; b++) s += coef[a * no + b]! * this.u[observed[b]!]!;
      this.u[missing[a]!] = s;
    }
  }

  private contributions(): Contribution[] {
    const out: Contribution[] = [];
    const m = this.model!.m;
    for (let j = 0; j < m; j++) {
      if (this.usable[j] !== 1) continue;
      const sigma = this.level[j]! / this.model!.levelSd[j]!;
      if (!(Math.abs(sigma) >= MIN_CONTRIBUTION_SIGMA)) continue;
      out.push({ sensor: j, name: this.sensorNames[j] ?? `sensor ${j}`, sigma });
    }
    out.sort((a, b) => Math.abs(b.sigma) - Math.abs(a.sigma) || a.sensor - b.sensor);
    if (out.length > MAX_CONTRIBUTIONS) out.length = MAX_CONTRIBUTIONS;
    return out;
  }
}

/** Conditional expectation of the missing standardised readings: R_MO R_OO⁻¹ u_O. */
// Little & Rubin 2019, Statistical Analysis with Missing Data, 4.2: conditional-mean imputation
function makeImputer(md: MewmaModel, usable: Uint8Array): Imputer {
  const m = md.m;
  const missing: number[] = [];
  const observed: number[] = [];
  for (let j = 0; j < m; j++) (usable[j] === 1 ? observed : missing).push(j);
  const no = observed.length;
  const roo = new Float64Array(no * no);
  for (let a = 0; a < no; a++)
    for (let b = 0; b < no; b++) roo[a * no + b] = md.raw[observed[a]! * m + observed[b]!]!;
  const inv = invertSpd(roo, no);
  const coef = new Float64Array(missing.length * no);
  if (inv) {
    for (let a = 0; a < missing.length; a++) {
      for (let b = 0; b < no; b++) {
        let s = 0;
        for (let c = 0; c < no; c++)
          s += md.raw[missing[a]! * m + observed[c]!]! * inv[c * no + b]!;
        coef[a * no + b] = s;
      }
    }
  }
  return { missing: Int32Array.from(missing), observed: Int32Array.from(observed), coef };
}

/**
 * Learns the model from all training segments. The alarm threshold comes from data the model
 * has not seen: a model fitted on the first (1 - holdout) of each segment is replayed over the
 * whole segment, as it would run live, and its statistic on the held-out end is what the tail is
 * fitted to (so drift within the training raises the threshold).
 */
function fitModel(segments: TrainingSegment[], m: number, o: MewmaOptions): MewmaModel {
  const model = fitCore(segments, m, o);
  if (!(o.holdout > 0)) return model;
  const replay = new MewmaDetector('calibration', new Array<string>(m).fill(''), o);
  const held: number[] = [];
  for (const s of segments) {
    const n = s.rows.length;
    const cut = Math.floor(n * (1 - o.holdout));
    if (cut < 2 || cut >= n) continue;
    replay.install(
      fitCore([{ times: sliceOf(s.times, 0, cut), rows: sliceOf(s.rows, 0, cut) }], m, o),
    );
    for (let i = 0; i < n; i++) {
      const stat = replay.step(s.times[i]!, s.rows[i]!);
      if (i >= cut) held.push(stat);
    }
  }
  if (held.length === 0) return model;
  return {
    ...model,
    ...thresholds(fitExponentialTail(held), o.threshold, model.active, o.floorProbability),
  };
}

/** Score zero (where the fitted tail reaches probability 1) and the threshold k excesses up. */
function thresholds(tail: ExponentialTail, k: number, active: Uint8Array, floorP: number) {
  const scoreZero = tail.u - tail.beta * Math.log(1 / tail.tailMass);
  const nActive = Math.max(
    1,
    active.reduce((a, b) => a + b, 0),
  );
  // a short training's tail is fitted on few independent samples: never trust it below this
  const floor = floorP > 0 ? chiSquareUpperQuantile(nActive, floorP) : nActive;
  const threshold = Math.max(tail.u + k * tail.beta, scoreZero + 1e-9, floor);
  return { scoreZero, threshold };
}

function sliceOf<T>(a: ArrayLike<T>, from: number, to: number): T[] {
  const out: T[] = [];
  for (let i = from; i < to; i++) out.push(a[i]!);
  return out;
}

/** Sums of outer products of vectors, for a covariance about zero. */
class MomentSums {
  readonly sum: Float64Array;
  n = 0;
  constructor(private readonly m: number) {
    this.sum = new Float64Array(m * m);
  }
  add(v: Float64Array): void {
    const m = this.m;
    for (let i = 0; i < m; i++) {
      const vi = v[i]!;
      for (let j = 0; j <= i; j++) this.sum[i * m + j] = this.sum[i * m + j]! + vi * v[j]!;
    }
    this.n++;
  }
}

/**
 * Streams once over the standardised training vectors of every segment (the smoothed series
 * restart at normal, 0, at each segment start, like the live state) and calls `visit` with the
 * raw, smoothed and change vectors and whether the smoothed ones are past their warm-up.
 */
function replayTraining(
  segments: TrainingSegment[],
  m: number,
  o: MewmaOptions,
  center: Float64Array,
  scale: Float64Array,
  active: Uint8Array,
  visit: (
    u: Float64Array,
    level: Float64Array,
    diff: Float64Array,
    warmLevel: boolean,
    warmChange: boolean,
  ) => void,
): void {
  const u = new Float64Array(m);
  const level = new Float64Array(m);
  const fast = new Float64Array(m);
  const slow = new Float64Array(m);
  const diff = new Float64Array(m);
  const burn = (len: number, lam: number) => Math.min(Math.ceil(2 / lam), Math.floor(len / 4));
  for (const seg of segments) {
    const n = seg.rows.length;
    const burnLevel = burn(n, o.smoothing);
    const burnChange = burn(n, o.changeSlow);
    level.fill(0);
    fast.fill(0);
    slow.fill(0);
    for (let i = 0; i < n; i++) {
      const row = seg.rows[i]!;
      for (let j = 0; j < m; j++) {
        const v = j < row.length ? row[j]! : Number.NaN;
        // a missing reading counts as normal in training
        const z =
          active[j] === 1 && Number.isFinite(v)
            ? Math.max(-o.clip, Math.min(o.clip, (v - center[j]!) / scale[j]!))
            : 0;
        u[j] = z;
        level[j] = o.smoothing * z + (1 - o.smoothing) * level[j]!;
        fast[j] = o.changeFast * z + (1 - o.changeFast) * fast[j]!;
        slow[j] = o.changeSlow * z + (1 - o.changeSlow) * slow[j]!;
        diff[j] = fast[j]! - slow[j]!;
      }
      visit(u, level, diff, i >= burnLevel, i >= burnChange);
    }
  }
}

/** The model fitted on the segments, its thresholds from the same (in-sample) data. */
function fitCore(segments: TrainingSegment[], m: number, o: MewmaOptions): MewmaModel {
  let n = 0;
  for (const seg of segments) n += seg.rows.length;
  if (n < 2) throw new Error('fit() needs at least two training samples');
  const columns = Array.from({ length: m }, () => new Float64Array(n));
  const periods: number[] = [];
  const longestRun = new Int32Array(m);
  const run = new Int32Array(m);
  const prev = new Float64Array(m);
  let k = 0;
  for (const seg of segments) {
    prev.fill(Number.NaN);
    run.fill(0);
    for (let i = 0; i < seg.rows.length; i++, k++) {
      const row = seg.rows[i]!;
      for (let j = 0; j < m; j++) {
        const v = j < row.length ? row[j]! : Number.NaN;
        columns[j]![k] = v;
        run[j] = v === prev[j] ? run[j]! + 1 : 0;
        if (run[j]! > longestRun[j]!) longestRun[j] = run[j]!;
        prev[j] = v;
      }
      const dt = i > 0 ? seg.times[i]! - seg.times[i - 1]! : Number.NaN;
      if (dt > 0 && Number.isFinite(dt)) periods.push(dt);
    }
  }

  const center = new Float64Array(m);
  const scale = new Float64Array(m);
  const active = new Uint8Array(m);
  for (let j = 0; j < m; j++) {
    const { center: c, scale: s } = robustLocationScale(columns[j]!);
    const tiny = 1e-12 * Math.max(1, Math.abs(c));
    center[j] = c;
    active[j] = s > tiny ? 1 : 0;
    scale[j] = s > tiny ? s : 1;
  }

  const rawSums = new MomentSums(m);
  const levelSums = new MomentSums(m);
  const changeSums = new MomentSums(m);
  replayTraining(segments, m, o, center, scale, active, (u, level, diff, warmL, warmC) => {
    rawSums.add(u);
    if (warmL) levelSums.add(level);
    if (warmC) changeSums.add(diff);
  });
  const diagonal = o.covariance === 'diagonal';
  const raw = covariance(rawSums, m, o.shrinkage, active, false);
  const smooth = covariance(levelSums, m, o.shrinkage, active, diagonal);
  const precision = invertOrDiagonal(smooth, m);
  const changePrecision = invertOrDiagonal(
    covariance(changeSums, m, o.shrinkage, active, diagonal),
    m,
  );
  const levelStats = new Float64Array(levelSums.n);
  const changeStats = new Float64Array(changeSums.n);
  let nl = 0;
  let nc = 0;
  replayTraining(segments, m, o, center, scale, active, (_u, level, diff, warmL, warmC) => {
    if (warmL) levelStats[nl++] = quadraticForm(precision, level, m);
    if (warmC) changeStats[nc++] = quadraticForm(changePrecision, diff, m);
  });

  const levelSd = new Float64Array(m);
  for (let j = 0; j < m; j++) levelSd[j] = Math.sqrt(smooth[j * m + j]!);
  periods.sort((a, b) => a - b);
  const stuckLimit = new Int32Array(m);
  for (let j = 0; j < m; j++) stuckLimit[j] = Math.max(o.stuckSamples, 3 * longestRun[j]!);
  return {
    m,
    center,
    scale,
    active,
    raw,
    precision,
    levelSd,
    changePrecision,
    ...thresholds(fitExponentialTail(levelStats), o.threshold, active, o.floorProbability),
    changeThreshold: thresholds(
      fitExponentialTail(changeStats),
      o.changeThreshold,
      active,
      o.floorProbability,
    ).threshold,
    period: periods.length > 0 ? periods[Math.floor(periods.length / 2)]! : 1000,
    stuckLimit,
  };
}

/**
 * The covariance about zero from moment sums, off-diagonal terms shrunk by `shrinkage` (or
 * dropped); a sensor without spread gets a unit variance of its own.
 */
// Ledoit & Wolf 2004, "A well-conditioned estimator for large-dimensional covariance matrices"
function covariance(
  sums: MomentSums,
  m: number,
  shrinkage: number,
  active: Uint8Array,
  diagonal: boolean,
): Float64Array {
  const c = new Float64Array(m * m);
  const n = Math.max(1, sums.n);
  const keep = diagonal ? 0 : 1 - shrinkage;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      const v = (sums.sum[i * m + j]! / n) * (i === j ? 1 : keep);
      c[i * m + j] = v;
      c[j * m + i] = v;
    }
  }
  for (let i = 0; i < m; i++) {
    if (active[i] === 1 && c[i * m + i]! > 1e-12) continue;
    for (let j = 0; j < m; j++) {
      c[i * m + j] = 0;
      c[j * m + i] = 0;
    }
    c[i * m + i] = 1;
  }
  return c;
}

function invertOrDiagonal(c: Float64Array, m: number): Float64Array {
  const inv = invertSpd(c, m);
  if (inv) return inv;
  const d = new Float64Array(m * m);
  for (let j = 0; j < m; j++) d[j * m + j] = 1 / c[j * m + j]!;
  return d;
}
