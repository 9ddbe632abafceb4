import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { changepointsFromOutliers, nabScore, outlierMetrics } from '@ct/analytics';
import {
  SKAB_DIR,
  SKAB_TRAIN_ROWS,
  loadSkab,
  readReferencePredictions,
  type SkabFile,
} from './dataset';

const present = existsSync(SKAB_DIR);
if (!present) console.warn(`SKIPPED: SKAB scorer check: no dataset at ${SKAB_DIR}`);

describe.runIf(present)('the SKAB scorer on the published reference predictions', () => {
  let files: SkabFile[];
  beforeAll(async () => {
    files = (await loadSkab()).files;
  });

  async function predictions(method: 'Conv_AE' | 'Isolation_Forest' | 'MSET') {
    const ref = await readReferencePredictions(method);
    return files.map((f) => {
      const byTime = ref.get(f.name);
      if (!byTime) throw new Error(`${method}: no predictions for ${f.name}`);
      return f.times.slice(SKAB_TRAIN_ROWS).map((t) => {
        const p = byTime.get(t);
        if (p === undefined) throw new Error(`${method}: no prediction for ${f.name} at ${t}`);
        return p;
      });
    });
  }

  it('covers the 34 labelled files and their 23,801 test rows and 127 changepoints', () => {
    expect(files).toHaveLength(34);
    const test = files.map((f) => f.anomaly.slice(SKAB_TRAIN_ROWS));
    expect(test.reduce((a, t) => a + t.length, 0)).toBe(23_801);
    const cps = files.reduce(
      (a, f) => a + f.changepoint.slice(SKAB_TRAIN_ROWS).filter((c) => c === 1).length,
      0,
    );
    expect(cps).toBe(127);
  });

  for (const [method, f1, far, mar] of [
    ['Conv_AE', 0.78, 13.55, 28.02],
    ['MSET', 0.78, 39.73, 14.13],
    ['Isolation_Forest', 0.29, 2.56, 82.89],
  ] as const) {
    it(`reproduces the published outlier figures of ${method}`, async () => {
      const pred = await predictions(method);
      const m = outlierMetrics(
        files.map((f) => f.anomaly.slice(SKAB_TRAIN_ROWS)),
        pred,
      );
      expect(Math.round(m.f1 * 100) / 100).toBe(f1);
      expect(Math.round(m.far * 100) / 100).toBe(far);
      expect(Math.round(m.mar * 100) / 100).toBe(mar);
    });
  }

  it('reproduces the published changepoint score of Isolation Forest', async () => {
    const pred = await predictions('Isolation_Forest');
    const r = nabScore(
      files.map((f, i) => ({
        times: f.times.slice(SKAB_TRAIN_ROWS),
        truth: f.changepoint.slice(SKAB_TRAIN_ROWS),
        alarms: changepointsFromOutliers(pred[i]!),
      })),
    );
    expect(r).toMatchObject({
      standard: 26.16,
      lowFp: 19.5,
      lowFn: 30.82,
      missed: 76,
      fp: 135,
      windows: 127,
    });
  });
});
