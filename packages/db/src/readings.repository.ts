import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Resolution } from '@ct/contracts';
import type { Queryable } from './client';
import { inTransaction } from './scope';
import { encodeReadingsCopy, type ReadingColumns } from './copy-binary';
import { doing, pgCode } from './errors';
import type { StorageMode } from './migrate';
import type { DeadLetterInput } from './dead-letter.repository';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
const UNIQUE_VIOLATION = '23505';
// Serialises partition DDL across processes; any fixed number works.
const PARTITION_LOCK_KEY = 7_402_912;

export interface InsertResult {
  /** Rows that are new in the table. */
  inserted: number;
  /** Rows skipped because (sensor_id, time) was already stored (a redelivery). */
  duplicates: number;
}

export interface ReadingsWriterOptions {
  /** Connections for concurrent batches (default 3). */
  max?: number;
  applicationName?: string;
}

/**
 * Writes readings for one storage mode, over node-postgres with pg-copy-streams: postgres.js
 * never settles a COPY whose rows the server rejects (porsager/postgres#1173), and ingest must
 * see that error to fall back to the de-duplicating path. Plain PostgreSQL needs daily
 * partitions to exist and marks the minute buckets it touched so the rollup job can bring the
 * 1 min and 1 h tables up to date; TimescaleDB does both itself.
 */
export class ReadingsWriter {
  private readonly knownDays = new Set<number>();
  private readonly pool: pg.Pool;

  constructor(
    url: string,
    readonly storage: StorageMode,
    options: ReadingsWriterOptions = {},
  ) {
    this.pool = new pg.Pool({
      connectionString: url,
      max: options.max ?? 3,
      application_name: options.applicationName ?? 'complextwin-writer',
      connectionTimeoutMillis: 10_000,
      idleTimeoutMillis: 60_000,
    });
    // An idle client that loses its server is dropped by the pool; the next batch reconnects.
    this.pool.on('error', () => {});
  }

  /**
   * Stores rows [0, cols.length), the dead letters and the device statuses of the same messages
   * in one transaction. Redelivered rows are skipped, not duplicated: the
   * fast path is a plain COPY, and only a batch that hits the unique key is written again
   * through a staging table with `on conflict do nothing`.
   */
  async insert(cols: ReadingColumns, extras: BatchExtras = {}): Promise<InsertResult> {
    const deadLetters = extras.deadLetters ?? [];
    const statuses = extras.deviceStatuses ?? [];
    if (cols.length === 0 && deadLetters.length === 0 && statuses.length === 0) {
      return { inserted: 0, duplicates: 0 };
    }
    const minutes = new Set<number>();
    const days = new Set<number>();
    for (let i = 0; i < cols.length; i++) {
      const t = cols.time[i]!;
      minutes.add(Math.floor(t / MINUTE_MS));
      days.add(Math.floor(t / DAY_MS));
    }
    if (this.storage === 'postgres') await this.ensureDays(days);
    const copy = cols.length > 0 ? encodeReadingsCopy(cols) : null;
    const dirty = this.storage === 'postgres' ? [...minutes].map((m) => m * MINUTE_MS) : [];
    try {
      await this.transaction('storing readings', async (tx) => {
        if (copy) await copyInto(tx, 'readings', copy);
        if (dirty.length > 0) await markDirty(tx, dirty);
        await writeExtras(tx, deadLetters, statuses);
      });
      return { inserted: cols.length, duplicates: 0 };
    } catch (err) {
      if (pgCode(err) !== UNIQUE_VIOLATION) throw err;
    }
    return this.transaction('storing readings with duplicates', async (tx) => {
      await tx.query(`create temp table readings_stage
        (time timestamptz, sensor_id integer, value double precision, quality smallint)
        on commit drop`);
      await copyInto(tx, 'readings_stage', copy!);
      const r = await tx.query(`insert into readings (time, sensor_id, value, quality)
        select distinct on (sensor_id, time) time, sensor_id, value, quality
        from readings_stage order by sensor_id, time
        on conflict do nothing`);
      if (dirty.length > 0) await markDirty(tx, dirty);
      await writeExtras(tx, deadLetters, statuses);
      const inserted = r.rowCount ?? 0;
      return { inserted, duplicates: cols.length - inserted };
    });
  }

