/**
 * Compensated volume balance of one stretch of pipe between two flow meters, over many trailing
 * windows at once: a big leak fills a short window quickly, a small one shows only in a long one
 * (leak-detection.md 2.1, "multiple windows detect large leaks fast and small leaks slowly").
 */

/** Trailing windows, in samples: about x1.5 apart from 2 samples (10 s at 5 s) to 1,024 (85 min). */
export const BALANCE_WINDOWS = [
  2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024,
] as const;

export interface BalanceOptions {
  /**
   * Alarm when a window's mean imbalance is this many standard errors above zero. 6.5 keeps the
   * chance that white noise crosses it below about 1e-10 per sample and window, which with the
   * windows' overlap is about 1e-4 false alarms per stretch and month at 5 s samples.
   */
  alarmZ?: number;
  /** Each sample's deviation is clipped at this many sigma in the window sums (spikes, glitches). */
  clipSigma?: number;
  /** Samples the stretch learns its offset and noise from before it may alarm. */
  warmupSamples?: number;
  /** Time constants of the slow learning of offset and noise while normal, samples. */
  biasTau?: number;
  sigmaTau?: number;
  /**
   * A sample teaches the offset only once this many quiet samples have followed it, so the
   * start of a slow leak is never learned as the meters' offset before the windows see it.
   */
  learnLag?: number;
}

export const BALANCE_DEFAULTS: Required<BalanceOptions> = {
  alarmZ: 6.5,
  clipSigma: 4,
  warmupSamples: 24,
  biasTau: 4320,
  sigmaTau: 720,
  learnLag: 64,
};

export interface BalanceState {
  /** Highest z over the windows now, with its window (samples); NaN while warming up. */
  z: number;
  window: number;
  /** Mean imbalance over that window, m3/h (offset removed, not clipped). */
  meanM3h: number;
  sigmaM3h: number;
  samples: number;
  warm: boolean;
}

const CAP = 1024;

/**
 * What a sample may teach: `learn` (quiet), `hold` (a stir short of an alarm: kept back, taught
 * later if the stir passes), `forget` (a leak is suspected: nothing recent may teach).
 */
export type BalanceLearning = 'learn' | 'hold' | 'forget';

/**
 * Most samples held back at once: a stir that lasts longer than the longest window without
 * becoming an alarm teaches its oldest samples (else an offset learned badly at the start
 * would hold its own correction back for ever).
 */
const HOLD_CAP = 1024;

/** One stretch's balance: push a sample (in minus out minus packing, m3/h) at a time. */
export class StretchBalance {
  private readonly o: Required<BalanceOptions>;
  private readonly raw = new Float64Array(CAP + 1);
  private readonly times = new Float64Array(CAP + 1);
  /** Running sums of the clipped deviations and of the raw deviations. */
  private readonly cumClip = new Float64Array(CAP + 1);
  private readonly cumRaw = new Float64Array(CAP + 1);
  /** Running sum of the offset each sample's deviation was taken from. */
  private readonly cumBias = new Float64Array(CAP + 1);
  private n = 0;
  private bias = 0;
  /** Samples behind the offset estimate (its variance is sigma^2 / biasN). */
  private biasN = 0;
  private sigma: number;
  private readonly warmup: number[] = [];
  /** Deviations waiting out the learning lag (oldest first). */
  private pending: number[] = [];

  /** @param sigmaHintM3h noise of one sample expected from the meters, m3/h (used until learned) */
  constructor(sigmaHintM3h: number, opts: BalanceOptions = {}) {
    this.o = { ...BALANCE_DEFAULTS, ...opts };
    this.sigma = Math.max(sigmaHintM3h, 1e-9);
  }

  get count(): number {
    return this.n;
  }
  get warm(): boolean {
    return this.warmup.length >= this.o.warmupSamples;
  }
  get sigmaM3h(): number {
    return this.sigma;
  }
  get offsetM3h(): number {
    return this.bias;
  }

  /**
   * Adds one balance sample. `learn` lets the offset and noise follow slowly; pass `forget`
   * while a leak is suspected, so a slow leak is not learned away. A sample is taught only once
   * `learnLag` quiet samples have followed it; held samples wait. Throwing away every sample
   * near a stir (as `forget` does) would teach the noise only from the calmest hours and leave
   * sigma too small.
   */
  push(tMs: number, imbalanceM3h: number, mode: BalanceLearning): void {
    if (!this.warm) {
      this.warmup.push(imbalanceM3h);
      if (this.warm) {
        const s = [...this.warmup].sort((a, b) => a - b);
        const med = s[s.length >> 1]!;
        const dev = s.map((x) => Math.abs(x - med)).sort((a, b) => a - b);
        // MAD -> sigma, never below what the meters' own noise promises (a short warm-up can
        // be lucky; an underestimated sigma is a false alarm waiting to happen)
        const mad = dev[dev.length >> 1]! * 1.4826;
        this.sigma = Math.max(mad, this.sigma);
        const c = 4 * this.sigma;
        this.bias = s.reduce((a, x) => a + Math.max(med - c, Math.min(med + c, x)), 0) / s.length;
        this.biasN = s.length;
        this.rebuildWarmupSums();
      }
    }
    const e = imbalanceM3h - this.bias;
    const c = this.o.clipSigma * this.sigma;
    const slot = this.n % (CAP + 1);
    const prev = (this.n + CAP) % (CAP + 1);
    const prevClip = this.n > 0 ? this.cumClip[prev]! : 0;
    const prevRaw = this.n > 0 ? this.cumRaw[prev]! : 0;
    this.cumBias[slot] = (this.n > 0 ? this.cumBias[prev]! : 0) + this.bias;
    this.cumClip[slot] = prevClip + Math.max(-c, Math.min(c, e));
    this.cumRaw[slot] = prevRaw + e;
    this.raw[slot] = e;
    this.times[slot] = tMs;
    this.n++;
    if (!this.warm) return;
    if (mode === 'forget') {
      // something is going on: nothing recent may teach the offset
      this.pending = [];
      return;
    }
    this.pending.push(imbalanceM3h);
    const keep = mode === 'hold' ? HOLD_CAP : this.o.learnLag;
    while (this.pending.length > keep) this.teach(this.pending.shift()!);
  }

