import { isaState, onCondition, type AlarmFlags } from '@ct/analytics';
import type { Alert } from '@ct/contracts';
import type { Queryable, Sql } from './client';
import { doing } from './errors';

export type AlertSeverity = 'low' | 'medium' | 'high' | 'critical';

export interface AlertRow {
  id: number;
  company_id: string;
  area_id: string | null;
  kind: string;
  source_type: 'equipment' | 'segment';
  source_id: string;
  severity: AlertSeverity;
  title: string;
  detail: Record<string, unknown>;
  active: boolean;
  acked: boolean;
  latched: boolean;
  shelving: 'unshelved' | 'timed' | 'one_shot';
  shelved_until: Date | null;
  suppressed: boolean;
  out_of_service: boolean;
  isa_state: string;
  raised_at: Date;
  cleared_at: Date | null;
  updated_at: Date;
  assignee: string | null;
  version: number;
}

export interface AlertEventRow {
  id: number;
  alert_id: number;
  time: Date;
  actor: string;
  action: string;
  from_state: string | null;
  to_state: string;
  note: string | null;
  detail: Record<string, unknown> | null;
}

function flagsOf(a: AlertRow): AlarmFlags {
  return {
    active: a.active,
    acked: a.acked,
    latched: a.latched,
    shelving: a.shelving,
    shelvedUntil: a.shelved_until?.getTime() ?? null,
    suppressed: a.suppressed,
    outOfService: a.out_of_service,
  };
}

export interface RaiseInput {
  companyId: string;
  areaId: string | null;
  kind: string;
  sourceType: 'equipment' | 'segment';
  sourceId: string;
  severity: AlertSeverity;
  title: string;
  detail: Record<string, unknown>;
  atMs: number;
  actor: string;
}

async function openAlertFor(
  tx: Queryable,
  kind: string,
  sourceType: string,
  sourceId: string,
): Promise<AlertRow | null> {
  const [a] = await tx<AlertRow[]>`
    select * from alert
    where kind = ${kind} and source_type = ${sourceType} and source_id = ${sourceId}
      and isa_state <> 'A'
    for update`;
  return a ?? null;
}

async function writeFlags(
  tx: Queryable,
  a: AlertRow,
  f: AlarmFlags,
  atMs: number,
  extra: { cleared?: boolean; detail?: Record<string, unknown> } = {},
): Promise<AlertRow> {
  const [row] = await tx<AlertRow[]>`
    update alert set active = ${f.active}, acked = ${f.acked}, latched = ${f.latched},
      shelving = ${f.shelving},
      shelved_until = ${f.shelvedUntil === null ? null : new Date(f.shelvedUntil)},
      suppressed = ${f.suppressed}, out_of_service = ${f.outOfService},
      isa_state = ${isaState(f)},
      cleared_at = ${extra.cleared ? new Date(atMs) : a.cleared_at},
      detail = ${tx.json((extra.detail ?? a.detail) as never)},
      updated_at = ${new Date(atMs)}, version = version + 1
    where id = ${a.id} returning *`;
  return row!;
}

async function addEvent(
  tx: Queryable,
  a: AlertRow,
  actor: string,
  action: string,
  from: string | null,
  to: string,
  atMs: number,
  note: string | null = null,
  detail: Record<string, unknown> | null = null,
): Promise<void> {
  await tx`insert into alert_event (alert_id, company_id, time, actor, action, from_state, to_state, note, detail)
    values (${a.id}, ${a.company_id}, ${new Date(atMs)}, ${actor}, ${action}, ${from}, ${to}, ${note},
      ${detail === null ? null : tx.json(detail as never)})`;
}

/**
 * The condition of a source became abnormal: opens a new alert (A->B), or reactivates the open
 * one (D->B), or refreshes the detail of an alert already active. Returns the alert.
 */
