/**
 * Statistical disclosure control for the complex-wide statistics (docs/security.md,
 * shared/domain/data-sharing.md): a magnitude table of cells with row, column and grand-total
 * margins, where each company is a contributor. Pure: cells in, decisions out.
 *
 * - primary suppression: fewer than `minCompanies` contributors (threshold rule), or one
 *   contributor above `maxShare` of the cell's weight or value ((1, k) dominance rule);
 * - differencing: a cell whose contributors differ from those of the same cell released earlier
 *   to the same requester by fewer than `minCompanies` companies (the difference of the two
 *   figures would describe those few);
 * - secondary (complementary) suppression: more cells are suppressed until no suppressed cell
 *   can be recovered exactly from the published cells and margins (the table's additive
 *   equations are solved for it; see `recoverable`).
 */

export type DisclosureLevel = 'cell' | 'row' | 'column' | 'total';
export type SuppressionReason = 'min_companies' | 'dominance' | 'secondary' | 'differencing';

export interface DisclosureCell {
  level: DisclosureLevel;
  /** Row (first dimension) value; null on column margins and the total. */
  d1: string | null;
  /** Column (second dimension) value; null on row margins and the total. */
  d2: string | null;
  /** Null when the database already withheld the figures (primary-sensitive there). */
  companies: number | null;
  /** Additive weight (segments, km). */
  weight: number | null;
  /** Additive value total (sum of rates, failures). */
  total: number | null;
  /** Largest contributor's share of the weight and of the value, 0-1. */
  topWeightShare: number | null;
  topValueShare: number | null;
  /** Pseudonymous contributor ids. */
  contributors: string[] | null;
}

export interface DisclosureRules {
  /** Threshold rule: at least this many companies per published cell (default 5). */
  minCompanies: number;
  /** Dominance rule: no company above this share of a cell (default 0.6). */
  maxShare: number;
}

export const DEFAULT_DISCLOSURE_RULES: DisclosureRules = Object.freeze({
  minCompanies: 5,
  maxShare: 0.6,
});

export interface ReleasedCell extends DisclosureCell {
  suppressed: boolean;
  reason: SuppressionReason | null;
}

/** A cell released earlier to the same requester: its key and its contributors. */
export interface PriorRelease {
  key: string;
  contributors: readonly string[];
}

/** The identity of a cell within a table, stable across queries. */
export function cellKey(c: Pick<DisclosureCell, 'level' | 'd1' | 'd2'>): string {
  return `${c.level}|${c.d1 ?? ''}|${c.d2 ?? ''}`;
}

/** The primary rule that makes a cell sensitive, or null. */
export function primaryReason(c: DisclosureCell, rules: DisclosureRules): SuppressionReason | null {
  if (c.companies === null || c.weight === null || c.total === null) return 'min_companies';
  if (c.companies < rules.minCompanies) return 'min_companies';
  if ((c.topWeightShare ?? 0) > rules.maxShare || (c.topValueShare ?? 0) > rules.maxShare)
    return 'dominance';
  return null;
}

/**
 * Whether a later release of a cell with contributors `now` next to an earlier one with
 * `before` would isolate fewer than `minCompanies` companies (and more than none).
 */
export function differencingRisk(
  before: readonly string[],
  now: readonly string[],
  minCompanies: number,
): boolean {
  const a = new Set(before);
  const b = new Set(now);
  let diff = 0;
  for (const x of a) if (!b.has(x)) diff++;
  for (const x of b) if (!a.has(x)) diff++;
  return diff > 0 && diff < minCompanies;
}

/** The additive equations of the table: each lists cell indexes whose sum is another's. */
function equations(cells: readonly DisclosureCell[]): { parts: number[]; sum: number }[] {
  const index = new Map(cells.map((c, i) => [cellKey(c), i]));
  const out: { parts: number[]; sum: number }[] = [];
  const group = (sumKey: string, parts: number[]) => {
    const sum = index.get(sumKey);
    if (sum !== undefined && parts.length > 0) out.push({ parts, sum });
  };
  const rows = new Map<string, number[]>();
  const cols = new Map<string, number[]>();
  cells.forEach((c, i) => {
    if (c.level !== 'cell') return;
    rows.set(c.d1!, [...(rows.get(c.d1!) ?? []), i]);
    cols.set(c.d2!, [...(cols.get(c.d2!) ?? []), i]);
  });
  for (const [r, parts] of rows) group(cellKey({ level: 'row', d1: r, d2: null }), parts);
  for (const [c, parts] of cols) group(cellKey({ level: 'column', d1: null, d2: c }), parts);
  const total = cellKey({ level: 'total', d1: null, d2: null });
  const rowMargins = cells.flatMap((c, i) => (c.level === 'row' ? [i] : []));
  const colMargins = cells.flatMap((c, i) => (c.level === 'column' ? [i] : []));
  group(total, rowMargins);
  group(total, colMargins);
  return out;
}

