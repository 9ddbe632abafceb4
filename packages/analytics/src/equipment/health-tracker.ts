import type { WindowFeatures } from './features';
import { estimateRul, healthIndex, normalisedHealth } from './health';
import type { HealthScale, RulEstimate, RulOptions } from './health';
import { operationalLevel, operationalLimits, zoneFromBoundaries } from './iso10816';
import type { OperationalLevel, OperationalLimits, SeverityZone, ZoneBoundaries } from './iso10816';

export interface EquipmentHealthTrackerOptions {
  /** Zone boundaries of the machine, mm/s r.m.s., e.g. `groupBoundaries({ group: 2, foundation: 'rigid' })`. */
  boundaries: ZoneBoundaries;
  /**
   * Healthy velocity r.m.s. of this machine, mm/s (HI 0). When omitted the tracker learns it as
   * the mean of the first `baselineLearnS` of data, which is only right for a healthy machine.
   */
  baselineMmS?: number;
  /** Seconds of data to learn the baseline from when none is given (default 3 600). */
  baselineLearnS?: number;
  /** Velocity r.m.s. taken as failure (HI 1), mm/s (default: the C/D boundary). */
  failureThresholdMmS?: number;
  /** History resolution: one point per this many seconds of data (default 60). */
  bucketS?: number;
  /** History kept, seconds of data (default 3 days). */
  historyS?: number;
  /** The trend is fitted over this many seconds of history (default 24 hours). */
  fitWindowS?: number;
  /** Passed to {@link estimateRul}. */
  rul?: Pick<RulOptions, 'minPoints' | 'minSpanS' | 'minR2'>;
}

export interface EquipmentHealthSnapshot {
  /** Time of the latest accepted reading, epoch ms (null before the first). */
  tMs: number | null;
  /** Latest velocity r.m.s., mm/s. */
  velocityRmsMmS: number | null;
  zone: SeverityZone | null;
  /** Against the ALARM/TRIP levels (null until the baseline is known). */
  level: OperationalLevel | null;
  /** Clamped health index of the latest reading, 0–1 (null until the baseline is known). */
  healthIndex: number | null;
  baselineMmS: number | null;
  limits: OperationalLimits | null;
  /** Estimate from the last closed history point (its `asOfMs` says when). */
  rul: RulEstimate;
  /** Other features given with the latest reading. */
  features: Readonly<Partial<WindowFeatures>> | null;
}

const DEFAULTS = {
  baselineLearnS: 3600,
  bucketS: 60,
  historyS: 3 * 86_400,
  fitWindowS: 86_400,
} as const;

/**
 * Health of one asset from a stream of velocity r.m.s. readings: the ISO zone and health index
 * of the latest reading, and a remaining-life estimate from a bounded, downsampled history (one
 * mean per `bucketS` of data time). An update is O(1) and allocates nothing, except when it
 * closes a history point: then the trend is refitted, O(history), at most once per bucket.
 * Readings older than the latest, or not finite, are counted in `rejected` and ignored.
 */
export class EquipmentHealthTracker {
  private readonly boundaries: ZoneBoundaries;
  private readonly thresholdMmS: number;
  private readonly learnMs: number;
  private readonly bucketMs: number;
  private readonly fitWindowS: number;
  private readonly rulOptions: RulOptions;
  // History ring: time (epoch ms) and mean velocity r.m.s. (mm/s) per bucket.
  private readonly histTimes: Float64Array;
  private readonly histRms: Float64Array;
  private histHead = 0;
  private histLength = 0;
  // Scratch for the fit, in time order.
  private readonly fitTimes: Float64Array;
  private readonly fitHi: Float64Array;

  private bucketKey = NaN;
  private bucketSum = 0;
  private bucketCount = 0;
  private bucketOffsetSum = 0;

  private baseline: number | null;
  private learnStartMs = NaN;
  private learnSum = 0;
  private learnCount = 0;

  private lastTMs: number | null = null;
  private lastRms: number | null = null;
  private lastFeatures: Readonly<Partial<WindowFeatures>> | null = null;
  private rulEstimate: RulEstimate;
  private limitsCache: OperationalLimits | null = null;

  /** Readings ignored because they were out of order or not finite. */
  rejected = 0;

  constructor(options: EquipmentHealthTrackerOptions) {
    this.boundaries = options.boundaries;
    this.thresholdMmS = options.failureThresholdMmS ?? options.boundaries.cd;
    this.learnMs = (options.baselineLearnS ?? DEFAULTS.baselineLearnS) * 1000;
    const bucketS = options.bucketS ?? DEFAULTS.bucketS;
    const historyS = options.historyS ?? DEFAULTS.historyS;
    if (!(bucketS > 0) || !(historyS >= bucketS))
      throw new RangeError(`need 0 < bucketS ≤ historyS, got ${bucketS}, ${historyS}`);
    this.bucketMs = bucketS * 1000;
    this.fitWindowS = options.fitWindowS ?? DEFAULTS.fitWindowS;
    this.rulOptions = { ...options.rul, windowS: this.fitWindowS };
    const capacity = Math.ceil(historyS / bucketS);
    this.histTimes = new Float64Array(capacity);
    this.histRms = new Float64Array(capacity);
    this.fitTimes = new Float64Array(capacity);
    this.fitHi = new Float64Array(capacity);
    this.baseline = null;
    this.rulEstimate = {
      status: 'no_trend',
      reason: 'no_baseline',
      detail: 'baseline not learned yet',
    };
    if (options.baselineMmS !== undefined) this.setBaseline(options.baselineMmS);
  }

