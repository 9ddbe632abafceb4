/**
 * Inspection campaign files (CSV) and their rules, line by line: the format is documented for
 * inspection contractors in docs/pipe-condition.md. Pure: the caller supplies today's date and
 * what the database knows (segments, CMLs, readings already stored).
 */

export type InspectionCsvErrorCode =
  | 'bad_header'
  | 'wrong_field_count'
  | 'missing_value'
  | 'bad_date'
  | 'date_in_future'
  | 'date_before_install'
  | 'bad_number'
  | 'thickness_not_positive'
  | 'thickness_impossible'
  | 'unit_mismatch'
  | 'unknown_segment'
  | 'unknown_cml'
  | 'duplicate_row'
  | 'already_imported'
  | 'value_too_long';

export interface InspectionCsvError {
  /** 1-based line number in the file (the header is line 1). */
  line: number;
  code: InspectionCsvErrorCode;
  /** The column concerned, when there is one. */
  column: string | null;
  message: string;
}

export interface InspectionCsvRow {
  line: number;
  segmentId: string;
  cml: string;
  /** `YYYY-MM-DD` as written. */
  date: string;
  /** UTC midnight of `date`, epoch ms. */
  dateMs: number;
  thicknessMm: number;
  /** The unit the file gave the thickness in. */
  unit: 'mm' | 'in';
  method: string;
  inspector: string | null;
}

export interface ParsedInspectionCsv {
  /** Rows whose own fields are valid (they may still fail `checkInspectionRows`). */
  rows: InspectionCsvRow[];
  errors: InspectionCsvError[];
  /** Data lines read (blank lines not counted). */
  dataLines: number;
  delimiter: ',' | ';' | '\t';
}

export const INSPECTION_CSV_REQUIRED = ['segment_id', 'cml', 'date'] as const;
export const INSPECTION_CSV_OPTIONAL = ['method', 'inspector'] as const;
const THICKNESS_COLUMNS = ['thickness_mm', 'thickness_in'] as const;
const MM_PER_IN = 25.4;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DEFAULT_METHOD = 'UT';

/** Splits one CSV line; fields may be quoted with `"` (a doubled `""` is a quote). */
export function splitCsvLine(line: string, delimiter: string): string[] {
  if (!line.includes('"')) return line.split(delimiter).map((f) => f.trim());
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"') {
        if (line[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        field += ch;
      }
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === delimiter) {
      out.push(field.trim());
      field = '';
    } else {
      field += ch;
    }
  }
  out.push(field.trim());
  return out;
}

function parseDate(s: string): number | null {
  const m = DATE_RE.exec(s);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  // 2024-02-30 rolls over to March: refuse it.
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) {
    return null;
  }
  return ms;
}

function parseNumber(s: string, decimalComma: boolean): number | null {
  const t = decimalComma ? s.replace(',', '.') : s;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return null;
  const v = Number(t);
  return Number.isFinite(v) ? v : null;
}

/**
 * Reads a campaign file: header, then one reading per line. Each line's own fields are checked
 * (columns, date format and not in the future, a positive number); every problem is reported
 * with its line. Dates after the UTC day of `nowMs` are in the future.
 */
