import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allocReadingColumns, type ReadingColumns } from './copy-binary';
import { migrate } from './migrate';
import {
  ReadingsWriter,
  querySensorTrend,
  queryLatestValues,
  runRetention,
  runRollup,
} from './readings.repository';
import { createTestDatabase, type TestDatabase } from './testing';

const DAY = 86_400_000;

function columns(rows: [t: number, sensor: number, value: number, q?: number][]): ReadingColumns {
  const c = allocReadingColumns(rows.length);
  rows.forEach(([t, s, v, q], i) => {
    c.time[i] = t;
    c.sensorId[i] = s;
    c.value[i] = v;
    c.quality[i] = q ?? 0;
  });
  c.length = rows.length;
  return c;
}

describe('readings on plain PostgreSQL (the fallback storage)', () => {
  let db: TestDatabase;
  let writer: ReadingsWriter;
  // a fixed hour in the recent past, so retention and partition logic see realistic dates
  const t0 = Math.floor((Date.now() - 2 * 3_600_000) / 3_600_000) * 3_600_000;

  beforeAll(async () => {
    db = await createTestDatabase();
    const r = await migrate(db.sql, { storage: 'postgres' });
    expect(r.storage).toBe('postgres');
    writer = new ReadingsWriter(db.url, 'postgres');
  });
  afterAll(async () => {
    await writer?.close();
    await db?.drop();
  });

  it('creates readings as a partitioned table with daily partitions made on demand', async () => {
    const [kind] = await db.sql<{ relkind: string }[]>`
      select relkind from pg_class where relname = 'readings'`;
    expect(kind?.relkind).toBe('p');
    await writer.insert(columns([[t0 - 3 * DAY, 1, 1.5]]));
    const parts = await db.sql<{ n: number }[]>`
      select count(*)::int as n from pg_inherits i join pg_class p on p.oid = i.inhparent
      where p.relname = 'readings'`;
    expect(parts[0]!.n).toBeGreaterThanOrEqual(1);
  });

  it('stores values exactly, with their millisecond timestamps and quality', async () => {
    const t = t0 + 123.456;
    await writer.insert(columns([[t, 2, -273.15, 2]]));
    const rows = await db.sql<{ ms: number; value: number; quality: number }[]>`
      select extract(epoch from time) * 1000 as ms, value, quality from readings
      where sensor_id = 2`;
    expect(rows).toHaveLength(1);
    expect(Number(rows[0]!.ms)).toBeCloseTo(t, 3);
    expect(rows[0]!.value).toBe(-273.15);
    expect(rows[0]!.quality).toBe(2);
  });

  it('skips redelivered readings instead of duplicating them', async () => {
    const batch = columns([
      [t0 + 1000, 3, 10],
      [t0 + 2000, 3, 11],
    ]);
    expect(await writer.insert(batch)).toEqual({ inserted: 2, duplicates: 0 });
    const again = columns([
      [t0 + 2000, 3, 11],
      [t0 + 3000, 3, 12],
      [t0 + 3000, 3, 12],
    ]);
    expect(await writer.insert(again)).toEqual({ inserted: 1, duplicates: 2 });
    const [c] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from readings where sensor_id = 3`;
    expect(c!.n).toBe(3);
  });

  it('rolls minute and hour aggregates up from the raw rows', async () => {
    const rows: [number, number, number][] = [];
    for (let i = 0; i < 120; i++) rows.push([t0 + i * 1000, 4, i]);
    await writer.insert(columns(rows));
    let done = 0;
    for (;;) {
      const r = await runRollup(db.sql, 120, 0);
      if (r.minuteBuckets === 0) break;
      done += r.minuteBuckets;
    }
    expect(done).toBeGreaterThan(0);
    const m = await db.sql<
      {
        min_value: number;
        max_value: number;
        avg_value: number;
        count: number;
        last_value: number;
      }[]
    >`
      select min_value, max_value, avg_value, count, last_value from readings_1m
      where sensor_id = 4 order by bucket`;
    expect(m).toHaveLength(2);
    expect(m[0]).toMatchObject({
      min_value: 0,
      max_value: 59,
      avg_value: 29.5,
      count: 60,
      last_value: 59,
    });
    expect(m[1]).toMatchObject({
      min_value: 60,
      max_value: 119,
      avg_value: 89.5,
      count: 60,
      last_value: 119,
    });
    const [h] = await db.sql<{ avg_value: number; count: number; last_value: number }[]>`
      select avg_value, count, last_value from readings_1h where sensor_id = 4`;
    expect(h).toMatchObject({ avg_value: 59.5, count: 120, last_value: 119 });
  });

  it('recomputes a rolled-up minute when late readings arrive for it', async () => {
    await writer.insert(columns([[t0 + 30_500, 4, 1000]]));
    while ((await runRollup(db.sql, 120, 0)).minuteBuckets > 0);
    const [m] = await db.sql<{ max_value: number; count: number }[]>`
      select max_value, count from readings_1m where sensor_id = 4 order by bucket limit 1`;
    expect(m).toMatchObject({ max_value: 1000, count: 61 });
  });

  it('leaves a minute that is still being written alone until it has been quiet', async () => {
    await writer.insert(columns([[t0 + 45_000, 6, 1]]));
    expect((await runRollup(db.sql, 120, 2)).minuteBuckets).toBe(0);
    await new Promise((r) => setTimeout(r, 2100));
    expect((await runRollup(db.sql, 120, 2)).minuteBuckets).toBe(1);
  });

  it('picks the resolution of a trend so that the answer stays small', async () => {
    const raw = await querySensorTrend(db.sql, 4, t0, t0 + 120_000, 'auto', 2000);
    expect(raw.resolution).toBe('raw');
    expect(raw.t).toHaveLength(121);
    const coarse = await querySensorTrend(db.sql, 4, t0, t0 + 120_000, 'auto', 50);
    expect(coarse.resolution).toBe('1m');
    expect(coarse.t).toEqual([t0, t0 + 60_000]);
    const week = await querySensorTrend(db.sql, 4, t0 - 7 * DAY, t0 + DAY, 'auto', 2000);
    expect(week.resolution).toBe('1h');
    expect(week.count.reduce((a, b) => a + b, 0)).toBe(121);
  });

  it('gives the last value of each sensor from the minute rollup', async () => {
    const latest = await queryLatestValues(db.sql, t0 - DAY);
    const s4 = latest.find((l) => l.sensorId === 4);
    expect(s4?.v).toBe(119);
    expect(s4?.t).toBeCloseTo(t0 + 119_000, 0);
  });

  it('drops partitions older than the retention and keeps the rest', async () => {
    const { dropped } = await runRetention(db.sql, Date.now(), 2);
    expect(dropped.length).toBe(1);
    const [old] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from readings where sensor_id = 1`;
    expect(old!.n).toBe(0);
    const [recent] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from readings where sensor_id = 4`;
    expect(recent!.n).toBe(121);
  });

  it('stores dead letters in the same transaction as the readings of a batch', async () => {
    await writer.insert(columns([[t0 + 5000, 5, 1]]), {
      deadLetters: [
        {
          topic: 'twin/v1/acme/dev1/telemetry',
          companyId: 'acme',
          deviceId: 'dev1',
          reason: 'bad_json',
          detail: 'Unexpected token',
          payload: Buffer.from([0x7b, 0x00, 0xff]),
          payloadBytes: 3,
        },
      ],
    });
    const [dl] = await db.sql<{ reason: string; payload: Buffer }[]>`
      select reason, payload from dead_letter`;
    expect(dl!.reason).toBe('bad_json');
    expect([...dl!.payload]).toEqual([0x7b, 0x00, 0xff]);
  });
});
