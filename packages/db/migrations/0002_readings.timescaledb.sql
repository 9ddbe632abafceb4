-- Readings with TimescaleDB: a hypertable with daily chunks, continuous aggregates at 1 min and
-- 1 h (the 1 h one built on the 1 min one), compression after 7 days, retention of raw rows.
-- Retention and compression ages are set by the db package after this migration.

create table readings (
  time timestamptz not null,
  sensor_id integer not null,
  value double precision not null,
  quality smallint not null default 0
);
select create_hypertable('readings', by_range('time', interval '1 day'));
create unique index readings_sensor_time_idx on readings (sensor_id, time);

alter table readings set (
  timescaledb.compress,
  timescaledb.compress_segmentby = 'sensor_id',
  timescaledb.compress_orderby = 'time'
);

create materialized view readings_1m
with (timescaledb.continuous, timescaledb.materialized_only = false) as
select
  time_bucket(interval '1 minute', time) as bucket,
  sensor_id,
  min(value) as min_value,
  max(value) as max_value,
  avg(value) as avg_value,
  count(*)::integer as count,
  last(value, time) as last_value,
  max(time) as last_time
from readings
group by 1, 2
with no data;

create materialized view readings_1h
with (timescaledb.continuous, timescaledb.materialized_only = false) as
select
  time_bucket(interval '1 hour', bucket) as bucket,
  sensor_id,
  min(min_value) as min_value,
  max(max_value) as max_value,
  sum(avg_value * count) / sum(count) as avg_value,
  sum(count)::integer as count,
  last(last_value, last_time) as last_value,
  max(last_time) as last_time
from readings_1m
group by 1, 2
with no data;

select add_continuous_aggregate_policy('readings_1m',
  start_offset => interval '2 days', end_offset => interval '1 minute',
  schedule_interval => interval '30 seconds');
select add_continuous_aggregate_policy('readings_1h',
  start_offset => interval '7 days', end_offset => interval '1 hour',
  schedule_interval => interval '5 minutes');