export function parseInspectionCsv(text: string, opts: { nowMs: number }): ParsedInspectionCsv {
  const errors: InspectionCsvError[] = [];
  const rows: InspectionCsvRow[] = [];
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = body.split(/\r?\n/);
  const headerLine = lines[0] ?? '';
  const delimiter: ParsedInspectionCsv['delimiter'] = headerLine.includes('\t')
    ? '\t'
    : headerLine.includes(';') && !headerLine.includes(',')
      ? ';'
      : ',';
  const decimalComma = delimiter !== ',';
  const header = splitCsvLine(headerLine, delimiter).map((h) => h.toLowerCase());
  const known = new Set<string>([
    ...INSPECTION_CSV_REQUIRED,
    ...INSPECTION_CSV_OPTIONAL,
    ...THICKNESS_COLUMNS,
  ]);
  const headerProblems: string[] = [];
  for (const col of INSPECTION_CSV_REQUIRED) {
    if (!header.includes(col)) headerProblems.push(`missing column "${col}"`);
  }
  const thicknessCols = header.filter((h) => (THICKNESS_COLUMNS as readonly string[]).includes(h));
  if (thicknessCols.length !== 1) {
    headerProblems.push('exactly one of "thickness_mm" or "thickness_in" is needed');
  }
  for (const h of header) {
    if (!known.has(h)) headerProblems.push(`unknown column "${h}"`);
  }
  const dup = header.filter((h, i) => header.indexOf(h) !== i);
  for (const h of new Set(dup)) headerProblems.push(`column "${h}" appears twice`);
  if (headerProblems.length > 0) {
    errors.push({
      line: 1,
      code: 'bad_header',
      column: null,
      message: `${headerProblems.join('; ')}. Expected: segment_id, cml, date, thickness_mm (or thickness_in), and optionally method, inspector`,
    });
    return { rows, errors, dataLines: 0, delimiter };
  }
  const idx = (c: string) => header.indexOf(c);
  const iSeg = idx('segment_id');
  const iCml = idx('cml');
  const iDate = idx('date');
  const thicknessCol = thicknessCols[0]!;
  const iThk = idx(thicknessCol);
  const unit: 'mm' | 'in' = thicknessCol === 'thickness_in' ? 'in' : 'mm';
  const iMethod = idx('method');
  const iInspector = idx('inspector');
  const now = new Date(opts.nowMs);
  const todayMs = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());

  let dataLines = 0;
  for (let li = 1; li < lines.length; li++) {
    const raw = lines[li]!;
    if (raw.trim() === '') continue;
    dataLines++;
    const line = li + 1;
    const f = splitCsvLine(raw, delimiter);
    if (f.length !== header.length) {
      errors.push({
        line,
        code: 'wrong_field_count',
        column: null,
        message: `${f.length} fields where the header has ${header.length}`,
      });
      continue;
    }
    let ok = true;
    const bad = (code: InspectionCsvErrorCode, column: string | null, message: string) => {
      errors.push({ line, code, column, message });
      ok = false;
    };
    const segmentId = f[iSeg]!;
    const cml = f[iCml]!;
    const dateText = f[iDate]!;
    const thkText = f[iThk]!;
    if (!segmentId) bad('missing_value', 'segment_id', 'segment_id is empty');
    if (!cml) bad('missing_value', 'cml', 'cml is empty');
    if (segmentId.length > 100)
      bad('value_too_long', 'segment_id', 'segment_id over 100 characters');
    if (cml.length > 40) bad('value_too_long', 'cml', 'cml over 40 characters');
    let dateMs: number | null = null;
    if (!dateText) {
      bad('missing_value', 'date', 'date is empty');
    } else {
      dateMs = parseDate(dateText);
      if (dateMs === null) {
        bad('bad_date', 'date', `"${dateText}" is not a date written YYYY-MM-DD`);
      } else if (dateMs > todayMs) {
        bad('date_in_future', 'date', `${dateText} is in the future`);
      }
    }
    let thicknessMm = NaN;
    if (!thkText) {
      bad('missing_value', thicknessCol, `${thicknessCol} is empty`);
    } else {
      const v = parseNumber(thkText, decimalComma);
      if (v === null) {
        bad('bad_number', thicknessCol, `"${thkText}" is not a number`);
      } else if (v <= 0) {
        bad('thickness_not_positive', thicknessCol, `thickness ${thkText} must be above zero`);
      } else {
        thicknessMm = unit === 'in' ? v * MM_PER_IN : v;
      }
    }
    const method = iMethod >= 0 && f[iMethod] ? f[iMethod]! : DEFAULT_METHOD;
    const inspector = iInspector >= 0 && f[iInspector] ? f[iInspector]! : null;
    if (method.length > 40) bad('value_too_long', 'method', 'method over 40 characters');
    if (inspector && inspector.length > 100) {
      bad('value_too_long', 'inspector', 'inspector over 100 characters');
    }
    if (ok) {
      rows.push({
        line,
        segmentId,
        cml,
        date: dateText,
        dateMs: dateMs!,
        thicknessMm,
        unit,
        method,
        inspector,
      });
    }
  }
  return { rows, errors, dataLines, delimiter };
}

