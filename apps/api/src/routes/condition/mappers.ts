import type { z } from 'zod';
import type { ConditionFilterQuerySchema, ConditionListItem } from '@ct/contracts';
import type { ConditionFilter, ConditionListRow } from '@ct/db';

type FilterQuery = z.infer<typeof ConditionFilterQuerySchema>;

/** Today as `YYYY-MM-DD` (UTC): what `overdue` compares with. */
export const todayUtc = (nowMs: number) => new Date(nowMs).toISOString().slice(0, 10);

/** The query parameters of the search, export and summary as a repository filter. */
export function toFilter(q: FilterQuery, nowMs: number): ConditionFilter {
  return {
    line: q.line,
    company: q.company,
    area: q.area,
    material: q.material,
    substance: q.substance,
    pipingClass: q.piping_class,
    installYearMin: q.install_year_min,
    installYearMax: q.install_year_max,
    wallLossMin: q.wall_loss_min,
    wallLossMax: q.wall_loss_max,
    corrosionRateMin: q.corrosion_rate_min,
    corrosionRateMax: q.corrosion_rate_max,
    remainingLifeMin: q.remaining_life_min,
    remainingLifeMax: q.remaining_life_max,
    nextInspectionFrom: q.next_inspection_from,
    nextInspectionTo: q.next_inspection_to,
    overdue: q.overdue,
    riskLevel: q.risk,
    probability: q.probability,
    consequence: q.consequence,
    ffs: q.ffs,
    flag: q.flag,
    today: todayUtc(nowMs),
  };
}

/** A finite number, or null (infinite remaining life, not-a-number). */
export const finiteOrNull = (x: number | null | undefined): number | null =>
  x === null || x === undefined || !Number.isFinite(x) ? null : x;

/** A stored row as the API shows it: infinite remaining life is null (see the flags). */
export function toListItem(r: ConditionListRow): ConditionListItem {
  return {
    segment_id: r.segment_id,
    line_id: r.line_id,
    line_tag: r.line_tag,
    company_id: r.company_id,
    area_id: r.area_id,
    material: r.material,
    install_year: r.install_year,
    substance_id: r.substance_id,
    piping_class: r.piping_class,
    diameter_mm: r.diameter_mm,
    wall_mm: r.wall_mm,
    cml_count: r.cml_count,
    reading_count: r.reading_count,
    last_inspection: r.last_inspection,
    governing_cml: r.governing_cml,
    t_actual_mm: r.t_actual_mm,
    t_required_mm: r.t_required_mm,
    wall_loss_mm: r.wall_loss_mm,
    wall_loss_pct: r.wall_loss_pct,
    cr_lt_mm_y: r.cr_lt_mm_y,
    cr_st_mm_y: r.cr_st_mm_y,
    corrosion_rate_mm_y: r.corrosion_rate_mm_y,
    rate_basis: r.rate_basis as ConditionListItem['rate_basis'],
    remaining_life_y: finiteOrNull(r.remaining_life_y),
    next_inspection: r.next_inspection,
    interval_y: r.interval_y,
    interval_basis: r.interval_basis,
    overdue: r.overdue,
    ffs_required: r.ffs_required,
    flags: r.flags,
    probability_category: r.probability_category,
    consequence_category: r.consequence_category as ConditionListItem['consequence_category'],
    risk_cell: `${r.probability_category}${r.consequence_category}`,
    risk_level: r.risk_level as ConditionListItem['risk_level'],
  };
}

export const CSV_COLUMNS = [
  'segment_id',
  'line_tag',
  'company_id',
  'area_id',
  'material',
  'install_year',
  'substance_id',
  'piping_class',
  'diameter_mm',
  'wall_mm',
  'last_inspection',
  't_actual_mm',
  't_required_mm',
  'wall_loss_pct',
  'cr_lt_mm_y',
  'cr_st_mm_y',
  'corrosion_rate_mm_y',
  'rate_basis',
  'remaining_life_y',
  'next_inspection',
  'overdue',
  'ffs_required',
  'risk_cell',
  'risk_level',
  'flags',
] as const;

const round = (x: number | null, digits: number) =>
  x === null ? '' : String(Math.round(x * 10 ** digits) / 10 ** digits);

function csvText(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV line of the export (remaining life `inf` when there is no measurable corrosion). */
export function toCsvLine(r: ConditionListRow): string {
  const rl = r.remaining_life_y;
  return [
    csvText(r.segment_id),
    csvText(r.line_tag),
    csvText(r.company_id),
    csvText(r.area_id),
    r.material,
    r.install_year,
    r.substance_id,
    r.piping_class,
    r.diameter_mm,
    r.wall_mm,
    r.last_inspection ?? '',
    round(r.t_actual_mm, 2),
    round(r.t_required_mm, 3),
    round(r.wall_loss_pct, 1),
    round(r.cr_lt_mm_y, 4),
    round(r.cr_st_mm_y, 4),
    round(r.corrosion_rate_mm_y, 4),
    r.rate_basis,
    rl === Infinity ? 'inf' : round(finiteOrNull(rl), 2),
    r.next_inspection,
    r.overdue,
    r.ffs_required,
    `${r.probability_category}${r.consequence_category}`,
    r.risk_level,
    r.flags.join(';'),
  ].join(',');
}