  /** Creates the daily partitions that `days` (epoch day numbers) need, if missing. */
  async ensureDays(days: Iterable<number>): Promise<void> {
    const missing = [...days].filter((d) => !this.knownDays.has(d));
    if (missing.length === 0) return;
    await this.transaction('creating daily partitions of readings', async (tx) => {
      await tx.query('select pg_advisory_xact_lock($1)', [PARTITION_LOCK_KEY]);
      for (const day of missing) await tx.query(partitionDdl(day));
    });
    for (const d of missing) this.knownDays.add(d);
  }

  /** Whether the server answers a trivial query now. */
  async ping(): Promise<boolean> {
    try {
      await this.pool.query('select 1');
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async transaction<T>(what: string, fn: (tx: pg.PoolClient) => Promise<T>): Promise<T> {
    return doing(what, async () => {
      const client = await this.pool.connect();
      let broken = false;
      // A connection lost mid-transaction is reported by the failing query; without a
      // listener the client's own 'error' event would crash the process.
      const onError = () => {
        broken = true;
      };
      client.on('error', onError);
      try {
        await client.query('begin');
        const out = await fn(client);
        await client.query('commit');
        return out;
      } catch (err) {
        try {
          await client.query('rollback');
        } catch {
          broken = true;
        }
        throw err;
      } finally {
        client.off('error', onError);
        client.release(broken);
      }
    });
  }
}

/**
 * Benchmarks only: COPYs pre-encoded binary chunks into `readings` in one transaction on one
 * connection, with nothing else in the way (no partition check, no dirty marks). The yardstick
 * that ingest's throughput is compared with.
 */
export async function rawCopyReadings(url: string, chunks: Iterable<Buffer>): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('begin');
    const stream = client.query(
      copyFrom('copy readings (time, sensor_id, value, quality) from stdin (format binary)'),
    );
    await pipeline(Readable.from(withCopyFraming(chunks)), stream);
    await client.query('commit');
  } finally {
    await client.end();
  }
}

const COPY_HEADER = 19;
/** Joins complete binary COPY streams into one: the first header, every body, one trailer. */
function* withCopyFraming(chunks: Iterable<Buffer>): Generator<Buffer> {
  let first = true;
  for (const c of chunks) {
    const body = c.subarray(first ? 0 : COPY_HEADER, c.length - 2);
    first = false;
    yield body;
  }
  yield Buffer.from([0xff, 0xff]);
}

async function copyInto(
  tx: pg.PoolClient,
  table: 'readings' | 'readings_stage',
  data: Buffer,
): Promise<void> {
  const stream = tx.query(
    copyFrom(`copy ${table} (time, sensor_id, value, quality) from stdin (format binary)`),
  );
  await pipeline(Readable.from([data]), stream);
}

async function markDirty(tx: pg.PoolClient, bucketsMs: number[]): Promise<void> {
  await tx.query(
    // sorted, so concurrent batches lock shared bucket rows in the same order (no deadlock)
    `insert into rollup_dirty (bucket, marked_at)
     select to_timestamp(b / 1000.0), now() from unnest($1::float8[]) as b order by b
     on conflict (bucket) do update set marked_at = excluded.marked_at`,
    [[...bucketsMs].sort((a, b) => a - b)],
  );
}

/** What else a batch of messages writes, in the same transaction as its readings. */
export interface BatchExtras {
  deadLetters?: DeadLetterInput[];
  deviceStatuses?: DeviceStatusInput[];
}

export interface DeviceStatusInput {
  companyId: string;
  deviceId: string;
  status: 'online' | 'offline';
  atMs: number;
}

