import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectLayout, parseTimestamp, readCsvTable, type CsvProblem } from './csv-table';

describe('reading historian exports', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ct-csv-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads ISO times with and without zone, and epoch seconds and milliseconds', () => {
    expect(parseTimestamp('2020-03-09 10:14:33')).toBe(Date.UTC(2020, 2, 9, 10, 14, 33));
    expect(parseTimestamp('2020-03-09T10:14:33+09:00')).toBe(Date.UTC(2020, 2, 9, 1, 14, 33));
    expect(parseTimestamp('1583748873')).toBe(1583748873000);
    expect(parseTimestamp('1583748873123')).toBe(1583748873123);
    expect(parseTimestamp('yesterday')).toBeNaN();
  });

  it('detects the separator and whether the first line is a header', () => {
    expect(detectLayout('datetime;A;B')).toEqual({
      separator: ';',
      header: ['datetime', 'A', 'B'],
      columns: ['A', 'B'],
    });
    expect(detectLayout('1583748873,1.5,2')).toMatchObject({
      separator: ',',
      header: null,
      columns: ['col1', 'col2'],
    });
    expect(() => detectLayout('just-one-column')).toThrow(/at least one sensor column/);
  });

  it('reports bad rows by line and keeps the good ones, with empty fields as missing', async () => {
    const f = join(dir, 'x.csv');
    await writeFile(
      f,
      [
        'time,p,q',
        '2020-01-01 00:00:00,1,2',
        '2020-01-01 00:00:01,,3',
        'not a time,1,2',
        '2020-01-01 00:00:03,1',
        '2020-01-01 00:00:04,1,abc',
        '2020-01-01 00:00:05,4,5',
        '',
      ].join('\n'),
    );
    const rows: { line: number; values: number[] }[] = [];
    const problems: CsvProblem[] = [];
    await readCsvTable(
      f,
      () => {},
      (r) => rows.push({ line: r.line, values: [...r.values] }),
      (p) => problems.push(p),
    );
    expect(rows.map((r) => r.line)).toEqual([2, 3, 7]);
    expect(rows[1]!.values[0]).toBeNaN();
    expect(problems.map((p) => p.line)).toEqual([4, 5, 6]);
    expect(problems[0]!.reason).toMatch(/timestamp/);
    expect(problems[1]!.reason).toMatch(/2 fields, expected 3/);
    expect(problems[2]!.reason).toMatch(/column "q": "abc" is not a number/);
  });
});
