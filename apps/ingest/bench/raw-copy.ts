import {
  ReadingsWriter,
  allocReadingColumns,
  encodeReadingsCopy,
  rawCopyReadings,
  type TestDatabase,
} from '@ct/db';

const CHUNK = 20_000;

/** The rows the publishers send, in the same order: reading k -> sensor (k mod S) + 1. */
function* chunks(from: number, to: number, sensors: number, t0: number): Generator<Buffer> {
  const cols = allocReadingColumns(CHUNK);
  for (let start = from; start < to; start += CHUNK) {
    const end = Math.min(to, start + CHUNK);
    cols.length = end - start;
    for (let k = start; k < end; k++) {
      const i = k - start;
      cols.sensorId[i] = (k % sensors) + 1;
      cols.time[i] = t0 + Math.floor(k / sensors);
      cols.value[i] = (k % 1000) / 10;
      cols.quality[i] = 0;
    }
    yield encodeReadingsCopy(cols);
  }
}

export interface CopyLimit {
  single_stream_per_s: number;
  parallel_per_s: number;
}

/** Raw COPY rate of the benchmark's rows into `readings`: one stream, then two in parallel. */
export async function copyLimit(
  db: TestDatabase,
  n: number,
  sensors: number,
  t0: number,
  storage: 'postgres' | 'timescaledb',
): Promise<CopyLimit> {
  // partitions exist before timing starts, as they do for ingest
  const days = new Set<number>();
  for (let k = 0; k < n; k += sensors)
    days.add(Math.floor((t0 + Math.floor(k / sensors)) / 86_400_000));
  if (storage === 'postgres') {
    const w = new ReadingsWriter(db.url, storage);
    await w.ensureDays(days);
    await w.close();
  }
  // encoding happens outside the timed part: COPY itself is what is measured
  const encoded = [...chunks(0, n, sensors, t0)];
  await db.sql`truncate readings`;
  await db.sql`checkpoint`;
  let t = Date.now();
  await rawCopyReadings(db.url, encoded);
  const single = n / ((Date.now() - t) / 1000);
  await db.sql`truncate readings`;
  await db.sql`checkpoint`;
  const half = Math.ceil(encoded.length / 2);
  t = Date.now();
  await Promise.all([
    rawCopyReadings(db.url, encoded.slice(0, half)),
    rawCopyReadings(db.url, encoded.slice(half)),
  ]);
  const parallel = n / ((Date.now() - t) / 1000);
  await db.sql`truncate readings`;
  await db.sql`checkpoint`;
  return { single_stream_per_s: Math.round(single), parallel_per_s: Math.round(parallel) };
}
