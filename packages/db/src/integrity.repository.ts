/**
 * Pipe condition: CMLs, thickness readings and inspection campaigns, and the per-segment
 * condition cache (`segment_condition`) that the search reads. The assessment itself is
 * packages/analytics' `assessSegmentCondition`; this module feeds it rows and stores its results.
 */
import {
  INTEGRITY_TABLES_V1,
  assessSegmentCondition,
  companiesNear,
  preparePlots,
  anticipatedRateMmY,
  riskLevel,
  riskRank,
  CONSEQUENCE_CATEGORIES,
  PROBABILITY_CATEGORIES,
  type CmlAssessment,
  type IntegrityTables,
  type PipeMaterial,
  type PipingClass,
  type SegmentCondition,
} from '@ct/analytics';
import type { InspectionHistory } from '@ct/plant';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Queryable } from './client';
import { inTransaction } from './scope';
import { doing } from './errors';
import { getPlantMeta, type PlantMeta } from './plant.repository';

const DAY_MS = 86_400_000;
// postgres.js needs the array type for typed unnest parameters.
const ARRAY_OID = { text: 1009, float8: 1022, bool: 1000, int2: 1005, int4: 1007 } as const;
const arr = <T>(q: Queryable, values: T[], type: keyof typeof ARRAY_OID) =>
  q.array(values as never[], ARRAY_OID[type]);

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** How much pipe-condition data the database holds. */
export interface PipeConditionState {
  segments: number;
  cmls: number;
  readings: number;
  conditions: number;
  /** Conditions assessed with other tables than the current ones. */
  staleConditions: number;
}

/** Counts of segments, CMLs, readings and conditions (current and stale). */
export async function pipeConditionState(
  sql: Queryable,
  tablesVersion = INTEGRITY_TABLES_V1.version,
): Promise<PipeConditionState> {
  return doing('counting pipe-condition data', async () => {
    const [r] = await sql<PipeConditionState[]>`
      select (select count(*) from segment)::int as segments,
        (select count(*) from cml)::int as cmls,
        (select count(*) from inspection)::int as readings,
        (select count(*) from segment_condition)::int as conditions,
        (select count(*) from segment_condition where tables_version <> ${tablesVersion})::int
          as "staleConditions"`;
    return r!;
  });
}

/**
 * Loads a generated inspection history (CMLs and readings) as one campaign, in one transaction.
 * Conditions are not recomputed here: call `recomputeConditions` after.
 */
export async function loadInspectionHistory(
  sql: Queryable,
  history: InspectionHistory,
  name = 'generated inspection history',
): Promise<{ cmls: number; readings: number }> {
  return doing('loading the inspection history', () =>
    inTransaction(sql, async (tx) => {
      const c = history.cmls;
      const CHUNK = 100_000;
      for (let i = 0; i < c.cml.length; i += CHUNK) {
        await tx`
          insert into cml (segment_id, cml, company_id, position_m)
          select u.s, u.c, g.company_id, u.p
          from unnest(${arr(tx, c.segmentId.slice(i, i + CHUNK), 'text')}::text[],
            ${arr(tx, c.cml.slice(i, i + CHUNK), 'text')}::text[],
            ${arr(tx, c.positionM.slice(i, i + CHUNK), 'float8')}::float8[]) as u (s, c, p)
          join segment g on g.id = u.s`;
      }
      const r = history.readings;
      const [campaign] = await tx<{ id: number }[]>`
        insert into inspection_campaign (name, source, readings)
        values (${name}, 'generated', ${r.date.length}) returning id`;
      for (let i = 0; i < r.date.length; i += CHUNK) {
        await insertReadingRows(tx, campaign!.id, {
          segmentId: r.segmentId.slice(i, i + CHUNK),
          cml: r.cml.slice(i, i + CHUNK),
          date: r.date.slice(i, i + CHUNK),
          thicknessMm: r.thicknessMm.slice(i, i + CHUNK),
          method: r.method.slice(i, i + CHUNK),
          inspector: r.inspector.slice(i, i + CHUNK),
        });
      }
      return { cmls: c.cml.length, readings: r.date.length };
    }),
  );
}

/**
 * Brings pipe condition up to date at start: loads the inspection history `history` gives for
 * the stored plant when no CML exists yet (a generated plant: its seeded history; null: none),
 * then recomputes every condition if any segment lacks one or was assessed with other tables.
 */
export async function ensurePipeConditions(
  sql: Queryable,
  opts: {
    history: (meta: PlantMeta) => InspectionHistory | null;
    asOfMs: number;
    tables?: IntegrityTables;
  },
): Promise<{ loadedReadings: number; recomputed: number }> {
  const tables = opts.tables ?? INTEGRITY_TABLES_V1;
  const meta = await getPlantMeta(sql);
  if (!meta) return { loadedReadings: 0, recomputed: 0 };
  let state = await pipeConditionState(sql, tables.version);
  let loadedReadings = 0;
  if (state.cmls === 0) {
    const history = opts.history(meta);
    if (history) {
      loadedReadings = (await loadInspectionHistory(sql, history)).readings;
      state = await pipeConditionState(sql, tables.version);
    }
  }
  if (loadedReadings > 0 || state.conditions < state.segments || state.staleConditions > 0) {
    const { segments } = await inTransaction(sql, (tx) =>
      recomputeConditions(tx, { asOfMs: opts.asOfMs, tables }),
    );
    return { loadedReadings, recomputed: segments };
  }
  return { loadedReadings, recomputed: 0 };
}

interface ReadingColumns {
  segmentId: string[];
  cml: string[];
  date: string[];
  thicknessMm: number[];
  method: string[];
  inspector: (string | null)[];
}

