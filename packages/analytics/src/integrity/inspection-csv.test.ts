import { describe, expect, it } from 'vitest';
import {
  checkInspectionRows,
  parseInspectionCsv,
  readingKey,
  splitCsvLine,
  type InspectionCheckContext,
} from './inspection-csv';

const NOW = Date.UTC(2026, 10, 20, 15);
const CTX: InspectionCheckContext = {
  segments: new Map([
    [
      'seg-a',
      { wallMm: 7.11, diameterMm: 168.3, installYear: 2005, cmls: new Set(['CML-01', 'CML-02']) },
    ],
  ]),
  existing: new Set([readingKey('seg-a', 'CML-01', '2020-03-01')]),
  allowNewCmls: false,
};

const HEADER = 'segment_id,cml,date,thickness_mm,method,inspector';

function run(lines: string[], ctx = CTX) {
  const parsed = parseInspectionCsv([HEADER, ...lines].join('\n'), { nowMs: NOW });
  const checked = checkInspectionRows(parsed.rows, ctx);
  const errors = [...parsed.errors, ...checked.errors].sort((a, b) => a.line - b.line);
  return { parsed, checked, errors };
}

describe('inspection campaign files', () => {
  it('accepts a clean file and keeps every field', () => {
    const { checked, errors } = run([
      'seg-a,CML-01,2024-03-15,6.02,UT,J. Kim',
      'seg-a,CML-02,2024-03-15,6.10,,',
    ]);
    expect(errors).toEqual([]);
    expect(checked.valid.map((r) => [r.line, r.cml, r.thicknessMm, r.method, r.inspector])).toEqual(
      [
        [2, 'CML-01', 6.02, 'UT', 'J. Kim'],
        [3, 'CML-02', 6.1, 'UT', null],
      ],
    );
  });

  it('reports each kind of bad input with its line', () => {
    const { errors, checked } = run([
      'seg-a,CML-01,2024-03-15,-1.2,UT,',
      'seg-a,CML-01,2024-03-16,0,UT,',
      'seg-a,CML-01,2024-03-17,45,UT,',
      'seg-a,CML-01,2030-01-01,6.0,UT,',
      'seg-x,CML-01,2024-03-15,6.0,UT,',
      'seg-a,CML-99,2024-03-15,6.0,UT,',
      'seg-a,CML-02,2024-05-01,6.0,UT,',
      'seg-a,CML-02,2024-05-01,6.1,UT,',
      'seg-a,CML-01,2024-06-01,0.27,UT,',
      'seg-a,CML-01,2024-13-01,6.0,UT,',
      'seg-a,CML-01,2024-07-01,six,UT,',
      'seg-a,CML-01,2020-03-01,6.4,UT,',
      'seg-a,CML-01,2001-01-01,7.0,UT,',
      'seg-a,CML-01,2024-08-01',
    ]);
    expect(errors.map((e) => [e.line, e.code])).toEqual([
      [2, 'thickness_not_positive'],
      [3, 'thickness_not_positive'],
      [4, 'thickness_impossible'],
      [5, 'date_in_future'],
      [6, 'unknown_segment'],
      [7, 'unknown_cml'],
      [9, 'duplicate_row'],
      [10, 'unit_mismatch'],
      [11, 'bad_date'],
      [12, 'bad_number'],
      [13, 'already_imported'],
      [14, 'date_before_install'],
      [15, 'wrong_field_count'],
    ]);
    expect(errors.find((e) => e.code === 'duplicate_row')!.message).toMatch(/line 8/);
    expect(errors.find((e) => e.code === 'unit_mismatch')!.message).toMatch(
      /6.86 mm if it were inches/,
    );
    expect(checked.valid.map((r) => r.line)).toEqual([8]);
  });

  it('refuses a header without the required columns or with unknown ones, on line 1', () => {
    const p = parseInspectionCsv('segment,cml,date,thickness\nseg-a,CML-01,2024-01-01,6', {
      nowMs: NOW,
    });
    expect(p.errors).toHaveLength(1);
    expect(p.errors[0]).toMatchObject({ line: 1, code: 'bad_header' });
    expect(p.errors[0]!.message).toMatch(/missing column "segment_id"/);
    expect(p.errors[0]!.message).toMatch(/unknown column "thickness"/);
    expect(p.rows).toEqual([]);
  });

  it('converts a thickness_in column to millimetres and flags millimetres written in it', () => {
    const p = parseInspectionCsv(
      'segment_id,cml,date,thickness_in\nseg-a,CML-01,2024-01-01,0.250\nseg-a,CML-02,2024-01-01,6.9',
      { nowMs: NOW },
    );
    expect(p.rows[0]!.thicknessMm).toBeCloseTo(6.35, 9);
    const checked = checkInspectionRows(p.rows, CTX);
    expect(checked.errors.map((e) => [e.line, e.code])).toEqual([[3, 'unit_mismatch']]);
  });

  it('reads semicolon files with decimal commas, quoted fields and a byte-order mark', () => {
    const p = parseInspectionCsv(
      '\ufeffsegment_id;cml;date;thickness_mm;inspector\r\nseg-a;CML-01;2024-01-01;6,02;"Kim; J."\r\n\r\n',
      { nowMs: NOW },
    );
    expect(p.errors).toEqual([]);
    expect(p.delimiter).toBe(';');
    expect(p.rows[0]).toMatchObject({ thicknessMm: 6.02, inspector: 'Kim; J.', method: 'UT' });
    expect(p.dataLines).toBe(1);
    expect(splitCsvLine('a,"b ""c"", d",e', ',')).toEqual(['a', 'b "c", d', 'e']);
  });

  it('accepts a reading dated today and a new CML when asked to', () => {
    const { errors } = run(['seg-a,CML-07,2026-11-20,6.0,UT,'], { ...CTX, allowNewCmls: true });
    expect(errors).toEqual([]);
  });
});
