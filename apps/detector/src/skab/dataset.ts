import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** Where SKAB lives: `../shared/datasets/skab` beside the repository, or SKAB_DIR. */
export const SKAB_DIR =
  process.env.SKAB_DIR ??
  resolve(import.meta.dirname, '..', '..', '..', '..', '..', 'shared', 'datasets', 'skab');

/** SKAB's eight sensor columns, in file order. */
export const SKAB_COLUMNS = [
  'Accelerometer1RMS',
  'Accelerometer2RMS',
  'Current',
  'Pressure',
  'Temperature',
  'Thermocouple',
  'Voltage',
  'Volume Flow RateRMS',
] as const;

/** The first rows of every labelled file are training data (the official protocol). */
export const SKAB_TRAIN_ROWS = 400;

export interface SkabFile {
  /** e.g. `valve1/0.csv` */
  name: string;
  /** Epoch ms of each row (the file's local time read as UTC; only differences matter). */
  times: number[];
  /** Rows of the eight sensor columns. */
  values: number[][];
  anomaly: number[];
  changepoint: number[];
}

function parseTime(s: string): number {
  // "2020-03-09 10:14:33"
  return Date.parse(`${s.replace(' ', 'T')}Z`);
}

/** Reads one SKAB file (`;`-separated, header, optional label columns). */
export async function readSkabFile(path: string, name: string): Promise<SkabFile> {
  const text = await readFile(path, 'utf8');
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines[0]!.split(';');
  const col = (n: string) => header.indexOf(n);
  const sensors = SKAB_COLUMNS.map(col);
  if (sensors.some((i) => i < 0)) throw new Error(`${name}: missing SKAB columns`);
  const ia = col('anomaly');
  const ic = col('changepoint');
  const f: SkabFile = { name, times: [], values: [], anomaly: [], changepoint: [] };
  for (const line of lines.slice(1)) {
    const c = line.split(';');
    f.times.push(parseTime(c[0]!));
    f.values.push(sensors.map((i) => Number(c[i])));
    f.anomaly.push(ia >= 0 ? Math.round(Number(c[ia])) : 0);
    f.changepoint.push(ic >= 0 ? Math.round(Number(c[ic])) : 0);
  }
  return f;
}

/** The 34 labelled files in a stable order, and anomaly-free.csv. */
export async function loadSkab(
  dir = SKAB_DIR,
): Promise<{ files: SkabFile[]; anomalyFree: SkabFile }> {
  const files: SkabFile[] = [];
  for (const group of ['valve1', 'valve2', 'other']) {
    const names = (await readdir(join(dir, 'data', group)))
      .filter((n) => n.endsWith('.csv'))
      .sort((a, b) => parseInt(a, 10) - parseInt(b, 10));
    for (const n of names)
      files.push(await readSkabFile(join(dir, 'data', group, n), `${group}/${n}`));
  }
  const anomalyFree = await readSkabFile(
    join(dir, 'data', 'anomaly-free', 'anomaly-free.csv'),
    'anomaly-free/anomaly-free.csv',
  );
  return { files, anomalyFree };
}

/** A reference method's published per-row outlier predictions, by file, test rows only. */
export async function readReferencePredictions(
  method: 'Conv_AE' | 'Isolation_Forest' | 'MSET',
  dir = SKAB_DIR,
): Promise<Map<string, Map<number, number>>> {
  const text = await readFile(
    join(dir, 'reference-predictions', `${method}_predicted_outliers.csv`),
    'utf8',
  );
  const out = new Map<string, Map<number, number>>();
  for (const line of text.split(/\r?\n/).slice(1)) {
    if (!line.trim()) continue;
    const [file, dt, p] = line.split(',');
    if (!out.has(file!)) out.set(file!, new Map());
    out.get(file!)!.set(parseTime(dt!), Math.round(Number(p)));
  }
  return out;
}
