import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DETECTOR, createDetector, runProtocol } from '@ct/analytics';
import { SKAB_COLUMNS, SKAB_DIR, SKAB_TRAIN_ROWS, loadSkab, type SkabFile } from './dataset';

// The full 34-file evaluation is a benchmark (pnpm eval:skab); this checks a few files quickly.
const FILES = ['valve1/1.csv', 'valve2/0.csv', 'other/3.csv', 'other/9.csv'];

const present = existsSync(SKAB_DIR);
if (!present) console.warn(`SKIPPED: SKAB detector check: no dataset at ${SKAB_DIR}`);

describe.runIf(present)('the default detector on a few SKAB files, official protocol', () => {
  let files: SkabFile[];
  beforeAll(async () => {
    files = (await loadSkab()).files.filter((f) => FILES.includes(f.name));
  });

  const evaluate = () =>
    runProtocol(files, {
      trainRows: SKAB_TRAIN_ROWS,
      create: () => createDetector(DEFAULT_DETECTOR, [...SKAB_COLUMNS]),
    });

  it('finds most anomalous rows with few false alarms and catches most changepoints', () => {
    expect(files).toHaveLength(FILES.length);
    const r = evaluate();
    expect(r.outlier.f1).toBeGreaterThan(0.8);
    expect(r.outlier.far).toBeLessThan(35);
    expect(r.outlier.mar).toBeLessThan(15);
    // the best published changepoint score over all 34 files is 32.42
    expect(r.changepoint.standard).toBeGreaterThan(35);
    expect(r.changepoint.missed).toBeLessThanOrEqual(r.changepoint.windows / 2);
  });

  it('gives the same figures on a second run (deterministic)', () => {
    expect(evaluate()).toEqual(evaluate());
  });
});
