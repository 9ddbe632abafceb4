-- Anomaly scores of rotating equipment, one row per asset and detector every few seconds.
create table anomaly_score (
  time timestamptz not null,
  company_id text not null references company (id),
  equipment_id text not null references equipment (id),
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
  rul_high_s double precision,
  primary key (equipment_id, detector, time)
);
create index anomaly_score_time_brin on anomaly_score using brin (time);