/** Inserts readings; each must name an existing CML (it gives the company), else it fails. */
async function insertReadingRows(tx: Queryable, campaignId: number, r: ReadingColumns) {
  const res = await tx`
    insert into inspection (segment_id, cml, company_id, inspected_on, thickness_mm, method,
      inspector, campaign_id)
    select u.s, u.c, m.company_id, u.d, u.t, u.m, u.i, ${campaignId}
    from unnest(${arr(tx, r.segmentId, 'text')}::text[], ${arr(tx, r.cml, 'text')}::text[],
      ${arr(tx, r.date, 'text')}::date[], ${arr(tx, r.thicknessMm, 'float8')}::float8[],
      ${arr(tx, r.method, 'text')}::text[], ${arr(tx, r.inspector, 'text')}::text[])
      as u (s, c, d, t, m, i)
    join cml m on m.segment_id = u.s and m.cml = u.c`;
  // The join stands in for a foreign key (see the migration): a reading without its CML is a bug.
  if (res.count !== r.segmentId.length) {
    throw new Error(`${r.segmentId.length - res.count} readings name no known CML`);
  }
}

interface SegmentInputRow {
  id: string;
  company_id: string;
  line_id: string;
  line_tag: string;
  line_order: number;
  area_id: string;
  material: string;
  install_year: number;
  substance_id: string;
  piping_class: number;
  diameter_mm: number;
  wall_mm: number;
  corrosion_allowance_mm: number;
  design_pressure_kpa: number;
  design_temp_c: number;
  length_m: number;
  /** Null when the stored nearby companies are still valid (they depend on geometry only). */
  path_m: number[] | null;
  nearby_company_ids: string[] | null;
  fluid: string;
  toxic: boolean;
  flammable: boolean;
  density_kg_m3: number;
}

const SEGMENT_COLUMNS = `s.id, s.company_id, s.line_id, l.tag as line_tag, s.line_order,
  s.area_id, s.material, s.install_year, s.substance_id, s.piping_class, s.diameter_mm, s.wall_mm,
  s.corrosion_allowance_mm, s.design_pressure_kpa, s.design_temp_c, s.length_m,
  f.name as fluid, (f.toxic or f.toxic_component is not null) as toxic, f.flammable,
  f.density_kg_m3`;

// The centreline is read (and its neighbours found) only when no stored answer of the same
// tables version exists: parsing 100,000 paths costs more than the rest of a recompute.
const SEGMENT_INPUT_FROM = `select ${SEGMENT_COLUMNS},
    case when c.tables_version = $2 then c.nearby_company_ids end as nearby_company_ids,
    case when c.tables_version is distinct from $2 then s.path_m end as path_m
  from segment s join line l on l.id = s.line_id join substance f on f.id = s.substance_id
  left join segment_condition c on c.segment_id = s.id
  where s.id = any($1::text[])`;

type PreparedPlots = ReturnType<typeof preparePlots>;

async function loadPlots(
  q: Queryable,
): Promise<{ plots: PreparedPlots; names: Map<string, string> }> {
  const rows = await q<{ id: string; name: string; plot_m: number[] }[]>`
    select id, name, plot_m from company`;
  return {
    plots: preparePlots(rows.map((r) => ({ companyId: r.id, outline: r.plot_m }))),
    names: new Map(rows.map((r) => [r.id, r.name])),
  };
}

function designOf(s: Omit<SegmentInputRow, 'path_m' | 'nearby_company_ids'>) {
  return {
    outsideDiameterMm: s.diameter_mm,
    designPressureKpa: s.design_pressure_kpa,
    designTempC: s.design_temp_c,
    material: s.material as PipeMaterial,
    corrosionAllowanceMm: s.corrosion_allowance_mm,
    wallMm: s.wall_mm,
    lengthM: s.length_m,
    installYear: s.install_year,
    pipingClass: s.piping_class as PipingClass,
  };
}

interface SegmentInputs {
  segs: SegmentInputRow[];
  cmls: { segment_id: string; cml: string }[];
  readings: { segment_id: string; cml: string; day: number; t: number }[];
}

/** Reads what the assessment of these segments needs (three queries, pipelined). */
async function readInputs(
  q: Queryable,
  ids: string[],
  tablesVersion: string,
): Promise<SegmentInputs> {
  const [segs, cmls, readings] = await Promise.all([
    q.unsafe<SegmentInputRow[]>(SEGMENT_INPUT_FROM, [ids, tablesVersion] as never[]),
    q<SegmentInputs['cmls']>`
      select segment_id, cml from cml where segment_id = any(${arr(q, ids, 'text')}::text[])
      order by segment_id, cml`,
    q<SegmentInputs['readings']>`
      select segment_id, cml, inspected_on - date '1970-01-01' as day, thickness_mm as t
      from inspection where segment_id = any(${arr(q, ids, 'text')}::text[])`,
  ]);
  return { segs, cmls, readings };
}

/** Assesses segments from their inputs (pure computation, no I/O). */
function assessInputs(
  input: SegmentInputs,
  plots: { plots: PreparedPlots; names: Map<string, string> },
  asOfMs: number,
  tables: IntegrityTables,
): { nearby: string[][]; conditions: SegmentCondition[] } {
  const bySeg = new Map<string, Map<string, { timeMs: number; thickness: number }[]>>();
  for (const s of input.segs) bySeg.set(s.id, new Map());
  for (const c of input.cmls) bySeg.get(c.segment_id)?.set(c.cml, []);
  for (const r of input.readings) {
    const m = bySeg.get(r.segment_id);
    if (!m) continue;
    let list = m.get(r.cml);
    if (!list) m.set(r.cml, (list = []));
    list.push({ timeMs: r.day * DAY_MS, thickness: r.t });
  }
  const nearby: string[][] = [];
  const conditions = input.segs.map((s) => {
    const near =
      s.nearby_company_ids ??
      companiesNear(s.path_m ?? [], s.company_id, plots.plots, tables.risk.nearbyDistanceM);
    nearby.push(near);
    return assessSegmentCondition(
      {
        segmentId: s.id,
        design: designOf(s),
        fluid: {
          name: s.fluid,
          toxic: s.toxic,
          flammable: s.flammable,
          densityKgM3: s.density_kg_m3,
        },
        cmls: [...bySeg.get(s.id)!].map(([cml, readings]) => ({ cml, readings })),
        nearbyCompanies: near.map((id) => plots.names.get(id) ?? id),
      },
      asOfMs,
      tables,
      { explain: false },
    );
  });
  return { nearby, conditions };
}

