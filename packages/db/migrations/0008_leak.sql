-- Leak alerts belong to a line (one open leak alert per line), not to a segment: the estimate of
-- where on the line the leak is can move between segments as evidence comes in.
alter table alert drop constraint alert_source_type_check;
alter table alert add constraint alert_source_type_check
  check (source_type in ('equipment', 'segment', 'line'));

-- Operations announced on a line (pump starts and stops, valve moves): the leak detector holds
-- its pressure methods on the line while it settles. Kept for the audit of what was announced.
create table line_operation (
  id bigserial primary key,
  company_id text not null references company (id),
  line_id text not null references line (id),
  time timestamptz not null,
  kind text not null check (kind in ('pump_start', 'pump_stop', 'valve_move')),
  equipment text,
  settle_s double precision,
  source text not null,
  note text,
  recorded_at timestamptz not null default now()
);
create index line_operation_line_time_idx on line_operation (line_id, time desc);
