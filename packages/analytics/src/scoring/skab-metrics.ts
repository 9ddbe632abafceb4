/**
 * The official SKAB metrics (shared/datasets/skab/README.md, "The official protocol"): outlier
 * F1 / FAR / MAR pooled over all test rows, and the NAB-like changepoint score with three
 * profiles. Pure: labels, predictions and times in, figures out.
 */

export interface OutlierMetrics {
  /** F1 = TP / (TP + (FN + FP) / 2) */
  f1: number;
  /** False alarm rate, percent: 100 FP / (FP + TN) */
  far: number;
  /** Missed alarm rate, percent: 100 FN / (FN + TP) */
  mar: number;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

/** Outlier metrics pooled over every row of every file (truth and prediction are 0/1). */
export function outlierMetrics(
  truth: readonly ArrayLike<number>[],
  predicted: readonly ArrayLike<number>[],
): OutlierMetrics {
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  truth.forEach((t, f) => {
    const p = predicted[f]!;
    if (p.length !== t.length)
      throw new Error(`file ${f}: ${p.length} predictions for ${t.length} rows`);
    for (let i = 0; i < t.length; i++) {
      const a = t[i] === 1;
      const b = p[i] === 1;
      if (a && b) tp++;
      else if (!a && b) fp++;
      else if (!a && !b) tn++;
      else fn++;
    }
  });
  return {
    f1: tp / (tp + (fn + fp) / 2),
    far: (100 * fp) / (fp + tn),
    mar: (100 * fn) / (fn + tp),
    tp,
    fp,
    tn,
    fn,
  };
}

export interface NabProfile {
  aTp: number;
  aFp: number;
  aFn: number;
}

/** SKAB README, step 4: Standard (1, -0.11, -1), LowFP (1, -0.22, -1), LowFN (1, -0.11, -2). */
export const NAB_PROFILES = {
  standard: { aTp: 1, aFp: -0.11, aFn: -1 },
  lowFp: { aTp: 1, aFp: -0.22, aFn: -1 },
  lowFn: { aTp: 1, aFp: -0.11, aFn: -2 },
} as const satisfies Record<string, NabProfile>;

export interface ChangepointFile {
  /** Row times, epoch ms, increasing. */
  times: ArrayLike<number>;
  /** 1 where a true changepoint is. */
  truth: ArrayLike<number>;
  /** 1 where the detector raised a changepoint alarm. */
  alarms: ArrayLike<number>;
}

export interface NabResult {
  standard: number;
  lowFp: number;
  lowFn: number;
  /** Windows without an alarm. */
  missed: number;
  /** Alarms outside every window. */
  fp: number;
  windows: number;
}

interface FileTally {
  windows: number;
  missed: number;
  fp: number;
  /** Relative position (0..1) of the first alarm in each detected window. */
  positions: number[];
}

const DETAIL = 1000;

/** The true-positive weight of an alarm at relative position `pos` in its window (step 5). */
export function nabWeight(pos: number, p: NabProfile): number {
  const e = Math.min(Math.floor(pos * DETAIL), DETAIL - 1);
  const x = -Math.PI / 2 + (e * Math.PI) / (DETAIL - 1);
  const half = (p.aTp - p.aFp) / 2;
  return half * (-Math.tanh(x) / Math.tanh(Math.PI / 2)) + half + p.aFp;
}

function tallyFile(f: ChangepointFile, windowMs: number): FileTally {
  const cps: number[] = [];
  for (let i = 0; i < f.truth.length; i++) if (f.truth[i] === 1) cps.push(f.times[i]!);
  // step 1: [t, t + window]; an overlapped window starts where the previous one ends
  const win: [number, number][] = cps.map((t) => [t, t + windowMs]);
  for (let i = 0; i + 1 < win.length; i++) {
    if (win[i]![1] >= win[i + 1]![0]) win[i + 1]![0] = win[i]![1];
  }
  const alarms: number[] = [];
  for (let i = 0; i < f.alarms.length; i++) if (f.alarms[i] === 1) alarms.push(f.times[i]!);
  const first = new Array<number | null>(win.length).fill(null);
  let fp = 0;
  for (const a of alarms) {
    const w = win.findIndex(([l, r]) => a >= l && a <= r);
    if (w < 0) fp++;
    else if (first[w] === null) first[w] = a;
  }
  const positions: number[] = [];
  let missed = 0;
  win.forEach(([l, r], i) => {
    const d = first[i];
    if (d === null || d === undefined) missed++;
    else positions.push(r > l ? (d - l) / (r - l) : 0);
  });
  return { windows: win.length, missed, fp, positions };
}

/** The NAB-like changepoint score over all files (steps 1-6), 60-second windows by default. */
export function nabScore(files: readonly ChangepointFile[], windowMs = 60_000): NabResult {
  const tallies = files.map((f) => tallyFile(f, windowMs));
  const score = (p: NabProfile) => {
    let s = 0;
    let perfect = 0;
    let nul = 0;
    for (const t of tallies) {
      s += p.aFp * t.fp + p.aFn * t.missed;
      for (const pos of t.positions) s += nabWeight(pos, p);
      perfect += t.windows * p.aTp;
      nul += t.windows * p.aFn;
    }
    return Math.round(((100 * (s - nul)) / (perfect - nul)) * 100) / 100;
  };
  return {
    standard: score(NAB_PROFILES.standard),
    lowFp: score(NAB_PROFILES.lowFp),
    lowFn: score(NAB_PROFILES.lowFn),
    missed: tallies.reduce((a, t) => a + t.missed, 0),
    fp: tallies.reduce((a, t) => a + t.fp, 0),
    windows: tallies.reduce((a, t) => a + t.windows, 0),
  };
}

/**
 * How SKAB's authors turned outlier predictions into changepoint alarms for their reference
 * methods (notebooks/isolation_forest.ipynb): the running maximum over 30 rows (0 while fewer
 * than 30 rows exist), then the absolute first difference, the first row taking the prediction.
 */
export function changepointsFromOutliers(pred: ArrayLike<number>, span = 30): number[] {
  const max: number[] = [];
  for (let i = 0; i < pred.length; i++) {
    if (i < span - 1) {
      max.push(0);
      continue;
    }
    let m = -Infinity;
    for (let k = i - span + 1; k <= i; k++) m = Math.max(m, pred[k]!);
    max.push(m);
  }
  const out = max.map((m, i) => (i === 0 ? pred[0]! : Math.abs(m - max[i - 1]!)));
  return out;
}