async function writeExtras(
  tx: pg.PoolClient,
  deadLetters: DeadLetterInput[],
  statuses: DeviceStatusInput[],
): Promise<void> {
  if (deadLetters.length > 0) await insertDeadLetterRows(tx, deadLetters);
  for (const s of statuses) {
    await tx.query(
      `update device set status = $3, status_at = to_timestamp($4 / 1000.0)
       where company_id = $1 and id = $2 and (status_at is null or status_at <= to_timestamp($4 / 1000.0))`,
      [s.companyId, s.deviceId, s.status, s.atMs],
    );
  }
}

async function insertDeadLetterRows(tx: pg.PoolClient, items: DeadLetterInput[]): Promise<void> {
  await tx.query(
    `insert into dead_letter (topic, company_id, device_id, reason, detail, payload, payload_bytes)
     select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],
       $6::bytea[], $7::int[])`,
    [
      items.map((d) => d.topic),
      items.map((d) => d.companyId),
      items.map((d) => d.deviceId),
      items.map((d) => d.reason),
      items.map((d) => d.detail),
      items.map((d) => d.payload),
      items.map((d) => d.payloadBytes),
    ],
  );
}

function partitionDdl(day: number): string {
  const from = new Date(day * DAY_MS).toISOString();
  const to = new Date((day + 1) * DAY_MS).toISOString();
  return `create table if not exists ${partitionName(day)} partition of readings
    for values from ('${from}') to ('${to}')`;
}

/** `readings_20261120` for the UTC day that `day` (days since the epoch) numbers. */
export function partitionName(day: number): string {
  return `readings_${new Date(day * DAY_MS).toISOString().slice(0, 10).replaceAll('-', '')}`;
}

/** Plain PostgreSQL: creates the daily partitions for `days` (days since the epoch) if missing. */
export async function ensurePartitions(sql: Queryable, days: number[]): Promise<void> {
  await doing('creating daily partitions of readings', () =>
    inTransaction(sql, async (tx) => {
      await tx`select pg_advisory_xact_lock(${PARTITION_LOCK_KEY})`;
      for (const day of days) await tx.unsafe(partitionDdl(day));
    }),
  );
}

export interface RollupResult {
  minuteBuckets: number;
  rows1m: number;
  rows1h: number;
}

/**
 * Plain PostgreSQL: recomputes the 1 min rollup of up to `maxBuckets` dirty minute buckets that
 * closed, and last received rows, at least `settleS` seconds ago, from the raw rows, and the 1 h rollup of the hours they
 * fall in from the 1 min rollup. One caller at a time does the work; a concurrent caller returns
 * at once with zeros. So the 1 min and 1 h tables trail the raw rows by one to two minutes.
 */