const CONDITION_COLUMNS = [
  'segment_id',
  'company_id',
  'line_id',
  'line_tag',
  'line_order',
  'area_id',
  'material',
  'install_year',
  'substance_id',
  'piping_class',
  'diameter_mm',
  'wall_mm',
  'cml_count',
  'reading_count',
  'last_inspection',
  'governing_cml',
  't_actual_mm',
  't_required_mm',
  'wall_loss_mm',
  'wall_loss_pct',
  'cr_lt_mm_y',
  'cr_st_mm_y',
  'corrosion_rate_mm_y',
  'rate_basis',
  'remaining_life_y',
  'next_inspection',
  'interval_y',
  'interval_basis',
  'ffs_required',
  'flags',
  'probability_category',
  'consequence_category',
  'risk_level',
  'risk_rank',
  'pof_per_year',
  'damage_factor',
  'consequence_area_m2',
  'nearby_company_ids',
  'tables_version',
  'assessed_at',
] as const;

// COPY text format: \\N is null; text that may hold a backslash, tab or line break is escaped
// with `copyText` (ids, codes and numbers cannot).
const NULL = '\\N';
const copyNum = (v: number | null) => (v === null || Number.isNaN(v) ? NULL : String(v));
const copyStr = (v: string | null) => (v === null ? NULL : v);
const copyText = (v: string) =>
  /[\\\t\n\r]/.test(v)
    ? v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    : v;

function conditionLine(s: SegmentInputRow, c: SegmentCondition, nearby: string[]): string {
  const day = (ms: number | null) => (ms === null ? NULL : isoDay(ms));
  return [
    s.id,
    s.company_id,
    s.line_id,
    copyText(s.line_tag),
    s.line_order,
    s.area_id,
    s.material,
    s.install_year,
    s.substance_id,
    s.piping_class,
    s.diameter_mm,
    s.wall_mm,
    c.cmlCount,
    c.readingCount,
    day(c.lastInspectionMs),
    c.governingCml === null ? NULL : copyText(c.governingCml),
    copyNum(c.tActualMm),
    c.required.retirementMm,
    copyNum(c.wallLossMm),
    copyNum(c.wallLossPct),
    copyNum(c.crLtMmY),
    copyNum(c.crStMmY),
    c.corrosionRateMmY,
    c.rateBasis,
    c.remainingLifeY,
    isoDay(c.nextInspectionMs),
    c.intervalY,
    c.intervalBasis,
    c.flags.includes('ffs_required') ? 't' : 'f',
    // flags and company ids are plain identifiers: no array quoting needed
    `{${c.flags.join(',')}}`,
    c.probability.category,
    c.consequence.category,
    c.risk.level,
    c.risk.rank,
    c.probability.pofPerYear,
    c.probability.damageFactor,
    c.consequence.areaM2,
    `{${nearby.join(',')}}`,
    copyStr(c.tablesVersion),
    new Date(c.assessedAtMs).toISOString(),
  ].join('\t');
}

/** Writes conditions into `table`; with `replace`, the segments' old rows are deleted first. */
async function writeConditions(
  q: Queryable,
  table: 'segment_condition' | 'segment_condition_next',
  segs: SegmentInputRow[],
  cs: SegmentCondition[],
  nearby: string[][],
  replace: boolean,
): Promise<void> {
  if (segs.length === 0) return;
  if (replace) {
    await q`delete from segment_condition
      where segment_id = any(${arr(
        q,
        segs.map((s) => s.id),
        'text',
      )}::text[])`;
  }
  // PostgreSQL refuses COPY into a table whose row security applies to the writer (the api's
  // role): there the rows go through a temporary table and an insert the policies check.
  const staged = await rowSecurityActive(q, table);
  const target = staged ? 'segment_condition_stage' : table;
  if (staged) {
    await q`create temporary table if not exists segment_condition_stage
      (like segment_condition including defaults) on commit drop`;
    await q`truncate segment_condition_stage`;
  }
  const copy = await q
    .unsafe(`copy ${target} (${CONDITION_COLUMNS.join(', ')}) from stdin`)
    .writable();
  const lines = segs.map((s, i) => conditionLine(s, cs[i]!, nearby[i]!));
  lines.push('');
  await pipeline(Readable.from([lines.join('\n')]), copy);
  if (staged) {
    await q.unsafe(`insert into ${table} (${CONDITION_COLUMNS.join(', ')})
      select ${CONDITION_COLUMNS.join(', ')} from segment_condition_stage`);
  }
}

/** Whether row-level security applies to the current role on `table` (migration 0011). */
async function rowSecurityActive(q: Queryable, table: string): Promise<boolean> {
  const [r] = await q<{ on: boolean }[]>`select row_security_active(${table}::regclass) as on`;
  return r?.on ?? false;
}

// Serialises everything that rewrites conditions (imports, recomputes): two of them at once
// would each rewrite from a snapshot without the other's readings.
const CONDITION_LOCK_KEY = 7_402_912;

