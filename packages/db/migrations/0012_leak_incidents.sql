-- Leak alerts belong to a line (0008), not a segment: an alert on a line that carries a toxic or
-- flammable substance is an incident too, which the complex's safety roles see whoever owns it.
create or replace function alert_set_incident() returns trigger
language plpgsql security definer set search_path = public, pg_temp as $$
begin
  new.incident :=
    (new.source_type = 'segment' and exists (
      select 1 from segment s join substance x on x.id = s.substance_id
      where s.id = new.source_id and (x.toxic or x.flammable)))
    or (new.source_type = 'line' and exists (
      select 1 from line l join substance x on x.id = l.substance_id
      where l.id = new.source_id and (x.toxic or x.flammable)));
  return new;
end $$;

update alert a set incident = true
where a.source_type = 'line' and exists (
  select 1 from line l join substance x on x.id = l.substance_id
  where l.id = a.source_id and (x.toxic or x.flammable));

-- Announced operations are part of how the line is run, like the register: the owner and the
-- complex's control room and safety office see them. Only the detectors (as the schema owner)
-- write them.
insert into tenancy_table (table_name, class, privileges) values ('line_operation', 'register', 'select')
on conflict (table_name) do update set class = excluded.class, privileges = excluded.privileges;