  /**
   * One reading: time (epoch ms), broadband velocity r.m.s. (mm/s) and optionally other features
   * of the same window (kept as given, for display).
   */
  update(tMs: number, velocityRmsMmS: number, features?: Readonly<Partial<WindowFeatures>>): void {
    if (
      !Number.isFinite(tMs) ||
      !Number.isFinite(velocityRmsMmS) ||
      velocityRmsMmS < 0 ||
      (this.lastTMs !== null && tMs < this.lastTMs)
    ) {
      this.rejected++;
      return;
    }
    this.lastTMs = tMs;
    this.lastRms = velocityRmsMmS;
    this.lastFeatures = features ?? null;
    const key = Math.floor(tMs / this.bucketMs);
    if (key !== this.bucketKey) {
      if (this.bucketCount > 0) this.closeBucket();
      this.bucketKey = key;
      this.bucketSum = this.bucketCount = this.bucketOffsetSum = 0;
    }
    this.bucketSum += velocityRmsMmS;
    this.bucketOffsetSum += tMs - key * this.bucketMs;
    this.bucketCount++;
  }

  /** ISO zone of the latest reading (null before the first). */
  get zone(): SeverityZone | null {
    return this.lastRms === null ? null : zoneFromBoundaries(this.lastRms, this.boundaries);
  }

  /** Clamped health index (0–1) of the latest reading; null until the baseline is known. */
  get healthIndex(): number | null {
    if (this.lastRms === null || this.baseline === null) return null;
    return healthIndex(this.lastRms, this.scale());
  }

  /** The remaining-life estimate as of the last closed history point. */
  get rul(): RulEstimate {
    return this.rulEstimate;
  }

  /** Baseline velocity r.m.s., mm/s, given or learned; null while learning. */
  get baselineMmS(): number | null {
    return this.baseline;
  }

  /** History points held (≤ historyS / bucketS). */
  get historyLength(): number {
    return this.histLength;
  }

  snapshot(): EquipmentHealthSnapshot {
    const rms = this.lastRms;
    const limits = this.limitsCache;
    return {
      tMs: this.lastTMs,
      velocityRmsMmS: rms,
      zone: this.zone,
      level: rms !== null && limits ? operationalLevel(rms, limits) : null,
      healthIndex: this.healthIndex,
      baselineMmS: this.baseline,
      limits,
      rul: this.rulEstimate,
      features: this.lastFeatures,
    };
  }

  private scale(): HealthScale {
    return { baseline: this.baseline!, threshold: this.thresholdMmS };
  }

  private setBaseline(mmS: number): void {
    this.baseline = mmS;
    // Throws early on a baseline at or above the failure threshold.
    normalisedHealth(mmS, this.scale());
    this.limitsCache = operationalLimits(this.boundaries, mmS);
    if (this.rulEstimate.status === 'no_trend' && this.rulEstimate.reason === 'no_baseline') {
      this.rulEstimate = {
        status: 'no_trend',
        reason: 'too_few_points',
        detail: 'not enough history for a trend yet',
      };
    }
  }

  private closeBucket(): void {
    const startMs = this.bucketKey * this.bucketMs;
    const tMs = startMs + this.bucketOffsetSum / this.bucketCount;
    const rms = this.bucketSum / this.bucketCount;
    const cap = this.histTimes.length;
    const slot = (this.histHead + this.histLength) % cap;
    this.histTimes[slot] = tMs;
    this.histRms[slot] = rms;
    if (this.histLength < cap) this.histLength++;
    else this.histHead = (this.histHead + 1) % cap;

    if (this.baseline === null) {
      if (Number.isNaN(this.learnStartMs)) this.learnStartMs = tMs;
      if (tMs - this.learnStartMs < this.learnMs) {
        this.learnSum += rms;
        this.learnCount++;
        return;
      }
      const learned = this.learnSum / this.learnCount;
      if (!(learned < this.thresholdMmS)) {
        // Already past failure while learning: no scale to measure health on; learn again.
        this.rulEstimate = {
          status: 'no_trend',
          reason: 'no_baseline',
          detail: `learned baseline ${learned} mm/s is not below the threshold ${this.thresholdMmS} mm/s`,
        };
        this.learnStartMs = tMs;
        this.learnSum = rms;
        this.learnCount = 1;
        return;
      }
      this.setBaseline(learned);
    }
    this.refit(tMs);
  }

  private refit(nowMs: number): void {
    const cap = this.histTimes.length;
    const scale = this.scale();
    // Only the points inside the fit window, oldest first.
    const fromMs = nowMs - this.fitWindowS * 1000;
    let skip = 0;
    while (skip < this.histLength && this.histTimes[(this.histHead + skip) % cap]! < fromMs) skip++;
    const n = this.histLength - skip;
    for (let i = 0; i < n; i++) {
      const j = (this.histHead + skip + i) % cap;
      this.fitTimes[i] = this.histTimes[j]!;
      this.fitHi[i] = normalisedHealth(this.histRms[j]!, scale);
    }
    this.rulOptions.nowMs = nowMs;
    this.rulEstimate = estimateRul(
      this.fitTimes.subarray(0, n),
      this.fitHi.subarray(0, n),
      this.rulOptions,
    );
  }
}
