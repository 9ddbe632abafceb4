-- Alert lifecycle (docs/alerts.md): latching configured per alert, and the indexes the api's
-- filters, the timed-shelve sweep and flood detection read.

-- A latching alert goes to E (not A or D) when its condition clears and waits for a reset.
alter table alert add column latching boolean not null default false;

create index alert_area_idx on alert (area_id, raised_at desc);
-- the sweep looks for timed shelves whose time has come
create index alert_shelved_until_idx on alert (shelved_until) where shelving = 'timed';
-- flood detection counts annunciations (new alerts and returns to B) over a recent period
create index alert_event_annunciation_idx on alert_event (time)
  where action in ('raise', 'activate') and to_state = 'B';