/**
 * Starts a replacement of segment_condition: a new table without indexes holding the rows that
 * are not rewritten. Loading a large share of the rows there and indexing once is several times
 * faster than updating ten indexes row by row.
 */
async function beginRebuild(q: Queryable, keep: 'none' | string[]): Promise<void> {
  await q`create table segment_condition_next
    (like segment_condition including defaults including constraints)`;
  if (keep !== 'none') {
    await q`insert into segment_condition_next
      select c.* from segment_condition c
      where not exists (
        select 1 from unnest(${arr(q, keep, 'text')}::text[]) as u (id) where u.id = c.segment_id)`;
  }
}

/** Indexes the new table like the old one (whatever the migrations made) and swaps them. */
async function finishRebuild(q: Queryable): Promise<void> {
  const indexes = await q<{ name: string; def: string; primary: boolean }[]>`
    select i.relname as name, pg_get_indexdef(x.indexrelid) as def, x.indisprimary as primary
    from pg_index x join pg_class i on i.oid = x.indexrelid
    where x.indrelid = 'segment_condition'::regclass`;
  for (const ix of indexes) {
    if (ix.primary) continue;
    const def = ix.def
      .replace(` INDEX ${ix.name} ON `, ` INDEX ${ix.name}_next ON `)
      .replace(/ ON (\S+\.)?segment_condition /, ' ON $1segment_condition_next ');
    await q.unsafe(def);
  }
  await q`alter table segment_condition_next add constraint segment_condition_next_pkey
    primary key (segment_id)`;
  // Readers wait from here to the commit: a few milliseconds.
  await q`drop table segment_condition`;
  await q`alter table segment_condition_next rename to segment_condition`;
  await q`alter table segment_condition
    rename constraint segment_condition_next_pkey to segment_condition_pkey`;
  for (const ix of indexes) {
    if (!ix.primary) await q.unsafe(`alter index ${ix.name}_next rename to ${ix.name}`);
  }
  // the new table has none of the old one's row security and grants: apply them again
  await q`select ct_apply_tenancy(false)`;
}

export interface RecomputeOptions {
  /** Only these segments (default: all). */
  segmentIds?: readonly string[];
  /** The assessment date, epoch ms. */
  asOfMs: number;
  tables?: IntegrityTables;
  /** Adds the milliseconds spent in each phase (for benchmarks). */
  timings?: Record<string, number>;
}

/** A stopwatch adding each lap to `into[phase]` (no-op without `into`). */
function stopwatch(into: Record<string, number> | undefined) {
  let t = performance.now();
  return (phase: string) => {
    const now = performance.now();
    if (into) into[phase] = (into[phase] ?? 0) + now - t;
    t = now;
  };
}

/**
 * Recomputes and stores the condition of the given segments (or all), in chunks, in one
 * transaction: the caller's (an import recomputes in the same transaction as its rows), or its
 * own when given the pool.
 */
export async function recomputeConditions(
  q: Queryable,
  opts: RecomputeOptions,
): Promise<{ segments: number }> {
  // The lock and the table swap need one transaction: open one when given the pool.
  if (!('savepoint' in q)) return q.begin((tx) => recomputeConditions(tx, opts));
  const tables = opts.tables ?? INTEGRITY_TABLES_V1;
  return doing('recomputing pipe conditions', async () => {
    const plots = await loadPlots(q);
    const ids = opts.segmentIds
      ? [...new Set(opts.segmentIds)]
      : (await q<{ id: string }[]>`select id from segment order by id`).map((r) => r.id);
    const CHUNK = 10_000;
    const chunks: string[][] = [];
    for (let i = 0; i < ids.length; i += CHUNK) chunks.push(ids.slice(i, i + CHUNK));
    let done = 0;
    // The next chunk's reads are sent before this chunk is assessed, so the database works
    // while JavaScript computes.
    const lap = stopwatch(opts.timings);
    await q`select pg_advisory_xact_lock(${CONDITION_LOCK_KEY})`;
    const [count] = await q<{ n: number }[]>`select count(*)::int as n from segment_condition`;
    const stored = count?.n ?? 0;
    // Rewriting a fifth of the rows or more: build a new table and swap (see beginRebuild).
    // Only the owner may (the api's role recomputes what it imported, row by row under its
    // policies: a swap would need the table's other companies' rows, which it cannot see).
    const rebuild =
      (!opts.segmentIds || ids.length >= Math.max(5000, stored * 0.2)) &&
      !(await rowSecurityActive(q, 'segment_condition'));
    if (rebuild) await beginRebuild(q, opts.segmentIds ? ids : 'none');
    lap('recompute_prepare');
    let next = chunks.length > 0 ? readInputs(q, chunks[0]!, tables.version) : null;
    for (let k = 0; k < chunks.length; k++) {
      const inputs = await next!;
      lap('recompute_read');
      next = k + 1 < chunks.length ? readInputs(q, chunks[k + 1]!, tables.version) : null;
      // Handled when awaited; without this a failure there while we write would be unhandled.
      next?.catch(() => {});
      const { nearby, conditions } = assessInputs(inputs, plots, opts.asOfMs, tables);
      lap('recompute_assess');
      const table = rebuild ? 'segment_condition_next' : 'segment_condition';
      await writeConditions(q, table, inputs.segs, conditions, nearby, !rebuild);
      lap('recompute_write');
      done += inputs.segs.length;
    }
    if (rebuild) await finishRebuild(q);
    lap('recompute_index');
    // The new table has no statistics yet, and the planner picks the search's indexes by them:
    // those of the columns searches filter and sort on (half the time of all columns).
    if (rebuild) {
      await q`analyze segment_condition (segment_id, company_id, line_id, area_id, material,
        substance_id, piping_class, install_year, wall_loss_pct, corrosion_rate_mm_y,
        remaining_life_y, next_inspection, risk_rank, ffs_required, flags)`;
    }
    lap('recompute_analyze');
    return { segments: done };
  });
}

