-- Anomaly scores of rotating equipment, one row per asset and detector every few seconds.
create table anomaly_score (
  time timestamptz not null,
  company_id text not null,
  equipment_id text not null,
  detector text not null,
  score real not null,
  anomaly boolean not null,
  changepoint boolean not null,
  confidence real not null,
  contributions jsonb not null,
  zone char(1),
  health_index real,
  rul_status text,
  rul_s double precision,
  rul_low_s double precision,
  rul_high_s double precision
);
select create_hypertable('anomaly_score', by_range('time', interval '7 days'));
create unique index anomaly_score_key on anomaly_score (equipment_id, detector, time);