export async function runRollup(
  sql: Queryable,
  maxBuckets = 120,
  settleS = 5,
): Promise<RollupResult> {
  return doing('rolling up readings', () =>
    inTransaction(sql, async (tx) => {
      const [lock] = await tx<{ ok: boolean }[]>`select pg_try_advisory_xact_lock(7402913) as ok`;
      if (!lock?.ok) return { minuteBuckets: 0, rows1m: 0, rows1h: 0 };
      // Only closed minutes: the open one would be recomputed every run while it fills. Late
      // readings for a closed minute mark it dirty again, and it is recomputed once more.
      // One hour of buckets at a time keeps the scanned time range (BRIN on time) short.
      const taken = await tx<{ bucket: Date }[]>`
        with ready as (
          select bucket from rollup_dirty
          where bucket < now() - interval '1 minute' - ${`${settleS} seconds`}::interval
            and marked_at < now() - ${`${settleS} seconds`}::interval
        ), first as (select min(bucket) as b from ready)
        delete from rollup_dirty
        where bucket in (
          select bucket from ready, first
          where bucket < first.b + interval '1 hour'
          order by bucket limit ${maxBuckets})
        returning bucket`;
      if (taken.length === 0) return { minuteBuckets: 0, rows1m: 0, rows1h: 0 };
      const buckets = taken.map((r) => r.bucket.getTime()).sort((a, b) => a - b);
      const lo = new Date(buckets[0]!);
      const hi = new Date(buckets[buckets.length - 1]! + MINUTE_MS);
      const m = await tx`
        insert into readings_1m
          (bucket, sensor_id, min_value, max_value, avg_value, count, last_value, last_time)
        select date_bin('1 minute', r.time, timestamptz '2000-01-01'), r.sensor_id,
          min(r.value), max(r.value), avg(r.value), count(*)::int,
          (array_agg(r.value order by r.time desc))[1], max(r.time)
        from readings r
        where r.time >= ${lo} and r.time < ${hi}
          and date_bin('1 minute', r.time, timestamptz '2000-01-01') = any(array(
            select to_timestamp(b / 1000.0) from unnest(${buckets}::float8[]) as b))
        group by 1, 2
        on conflict (sensor_id, bucket) do update set
          min_value = excluded.min_value, max_value = excluded.max_value,
          avg_value = excluded.avg_value, count = excluded.count,
          last_value = excluded.last_value, last_time = excluded.last_time`;
      const hours = [...new Set(buckets.map((b) => Math.floor(b / 3_600_000) * 3_600_000))];
      const h = await tx`
        insert into readings_1h
          (bucket, sensor_id, min_value, max_value, avg_value, count, last_value, last_time)
        select d.hour, m.sensor_id, min(m.min_value), max(m.max_value),
          sum(m.avg_value * m.count) / sum(m.count), sum(m.count)::int,
          (array_agg(m.last_value order by m.last_time desc))[1], max(m.last_time)
        from unnest(${hours}::float8[]) as b
        cross join lateral (select to_timestamp(b / 1000.0) as hour) d
        join readings_1m m on m.bucket >= d.hour and m.bucket < d.hour + interval '1 hour'
        group by d.hour, m.sensor_id
        on conflict (sensor_id, bucket) do update set
          min_value = excluded.min_value, max_value = excluded.max_value,
          avg_value = excluded.avg_value, count = excluded.count,
          last_value = excluded.last_value, last_time = excluded.last_time`;
      return { minuteBuckets: buckets.length, rows1m: m.count, rows1h: h.count };
    }),
  );
}

/**
 * Plain PostgreSQL: drops daily partitions wholly older than the retention, creates the next
 * days' partitions, and trims the 1 min rollup to `rollupRetentionDays`.
 */
export async function runRetention(
  sql: Queryable,
  nowMs: number,
  retentionDays: number,
  rollupRetentionDays = 400,
): Promise<{ dropped: string[] }> {
  const today = Math.floor(nowMs / DAY_MS);
  await ensurePartitions(sql, [today - 1, today, today + 1, today + 2]);
  const oldest = today - retentionDays;
  const parts = await sql<{ name: string }[]>`
    select c.relname as name from pg_inherits i
    join pg_class c on c.oid = i.inhrelid
    join pg_class p on p.oid = i.inhparent
    where p.relname = 'readings'`;
  const dropped: string[] = [];
  for (const { name } of parts) {
    const m = /^readings_(\d{4})(\d{2})(\d{2})$/.exec(name);
    if (!m) continue;
    const day = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS;
    // the partition holds [day, day + 1): drop when all of it is older than the cut
    if (day + 1 <= oldest) {
      await sql.unsafe(`drop table if exists ${name}`);
      dropped.push(name);
    }
  }
  await sql`delete from readings_1m
    where bucket < to_timestamp(${(today - rollupRetentionDays) * 86_400}::float8)`;
  await sql`delete from anomaly_score where time < to_timestamp(${oldest * 86_400}::float8)`;
  return { dropped };
}

export interface TrendSeries {
  resolution: Resolution;
  t: number[];
  avg: number[];
  min: number[];
  max: number[];
  count: number[];
  truncated: boolean;
}

/**
 * Readings of one sensor in [fromMs, toMs) at a resolution, through the ct_readings functions
 * (migration 0011): the api's role has no privilege on the readings tables themselves, and the
 * functions return nothing for a sensor whose company the request's scope may not read. `auto`
 * picks the finest of raw, 1 min and 1 h that returns at most `maxPoints` points.
 */
