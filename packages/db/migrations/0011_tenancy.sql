-- Tenancy in the database (issue 6, docs/security.md "Tenancy in PostgreSQL").
--
-- The api connects as ct_api: not a superuser, no BYPASSRLS, owner of nothing, so every policy
-- below applies to it. Each request runs in a transaction that first sets, transaction-locally,
-- ct.role, ct.company_id and ct.user_id (packages/db withScope); a query without that context
-- sees no company data at all. Services that run as the schema owner (migrations, ingest, the
-- detector, the launcher's seed) are not bound by policies: PostgreSQL never applies them to a
-- table's owner, which is also why ingest's COPY costs nothing extra (docs/security.md).
--
-- Every table is registered in tenancy_table with a class; ct_apply_tenancy() (re)applies the
-- class's policies and grants, and registers any new table that has a company_id column as
-- 'process' (owner's company only), so a table added later is never left open. migrate() calls
-- it after every run; a test lists every table with company data and fails if one lacks RLS.

-- ------------------------------------------------------------------ the api's role

do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'ct_api') then
    begin
      create role ct_api login nosuperuser nobypassrls nocreatedb nocreaterole noreplication;
    exception
      -- another database of the same cluster created it meanwhile (roles are cluster-wide)
      when duplicate_object or unique_violation then null;
      when insufficient_privilege then
        raise exception 'the role ct_api does not exist and this user may not create it: as a superuser run "create role ct_api login nobypassrls" (docs/security.md)';
    end;
  end if;
end $$;

-- ------------------------------------------------------------------ request context

-- The role of the request: an application role, 'system' (the api's own work: sign-in lookups,
-- background jobs), or 'none'. A session of any other database role (the owner, a superuser)
-- without a context is the system: those roles are not bound by policies anyway.
create or replace function ct_role() returns text
language sql stable parallel safe as $$
  select coalesce(
    nullif(current_setting('ct.role', true), ''),
    case when session_user = 'ct_api' or current_user = 'ct_api' then 'none' else 'system' end)
$$;

-- The company of a company role (plant engineer, company admin); null for every other role.
create or replace function ct_company() returns text
language sql stable parallel safe as $$
  select case when ct_role() in ('plant_engineer', 'company_admin')
    then nullif(current_setting('ct.company_id', true), '') end
$$;

-- The company whose accounts and audit the current role administers.
create or replace function ct_admin_company() returns text
language sql stable parallel safe as $$
  select case when ct_role() = 'company_admin'
    then nullif(current_setting('ct.company_id', true), '') end
$$;

create or replace function ct_user_id() returns bigint
language sql stable parallel safe as $$
  select nullif(current_setting('ct.user_id', true), '')::bigint
$$;

-- Whether the current role sees the rows of every company in a class of data.
create or replace function ct_sees_all(class text) returns boolean
language sql stable parallel safe as $$
  select case class
    -- the asset register (the map): the complex's control room, safety office, admins, regulator
    when 'register' then ct_role() in
      ('system', 'operator', 'safety_officer', 'complex_admin', 'regulator', 'display')
    -- incidents on hazardous lines, whoever owns the pipe
    when 'incidents' then ct_role() in
      ('system', 'operator', 'safety_officer', 'complex_admin', 'regulator', 'display')
    -- process data (history, analytics, inspections) stays the owner's
    when 'process' then ct_role() = 'system'
    -- rows no company can be named for (a dead letter on a malformed topic)
    when 'unattributed' then ct_role() in ('system', 'complex_admin')
    when 'accounts' then ct_role() in ('system', 'complex_admin')
    when 'audit' then ct_role() in ('system', 'complex_admin')
    else false
  end
$$;

-- Roles that may change alerts (acknowledge, assign, comment, shelve, resolve).
create or replace function ct_may_act_on_alerts() returns boolean
language sql stable parallel safe as $$
  select ct_role() in
    ('system', 'operator', 'safety_officer', 'plant_engineer', 'company_admin')
$$;

-- ------------------------------------------------------------------ incidents

-- An alert on a segment of a line that carries a toxic or flammable substance is an incident:
-- the complex's safety roles see it whoever owns the pipe. Set once, when the alert is raised.
alter table alert add column incident boolean not null default false;

create or replace function alert_set_incident() returns trigger
language plpgsql security definer set search_path = public, pg_temp as $$
begin
  new.incident := new.source_type = 'segment' and exists (
    select 1 from segment s join substance x on x.id = s.substance_id
    where s.id = new.source_id and (x.toxic or x.flammable));
  return new;
end $$;
create trigger alert_incident before insert on alert
  for each row execute function alert_set_incident();

update alert a set incident = true
where a.source_type = 'segment' and exists (
  select 1 from segment s join substance x on x.id = s.substance_id
  where s.id = a.source_id and (x.toxic or x.flammable));
create index alert_incident_idx on alert (raised_at desc) where incident;

-- A campaign belongs to the company that imported it (generated history: none).
alter table inspection_campaign
  add column company_id text default nullif(current_setting('ct.company_id', true), '');

-- ------------------------------------------------------------------ classes and policies

create table tenancy_table (
  table_name text primary key,
  class text not null check (class in ('directory', 'register', 'process', 'readings', 'alert',
    'alert_event', 'accounts', 'system', 'display_token', 'audit', 'stats_query', 'secret',
    'internal')),
  -- what ct_api may do on it (policies then decide which rows)
  privileges text not null default ''
);

-- Whether a table is a TimescaleDB hypertable with compression (row security impossible there).
create or replace function ct_compressed_hypertable(tbl text) returns boolean
language plpgsql stable as $$
declare
  r boolean := false;
begin
  if to_regclass('timescaledb_information.hypertables') is null then
    return false;
  end if;
  execute 'select coalesce(bool_or(compression_enabled), false)
    from timescaledb_information.hypertables
    where hypertable_schema = ''public'' and hypertable_name = $1' into r using tbl;
  return r;
end $$;

-- (Re)applies a table's class: row-level security, its policies (all named ct_*), the grants.
create or replace function ct_secure_table(tbl text, class text, privileges text)
returns void language plpgsql as $$
declare
  t regclass := format('public.%I', tbl)::regclass;
  p record;
  mine text := '(select ct_company())';
begin
  for p in select policyname from pg_policies where schemaname = 'public' and tablename = tbl
    and policyname like 'ct\_%'
  loop
    execute format('drop policy %I on %s', p.policyname, t);
  end loop;
  execute format('revoke all on %s from ct_api', t);
  if class = 'readings' and ct_compressed_hypertable(tbl) then
    -- TimescaleDB cannot enable row security on a compressed hypertable: there the guard is
    -- that ct_api has no privilege on it and reads it only through the ct_readings functions
    return;
  end if;
  if class in ('directory', 'internal') then
    if (select relrowsecurity from pg_class where oid = t) then
      execute format('alter table %s disable row level security', t);
    end if;
  else
    execute format('alter table %s enable row level security', t);
  end if;

  if class = 'register' then
    execute format($p$create policy ct_read on %s for select to ct_api
      using ((select ct_sees_all('register')) or company_id = %s)$p$, t, mine);
  elsif class = 'process' then
    execute format($p$create policy ct_rows on %s for all to ct_api
      using ((select ct_sees_all('process')) or company_id = %s
        or (company_id is null and (select ct_sees_all('unattributed'))))
      with check ((select ct_sees_all('process')) or company_id = %s)$p$, t, mine, mine);
  elsif class = 'readings' then
    execute format($p$create policy ct_read on %s for select to ct_api
      using ((select ct_sees_all('process'))
        or sensor_id in (select s.id from sensor s where s.company_id = %s))$p$, t, mine);
  elsif class = 'alert' then
    execute format($p$create policy ct_read on %s for select to ct_api
      using ((select ct_sees_all('process')) or company_id = %s
        or (incident and (select ct_sees_all('incidents'))))$p$, t, mine);
    execute format($p$create policy ct_act on %s for update to ct_api
      using ((select ct_may_act_on_alerts()) and ((select ct_sees_all('process'))
        or company_id = %s or (incident and (select ct_sees_all('incidents')))))$p$, t, mine);
  elsif class = 'alert_event' then
    -- an event is visible with its alert (the subquery is itself under the alert's policies)
    execute format($p$create policy ct_read on %s for select to ct_api
      using (exists (select 1 from alert a where a.id = alert_id))$p$, t);
    execute format($p$create policy ct_add on %s for insert to ct_api
      with check ((select ct_may_act_on_alerts())
        and exists (select 1 from alert a where a.id = alert_id))$p$, t);
  elsif class = 'accounts' then
    execute format($p$create policy ct_read on %s for select to ct_api
      using ((select ct_sees_all('accounts')) or company_id = (select ct_admin_company())
        %s)$p$, t,
      case when tbl = 'app_user' then 'or id = (select ct_user_id())' else '' end);
    execute format($p$create policy ct_write on %s for all to ct_api
      using ((select ct_sees_all('accounts')) or company_id = (select ct_admin_company()))
      with check ((select ct_sees_all('accounts')) or company_id = (select ct_admin_company()))$p$, t);
  elsif class = 'system' then
    execute format($p$create policy ct_system on %s for all to ct_api
      using ((select ct_role()) = 'system') with check ((select ct_role()) = 'system')$p$, t);
  elsif class = 'display_token' then
    execute format($p$create policy ct_admin on %s for all to ct_api
      using ((select ct_role()) in ('system', 'complex_admin'))
      with check ((select ct_role()) in ('system', 'complex_admin'))$p$, t);
  elsif class = 'audit' then
    execute format($p$create policy ct_read on %s for select to ct_api
      using ((select ct_sees_all('audit')) or company_id = (select ct_admin_company()))$p$, t);
    execute format($p$create policy ct_append on %s for insert to ct_api
      with check ((select ct_role()) = 'system' or actor_id = (select ct_user_id()))$p$, t);
  elsif class = 'stats_query' then
    execute format($p$create policy ct_read on %s for select to ct_api
      using ((select ct_sees_all('audit')) or user_id = (select ct_user_id())
        or company_id = (select ct_company()))$p$, t);
    execute format($p$create policy ct_append on %s for insert to ct_api
      with check (user_id = (select ct_user_id()))$p$, t);
  end if;
  -- 'secret': row security on, no policy, no grant: nothing for ct_api

  if privileges <> '' then
    execute format('grant %s on %s to ct_api', privileges, t);
  end if;
end $$;

create type ct_tenancy_state as (table_name text, class text, privileges text,
  relrowsecurity boolean, has_policy boolean);

-- Applies every registered class; registers new tables (company_id: 'process'; sensor_id:
-- 'readings'; else 'directory', read-only). With force = false only tables whose row security
-- is not in place yet are touched (migrate() runs this at every start of every app).
create or replace function ct_apply_tenancy(force boolean) returns integer
language plpgsql as $$
declare
  r record;
  n integer := 0;
begin
  insert into tenancy_table (table_name, class, privileges)
  select c.relname,
    case
      when exists (select 1 from pg_attribute a where a.attrelid = c.oid
        and a.attname = 'company_id' and not a.attisdropped) then 'process'
      when exists (select 1 from pg_attribute a where a.attrelid = c.oid
        and a.attname = 'sensor_id' and not a.attisdropped) then 'readings'
      else 'directory' end,
    case
      when exists (select 1 from pg_attribute a where a.attrelid = c.oid
        and a.attname = 'company_id' and not a.attisdropped)
        then 'select, insert, update, delete'
      when exists (select 1 from pg_attribute a where a.attrelid = c.oid
        and a.attname = 'sensor_id' and not a.attisdropped) then ''
      else 'select' end
  from pg_class c
  where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
    and not c.relispartition
    and c.relname not like '%\_next'
    and not exists (select 1 from tenancy_table t where t.table_name = c.relname)
    -- TimescaleDB's internal tables live in their own schemas; partitions follow their parent
  on conflict do nothing;

  -- a materialised list: the loop alters tables, tenancy_table among them
  for r in
    select x.* from unnest(array(
      select row(t.table_name, t.class, t.privileges, c.relrowsecurity,
        exists (select 1 from pg_policies p where p.schemaname = 'public'
          and p.tablename = t.table_name and p.policyname like 'ct\_%'))::ct_tenancy_state
      from tenancy_table t join pg_class c
        on c.relname = t.table_name and c.relnamespace = 'public'::regnamespace)) x
  loop
    if force
      or (r.class not in ('directory', 'internal', 'secret') and not (r.relrowsecurity and r.has_policy))
      or (r.class = 'secret' and not r.relrowsecurity)
    then
      perform ct_secure_table(r.table_name, r.class, r.privileges);
      n := n + 1;
    end if;
  end loop;
  grant usage on all sequences in schema public to ct_api;
  return n;
end $$;

insert into tenancy_table (table_name, class, privileges) values
  ('schema_migration', 'internal', 'select'),
  ('schema_meta', 'internal', 'select'),
  ('tenancy_table', 'internal', 'select'),
  ('rollup_dirty', 'internal', ''),
  -- the directory of the complex: shared reference data, no company's process data
  ('site', 'directory', 'select'),
  ('area', 'directory', 'select'),
  ('substance', 'directory', 'select'),
  ('company', 'directory', 'select'),
  ('plant_meta', 'directory', 'select'),
  -- the asset register: owner's company, and the complex-wide roles
  ('line', 'register', 'select'),
  ('node', 'register', 'select'),
  ('segment', 'register', 'select'),
  ('equipment', 'register', 'select'),
  ('device', 'register', 'select'),
  ('sensor', 'register', 'select'),
  -- process data: the owner's company only
  ('cml', 'process', 'select, insert'),
  ('inspection', 'process', 'select, insert'),
  ('inspection_campaign', 'process', 'select, insert'),
  ('segment_condition', 'process', 'select, insert, update, delete'),
  ('anomaly_score', 'process', 'select'),
  ('detector_baseline', 'process', 'select'),
  ('dead_letter', 'process', 'select'),
  -- readings: read by the api only through the ct_readings* functions (no grant)
  ('readings', 'readings', ''),
  ('alert', 'alert', 'select, update'),
  ('alert_event', 'alert_event', 'select, insert'),
  ('app_user', 'accounts', 'select, insert, update'),
  ('mqtt_account', 'accounts', 'select, insert, update, delete'),
  ('session', 'system', 'select, insert, update'),
  ('signin_link', 'system', 'select, insert, update'),
  ('display_token', 'display_token', 'select, insert, update'),
  ('audit_log', 'audit', 'select, insert'),
  ('stats_query', 'stats_query', 'select, insert'),
  ('stats_secret', 'secret', '');

-- ------------------------------------------------------------------ readings through functions

-- Whether the current role may read the process data (readings) of a sensor.
create or replace function ct_sees_sensor(p_sensor integer) returns boolean
language sql stable security definer set search_path = public, pg_temp as $$
  select ct_sees_all('process')
    or exists (select 1 from sensor s where s.id = p_sensor and s.company_id = ct_company())
$$;

-- Raw readings of one visible sensor in [p_from, p_to), in time order.
create or replace function ct_readings(p_sensor integer, p_from timestamptz, p_to timestamptz,
  p_limit integer)
returns table (read_at timestamptz, value double precision, quality smallint)
language sql stable security definer set search_path = public, pg_temp as $$
  select r.time, r.value, r.quality from readings r
  where ct_sees_sensor(p_sensor)
    and r.sensor_id = p_sensor and r.time >= p_from and r.time < p_to
  order by r.time limit p_limit
$$;

-- The latest raw reading of one visible sensor.
create or replace function ct_latest_reading(p_sensor integer)
returns table (read_at timestamptz, value double precision, quality smallint)
language sql stable security definer set search_path = public, pg_temp as $$
  select r.time, r.value, r.quality from readings r
  where ct_sees_sensor(p_sensor) and r.sensor_id = p_sensor
  order by r.time desc limit 1
$$;

-- 1 min ('1m') or 1 h ('1h') buckets of one visible sensor in [p_from, p_to).
create or replace function ct_rollup(p_resolution text, p_sensor integer, p_from timestamptz,
  p_to timestamptz, p_limit integer)
returns table (bucket timestamptz, avg_value double precision, min_value double precision,
  max_value double precision, count integer)
language sql stable security definer set search_path = public, pg_temp as $$
  select * from (
    select m.bucket, m.avg_value, m.min_value, m.max_value, m.count from readings_1m m
    where p_resolution = '1m' and ct_sees_sensor(p_sensor)
      and m.sensor_id = p_sensor and m.bucket >= p_from and m.bucket < p_to
    union all
    select h.bucket, h.avg_value, h.min_value, h.max_value, h.count from readings_1h h
    where p_resolution = '1h' and ct_sees_sensor(p_sensor)
      and h.sensor_id = p_sensor and h.bucket >= p_from and h.bucket < p_to
  ) b order by b.bucket limit p_limit
$$;

-- The last value of every visible sensor that reported since p_since (from the 1 min rollup).
create or replace function ct_latest_values(p_since timestamptz)
returns table (sensor_id integer, last_time timestamptz, last_value double precision)
language sql stable security definer set search_path = public, pg_temp as $$
  select distinct on (m.sensor_id) m.sensor_id, m.last_time, m.last_value
  from readings_1m m
  where m.bucket >= p_since and (ct_sees_all('process')
    or m.sensor_id in (select s.id from sensor s where s.company_id = ct_company()))
  order by m.sensor_id, m.bucket desc
$$;

revoke all on function ct_sees_sensor(integer), ct_readings(integer, timestamptz, timestamptz, integer),
  ct_latest_reading(integer), ct_rollup(text, integer, timestamptz, timestamptz, integer),
  ct_latest_values(timestamptz) from public;
grant execute on function ct_sees_sensor(integer), ct_readings(integer, timestamptz, timestamptz, integer),
  ct_latest_reading(integer), ct_rollup(text, integer, timestamptz, timestamptz, integer),
  ct_latest_values(timestamptz) to ct_api;

-- ------------------------------------------------------------------ anonymized statistics

-- The cells of a complex-wide statistic with their margins (grouping sets), computed over every
-- company's rows. Only aggregates leave: per cell the number of companies, the total weight
-- and value, the largest company's shares, and salted pseudonyms of the contributors. A cell
-- with fewer than p_min_companies companies, or one company above p_max_share of its weight or
-- value, comes back without figures (primary suppression); the floors (3 companies, 85 %) hold
-- whatever the caller asks. Secondary suppression and the differencing audit are the api's
-- (packages/analytics disclosure rules), on top of this.
--   corrosion: d1 material, d2 fluid (substance); weight 1 per segment with a measured rate,
--              value its corrosion rate (mm/y); published: the mean rate
--   failures:  d1 age band, d2 material; weight segment length (km), value alerts raised on the
--              segment in [p_from, p_to); published: failures per 1,000 km-years
create or replace function ct_stats_cells(p_dataset text, p_areas text[], p_year_min integer,
  p_year_max integer, p_from timestamptz, p_to timestamptz, p_min_companies integer,
  p_max_share double precision)
returns table (grp integer, d1 text, d2 text, companies integer, weight double precision,
  total double precision, top_weight_share double precision, top_value_share double precision,
  sensitive boolean, contributors text[])
language plpgsql stable security definer set search_path = public, pg_temp as $$
declare
  salt text;
  k integer := greatest(coalesce(p_min_companies, 5), 3);
  share double precision := least(coalesce(p_max_share, 0.6), 0.85);
  this_year integer := extract(year from now())::integer;
begin
  if ct_role() not in ('system', 'operator', 'safety_officer', 'plant_engineer', 'company_admin',
    'complex_admin', 'regulator', 'display') then
    return;
  end if;
  select s.salt into salt from stats_secret s;
  return query
  with base as (
    select c.material as b1, c.substance_id as b2, c.company_id as co,
      1.0::float8 as w, c.corrosion_rate_mm_y::float8 as v
    from segment_condition c
    where p_dataset = 'corrosion' and c.rate_basis = 'measured'
      and (p_areas is null or c.area_id = any(p_areas))
      and (p_year_min is null or c.install_year >= p_year_min)
      and (p_year_max is null or c.install_year <= p_year_max)
    union all
    select case
        when this_year - s.install_year < 10 then '00-09 y'
        when this_year - s.install_year < 20 then '10-19 y'
        when this_year - s.install_year < 30 then '20-29 y'
        when this_year - s.install_year < 40 then '30-39 y'
        else '40+ y' end,
      s.material, s.company_id, s.length_m / 1000.0, coalesce(f.n, 0)::float8
    from segment s
    left join (
      select a.source_id, count(*) as n from alert a
      where p_dataset = 'failures' and a.source_type = 'segment'
        and a.raised_at >= p_from and a.raised_at < p_to
      group by a.source_id) f on f.source_id = s.id
    where p_dataset = 'failures'
      and (p_areas is null or s.area_id = any(p_areas))
      and (p_year_min is null or s.install_year >= p_year_min)
      and (p_year_max is null or s.install_year <= p_year_max)
  ), per_company as (
    select grouping(b1, b2)::integer as g, b1, b2, co, sum(w) as w, sum(v) as v
    from base
    group by grouping sets ((b1, b2, co), (b1, co), (b2, co), (co))
  ), cells as (
    select pc.g, pc.b1, pc.b2, count(*)::integer as n, sum(pc.w) as w, sum(pc.v) as v,
      max(pc.w) / nullif(sum(pc.w), 0) as top_w,
      max(abs(pc.v)) / nullif(sum(abs(pc.v)), 0) as top_v,
      array_agg(x.pseudonym order by x.pseudonym) as who
    from per_company pc
    cross join lateral (select left(encode(sha256(convert_to(salt || ':' || pc.co, 'UTF8')),
      'hex'), 16) as pseudonym) x
    group by pc.g, pc.b1, pc.b2
  )
  select c.g, c.b1, c.b2,
    case when x.hide then null else c.n end,
    case when x.hide then null else c.w end,
    case when x.hide then null else c.v end,
    case when x.hide then null else c.top_w end,
    case when x.hide then null else c.top_v end,
    x.hide,
    case when x.hide then null else c.who end
  from cells c
  cross join lateral (select c.n < k or coalesce(c.top_w, 0) > share
    or coalesce(c.top_v, 0) > share as hide) x
  order by c.g, c.b1, c.b2;
end $$;

revoke all on function ct_stats_cells(text, text[], integer, integer, timestamptz, timestamptz,
  integer, double precision) from public;
grant execute on function ct_stats_cells(text, text[], integer, integer, timestamptz, timestamptz,
  integer, double precision) to ct_api;

revoke all on function ct_secure_table(text, text, text), ct_apply_tenancy(boolean) from public;

select ct_apply_tenancy(true);
