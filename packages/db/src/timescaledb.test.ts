import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from './client';
import { allocReadingColumns } from './copy-binary';
import { migrate, timescaleAvailable } from './migrate';
import { ReadingsWriter, querySensorTrend } from './readings.repository';
import { createTestDatabase, TEST_SERVER_URL, type TestDatabase } from './testing';

async function probe(): Promise<boolean> {
  const sql = connect(TEST_SERVER_URL, { max: 1 });
  try {
    return await timescaleAvailable(sql);
  } finally {
    await sql.end();
  }
}

const available = await probe();
if (!available) {
  console.warn(
    'SKIPPED: TimescaleDB tests: the extension is not available on ' +
      `${TEST_SERVER_URL} (not installed or not in shared_preload_libraries)`,
  );
}

describe.runIf(available)('readings on TimescaleDB', () => {
  let db: TestDatabase;
  let writer: ReadingsWriter;
  const t0 = Math.floor((Date.now() - 3 * 3_600_000) / 3_600_000) * 3_600_000;

  beforeAll(async () => {
    db = await createTestDatabase();
    const r = await migrate(db.sql, { storage: 'auto', retentionDays: 30, compressAfterDays: 3 });
    expect(r.storage).toBe('timescaledb');
    writer = new ReadingsWriter(db.url, r.storage);
  });
  afterAll(async () => {
    await writer?.close();
    await db?.drop();
  });

  it('makes readings a hypertable with compression and retention policies', async () => {
    const hyper = await db.sql`
      select 1 from timescaledb_information.hypertables where hypertable_name = 'readings'`;
    expect(hyper).toHaveLength(1);
    const jobs = await db.sql<{ proc_name: string; hypertable_name: string }[]>`
      select proc_name, hypertable_name from timescaledb_information.jobs
      where proc_name in ('policy_compression', 'policy_retention', 'policy_refresh_continuous_aggregate')`;
    const names = jobs.map((j) => j.proc_name).sort();
    expect(names).toEqual([
      'policy_compression',
      'policy_refresh_continuous_aggregate',
      'policy_refresh_continuous_aggregate',
      'policy_retention',
      'policy_retention',
    ]);
    const retained = jobs
      .filter((j) => j.proc_name === 'policy_retention')
      .map((j) => j.hypertable_name)
      .sort();
    expect(retained).toEqual(['anomaly_score', 'readings']);
    const [ret] = await db.sql<{ drop_after: string }[]>`
      select config->>'drop_after' as drop_after from timescaledb_information.jobs
      where proc_name = 'policy_retention' and hypertable_name = 'readings'`;
    expect(ret!.drop_after).toMatch(/30 days/);
  });

  it('skips redelivered readings on the hypertable too', async () => {
    const c = allocReadingColumns(3);
    c.time.set([t0, t0 + 1000, t0 + 1000]);
    c.sensorId.set([9, 9, 9]);
    c.value.set([1, 2, 2]);
    c.length = 3;
    expect(await writer.insert(c)).toEqual({ inserted: 2, duplicates: 1 });
  });

  it('answers minute and hour trends from the continuous aggregates', async () => {
    const c = allocReadingColumns(180);
    for (let i = 0; i < 180; i++) {
      c.time[i] = t0 + 10_000 + i * 1000;
      c.sensorId[i] = 10;
      c.value[i] = i;
    }
    c.length = 180;
    await writer.insert(c);
    // real-time aggregation answers before any refresh; refreshing must not change the answer
    const before = await querySensorTrend(db.sql, 10, t0, t0 + 3_600_000, '1m', 100);
    await db.sql.unsafe(`call refresh_continuous_aggregate('readings_1m', null, null)`).simple();
    await db.sql.unsafe(`call refresh_continuous_aggregate('readings_1h', null, null)`).simple();
    const after = await querySensorTrend(db.sql, 10, t0, t0 + 3_600_000, '1m', 100);
    expect(after.count).toEqual(before.count);
    expect(after.count.reduce((a, b) => a + b, 0)).toBe(180);
    expect(after.min[0]).toBe(0);
    const hour = await querySensorTrend(db.sql, 10, t0, t0 + 3_600_000, '1h', 100);
    expect(hour.count).toEqual([180]);
    expect(hour.avg[0]).toBeCloseTo(89.5, 9);
  });
});