export async function raiseAlert(sql: Sql, r: RaiseInput): Promise<AlertRow> {
  return doing(`raising a ${r.kind} alert on ${r.sourceId}`, () =>
    sql.begin(async (tx) => {
      const open = await openAlertFor(tx, r.kind, r.sourceType, r.sourceId);
      if (open) {
        const before = isaState(flagsOf(open));
        const f = onCondition(flagsOf(open), true);
        const row = await writeFlags(tx, open, f, r.atMs, { detail: r.detail });
        if (!open.active)
          await addEvent(tx, row, r.actor, 'activate', before, isaState(f), r.atMs, null, r.detail);
        return row;
      }
      const f = onCondition(
        {
          active: false,
          acked: true,
          latched: false,
          shelving: 'unshelved',
          shelvedUntil: null,
          suppressed: false,
          outOfService: false,
        },
        true,
      );
      const [row] = await tx<AlertRow[]>`
        insert into alert (company_id, area_id, kind, source_type, source_id, severity, title, detail,
          active, acked, isa_state, raised_at, updated_at)
        values (${r.companyId}, ${r.areaId}, ${r.kind}, ${r.sourceType}, ${r.sourceId}, ${r.severity},
          ${r.title}, ${tx.json(r.detail as never)}, ${f.active}, ${f.acked}, ${isaState(f)},
          ${new Date(r.atMs)}, ${new Date(r.atMs)})
        returning *`;
      await addEvent(tx, row!, r.actor, 'raise', 'A', isaState(f), r.atMs, null, r.detail);
      return row!;
    }),
  );
}

/** The condition of a source returned to normal: B->D, C->A (an alert back in A is closed). */
export async function clearAlert(
  sql: Sql,
  kind: string,
  sourceType: 'equipment' | 'segment',
  sourceId: string,
  atMs: number,
  actor: string,
): Promise<AlertRow | null> {
  return doing(`clearing the ${kind} alert on ${sourceId}`, () =>
    sql.begin(async (tx) => {
      const open = await openAlertFor(tx, kind, sourceType, sourceId);
      if (!open || !open.active) return open;
      const before = isaState(flagsOf(open));
      const f = onCondition(flagsOf(open), false);
      const row = await writeFlags(tx, open, f, atMs, { cleared: true });
      await addEvent(tx, row, actor, 'clear', before, isaState(f), atMs);
      return row;
    }),
  );
}

export interface AlertFilter {
  kind?: string | undefined;
  sourceId?: string | undefined;
  /** Only alerts not back in state A. */
  open?: boolean | undefined;
  limit: number;
}

/** Alerts, newest first. */
export async function listAlerts(sql: Sql, f: AlertFilter): Promise<AlertRow[]> {
  return doing(
    'listing alerts',
    () => sql<AlertRow[]>`
    select * from alert
    where (${f.kind ?? null}::text is null or kind = ${f.kind ?? null})
      and (${f.sourceId ?? null}::text is null or source_id = ${f.sourceId ?? null})
      and (${f.open ?? false} = false or isa_state <> 'A')
    order by raised_at desc, id desc limit ${f.limit}`,
  );
}

/** The audit trail of one alert, oldest first. */
export async function listAlertEvents(sql: Sql, alertId: number): Promise<AlertEventRow[]> {
  return doing(
    `reading the events of alert ${alertId}`,
    () => sql<AlertEventRow[]>`
    select id, alert_id, time, actor, action, from_state, to_state, note, detail
    from alert_event where alert_id = ${alertId} order by id`,
  );
}

/** One alert, or null. */
export async function getAlert(sql: Sql, id: number): Promise<AlertRow | null> {
  const [a] = await doing(
    `reading alert ${id}`,
    () => sql<AlertRow[]>`select * from alert where id = ${id}`,
  );
  return a ?? null;
}

/** An alert row as the api serves it and the alert events carry it. */
export function toAlert(a: AlertRow): Alert {
  return {
    id: a.id,
    company_id: a.company_id,
    area_id: a.area_id,
    kind: a.kind,
    source_type: a.source_type,
    source_id: a.source_id,
    severity: a.severity,
    title: a.title,
    detail: a.detail,
    isa_state: a.isa_state as Alert['isa_state'],
    active: a.active,
    acked: a.acked,
    shelving: a.shelving,
    shelved_until: a.shelved_until?.getTime() ?? null,
    suppressed: a.suppressed,
    out_of_service: a.out_of_service,
    assignee: a.assignee,
    raised_at: a.raised_at.getTime(),
    cleared_at: a.cleared_at?.getTime() ?? null,
    updated_at: a.updated_at.getTime(),
    version: a.version,
  };
}