// ---------------------------------------------------------------- search, summary, export

export type ConditionSortKey =
  | 'risk'
  | 'id'
  | 'line'
  | 'install_year'
  | 'wall_loss'
  | 'corrosion_rate'
  | 'remaining_life'
  | 'next_inspection';

export interface ConditionFilter {
  /** Line ids or tags. */
  line?: string[] | undefined;
  /** Owner company ids. */
  company?: string[] | undefined;
  area?: string[] | undefined;
  material?: string[] | undefined;
  substance?: string[] | undefined;
  pipingClass?: number[] | undefined;
  installYearMin?: number | undefined;
  installYearMax?: number | undefined;
  /** Wall loss, percent of nominal. */
  wallLossMin?: number | undefined;
  wallLossMax?: number | undefined;
  /** Governing corrosion rate, mm/y. */
  corrosionRateMin?: number | undefined;
  corrosionRateMax?: number | undefined;
  /** Remaining life, years from the last reading. */
  remainingLifeMin?: number | undefined;
  remainingLifeMax?: number | undefined;
  /** Next thickness inspection, `YYYY-MM-DD`, inclusive. */
  nextInspectionFrom?: string | undefined;
  nextInspectionTo?: string | undefined;
  /** Next inspection before `today`. */
  overdue?: boolean | undefined;
  riskLevel?: string[] | undefined;
  probability?: number[] | undefined;
  consequence?: string[] | undefined;
  /** Below the required thickness: fitness-for-service review needed. */
  ffs?: boolean | undefined;
  /** Has this flag (e.g. `never_inspected`). */
  flag?: string | undefined;
  /** `YYYY-MM-DD` that `overdue` compares with. */
  today: string;
  /** The tables the stored conditions were assessed with (default: the current ones). */
  tables?: IntegrityTables | undefined;
}

// Qualified with the table alias `c`: a bare `next_inspection` would sort by the output column
// of the same name (a text cast), which no index serves.
const SORT_SQL: Readonly<Record<ConditionSortKey, (dir: 'asc' | 'desc') => string>> = {
  risk: (d) => `c.risk_rank ${d}, c.segment_id ${d}`,
  id: (d) => `c.segment_id ${d}`,
  line: (d) => `c.line_id ${d}, c.line_order ${d}`,
  install_year: (d) => `c.install_year ${d}, c.segment_id ${d}`,
  // never-inspected segments (unknown loss) come first when descending: treat unknown as worst
  wall_loss: (d) => `c.wall_loss_pct ${d}, c.segment_id ${d}`,
  corrosion_rate: (d) => `c.corrosion_rate_mm_y ${d}, c.segment_id ${d}`,
  remaining_life: (d) => `c.remaining_life_y ${d}, c.segment_id ${d}`,
  next_inspection: (d) => `c.next_inspection ${d}, c.segment_id ${d}`,
};

/**
 * The risk filters (level, probability, consequence) as the set of risk_rank values of the
 * matching cells: one indexed condition. null when no risk filter is given.
 */
function riskRanksOf(f: ConditionFilter): number[] | null {
  if (!f.riskLevel?.length && !f.probability?.length && !f.consequence?.length) return null;
  const tables = f.tables ?? INTEGRITY_TABLES_V1;
  const ranks: number[] = [];
  for (const p of PROBABILITY_CATEGORIES) {
    if (f.probability?.length && !f.probability.includes(p)) continue;
    for (const c of CONSEQUENCE_CATEGORIES) {
      if (f.consequence?.length && !f.consequence.includes(c)) continue;
      const level = riskLevel(p, c, tables.risk);
      if (f.riskLevel?.length && !f.riskLevel.includes(level)) continue;
      ranks.push(riskRank(level, p, c));
    }
  }
  return ranks;
}

