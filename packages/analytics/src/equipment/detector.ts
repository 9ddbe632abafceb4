/**
 * The streaming anomaly detector for pumps and compressors: one per machine, fed one reading
 * vector per sample, causal and deterministic. The same object runs live, in `score-csv` and in
 * the SKAB evaluation. Method and figures: docs/detector.md.
 */
import { MewmaDetector, resolveOptions, type MewmaOptions } from './anomaly/mewma';

/** A stretch of normal operation to learn from. */
export interface TrainingSegment {
  /** Sample times, epoch ms, increasing. */
  times: ArrayLike<number>;
  /** One row of sensor values per sample (NaN where a value is missing). */
  rows: ArrayLike<ArrayLike<number>>;
}

/** One sensor's share in the current score. */
export interface Contribution {
  /** Column index of the sensor. */
  sensor: number;
  name: string;
  /** Signed deviation of the sensor's smoothed reading from normal, in standard deviations. */
  sigma: number;
}

export interface DetectorOutput {
  /** Calibrated anomaly score, 0..1: 0.5 at the alarm threshold, 0 for typical normal data. */
  score: number;
  /** The detector's outlier decision at this sample (threshold with on- and off-delay). */
  anomaly: boolean;
  /** A changepoint alarm at this sample (a change in the machine's state began or settled). */
  changepoint: boolean;
  /** The sensors driving the score (|sigma| >= 1), largest |sigma| first, at most 5. */
  contributions: Contribution[];
  /** 0..1: the share of usable input behind this output (NaN, stuck sensors and gaps lower it). */
  confidence: number;
}

export interface StreamingDetector {
  readonly name: string;
  /** Learns normal behaviour from baseline data; resets the streaming state. */
  fit(segments: TrainingSegment[]): void;
  /** Scores the sample at time t (epoch ms) from samples up to t only. */
  update(t: number, x: ArrayLike<number>): DetectorOutput;
}

/** Options of a detector; every field has a default tuned once for all machines. */
export type DetectorOptions = Partial<MewmaOptions>;

/**
 * The named detectors: `mewma` (multivariate EWMA with a full covariance, the default) and
 * `mewma-diagonal` (the same with independent sensors, i.e. smoothed per-sensor z-scores).
 */
export const DETECTORS: Readonly<Record<string, DetectorOptions>> = {
  mewma: {},
  'mewma-diagonal': { covariance: 'diagonal' },
  // live machines change operating point with the process load: their normal level follows
  // slow changes (5 min) while they are confidently normal
  'mewma-adaptive': { adaptS: 300 },
};

export const DEFAULT_DETECTOR = 'mewma';

/**
 * A detector by name (see DETECTORS; `default` means DEFAULT_DETECTOR, so stored configurations
 * follow a change of default) for the given sensor columns; options override the named
 * configuration. Throws on an unknown name or an option out of range.
 */
export function createDetector(
  name: string,
  sensorNames: string[],
  options?: DetectorOptions,
): StreamingDetector {
  const resolved = name === 'default' ? DEFAULT_DETECTOR : name;
  const preset = DETECTORS[resolved];
  if (!preset) {
    const known = ['default', ...Object.keys(DETECTORS)].join(', ');
    throw new Error(`unknown detector "${name}"; known: ${known}`);
  }
  return new MewmaDetector(resolved, sensorNames, resolveOptions({ ...preset, ...options }));
}
