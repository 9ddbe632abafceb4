/**
 * `pnpm score-csv --in FILE --out FILE [--detector NAME] [--train N]`: scores a historian export
 * with the detector that runs live. Normal behaviour is learned from the first rows (`--train`,
 * default the first 15 %), then every row is scored causally and `timestamp,score,changepoint`
 * is written per row. Rows that cannot be read are reported on stderr and skipped.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { DEFAULT_DETECTOR, createDetector } from '@ct/analytics';
import { readCsvTable, type CsvLayout, type CsvProblem } from './csv-table';

export const USAGE = `usage: pnpm score-csv --in FILE --out FILE [--detector NAME] [--train N]
  FILE: first column a timestamp (ISO 8601 or epoch s/ms), the others numeric sensor columns,
        separated by , or ; with or without a header line
  --train N   rows to learn normal behaviour from (default: the first 15 %)
  --detector  detector name (default ${DEFAULT_DETECTOR})`;

export interface ScoreCsvOptions {
  input: string;
  output: string;
  detector?: string;
  train?: number;
  log?: (line: string) => void;
}

export interface ScoreCsvResult {
  rows: number;
  skipped: number;
  trainRows: number;
  columns: string[];
  anomalies: number;
  changepoints: number;
  seconds: number;
}

/** Reads, learns, scores and writes; returns what it did. */
export async function scoreCsv(o: ScoreCsvOptions): Promise<ScoreCsvResult> {
  const log = o.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const started = Date.now();
  let layout: CsvLayout | null = null;
  let times = new Float64Array(1 << 16);
  let values = new Float64Array(0);
  const raw: string[] = [];
  let n = 0;
  let skipped = 0;
  const onProblem = (p: CsvProblem) => {
    skipped++;
    if (skipped <= 20) log(`line ${p.line}: skipped: ${p.reason}`);
    else if (skipped === 21) log('(more skipped lines are counted, not listed)');
  };
  await readCsvTable(
    o.input,
    (l) => {
      layout = l;
      values = new Float64Array(times.length * l.columns.length);
    },
    (r) => {
      const k = r.values.length;
      if (n === times.length) {
        const t2 = new Float64Array(times.length * 2);
        t2.set(times);
        times = t2;
        const v2 = new Float64Array(values.length * 2);
        v2.set(values);
        values = v2;
      }
      times[n] = r.t;
      values.set(r.values, n * k);
      raw.push(r.raw);
      n++;
    },
    onProblem,
  );
  const cols = (layout as CsvLayout | null)?.columns ?? [];
  if (n === 0) throw new Error('no readable rows');
  const k = cols.length;
  const trainRows = Math.max(2, Math.min(n, o.train ?? Math.ceil(n * 0.15)));
  const rowOf = (i: number) => values.subarray(i * k, i * k + k);
  const det = createDetector(o.detector ?? DEFAULT_DETECTOR, cols);
  const trainRowsArr: Float64Array[] = [];
  for (let i = 0; i < trainRows; i++) trainRowsArr.push(rowOf(i));
  det.fit([{ times: times.subarray(0, trainRows), rows: trainRowsArr }]);
  log(`learned normal behaviour from ${trainRows} of ${n} rows (${k} sensors: ${cols.join(', ')})`);

  const out = createWriteStream(o.output);
  out.write('timestamp,score,changepoint\n');
  let buf = '';
  let anomalies = 0;
  let changepoints = 0;
  for (let i = 0; i < n; i++) {
    const r = det.update(times[i]!, rowOf(i));
    if (r.anomaly) anomalies++;
    if (r.changepoint) changepoints++;
    buf += `${raw[i]},${r.score.toFixed(4)},${r.changepoint ? 1 : 0}\n`;
    if (buf.length > 1 << 16) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
  const seconds = (Date.now() - started) / 1000;
  return { rows: n, skipped, trainRows, columns: cols, anomalies, changepoints, seconds };
}
