import { RIG_UNIT_FACTOR, type RigChannel, type SimSensor } from './plant-index';

/** SKAB's column names and the rig channel each feeds. */
export const SKAB_COLUMNS: Readonly<Record<string, RigChannel>> = {
  accelerometer1rms: 'ACC1',
  accelerometer2rms: 'ACC2',
  current: 'CUR',
  pressure: 'PRS',
  temperature: 'TMP',
  thermocouple: 'THC',
  voltage: 'VLT',
  'volume flow raterms': 'FLW',
};

/** Label columns: never published; `anomaly` becomes ground truth. */
const LABEL_COLUMNS = new Set(['anomaly', 'changepoint']);

export interface ReplayColumn {
  /** Field index in a row. */
  index: number;
  header: string;
  tag: string;
  /** Multiply the CSV value by this to get the sensor's unit (bar to kPa: 100; L/min to m3/h: 0.06). */
  factor: number;
}

export interface ReplayRow {
  /** 1-based line number in the file. */
  line: number;
  /** Original timestamp, epoch ms. */
  tMs: number;
  /** One value per mapped column, in the sensor's unit. */
  values: number[];
  /** The row's `anomaly` label (0/1), or null when the file has none. */
  anomaly: 0 | 1 | null;
}

export interface ReplayIssue {
  line: number;
  message: string;
}

export interface ParsedReplay {
  delimiter: ';' | ',';
  columns: ReplayColumn[];
  /** Headers that are neither mapped nor labels (not published). */
  ignored: string[];
  rows: ReplayRow[];
  issues: ReplayIssue[];
}

/** A labelled stretch of rows, original times (epoch ms), the end being the last labelled row. */
export interface LabelWindow {
  startMs: number;
  endMs: number;
  firstLine: number;
  lastLine: number;
  rows: number;
}

/**
 * Parses a replay CSV: first column a timestamp, the others numeric, `;` or `,` separated, one
 * header line. Columns map to `sensors` by SKAB name (rig channels, with unit conversion) or by
 * tag. Rows that cannot be read are reported in `issues` and left out.
 */
export function parseReplayCsv(text: string, sensors: readonly SimSensor[]): ParsedReplay {
  const lines = text.split(/\r?\n/);
  const headerLine = lines[0] ?? '';
  const delimiter: ';' | ',' = headerLine.includes(';') ? ';' : ',';
  const header = headerLine.split(delimiter).map((h) => h.trim().replace(/^"(.*)"$/, '$1'));
  if (header.length < 2 || header[0] === '') {
    throw new Error('the CSV needs a header line: a timestamp column, then value columns');
  }
  const byChannel = new Map<RigChannel, SimSensor>();
  const byTag = new Map<string, SimSensor>();
  for (const s of sensors) {
    if (s.role.kind === 'rig' && !byChannel.has(s.role.channel)) byChannel.set(s.role.channel, s);
    byTag.set(s.tag.toLowerCase(), s);
  }
  const columns: ReplayColumn[] = [];
  const ignored: string[] = [];
  let anomalyIndex = -1;
  header.forEach((h, index) => {
    if (index === 0) return;
    const key = h.toLowerCase();
    if (LABEL_COLUMNS.has(key)) {
      if (key === 'anomaly') anomalyIndex = index;
      return;
    }
    const tagged = byTag.get(key);
    const channel = SKAB_COLUMNS[key];
    const rig = channel ? byChannel.get(channel) : undefined;
    if (tagged) columns.push({ index, header: h, tag: tagged.tag, factor: 1 });
    else if (rig && channel)
      columns.push({ index, header: h, tag: rig.tag, factor: RIG_UNIT_FACTOR[channel] });
    else ignored.push(h);
  });
  if (columns.length === 0) {
    throw new Error(
      `no column maps to a sensor of the device (columns: ${header.slice(1).join(', ')}; sensors: ${sensors.map((s) => s.tag).join(', ')})`,
    );
  }

  const rows: ReplayRow[] = [];
  const issues: ReplayIssue[] = [];
  let lastT = -Infinity;
  for (let i = 1; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trim() === '') continue;
    const line = i + 1;
    const fields = raw.split(delimiter);
    if (fields.length !== header.length) {
      issues.push({ line, message: `${fields.length} fields, the header has ${header.length}` });
      continue;
    }
    const tMs = parseTime(fields[0]!.trim());
    if (tMs === null) {
      issues.push({ line, message: `timestamp "${fields[0]}" is not a date or a number` });
      continue;
    }
    if (tMs < lastT) {
      issues.push({ line, message: `timestamp ${fields[0]} goes back in time` });
      continue;
    }
    const values: number[] = [];
    let bad: string | null = null;
    for (const c of columns) {
      const v = parseNumber(fields[c.index]!, delimiter);
      if (v === null) {
        bad = `${c.header} "${fields[c.index]}" is not a number`;
        break;
      }
      values.push(v * c.factor);
    }
    if (bad) {
      issues.push({ line, message: bad });
      continue;
    }
    let anomaly: 0 | 1 | null = null;
    if (anomalyIndex >= 0) {
      const a = parseNumber(fields[anomalyIndex]!, delimiter);
      anomaly = a !== null && a >= 0.5 ? 1 : 0;
    }
    lastT = tMs;
    rows.push({ line, tMs, values, anomaly });
  }
  return { delimiter, columns, ignored, rows, issues };
}

/** Consecutive rows labelled 1, as windows. */
export function labelWindows(rows: readonly ReplayRow[]): LabelWindow[] {
  const out: LabelWindow[] = [];
  let open: LabelWindow | null = null;
  for (const r of rows) {
    if (r.anomaly === 1) {
      if (open) {
        open.endMs = r.tMs;
        open.lastLine = r.line;
        open.rows++;
      } else {
        open = { startMs: r.tMs, endMs: r.tMs, firstLine: r.line, lastLine: r.line, rows: 1 };
      }
    } else if (open) {
      out.push(open);
      open = null;
    }
  }
  if (open) out.push(open);
  return out;
}

/** A date-time (no zone means UTC) or a number: epoch ms above 1e11, else seconds. */
export function parseTime(text: string): number | null {
  const t = text.replace(/^"(.*)"$/, '$1');
  if (t === '') return null;
  if (/^-?\d+(\.\d+)?$/.test(t)) {
    const n = Number(t);
    return Math.abs(n) > 1e11 ? n : n * 1000;
  }
  const iso = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(t)
    ? `${t.replace(' ', 'T')}Z`
    : t;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : null;
}

function parseNumber(text: string, delimiter: ';' | ','): number | null {
  let t = text.trim().replace(/^"(.*)"$/, '$1');
  // With `;` as separator a decimal comma is possible (European spreadsheets).
  if (delimiter === ';' && /^-?\d+,\d+$/.test(t)) t = t.replace(',', '.');
  if (t === '' || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return null;
  return Number(t);
}
