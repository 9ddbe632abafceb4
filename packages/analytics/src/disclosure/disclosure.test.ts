import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DISCLOSURE_RULES as RULES,
  cellKey,
  differencingRisk,
  recoverable,
  releaseCells,
  type DisclosureCell,
} from './disclosure';

const who = (n: number, prefix = 'c') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

/** A cell with `n` equal contributors. */
function cell(
  level: DisclosureCell['level'],
  d1: string | null,
  d2: string | null,
  n: number,
  weight: number,
  top = 1 / Math.max(n, 1),
): DisclosureCell {
  return {
    level,
    d1,
    d2,
    companies: n,
    weight,
    total: weight * 0.2,
    topWeightShare: top,
    topValueShare: top,
    contributors: who(n, `${d1}${d2}`),
  };
}

/** A 2 x 3 table with margins; cell (a, x) has only `ax` companies. */
function table(ax: number): DisclosureCell[] {
  const cells = [
    cell('cell', 'a', 'x', ax, 10),
    cell('cell', 'a', 'y', 6, 20),
    cell('cell', 'a', 'z', 7, 30),
    cell('cell', 'b', 'x', 8, 40),
    cell('cell', 'b', 'y', 9, 50),
    cell('cell', 'b', 'z', 6, 60),
  ];
  return [
    ...cells,
    cell('row', 'a', null, 12, 60),
    cell('row', 'b', null, 14, 150),
    cell('column', null, 'x', 10, 50),
    cell('column', null, 'y', 11, 70),
    cell('column', null, 'z', 11, 90),
    cell('total', null, null, 20, 210),
  ];
}

describe('disclosure control of a magnitude table', () => {
  it('publishes every cell of a table where each has enough companies and none dominates', () => {
    const { cells } = releaseCells(table(5), RULES);
    expect(cells.filter((c) => c.suppressed)).toEqual([]);
  });

  it('suppresses a cell with fewer than five companies and complements it so it cannot be recovered', () => {
    const { cells } = releaseCells(table(2), RULES);
    const ax = cells.find((c) => cellKey(c) === 'cell|a|x')!;
    expect(ax).toMatchObject({ suppressed: true, reason: 'min_companies', weight: null });
    const secondary = cells.filter((c) => c.reason === 'secondary');
    // one more in its row and one more in its column at least
    expect(secondary.some((c) => c.d1 === 'a')).toBe(true);
    expect(secondary.some((c) => c.d2 === 'x')).toBe(true);
    const hidden = new Set(cells.flatMap((c, i) => (c.suppressed ? [i] : [])));
    expect(recoverable(table(2), hidden)).toEqual([]);
  });

  it('suppresses a cell dominated by one company (above 60 %) even with many contributors', () => {
    const t = table(5);
    t[1] = cell('cell', 'a', 'y', 6, 20, 0.61);
    const { cells } = releaseCells(t, RULES);
    expect(cells[1]).toMatchObject({ suppressed: true, reason: 'dominance' });
  });

  it('finds that a lone suppressed cell in a row is the margin minus the others', () => {
    const t = table(5);
    expect(recoverable(t, new Set([0]))).toEqual([0]);
    // two in one row and two in one column of a 2 x 2 block: not determined
    expect(recoverable(t, new Set([0, 1, 3, 4]))).toEqual([]);
  });

  it('flags a later release whose contributors differ from an earlier one by fewer than five', () => {
    expect(differencingRisk(who(8), who(9), 5)).toBe(true);
    expect(differencingRisk(who(8), who(8), 5)).toBe(false);
    expect(differencingRisk(who(8), who(14), 5)).toBe(false);
  });

  it('suppresses a cell that a requester could difference against an earlier release', () => {
    const first = releaseCells(table(5), RULES);
    const t = table(5);
    // the same cell now has one company more than before
    t[0] = { ...t[0]!, companies: 6, contributors: [...t[0]!.contributors!, 'newcomer'] };
    const second = releaseCells(t, RULES, first.released);
    expect(second.cells[0]).toMatchObject({ suppressed: true, reason: 'differencing' });
    expect(second.released.some((r) => r.key === 'cell|a|x')).toBe(false);
  });
});
