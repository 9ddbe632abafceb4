import { describe, expect, it } from 'vitest';
import type { DetectorOutput, StreamingDetector, TrainingSegment } from '../detector';
import { runProtocol, type LabelledSeries } from './protocol';

/** Says "anomaly" when the first value exceeds 0.5 and remembers what it was fitted on. */
class Threshold implements StreamingDetector {
  readonly name = 'threshold';
  fitted: TrainingSegment[] = [];
  seen: number[] = [];
  fit(segments: TrainingSegment[]): void {
    this.fitted = segments;
  }
  update(t: number, x: ArrayLike<number>): DetectorOutput {
    this.seen.push(t);
    const high = x[0]! > 0.5;
    return {
      score: high ? 1 : 0,
      anomaly: high,
      changepoint: false,
      contributions: [],
      confidence: 1,
    };
  }
}

describe('the SKAB protocol runner', () => {
  const file: LabelledSeries = {
    name: 'f',
    times: [0, 1000, 2000, 3000, 4000, 5000],
    values: [[0], [1], [0], [1], [1], [0]],
    anomaly: [0, 0, 0, 1, 0, 0],
    changepoint: [0, 0, 0, 1, 0, 0],
  };

  it('fits on the first rows, feeds every row in order and scores only the rest', () => {
    const made: Threshold[] = [];
    const r = runProtocol([file], {
      trainRows: 2,
      create: () => {
        const d = new Threshold();
        made.push(d);
        return d;
      },
    });
    expect(made).toHaveLength(1);
    expect(made[0]!.fitted[0]!.rows).toEqual([[0], [1]]);
    expect(made[0]!.seen).toEqual([0, 1000, 2000, 3000, 4000, 5000]);
    // scored rows 2..5: predictions 0,1,1,0 against labels 0,1,0,0
    expect(r.outlier).toMatchObject({ tp: 1, fp: 1, tn: 2, fn: 0 });
    expect(r.rows).toBe(6);
    expect(r.changepoint).toMatchObject({ windows: 1, missed: 1, fp: 0 });
  });
});
