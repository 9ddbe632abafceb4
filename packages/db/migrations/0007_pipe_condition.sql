-- Pipe condition (issue 5): condition-monitoring locations (CMLs), wall-thickness readings,
-- inspection campaigns, and each segment's computed condition. segment_condition is a cache of
-- packages/analytics' assessment, rewritten for a segment whenever its readings change, so that a
-- search over every segment is an indexed query.

create table cml (
  segment_id text not null references segment (id),
  cml text not null,
  company_id text not null references company (id),
  -- distance from the segment's start, metres
  position_m double precision,
  primary key (segment_id, cml)
);

create table inspection_campaign (
  id serial primary key,
  name text not null,
  source text not null check (source in ('generated', 'csv')),
  imported_at timestamptz not null default now(),
  readings integer not null,
  rejected_lines integer not null default 0
);

-- No foreign keys here: a campaign of 100,000 readings would run 200,000 trigger lookups.
-- Readings are written only by packages/db's integrity repository, which takes company_id from
-- the segment and inserts only readings whose CML exists (the import rules check it).
create table inspection (
  segment_id text not null,
  cml text not null,
  company_id text not null,
  inspected_on date not null,
  thickness_mm double precision not null check (thickness_mm > 0),
  method text not null,
  inspector text,
  campaign_id integer,
  -- one reading per CML and day: a second one is a duplicate row
  primary key (segment_id, cml, inspected_on)
);

-- No foreign key to segment: segments are never deleted (a loaded plant is kept), and the check
-- would cost a lookup per row on every rewrite.
create table segment_condition (
  segment_id text primary key,
  -- copied from the segment and its line so that filters and sorts need no join
  company_id text not null,
  line_id text not null,
  line_tag text not null,
  line_order integer not null,
  area_id text not null,
  material text not null,
  install_year smallint not null,
  substance_id text not null,
  piping_class smallint not null,
  diameter_mm double precision not null,
  wall_mm double precision not null,
  cml_count integer not null,
  reading_count integer not null,
  last_inspection date,
  governing_cml text,
  t_actual_mm double precision,
  t_required_mm double precision not null,
  wall_loss_mm double precision,
  wall_loss_pct double precision,
  cr_lt_mm_y double precision,
  cr_st_mm_y double precision,
  corrosion_rate_mm_y double precision not null,
  rate_basis text not null check (rate_basis in ('measured', 'anticipated')),
  -- 'Infinity' when there is no measurable corrosion; negative below the required thickness
  remaining_life_y double precision not null,
  next_inspection date not null,
  interval_y double precision not null,
  interval_basis text not null,
  ffs_required boolean not null,
  flags text[] not null,
  probability_category smallint not null check (probability_category between 1 and 5),
  consequence_category char(1) not null check (consequence_category in ('A', 'B', 'C', 'D', 'E')),
  risk_level text not null check (risk_level in ('low', 'medium', 'medium_high', 'high')),
  -- level x 100 + probability x 10 + consequence (1-5): sorts the worst first when descending
  risk_rank smallint not null,
  pof_per_year double precision not null,
  damage_factor double precision not null,
  consequence_area_m2 double precision not null,
  -- other companies whose plots lie near the pipe: geometry only, kept between recomputes
  nearby_company_ids text[] not null,
  tables_version text not null,
  assessed_at timestamptz not null
);
-- One index per sort key, with the segment id as tie-breaker so that "order by <key>, segment_id
-- limit n" reads the index in order in either direction, and one per selective filter. Risk
-- filters (level, probability, consequence) become a set of risk_rank values. Material has too
-- few values for an index to help.
create index segment_condition_company_idx on segment_condition (company_id, segment_id);
create index segment_condition_line_idx on segment_condition (line_id, line_order);
create index segment_condition_area_idx on segment_condition (area_id, segment_id);
create index segment_condition_install_idx on segment_condition (install_year, segment_id);
create index segment_condition_loss_idx on segment_condition (wall_loss_pct, segment_id);
create index segment_condition_rate_idx on segment_condition (corrosion_rate_mm_y, segment_id);
create index segment_condition_life_idx on segment_condition (remaining_life_y, segment_id);
create index segment_condition_next_idx on segment_condition (next_inspection, segment_id);
create index segment_condition_risk_idx on segment_condition (risk_rank, segment_id);
create index segment_condition_ffs_idx on segment_condition (segment_id) where ffs_required;
create index segment_condition_flags_idx on segment_condition using gin (flags);