/** The where clause of a filter, with its parameters ($1...). */
function whereOf(f: ConditionFilter, params: unknown[]): string {
  const conds: string[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const list = (column: string, v: unknown[] | undefined, type: string) => {
    if (v && v.length > 0) {
      conds.push(
        v.length === 1 ? `${column} = ${p(v[0])}::${type}` : `${column} = any(${p(v)}::${type}[])`,
      );
    }
  };
  if (f.line && f.line.length > 0) {
    const x = p(f.line);
    // a line by id or tag: resolved on the small line table, then the line index
    conds.push(
      `line_id in (select id from line where id = any(${x}::text[]) or tag = any(${x}::text[]))`,
    );
  }
  list('company_id', f.company, 'text');
  list('area_id', f.area, 'text');
  list('material', f.material, 'text');
  list('substance_id', f.substance, 'text');
  list('piping_class', f.pipingClass, 'smallint');
  const ranks = riskRanksOf(f);
  if (ranks) conds.push(ranks.length > 0 ? `risk_rank = any(${p(ranks)}::smallint[])` : 'false');
  const range = (
    column: string,
    min: number | undefined,
    max: number | undefined,
    type: string,
  ) => {
    if (min !== undefined) conds.push(`${column} >= ${p(min)}::${type}`);
    if (max !== undefined) conds.push(`${column} <= ${p(max)}::${type}`);
  };
  range('install_year', f.installYearMin, f.installYearMax, 'smallint');
  range('wall_loss_pct', f.wallLossMin, f.wallLossMax, 'float8');
  range('corrosion_rate_mm_y', f.corrosionRateMin, f.corrosionRateMax, 'float8');
  range('remaining_life_y', f.remainingLifeMin, f.remainingLifeMax, 'float8');
  if (f.nextInspectionFrom) conds.push(`next_inspection >= ${p(f.nextInspectionFrom)}::date`);
  if (f.nextInspectionTo) conds.push(`next_inspection <= ${p(f.nextInspectionTo)}::date`);
  if (f.overdue !== undefined) {
    conds.push(`${f.overdue ? '' : 'not '}(next_inspection < ${p(f.today)}::date)`);
  }
  if (f.ffs !== undefined) conds.push(f.ffs ? 'ffs_required' : 'not ffs_required');
  // containment, not `= any(flags)`: the GIN index on flags serves it
  if (f.flag) conds.push(`flags @> array[${p(f.flag)}::text]`);
  return conds.length > 0 ? `where ${conds.join(' and ')}` : '';
}

export interface ConditionListRow {
  segment_id: string;
  line_id: string;
  line_tag: string;
  company_id: string;
  area_id: string;
  material: string;
  install_year: number;
  substance_id: string;
  piping_class: number;
  diameter_mm: number;
  wall_mm: number;
  cml_count: number;
  reading_count: number;
  last_inspection: string | null;
  governing_cml: string | null;
  t_actual_mm: number | null;
  t_required_mm: number;
  wall_loss_mm: number | null;
  wall_loss_pct: number | null;
  cr_lt_mm_y: number | null;
  cr_st_mm_y: number | null;
  corrosion_rate_mm_y: number;
  rate_basis: string;
  /** Infinity: no measurable corrosion. */
  remaining_life_y: number;
  next_inspection: string;
  interval_y: number;
  interval_basis: string;
  overdue: boolean;
  ffs_required: boolean;
  flags: string[];
  probability_category: number;
  consequence_category: string;
  risk_level: string;
  pof_per_year: number;
  consequence_area_m2: number;
}

const LIST_COLUMNS = (todayParam: string) => `segment_id, line_id, line_tag, company_id, area_id,
  material, install_year, substance_id, piping_class, diameter_mm, wall_mm, cml_count,
  reading_count, last_inspection::text as last_inspection, governing_cml, t_actual_mm,
  t_required_mm, wall_loss_mm, wall_loss_pct, cr_lt_mm_y, cr_st_mm_y, corrosion_rate_mm_y,
  rate_basis, remaining_life_y, next_inspection::text as next_inspection, interval_y,
  interval_basis, next_inspection < ${todayParam}::date as overdue, ffs_required, flags,
  probability_category, consequence_category, risk_level, pof_per_year, consequence_area_m2`;

export interface ConditionSearch {
  filter: ConditionFilter;
  sort: ConditionSortKey;
  order: 'asc' | 'desc';
  limit: number;
  offset: number;
}

/** One page of segments matching the filter, in the given order, and how many match in all. */
// Up to this many matches, the page is sorted from the matching rows (see searchConditions).
const SORT_MATCHES_BELOW = 20_000;

export async function searchConditions(
  sql: Queryable,
  s: ConditionSearch,
): Promise<{ items: ConditionListRow[]; total: number }> {
  return doing('searching pipe conditions', async () => {
    const params: unknown[] = [];
    const where = whereOf(s.filter, params);
    const [count] = await sql.unsafe<{ n: number }[]>(
      `select count(*)::int as n from segment_condition ${where}`,
      params as never[],
      { prepare: true },
    );
    const total = count!.n;
    if (total === 0 || s.offset >= total) return { items: [], total };
    params.push(s.filter.today);
    const today = `$${params.length}`;
    params.push(s.limit, s.offset);
    const page = `order by ${SORT_SQL[s.sort](s.order)} limit $${params.length - 1} offset $${params.length}`;
    // With few matches, walking the sort key's index until enough of them turn up can read most
    // of the table (matches cluster at its far end: high wall loss, short life); sorting the
    // matches is then bounded. With many, the index walk stops early. The count tells which.
    const text =
      total <= SORT_MATCHES_BELOW
        ? `with m as materialized (select * from segment_condition ${where})
           select ${LIST_COLUMNS(today)} from m as c ${page}`
        : `select ${LIST_COLUMNS(today)} from segment_condition as c ${where} ${page}`;
    const items = await sql.unsafe<ConditionListRow[]>(text, params as never[], { prepare: true });
    return { items, total };
  });
}

/** Every segment matching the filter, in order, in batches (for the CSV export). */
export async function* exportConditions(
  sql: Queryable,
  filter: ConditionFilter,
  sort: ConditionSortKey,
  order: 'asc' | 'desc',
): AsyncGenerator<ConditionListRow[]> {
  const params: unknown[] = [];
  const where = whereOf(filter, params);
  params.push(filter.today);
  const cursor = sql
    .unsafe<ConditionListRow[]>(
      `select ${LIST_COLUMNS(`$${params.length}`)} from segment_condition as c ${where}
       order by ${SORT_SQL[sort](order)}`,
      params as never[],
    )
    .cursor(2000);
  for await (const rows of cursor) yield rows;
}

export type SummaryGroup = 'line' | 'company' | 'area';

export interface ConditionSummaryRow {
  key: string;
  name: string;
  segments: number;
  overdue: number;
  ffs_required: number;
  never_inspected: number;
  /** Segments per risk cell, "5E" ... "1A". */
  cells: Record<string, number>;
  /** Segments per risk level. */
  levels: Record<string, number>;
}

const CELL_KEYS = [1, 2, 3, 4, 5].flatMap((p) => ['A', 'B', 'C', 'D', 'E'].map((c) => `${p}${c}`));
const LEVEL_KEYS = ['low', 'medium', 'medium_high', 'high'];

/**
 * Per line, company or area: how many segments sit in each risk cell and level, how many are
 * overdue, below the required thickness or never inspected.
 */
export async function summarizeConditions(
  sql: Queryable,
  by: SummaryGroup,
  filter: ConditionFilter,
  paging: { limit: number; offset: number },
): Promise<{ items: ConditionSummaryRow[]; total: number }> {
  return doing('summarizing pipe conditions', async () => {
    const params: unknown[] = [];
    const where = whereOf(filter, params);
    params.push(filter.today);
    const today = `$${params.length}`;
    const key = { line: 'line_id', company: 'company_id', area: 'area_id' }[by];
    const name = {
      line: 'min(c.line_tag)',
      company: '(select name from company where id = c.company_id)',
      area: '(select name from area where id = c.area_id)',
    }[by];
    const cells = CELL_KEYS.map(
      (k) =>
        `count(*) filter (where probability_category = ${k[0]} and consequence_category = '${k[1]}')::int as "c${k}"`,
    ).join(', ');
    const levels = LEVEL_KEYS.map(
      (l) => `count(*) filter (where risk_level = '${l}')::int as "l${l}"`,
    ).join(', ');
    params.push(paging.limit, paging.offset);
    const rows = await sql.unsafe<Record<string, unknown>[]>(
      `select c.${key} as key, ${name} as name, count(*)::int as segments,
         count(*) filter (where next_inspection < ${today}::date)::int as overdue,
         count(*) filter (where ffs_required)::int as ffs_required,
         count(*) filter (where 'never_inspected' = any(flags))::int as never_inspected,
         ${cells}, ${levels}, count(*) over ()::int as total
       from segment_condition c ${where}
       group by c.${key} order by c.${key}
       limit $${params.length - 1} offset $${params.length}`,
      params as never[],
      { prepare: true },
    );
    const items = rows.map((r) => ({
      key: r.key as string,
      name: (r.name as string | null) ?? (r.key as string),
      segments: r.segments as number,
      overdue: r.overdue as number,
      ffs_required: r.ffs_required as number,
      never_inspected: r.never_inspected as number,
      cells: Object.fromEntries(CELL_KEYS.map((k) => [k, r[`c${k}`] as number])),
      levels: Object.fromEntries(LEVEL_KEYS.map((l) => [l, r[`l${l}`] as number])),
    }));
    let total = (rows[0]?.total as number | undefined) ?? 0;
    if (rows.length === 0 && paging.offset > 0) {
      const [n] = await sql.unsafe<{ n: number }[]>(
        `select count(distinct ${key})::int as n from segment_condition ${where}`,
        params.slice(0, params.length - 3) as never[],
      );
      total = n!.n;
    }
    return { items, total };
  });
}

// ---------------------------------------------------------------- one segment

export interface ConditionDetail {
  segment: Omit<SegmentInputRow, 'path_m' | 'nearby_company_ids'> & {
    line_name: string;
    company_name: string;
    placement: string;
  };
  /** The stored condition (null until computed). */
  stored:
    | (ConditionListRow & {
        tables_version: string;
        assessed_at: Date;
        damage_factor: number;
      })
    | null;
  /**
   * The same assessment redone from the readings as of the stored one's date (or now): it gives
   * the per-CML figures, the B31.3 breakdown and the risk drivers in words.
   */
  computed: SegmentCondition;
  anticipatedRateMmY: number;
  cmls: {
    cml: string;
    position_m: number | null;
    readings: {
      date: string;
      thickness_mm: number;
      method: string;
      inspector: string | null;
      campaign_id: number | null;
    }[];
    assessment: CmlAssessment | null;
  }[];
}

/** One segment's design, stored condition, and every reading per CML with that CML's figures. */
export async function getConditionDetail(
  sql: Queryable,
  id: string,
  today: string,
  opts: { nowMs: number; tables?: IntegrityTables },
): Promise<ConditionDetail | null> {
  const tables = opts.tables ?? INTEGRITY_TABLES_V1;
  return doing(`reading the condition of segment ${id}`, async () => {
    const [seg] = await sql.unsafe<
      (ConditionDetail['segment'] & { path_m: number[]; nearby_company_ids: string[] | null })[]
    >(
      `select ${SEGMENT_COLUMNS}, l.name as line_name, co.name as company_name, s.placement,
         s.path_m, c.nearby_company_ids
       from segment s join line l on l.id = s.line_id join substance f on f.id = s.substance_id
       join company co on co.id = s.company_id
       left join segment_condition c on c.segment_id = s.id and c.tables_version = $2
       where s.id = $1`,
      [id, tables.version],
    );
    if (!seg) return null;
    const [stored] = await sql.unsafe<NonNullable<ConditionDetail['stored']>[]>(
      `select ${LIST_COLUMNS('$2')}, tables_version, assessed_at, damage_factor
       from segment_condition where segment_id = $1`,
      [id, today],
    );
    const cmlRows = await sql<{ cml: string; position_m: number | null }[]>`
      select cml, position_m from cml where segment_id = ${id} order by cml`;
    const readings = await sql<
      {
        cml: string;
        date: string;
        thickness_mm: number;
        method: string;
        inspector: string | null;
        campaign_id: number | null;
      }[]
    >`select cml, inspected_on::text as date, thickness_mm, method, inspector, campaign_id
      from inspection where segment_id = ${id} order by cml, inspected_on`;
    const plots = await loadPlots(sql);
    const { path_m, nearby_company_ids, ...segment } = seg;
    const near =
      nearby_company_ids ??
      companiesNear(path_m, seg.company_id, plots.plots, tables.risk.nearbyDistanceM);
    const byCml = new Map(cmlRows.map((c) => [c.cml, readings.filter((r) => r.cml === c.cml)]));
    const computed = assessSegmentCondition(
      {
        segmentId: seg.id,
        design: designOf(seg),
        fluid: {
          name: seg.fluid,
          toxic: seg.toxic,
          flammable: seg.flammable,
          densityKgM3: seg.density_kg_m3,
        },
        cmls: [...byCml].map(([cml, rs]) => ({
          cml,
          readings: rs.map((r) => ({ timeMs: Date.parse(r.date), thickness: r.thickness_mm })),
        })),
        nearbyCompanies: near.map((c) => plots.names.get(c) ?? c),
      },
      stored?.assessed_at.getTime() ?? opts.nowMs,
      tables,
    );
    const assessed = new Map(computed.cmls.map((a) => [a.cml, a]));
    return {
      segment,
      stored: stored ?? null,
      computed,
      anticipatedRateMmY: anticipatedRateMmY(seg.corrosion_allowance_mm, tables.api570),
      cmls: cmlRows.map((c) => ({
        cml: c.cml,
        position_m: c.position_m,
        readings: byCml.get(c.cml)!,
        assessment: assessed.get(c.cml) ?? null,
      })),
    };
  });
}

// ---------------------------------------------------------------- import

/** What the import rules need from the database about the segments and readings of a file. */
export async function inspectionImportContext(
  sql: Queryable,
  rows: readonly { segmentId: string; cml: string; date: string }[],
): Promise<{
  segments: Map<
    string,
    { wallMm: number; diameterMm: number; installYear: number; cmls: Set<string> }
  >;
  existing: Set<string>;
}> {
  return doing('reading what an inspection file refers to', async () => {
    const ids = [...new Set(rows.map((r) => r.segmentId))];
    // Three independent reads, on separate connections of the pool.
    const [segs, cmls, dup] = await Promise.all([
      sql<{ id: string; wall_mm: number; diameter_mm: number; install_year: number }[]>`
        select id, wall_mm, diameter_mm, install_year from segment
        where id = any(${arr(sql, ids, 'text')}::text[])`,
      sql<{ segment_id: string; cml: string }[]>`
        select segment_id, cml from cml where segment_id = any(${arr(sql, ids, 'text')}::text[])`,
      sql<{ s: string; c: string; d: string }[]>`
        select i.segment_id as s, i.cml as c, i.inspected_on::text as d
        from unnest(${arr(
          sql,
          rows.map((r) => r.segmentId),
          'text',
        )}::text[],
          ${arr(
            sql,
            rows.map((r) => r.cml),
            'text',
          )}::text[],
          ${arr(
            sql,
            rows.map((r) => r.date),
            'text',
          )}::date[]) as u (s, c, d)
        join inspection i on i.segment_id = u.s and i.cml = u.c and i.inspected_on = u.d`,
    ]);
    const segments = new Map(
      segs.map((s) => [
        s.id,
        {
          wallMm: s.wall_mm,
          diameterMm: s.diameter_mm,
          installYear: s.install_year,
          cmls: new Set<string>(),
        },
      ]),
    );
    for (const c of cmls) segments.get(c.segment_id)?.cmls.add(c.cml);
    return { segments, existing: new Set(dup.map((x) => `${x.s}|${x.c}|${x.d}`)) };
  });
}

export interface StoreInspectionsOptions {
  campaign: string;
  /** Lines of the file left out (import of the clean lines only). */
  rejectedLines: number;
  /** Register CMLs the rows name that the segment does not have yet. */
  createCmls: boolean;
  asOfMs: number;
  tables?: IntegrityTables;
  /** Adds the milliseconds spent in each phase (for benchmarks). */
  timings?: Record<string, number>;
}

/**
 * Stores checked readings as one campaign and recomputes the condition of every segment they
 * touch, all in one transaction: either everything is stored and current, or nothing.
 */
export async function storeInspections(
  sql: Queryable,
  rows: readonly {
    segmentId: string;
    cml: string;
    date: string;
    thicknessMm: number;
    method: string;
    inspector: string | null;
  }[],
  opts: StoreInspectionsOptions,
): Promise<{ campaignId: number; stored: number; cmlsCreated: number; recomputed: number }> {
  return doing('storing inspection readings', () =>
    inTransaction(sql, async (tx) => {
      const [campaign] = await tx<{ id: number }[]>`
        insert into inspection_campaign (name, source, readings, rejected_lines)
        values (${opts.campaign}, 'csv', ${rows.length}, ${opts.rejectedLines}) returning id`;
      let cmlsCreated = 0;
      if (opts.createCmls) {
        const r = await tx`
          insert into cml (segment_id, cml, company_id)
          select distinct u.s, u.c, g.company_id
          from unnest(${arr(
            tx,
            rows.map((x) => x.segmentId),
            'text',
          )}::text[],
            ${arr(
              tx,
              rows.map((x) => x.cml),
              'text',
            )}::text[]) as u (s, c)
          join segment g on g.id = u.s
          on conflict do nothing`;
        cmlsCreated = r.count;
      }
      const lap = stopwatch(opts.timings);
      await insertReadingRows(tx, campaign!.id, {
        segmentId: rows.map((r) => r.segmentId),
        cml: rows.map((r) => r.cml),
        date: rows.map((r) => r.date),
        thicknessMm: rows.map((r) => r.thicknessMm),
        method: rows.map((r) => r.method),
        inspector: rows.map((r) => r.inspector),
      });
      lap('insert_readings');
      const touched = [...new Set(rows.map((r) => r.segmentId))];
      const { segments } = await recomputeConditions(tx, {
        segmentIds: touched,
        asOfMs: opts.asOfMs,
        ...(opts.tables ? { tables: opts.tables } : {}),
        ...(opts.timings ? { timings: opts.timings } : {}),
      });
      return { campaignId: campaign!.id, stored: rows.length, cmlsCreated, recomputed: segments };
    }),
  );
}