/**
 * The suppressed cells that the published ones determine exactly. Each equation (parts sum to
 * a margin) restricted to the unknowns (suppressed cells) is a row of a linear system; an
 * unknown is determined when its unit vector lies in the row space (rank test, elimination).
 */
export function recoverable(
  cells: readonly DisclosureCell[],
  suppressed: ReadonlySet<number>,
): number[] {
  const unknowns = [...suppressed].sort((a, b) => a - b);
  if (unknowns.length === 0) return [];
  const col = new Map(unknowns.map((u, j) => [u, j]));
  const rowsOf: number[][] = [];
  for (const e of equations(cells)) {
    const r = new Array<number>(unknowns.length).fill(0);
    let any = false;
    for (const p of e.parts) {
      const j = col.get(p);
      if (j !== undefined) {
        r[j] = 1;
        any = true;
      }
    }
    const j = col.get(e.sum);
    if (j !== undefined) {
      r[j] = -1;
      any = true;
    }
    if (any) rowsOf.push(r);
  }
  const rank = (m: number[][]) => {
    const a = m.map((r) => [...r]);
    let rk = 0;
    for (let c = 0; c < unknowns.length && rk < a.length; c++) {
      let p = -1;
      for (let i = rk; i < a.length; i++) if (Math.abs(a[i]![c]!) > 1e-9) p = p < 0 ? i : p;
      if (p < 0) continue;
      [a[rk], a[p]] = [a[p]!, a[rk]!];
      for (let i = 0; i < a.length; i++) {
        if (i === rk) continue;
        const f = a[i]![c]! / a[rk]![c]!;
        if (f !== 0) for (let k = c; k < unknowns.length; k++) a[i]![k]! -= f * a[rk]![k]!;
      }
      rk++;
    }
    return rk;
  };
  const base = rank(rowsOf);
  return unknowns.filter((_, j) => {
    const e = new Array<number>(unknowns.length).fill(0);
    e[j] = 1;
    return rank([...rowsOf, e]) === base;
  });
}

/**
 * Applies every rule and returns the cells as they may be published (figures of suppressed
 * cells nulled, with the reason), and the released cells' keys and contributors for the
 * requester's audit.
 */
export function releaseCells(
  cells: readonly DisclosureCell[],
  rules: DisclosureRules,
  prior: readonly PriorRelease[] = [],
): { cells: ReleasedCell[]; released: PriorRelease[] } {
  const reason = new Map<number, SuppressionReason>();
  cells.forEach((c, i) => {
    const r = primaryReason(c, rules);
    if (r) reason.set(i, r);
  });
  const earlier = new Map<string, (readonly string[])[]>();
  for (const p of prior) earlier.set(p.key, [...(earlier.get(p.key) ?? []), p.contributors]);
  cells.forEach((c, i) => {
    if (reason.has(i)) return;
    const now = c.contributors ?? [];
    if ((earlier.get(cellKey(c)) ?? []).some((b) => differencingRisk(b, now, rules.minCompanies)))
      reason.set(i, 'differencing');
  });
  // Complementary suppression: while some suppressed cell can be solved for, suppress one more
  // published cell of an equation holding an exposed one: the candidate that leaves the fewest
  // cells exposed, inner cells before margins, smaller before larger.
  const eqs = equations(cells);
  for (let guard = 0; guard < cells.length; guard++) {
    const hidden = new Set(reason.keys());
    const exposed = recoverable(cells, hidden);
    if (exposed.length === 0) break;
    const candidates = new Set<number>();
    for (const e of eqs) {
      const members = [...e.parts, e.sum];
      if (!members.some((m) => exposed.includes(m))) continue;
      for (const m of members) if (!hidden.has(m)) candidates.add(m);
    }
    if (candidates.size === 0) break;
    let best = -1;
    let bestScore = Infinity;
    for (const m of candidates) {
      const left = recoverable(cells, new Set([...hidden, m])).length;
      const score = left * 1e13 + complementOrder(cells[m]!);
      if (score < bestScore) {
        best = m;
        bestScore = score;
      }
    }
    reason.set(best, 'secondary');
  }
  const out = cells.map((c, i): ReleasedCell => {
    const r = reason.get(i) ?? null;
    return r
      ? {
          ...c,
          companies: null,
          weight: null,
          total: null,
          topWeightShare: null,
          topValueShare: null,
          contributors: null,
          suppressed: true,
          reason: r,
        }
      : { ...c, suppressed: false, reason: null };
  });
  const released = out
    .filter((c) => !c.suppressed)
    .map((c) => ({ key: cellKey(c), contributors: c.contributors ?? [] }));
  return { cells: out, released };
}

/** Orders complement candidates: inner cells before margins, then by weight. */
function complementOrder(c: DisclosureCell): number {
  const level = c.level === 'cell' ? 0 : c.level === 'total' ? 2e12 : 1e12;
  return level + (c.weight ?? 0);
}
