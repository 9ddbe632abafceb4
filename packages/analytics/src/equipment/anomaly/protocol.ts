/**
 * Runs a streaming detector over labelled files the way SKAB's official protocol scores it
 * (shared/datasets/skab/README.md): per file a fresh detector learns from the first rows, then
 * every row is fed in order and only the rows after the training part are scored.
 */
import type { StreamingDetector, TrainingSegment } from '../detector';
import {
  changepointsFromOutliers,
  nabScore,
  outlierMetrics,
  type NabResult,
  type OutlierMetrics,
} from '../../scoring/skab-metrics';

export interface LabelledSeries {
  name: string;
  /** Epoch ms per row. */
  times: ArrayLike<number>;
  values: ArrayLike<ArrayLike<number>>;
  /** 0/1 per row. */
  anomaly: ArrayLike<number>;
  /** 0/1 per row. */
  changepoint: ArrayLike<number>;
}

export interface ProtocolOptions {
  /** Rows at the start of every file to learn from; the rest is scored. */
  trainRows: number;
  /** A fresh detector for a file. */
  create: () => StreamingDetector;
  /** Extra normal data every detector also learns from (SKAB allows anomaly-free.csv). */
  extraTraining?: TrainingSegment[];
  /** Called after each file with the file's name and its predictions on the scored rows. */
  onFile?: (name: string, anomaly: Uint8Array, changepoint: Uint8Array) => void;
}

export interface ProtocolResult {
  outlier: OutlierMetrics;
  /** Changepoints from the detector's own changepoint output. */
  changepoint: NabResult;
  /** Changepoints derived from its outliers the way SKAB's authors did for their methods. */
  changepointFromOutliers: NabResult;
  /** Rows fed to detectors (training rows included). */
  rows: number;
}

/** Fits, streams and scores every file; deterministic for a deterministic detector. */
export function runProtocol(files: readonly LabelledSeries[], o: ProtocolOptions): ProtocolResult {
  const truth: Uint8Array[] = [];
  const pred: Uint8Array[] = [];
  const cps: { times: ArrayLike<number>; truth: ArrayLike<number>; alarms: Uint8Array }[] = [];
  const derived: { times: ArrayLike<number>; truth: ArrayLike<number>; alarms: number[] }[] = [];
  let rows = 0;
  for (const f of files) {
    const n = f.times.length;
    const k = Math.min(o.trainRows, n);
    const train: TrainingSegment = {
      times: Array.prototype.slice.call(f.times, 0, k) as number[],
      rows: Array.prototype.slice.call(f.values, 0, k) as ArrayLike<number>[],
    };
    const det = o.create();
    det.fit([train, ...(o.extraTraining ?? [])]);
    const a = new Uint8Array(n - k);
    const c = new Uint8Array(n - k);
    for (let i = 0; i < n; i++) {
      const out = det.update(f.times[i]!, f.values[i]!);
      if (i >= k) {
        a[i - k] = out.anomaly ? 1 : 0;
        c[i - k] = out.changepoint ? 1 : 0;
      }
    }
    rows += n;
    const times = Array.prototype.slice.call(f.times, k) as number[];
    const cpTruth = Array.prototype.slice.call(f.changepoint, k) as number[];
    truth.push(Uint8Array.from(Array.prototype.slice.call(f.anomaly, k) as number[]));
    pred.push(a);
    cps.push({ times, truth: cpTruth, alarms: c });
    derived.push({ times, truth: cpTruth, alarms: changepointsFromOutliers(a) });
    o.onFile?.(f.name, a, c);
  }
  return {
    outlier: outlierMetrics(truth, pred),
    changepoint: nabScore(cps),
    changepointFromOutliers: nabScore(derived),
    rows,
  };
}
