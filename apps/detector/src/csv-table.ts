import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/**
 * Streaming reader for historian exports: first column a timestamp, the others numeric sensor
 * columns, `,` or `;` separated, with or without a header. Rows that cannot be read are
 * reported with their line number and skipped; an empty field is a missing value (NaN).
 */

export interface CsvRow {
  line: number;
  /** The timestamp as written in the file (echoed in outputs). */
  raw: string;
  /** Epoch ms. */
  t: number;
  values: Float64Array;
}

export interface CsvProblem {
  line: number;
  reason: string;
}

export interface CsvLayout {
  separator: ',' | ';';
  header: string[] | null;
  /** Sensor column names (from the header, else `col1`, `col2`, ...). */
  columns: string[];
}

/** Parses a timestamp: ISO 8601 (with or without `T` and zone), or epoch seconds or ms. */
export function parseTimestamp(s: string): number {
  const x = s.trim().replace(/^"|"$/g, '');
  if (x === '') return NaN;
  if (/^-?\d+(\.\d+)?$/.test(x)) {
    const n = Number(x);
    // below 1e11 it can only be seconds (1e11 ms is 1973; 1e11 s is the year 5138)
    return Math.abs(n) < 1e11 ? n * 1000 : n;
  }
  const iso = x.includes('T') ? x : x.replace(' ', 'T');
  const zoned = /([zZ]|[+-]\d{2}:?\d{2})$/.test(iso) ? iso : `${iso}Z`;
  return Date.parse(zoned);
}

function splitLine(line: string, sep: string): string[] {
  return line.split(sep);
}

/** Reads the first line to decide the separator and whether it is a header. */
export function detectLayout(firstLine: string): CsvLayout {
  const semi = (firstLine.match(/;/g) ?? []).length;
  const comma = (firstLine.match(/,/g) ?? []).length;
  const separator = semi > comma ? ';' : ',';
  const cells = splitLine(firstLine, separator).map((c) => c.trim().replace(/^"|"$/g, ''));
  if (cells.length < 2) {
    throw new Error('need a timestamp column and at least one sensor column');
  }
  const isHeader =
    Number.isNaN(parseTimestamp(cells[0]!)) ||
    cells.slice(1).some((c) => c !== '' && Number.isNaN(Number(c)));
  const columns = isHeader ? cells.slice(1) : cells.slice(1).map((_, i) => `col${i + 1}`);
  return { separator, header: isHeader ? cells : null, columns };
}

/**
 * Reads `path` row by row. `onRow` gets every readable row (its `values` array is reused:
 * copy it to keep it); `onProblem` every skipped one.
 */
export async function readCsvTable(
  path: string,
  onLayout: (l: CsvLayout) => void,
  onRow: (r: CsvRow) => void,
  onProblem: (p: CsvProblem) => void,
): Promise<void> {
  const rl = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  let layout: CsvLayout | null = null;
  let n = 0;
  let values = new Float64Array(0);
  const row: CsvRow = { line: 0, raw: '', t: 0, values };
  for await (const line of rl) {
    n++;
    if (line.trim() === '') continue;
    if (!layout) {
      layout = detectLayout(line);
      onLayout(layout);
      values = new Float64Array(layout.columns.length);
      row.values = values;
      if (layout.header) continue;
    }
    const cells = splitLine(line, layout.separator);
    if (cells.length !== layout.columns.length + 1) {
      onProblem({
        line: n,
        reason: `${cells.length} fields, expected ${layout.columns.length + 1}`,
      });
      continue;
    }
    const t = parseTimestamp(cells[0]!);
    if (!Number.isFinite(t)) {
      onProblem({ line: n, reason: `timestamp "${cells[0]!.slice(0, 40)}" not understood` });
      continue;
    }
    let bad = -1;
    for (let i = 0; i < values.length; i++) {
      const c = cells[i + 1]!;
      const v = c === '' ? NaN : Number(c);
      if (Number.isNaN(v) && c.trim() !== '' && c.trim().toLowerCase() !== 'nan') {
        bad = i;
        break;
      }
      values[i] = v;
    }
    if (bad >= 0) {
      onProblem({
        line: n,
        reason: `column "${layout.columns[bad]}": "${cells[bad + 1]!.slice(0, 40)}" is not a number`,
      });
      continue;
    }
    row.line = n;
    row.raw = cells[0]!;
    row.t = t;
    onRow(row);
  }
  if (!layout) throw new Error('the file is empty');
}