  /**
   * The warm-up samples entered the sums before there was an offset or a learned sigma: once
   * both are known, their deviations are taken again (clipped at the learned sigma), so the
   * first windows after the warm-up are judged like every later one.
   */
  private rebuildWarmupSums(): void {
    // only while the windows hold exactly the warm-up so far (not after a restart of them)
    const k = this.warmup.length - 1;
    if (this.n !== k || k > CAP) return;
    const c = this.o.clipSigma * this.sigma;
    let clip = 0;
    let raw = 0;
    for (let i = 0; i < k; i++) {
      const e = this.warmup[i]! - this.bias;
      clip += Math.max(-c, Math.min(c, e));
      raw += e;
      this.cumClip[i] = clip;
      this.cumRaw[i] = raw;
      this.cumBias[i] = this.bias * (i + 1);
      this.raw[i] = e;
    }
  }

  private teach(x: number): void {
    const old = x - this.bias;
    if (Math.abs(old) < 4 * this.sigma) {
      // a running mean at first, then an exponential one: the offset follows slow meter drift
      this.biasN = Math.min(this.biasN + 1, 2 * this.o.biasTau);
      this.bias += old / this.biasN;
      const v = this.sigma * this.sigma;
      this.sigma = Math.sqrt(v + (old * old - v) / this.o.sigmaTau);
    }
  }

  /**
   * Sum of the last w samples' deviations (clipped or raw) from the offset as it is now: each
   * deviation was taken from the offset of its own time, and the window is judged against the
   * current one (its uncertainty term uses the current sample count, so the two must agree).
   */
  private sumLast(w: number, clipped: boolean): number {
    return (
      this.span(clipped ? this.cumClip : this.cumRaw, w) +
      this.span(this.cumBias, w) -
      w * this.bias
    );
  }

  private span(arr: Float64Array, w: number): number {
    const last = arr[(this.n - 1) % (CAP + 1)]!;
    return last - (this.n - 1 - w >= 0 ? arr[(this.n - 1 - w) % (CAP + 1)]! : 0);
  }

  /**
   * z of a window of w samples (clipped sums), NaN when the stretch has fewer samples. The
   * offset is itself an estimate from biasN samples: its error adds w^2 sigma^2 / biasN to the
   * window sum's variance, so long windows count fully only once the offset is well known.
   */
  zOf(w: number): number {
    if (this.n < w || !this.warm) return Number.NaN;
    return this.sumLast(w, true) / this.sdOfSum(w);
  }

  /** Standard deviation of a window sum of w samples, the offset's own error included. */
  private sdOfSum(w: number): number {
    return this.sigma * Math.sqrt(w + (w * w) / Math.max(this.biasN, 1));
  }

  /** Mean of the last w samples (clipped, offset removed) with its standard error, or null. */
  meanSe(w: number): { mean: number; se: number } | null {
    if (this.n < w || !this.warm || w < 1) return null;
    return { mean: this.sumLast(w, true) / w, se: this.sdOfSum(w) / w };
  }

  /** The window with the highest z now. */
  state(): BalanceState {
    let best = Number.NaN;
    let bestW = 0;
    for (const w of BALANCE_WINDOWS) {
      if (w > this.n) break;
      const z = this.zOf(w);
      if (!(z <= best)) {
        best = z;
        bestW = w;
      }
    }
    return {
      z: this.warm ? best : Number.NaN,
      window: bestW,
      meanM3h: bestW > 0 ? this.sumLast(bestW, false) / bestW : Number.NaN,
      sigmaM3h: this.sigma,
      samples: this.n,
      warm: this.warm,
    };
  }

  get alarmZ(): number {
    return this.o.alarmZ;
  }

  /**
   * The most likely onset of a step in the mean within the last `maxBack` samples (maximum of
   * (sum after k)^2 / (samples after k), the likelihood ratio of a change in mean), with the mean
   * since then and its standard error. Null with fewer than two samples.
   */
  stepSince(
    maxBack = CAP,
  ): { onsetMs: number; meanM3h: number; seM3h: number; samples: number } | null {
    const m = Math.min(this.n, maxBack, CAP);
    if (m < 2) return null;
    let bestK = 1;
    let bestScore = -Infinity;
    for (let k = 1; k <= m; k++) {
      const s = this.sumLast(k, false);
      if (s <= 0) continue;
      const score = (s * s) / k;
      if (score > bestScore) {
        bestScore = score;
        bestK = k;
      }
    }
    const mean = this.sumLast(bestK, false) / bestK;
    const first = (this.n - bestK) % (CAP + 1);
    return {
      onsetMs: this.times[first]!,
      meanM3h: mean,
      seM3h: this.sigma / Math.sqrt(bestK),
      samples: bestK,
    };
  }

  /** Mean of the last w raw deviations, m3/h. */
  meanLast(w: number): number {
    const k = Math.min(w, this.n);
    return k > 0 ? this.sumLast(k, false) / k : Number.NaN;
  }

  /** Forgets the windows (after a leak has ended) but keeps the learned offset and noise. */
  restartWindows(): void {
    this.n = 0;
  }
}
