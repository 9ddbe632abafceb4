import { checkInspectionRows, parseInspectionCsv, type InspectionCsvError } from '@ct/analytics';
import type { InspectionImportReport } from '@ct/contracts';
import { DbError, inspectionImportContext, storeInspections, type Queryable } from '@ct/db';
import { todayUtc } from './mappers';

/** At most this many errors are listed in a report; `error_counts` counts them all. */
export const MAX_LISTED_ERRORS = 5000;

export interface ImportOptions {
  mode: 'all_or_nothing' | 'clean_lines';
  dryRun: boolean;
  allowNewCmls: boolean;
  campaign?: string | undefined;
  nowMs: number;
  /** Adds the milliseconds spent in each phase (for benchmarks). */
  timings?: Record<string, number>;
}

/** A second import stored some of the same readings while this one was being checked. */
export class ImportConflictError extends Error {}

/**
 * Checks an inspection campaign file line by line and, when it is clean (or the clean lines are
 * asked for), stores it and recomputes the condition of the segments it touches in one
 * transaction. Nothing is stored when any line is wrong and the mode is `all_or_nothing`.
 */
export async function importInspectionCsv(
  sql: Queryable,
  text: string,
  opts: ImportOptions,
): Promise<InspectionImportReport> {
  const t0 = performance.now();
  let t = t0;
  const timings = opts.timings ?? {};
  const lap = (phase: string) => {
    const now = performance.now();
    timings[phase] = (timings[phase] ?? 0) + now - t;
    t = now;
  };
  const parsed = parseInspectionCsv(text, { nowMs: opts.nowMs });
  lap('parse');
  const ctx = await inspectionImportContext(sql, parsed.rows);
  lap('context');
  const checked = checkInspectionRows(parsed.rows, { ...ctx, allowNewCmls: opts.allowNewCmls });
  lap('check');
  const errors: InspectionCsvError[] = [...parsed.errors, ...checked.errors].sort(
    (a, b) => a.line - b.line,
  );
  const counts: Record<string, number> = {};
  for (const e of errors) counts[e.code] = (counts[e.code] ?? 0) + 1;
  const badLines = new Set(errors.map((e) => e.line)).size;
  const report: InspectionImportReport = {
    status: 'validated',
    lines: parsed.dataLines,
    stored: 0,
    rejected_lines: badLines,
    cmls_created: 0,
    recomputed_segments: 0,
    campaign_id: null,
    errors: errors.slice(0, MAX_LISTED_ERRORS).map((e) => ({
      line: e.line,
      code: e.code,
      column: e.column,
      message: e.message,
    })),
    errors_truncated: errors.length > MAX_LISTED_ERRORS,
    error_counts: counts,
    duration_ms: 0,
    timings_ms: {},
  };
  // Refused: any error in all-or-nothing mode, or errors and not one clean line (a bad header).
  const refused =
    errors.length > 0 && (opts.mode === 'all_or_nothing' || checked.valid.length === 0);
  if (refused) {
    report.status = 'rejected';
  } else if (!opts.dryRun && checked.valid.length > 0) {
    try {
      const stored = await storeInspections(sql, checked.valid, {
        campaign: opts.campaign ?? `campaign imported ${todayUtc(opts.nowMs)}`,
        rejectedLines: badLines,
        createCmls: opts.allowNewCmls,
        asOfMs: opts.nowMs,
        timings,
      });
      report.status = 'imported';
      report.stored = stored.stored;
      report.cmls_created = stored.cmlsCreated;
      report.recomputed_segments = stored.recomputed;
      report.campaign_id = stored.campaignId;
    } catch (err) {
      // 23505: unique (segment, CML, date) broken by a concurrent import; nothing was stored.
      if (err instanceof DbError && err.code === '23505')
        throw new ImportConflictError(err.message);
      throw err;
    }
  } else if (!opts.dryRun) {
    report.status = 'imported';
  }
  report.duration_ms = Math.round(performance.now() - t0);
  report.timings_ms = Object.fromEntries(
    Object.entries(timings).map(([k, v]) => [k, Math.round(v)]),
  );
  return report;
}
