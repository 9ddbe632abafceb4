import { z } from 'zod';

/**
 * Pipe condition API bodies (issue 5): search, one segment's condition with its inspection
 * history, summaries by line, company or area, the risk tables, and inspection-campaign import.
 * Calendar dates (inspections, next inspection) are `YYYY-MM-DD`; lengths mm, rates mm/y,
 * remaining life in years (null when infinite: no measurable corrosion).
 */

export const CONDITION_SORT_KEYS = [
  'risk',
  'id',
  'line',
  'install_year',
  'wall_loss',
  'corrosion_rate',
  'remaining_life',
  'next_inspection',
] as const;
export const RISK_LEVEL_NAMES = ['low', 'medium', 'medium_high', 'high'] as const;
export const CONSEQUENCE_NAMES = ['A', 'B', 'C', 'D', 'E'] as const;
export const CONDITION_FLAGS = [
  'ffs_required',
  'no_measurable_corrosion',
  'fewer_than_two_readings',
  'never_inspected',
  'nominal_below_required',
  'thick_wall',
  'high_pressure_ratio',
  'stress_outside_table',
  'creep_range',
] as const;

const DATE = z.iso.date();
const bool = z.enum(['true', 'false']).transform((v) => v === 'true');
/** A comma-separated list in a query parameter: `material=carbon_steel,stainless_316`. */
const list = <T extends z.ZodType>(item: T) =>
  z
    .string()
    .max(10_000)
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter((x) => x.length > 0),
    )
    // the items coerce from the split strings: typed as such for the pipe
    .pipe(z.array(item).min(1).max(1000) as unknown as z.ZodType<z.output<T>[], string[]>);
const ids = list(z.string().min(1).max(100));
const num = z.coerce.number().finite();

/** Filters shared by the search, the CSV export and the summaries. */
export const ConditionFilterQuerySchema = z.object({
  /** Line ids or tags, comma-separated. */
  line: ids.optional(),
  /** Owner company ids. */
  company: ids.optional(),
  area: ids.optional(),
  material: ids.optional(),
  substance: ids.optional(),
  piping_class: list(z.coerce.number().int().min(1).max(4)).optional(),
  install_year_min: z.coerce.number().int().optional(),
  install_year_max: z.coerce.number().int().optional(),
  /** Wall loss, percent of the nominal wall. */
  wall_loss_min: num.optional(),
  wall_loss_max: num.optional(),
  /** Governing corrosion rate, mm/y. */
  corrosion_rate_min: num.optional(),
  corrosion_rate_max: num.optional(),
  /** Remaining life, years from the last reading. */
  remaining_life_min: num.optional(),
  remaining_life_max: num.optional(),
  next_inspection_from: DATE.optional(),
  next_inspection_to: DATE.optional(),
  /** Next thickness inspection before today. */
  overdue: bool.optional(),
  /** Risk levels, comma-separated. */
  risk: list(z.enum(RISK_LEVEL_NAMES)).optional(),
  /** Probability categories 1-5, comma-separated. */
  probability: list(z.coerce.number().int().min(1).max(5)).optional(),
  /** Consequence categories A-E, comma-separated. */
  consequence: list(z.enum(CONSEQUENCE_NAMES)).optional(),
  /** Below the required thickness: fitness-for-service review needed. */
  ffs: bool.optional(),
  flag: z.enum(CONDITION_FLAGS).optional(),
});

const SortQuery = {
  sort: z.enum(CONDITION_SORT_KEYS).default('risk'),
  order: z.enum(['asc', 'desc']).default('desc'),
};

export const ConditionSearchQuerySchema = ConditionFilterQuerySchema.extend({
  ...SortQuery,
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
}).strict();
export type ConditionSearchQuery = z.infer<typeof ConditionSearchQuerySchema>;

export const ConditionExportQuerySchema = ConditionFilterQuerySchema.extend(SortQuery).strict();