export async function querySensorTrend(
  sql: Queryable,
  sensorId: number,
  fromMs: number,
  toMs: number,
  resolution: Resolution | 'auto',
  maxPoints: number,
): Promise<TrendSeries> {
  return doing(`reading the trend of sensor ${sensorId}`, async () => {
    const from = new Date(fromMs);
    const to = new Date(toMs);
    let res = resolution;
    if (res === 'auto') {
      if ((toMs - fromMs) / MINUTE_MS > maxPoints) res = '1h';
      else {
        const [c] = await sql<{ n: number }[]>`
          select count(*)::int as n from ct_readings(${sensorId}, ${from}, ${to}, ${maxPoints + 1})`;
        res = (c?.n ?? 0) <= maxPoints ? 'raw' : '1m';
      }
    }
    if (res === 'raw') {
      const rows = await sql<{ t: number; v: number }[]>`
        select extract(epoch from read_at) * 1000 as t, value as v
        from ct_readings(${sensorId}, ${from}, ${to}, ${maxPoints + 1})`;
      const truncated = rows.length > maxPoints;
      const kept = truncated ? rows.slice(0, maxPoints) : rows;
      const v = kept.map((r) => r.v);
      return {
        resolution: 'raw',
        t: kept.map((r) => Number(r.t)),
        avg: v,
        min: v,
        max: v,
        count: v.map(() => 1),
        truncated,
      };
    }
    const rows = await sql<AggRow[]>`
      select extract(epoch from bucket) * 1000 as t, avg_value, min_value, max_value, count
      from ct_rollup(${res}, ${sensorId}, ${from}, ${to}, ${maxPoints + 1})`;
    const truncated = rows.length > maxPoints;
    const kept = truncated ? rows.slice(0, maxPoints) : rows;
    return {
      resolution: res,
      t: kept.map((r) => Number(r.t)),
      avg: kept.map((r) => r.avg_value),
      min: kept.map((r) => r.min_value),
      max: kept.map((r) => r.max_value),
      count: kept.map((r) => r.count),
      truncated,
    };
  });
}

interface AggRow {
  t: number;
  avg_value: number;
  min_value: number;
  max_value: number;
  count: number;
}

export interface LatestValue {
  sensorId: number;
  t: number;
  v: number;
}

/** The last value of every sensor that reported within `sinceMs`, from the 1 min rollup. */
export async function queryLatestValues(sql: Queryable, sinceMs: number): Promise<LatestValue[]> {
  return doing('reading the latest values', async () => {
    const rows = await sql<{ sensor_id: number; t: number; v: number }[]>`
      select sensor_id, extract(epoch from last_time) * 1000 as t, last_value as v
      from ct_latest_values(${new Date(sinceMs)})`;
    return rows.map((r) => ({ sensorId: r.sensor_id, t: Number(r.t), v: r.v }));
  });
}

/** The latest reading of one sensor from the raw table, or null. */
export async function queryLatestReading(
  sql: Queryable,
  sensorId: number,
): Promise<{ t: number; v: number; q: number } | null> {
  const rows = await sql<{ t: number; v: number; q: number }[]>`
    select extract(epoch from read_at) * 1000 as t, value as v, quality as q
    from ct_latest_reading(${sensorId})`;
  const r = rows[0];
  return r ? { t: Number(r.t), v: r.v, q: r.q } : null;
}

/** An estimate of the number of stored readings, from the planner's statistics (cheap). */
export async function estimateReadingsCount(sql: Queryable): Promise<number> {
  const [r] = await sql<{ n: number }[]>`
    select coalesce(sum(greatest(c.reltuples, 0)), 0)::bigint as n
    from pg_inherits i
    join pg_class c on c.oid = i.inhrelid
    join pg_class p on p.oid = i.inhparent
    where p.relname = 'readings' and p.relnamespace = 'public'::regnamespace`;
  return r?.n ?? 0;
}
