-- Alerts with ISA-18.2 state kept as independent flags (OPC UA Part 9 style) and the derived
-- letter stored for queries; alert_event is the append-only audit trail of every transition.

create table alert (
  id bigserial primary key,
  company_id text not null references company (id),
  area_id text references area (id),
  kind text not null,
  source_type text not null check (source_type in ('equipment', 'segment')),
  source_id text not null,
  severity text not null check (severity in ('low', 'medium', 'high', 'critical')),
  title text not null,
  detail jsonb not null default '{}',
  active boolean not null,
  acked boolean not null,
  latched boolean not null default false,
  shelving text not null default 'unshelved' check (shelving in ('unshelved', 'timed', 'one_shot')),
  shelved_until timestamptz,
  suppressed boolean not null default false,
  out_of_service boolean not null default false,
  isa_state char(1) not null check (isa_state in ('A', 'B', 'C', 'D', 'E', 'F', 'G', 'H')),
  raised_at timestamptz not null,
  cleared_at timestamptz,
  updated_at timestamptz not null,
  assignee text,
  -- optimistic concurrency: every change increments it; a stale version is refused
  version integer not null default 1
);
-- at most one open (not back to A) alert per kind and source
create unique index alert_open_source_idx on alert (kind, source_type, source_id)
  where isa_state <> 'A';
create index alert_company_idx on alert (company_id, raised_at desc);
create index alert_state_idx on alert (isa_state, raised_at desc);

create table alert_event (
  id bigserial primary key,
  alert_id bigint not null references alert (id),
  company_id text not null references company (id),
  time timestamptz not null default now(),
  actor text not null,
  action text not null,
  from_state char(1),
  to_state char(1) not null,
  note text,
  detail jsonb
);
create index alert_event_alert_idx on alert_event (alert_id, id);

create function alert_event_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'alert_event is append-only: % is not allowed', tg_op;
end $$;
create trigger alert_event_no_update before update or delete on alert_event
  for each row execute function alert_event_append_only();

-- The baseline window each detector learned normal behaviour from, so a restart re-learns
-- from the same (healthy) data instead of from whatever the last minutes held.
create table detector_baseline (
  equipment_id text not null references equipment (id),
  company_id text not null references company (id),
  detector text not null,
  from_time timestamptz not null,
  to_time timestamptz not null,
  samples integer not null,
  fitted_at timestamptz not null default now(),
  primary key (equipment_id, detector)
);