export const ConditionSummaryQuerySchema = ConditionFilterQuerySchema.extend({
  by: z.enum(['line', 'company', 'area']),
  limit: z.coerce.number().int().min(1).max(5000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
}).strict();

export const ConditionListItemSchema = z.object({
  segment_id: z.string(),
  line_id: z.string(),
  line_tag: z.string(),
  company_id: z.string(),
  area_id: z.string(),
  material: z.string(),
  install_year: z.number().int(),
  substance_id: z.string(),
  piping_class: z.number().int(),
  diameter_mm: z.number(),
  /** Nominal wall, mm. */
  wall_mm: z.number(),
  cml_count: z.number().int(),
  reading_count: z.number().int(),
  last_inspection: DATE.nullable(),
  governing_cml: z.string().nullable(),
  /** Thinnest latest reading over the CMLs, mm. */
  t_actual_mm: z.number().nullable(),
  /** API 570 retirement thickness: max(B31.3 pressure thickness, structural minimum), mm. */
  t_required_mm: z.number(),
  wall_loss_mm: z.number().nullable(),
  wall_loss_pct: z.number().nullable(),
  cr_lt_mm_y: z.number().nullable(),
  cr_st_mm_y: z.number().nullable(),
  /** The governing rate (or the anticipated one with fewer than two readings), mm/y. */
  corrosion_rate_mm_y: z.number(),
  rate_basis: z.enum(['measured', 'anticipated']),
  /** Years from the governing CML's last reading; null: infinite (no measurable corrosion). */
  remaining_life_y: z.number().nullable(),
  next_inspection: DATE,
  interval_y: z.number(),
  interval_basis: z.string(),
  overdue: z.boolean(),
  ffs_required: z.boolean(),
  flags: z.array(z.string()),
  probability_category: z.number().int().min(1).max(5),
  consequence_category: z.enum(CONSEQUENCE_NAMES),
  /** Probability and consequence, e.g. `4C`. */
  risk_cell: z.string(),
  risk_level: z.enum(RISK_LEVEL_NAMES),
});
export type ConditionListItem = z.infer<typeof ConditionListItemSchema>;

export const ConditionSearchResponseSchema = z.object({
  items: z.array(ConditionListItemSchema),
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
  sort: z.enum(CONDITION_SORT_KEYS),
  order: z.enum(['asc', 'desc']),
});
export type ConditionSearchResponse = z.infer<typeof ConditionSearchResponseSchema>;

export const CmlConditionSchema = z.object({
  cml: z.string(),
  position_m: z.number().nullable(),
  readings: z.array(
    z.object({
      date: DATE,
      thickness_mm: z.number(),
      method: z.string(),
      inspector: z.string().nullable(),
      campaign_id: z.number().int().nullable(),
    }),
  ),
  t_initial_mm: z.number().nullable(),
  t_previous_mm: z.number().nullable(),
  t_actual_mm: z.number().nullable(),
  cr_lt_mm_y: z.number().nullable(),
  cr_st_mm_y: z.number().nullable(),
  corrosion_rate_mm_y: z.number().nullable(),
  rate_basis: z.enum(['measured', 'anticipated']).nullable(),
  remaining_life_y: z.number().nullable(),
  /** The date t_required is reached at the governing rate; null: never (or after 9999). */
  end_of_life: DATE.nullable(),
  next_inspection: DATE.nullable(),
  interval_y: z.number().nullable(),
  interval_basis: z.string().nullable(),
  below_required: z.boolean(),
  no_measurable_corrosion: z.boolean(),
});

export const RequiredThicknessSchema = z.object({
  standard: z.string(),
  design_pressure_mpa: z.number(),
  design_temp_c: z.number(),
  outside_diameter_mm: z.number(),
  allowable_stress_mpa: z.number(),
  weld_quality_e: z.number(),
  weld_strength_w: z.number(),
  y: z.number(),
  corrosion_allowance_mm: z.number(),
  /** t = P·D / (2·(S·E·W + P·Y)), mm. */
  pressure_design_mm: z.number(),
  /** tm = t + c, mm. */
  minimum_with_allowance_mm: z.number(),
  /** tm / (1 - mill tolerance): the nominal wall a new pipe needs, mm. */
  nominal_required_mm: z.number(),
  structural_minimum_mm: z.number(),
  /** What remaining life is measured against: max(t, structural), mm. */
  retirement_mm: z.number(),
  governed_by: z.enum(['pressure', 'structural']),
});

export const ConditionDetailSchema = z.object({
  segment: z.object({
    id: z.string(),
    line_id: z.string(),
    line_tag: z.string(),
    line_name: z.string(),
    company_id: z.string(),
    company_name: z.string(),
    area_id: z.string(),
    material: z.string(),
    install_year: z.number().int(),
    substance_id: z.string(),
    fluid: z.string(),
    toxic: z.boolean(),
    flammable: z.boolean(),
    piping_class: z.number().int(),
    placement: z.string(),
    diameter_mm: z.number(),
    wall_mm: z.number(),
    corrosion_allowance_mm: z.number(),
    design_pressure_kpa: z.number(),
    design_temp_c: z.number(),
    length_m: z.number(),
  }),
  required_thickness: RequiredThicknessSchema,
  /** The stored condition: null until it has been computed. */
  condition: ConditionListItemSchema.extend({
    pof_per_year: z.number(),
    damage_factor: z.number(),
    consequence_area_m2: z.number(),
    tables_version: z.string(),
    /** Epoch ms. */
    assessed_at: z.number(),
  }).nullable(),
  risk: z
    .object({
      cell: z.string(),
      level: z.enum(RISK_LEVEL_NAMES),
      probability: z.object({
        category: z.number().int(),
        pof_per_year: z.number(),
        damage_factor: z.number(),
        /** Fraction of the margin (nominal - required) lost; null when beyond any wall. */
        art: z.number().nullable(),
        drivers: z.array(z.string()),
      }),
      consequence: z.object({
        category: z.enum(CONSEQUENCE_NAMES),
        area_m2: z.number(),
        inventory_kg: z.number(),
        nearby_companies: z.array(z.string()),
        drivers: z.array(z.string()),
      }),
    })
    .nullable(),
  anticipated_rate_mm_y: z.number(),
  cmls: z.array(CmlConditionSchema),
});
export type ConditionDetail = z.infer<typeof ConditionDetailSchema>;

export const ConditionSummaryItemSchema = z.object({
  key: z.string(),
  name: z.string(),
  segments: z.number().int(),
  overdue: z.number().int(),
  ffs_required: z.number().int(),
  never_inspected: z.number().int(),
  /** Segments per risk cell, `1A` ... `5E` (all 25 present). */
  cells: z.record(z.string(), z.number().int()),
  /** Segments per risk level. */
  levels: z.record(z.string(), z.number().int()),
});

export const ConditionSummaryResponseSchema = z.object({
  by: z.enum(['line', 'company', 'area']),
  items: z.array(ConditionSummaryItemSchema),
  total: z.number().int(),
});
export type ConditionSummaryResponse = z.infer<typeof ConditionSummaryResponseSchema>;

export const InspectionImportQuerySchema = z
  .object({
    /** `all_or_nothing` (default): any error and nothing is stored. `clean_lines`: store the rest. */
    mode: z.enum(['all_or_nothing', 'clean_lines']).default('all_or_nothing'),
    /** Check only; store nothing. */
    dry_run: bool.default(false),
    /** Register CMLs the file names on known segments (a new inspection plan). */
    allow_new_cmls: bool.default(false),
    /** A name for the campaign (default: the date of the import). */
    campaign: z.string().min(1).max(100).optional(),
  })
  .strict();

export const InspectionImportErrorSchema = z.object({
  line: z.number().int(),
  code: z.string(),
  column: z.string().nullable(),
  message: z.string(),
});

export const InspectionImportReportSchema = z.object({
  status: z.enum(['imported', 'rejected', 'validated']),
  /** Data lines in the file (blank lines not counted). */
  lines: z.number().int(),
  stored: z.number().int(),
  rejected_lines: z.number().int(),
  cmls_created: z.number().int(),
  recomputed_segments: z.number().int(),
  campaign_id: z.number().int().nullable(),
  /** Every error by line (the first 5,000; `errors_truncated` says when there were more). */
  errors: z.array(InspectionImportErrorSchema),
  errors_truncated: z.boolean(),
  /** How many errors of each code. */
  error_counts: z.record(z.string(), z.number().int()),
  duration_ms: z.number(),
  /** Where the time went: parse, context, check, insert_readings, recompute_*. */
  timings_ms: z.record(z.string(), z.number()),
});
export type InspectionImportReport = z.infer<typeof InspectionImportReportSchema>;

/** The 422 answer to a file with errors: the usual error body plus the report. */
export const InspectionImportRejectedSchema = z.object({
  statusCode: z.literal(422),
  code: z.literal('CT_ERR_API_IMPORT_REJECTED'),
  error: z.string(),
  message: z.string(),
  report: InspectionImportReportSchema,
});

export const IntegrityTablesResponseSchema = z.object({
  version: z.string(),
  /** Segments whose stored condition was computed with other tables (recomputed at start). */
  stale_segments: z.number().int(),
  segments_assessed: z.number().int(),
  b31_3: z.record(z.string(), z.unknown()),
  api570: z.record(z.string(), z.unknown()),
  risk: z.record(z.string(), z.unknown()),
});
