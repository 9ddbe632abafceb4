-- Readings without TimescaleDB: native range partitions by day (created ahead of time and on
-- demand by the db package) and rollup tables kept current by the app from a dirty-bucket list.

create table readings (
  time timestamptz not null,
  sensor_id integer not null,
  value double precision not null,
  quality smallint not null default 0,
  primary key (sensor_id, time)
) partition by range (time);

create table readings_1m (
  bucket timestamptz not null,
  sensor_id integer not null,
  min_value double precision not null,
  max_value double precision not null,
  avg_value double precision not null,
  count integer not null,
  last_value double precision not null,
  last_time timestamptz not null,
  primary key (sensor_id, bucket)
);
create index readings_1m_bucket_idx on readings_1m (bucket);

create table readings_1h (
  bucket timestamptz not null,
  sensor_id integer not null,
  min_value double precision not null,
  max_value double precision not null,
  avg_value double precision not null,
  count integer not null,
  last_value double precision not null,
  last_time timestamptz not null,
  primary key (sensor_id, bucket)
);

-- Minute buckets that received rows since the rollup job last ran, and when they last did:
-- a bucket still being written (a backfill) is left alone until it has been quiet a while.
create table rollup_dirty (
  bucket timestamptz primary key,
  marked_at timestamptz not null default now()
);

-- The rollup job reads raw rows by time range; rows arrive nearly in time order, which is what
-- a BRIN index needs, and it costs inserts almost nothing (a btree on time would not).
create index readings_time_brin on readings using brin (time);