/** What the database knows about a segment named in a file. */
export interface KnownSegment {
  /** Nominal wall, mm. */
  wallMm: number;
  /** Outside diameter, mm. */
  diameterMm: number;
  installYear: number;
  /** Its CMLs. */
  cmls: ReadonlySet<string>;
}

export interface InspectionCheckContext {
  segments: ReadonlyMap<string, KnownSegment>;
  /** `segment_id|cml|YYYY-MM-DD` of readings already stored. */
  existing: ReadonlySet<string>;
  /** Accept CMLs not yet registered on a known segment (they are created on import). */
  allowNewCmls: boolean;
}

/** The key of a reading: one per CML and day. */
export const readingKey = (segmentId: string, cml: string, date: string) =>
  `${segmentId}|${cml}|${date}`;

/**
 * The rules that need the plant: known segment and CML, a thickness this pipe can have (not
 * thicker than 1.5x its nominal wall or than its radius), inches written as millimetres (or the
 * reverse) by magnitude, not before installation, not twice in the file, not already stored.
 * Returns the rows that pass and the errors of the others.
 */
export function checkInspectionRows(
  rows: readonly InspectionCsvRow[],
  ctx: InspectionCheckContext,
): { valid: InspectionCsvRow[]; errors: InspectionCsvError[] } {
  const valid: InspectionCsvRow[] = [];
  const errors: InspectionCsvError[] = [];
  const seen = new Map<string, number>();
  for (const r of rows) {
    let ok = true;
    const bad = (code: InspectionCsvErrorCode, column: string | null, message: string) => {
      errors.push({ line: r.line, code, column, message });
      ok = false;
    };
    const thkCol = r.unit === 'in' ? 'thickness_in' : 'thickness_mm';
    const seg = ctx.segments.get(r.segmentId);
    if (!seg) {
      bad('unknown_segment', 'segment_id', `no segment "${r.segmentId}"`);
    } else {
      if (!seg.cmls.has(r.cml) && !ctx.allowNewCmls) {
        bad('unknown_cml', 'cml', `segment "${r.segmentId}" has no CML "${r.cml}"`);
      }
      const t = r.thicknessMm;
      const nominal = seg.wallMm;
      const asOther = r.unit === 'mm' ? t * MM_PER_IN : t / MM_PER_IN;
      const plausible = (x: number) => x >= 0.35 * nominal && x <= 1.5 * nominal;
      if (r.unit === 'mm' && t < 0.35 * nominal && plausible(asOther)) {
        bad(
          'unit_mismatch',
          thkCol,
          `${t} mm is under 35 % of the ${nominal} mm nominal wall but ${asOther.toFixed(2)} mm if it were inches: write millimetres, or use a thickness_in column`,
        );
      } else if (r.unit === 'in' && t > 1.5 * nominal && plausible(asOther)) {
        bad(
          'unit_mismatch',
          thkCol,
          `${(t / MM_PER_IN).toFixed(3)} in is over 1.5x the ${(nominal / MM_PER_IN).toFixed(3)} in nominal wall but plausible as millimetres: use a thickness_mm column`,
        );
      } else if (t > 1.5 * nominal || t >= seg.diameterMm / 2) {
        bad(
          'thickness_impossible',
          thkCol,
          `${t.toFixed(2)} mm cannot be the wall of this pipe (nominal ${nominal} mm, outside diameter ${seg.diameterMm} mm)`,
        );
      }
      if (r.dateMs < Date.UTC(seg.installYear, 0, 1)) {
        bad(
          'date_before_install',
          'date',
          `${r.date} is before the segment was installed (${seg.installYear})`,
        );
      }
    }
    const key = readingKey(r.segmentId, r.cml, r.date);
    const first = seen.get(key);
    if (first !== undefined) {
      bad('duplicate_row', null, `same segment, CML and date as line ${first}`);
    } else {
      seen.set(key, r.line);
      if (ctx.existing.has(key)) {
        bad(
          'already_imported',
          null,
          `a reading for ${r.segmentId} ${r.cml} on ${r.date} is already stored`,
        );
      }
    }
    if (ok) valid.push(r);
  }
  return { valid, errors };
}
