import {
  CHATTER,
  applyAlarmAction,
  expireShelve,
  isaState,
  onCondition,
  type AlarmAction,
  type AlarmFlags,
} from '@ct/analytics';
import type { Alert } from '@ct/contracts';
import type { Queryable } from './client';
import { inTransaction } from './scope';
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
  /** Configured per alert: clearing goes to E and waits for a reset (or resolve). */
  latching: boolean;
  /** On a hazardous line's segment: visible to the complex's safety roles (migration 0011). */
  incident: boolean;
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
  sourceType: 'equipment' | 'segment' | 'line';
  sourceId: string;
  severity: AlertSeverity;
  title: string;
  detail: Record<string, unknown>;
  atMs: number;
  actor: string;
  /** A latching alert (E on clearing, until an operator resets or resolves it). */
  latching?: boolean;
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
): Promise<AlertEventRow> {
  const [event] = await tx<AlertEventRow[]>`
    insert into alert_event (alert_id, company_id, time, actor, action, from_state, to_state, note, detail)
    values (${a.id}, ${a.company_id}, ${new Date(atMs)}, ${actor}, ${action}, ${from}, ${to}, ${note},
      ${detail === null ? null : tx.json(detail as never)})
    returning id, alert_id, time, actor, action, from_state, to_state, note, detail`;
  return event!;
}

/**
 * A note for an activation that makes its source chatter (`CHATTER`: at least 3 activations of
 * alerts on this kind and source within 60 s, this one included), else null.
 */
async function chatterNote(tx: Queryable, r: RaiseInput): Promise<string | null> {
  const [c] = await tx<{ n: number }[]>`
    select count(*)::int as n from alert_event e join alert a on a.id = e.alert_id
    where a.kind = ${r.kind} and a.source_type = ${r.sourceType} and a.source_id = ${r.sourceId}
      and e.action in ('raise', 'activate')
      and e.time > ${new Date(r.atMs - CHATTER.windowMs)} and e.time <= ${new Date(r.atMs)}`;
  const n = (c?.n ?? 0) + 1;
  return n >= CHATTER.activations
    ? `chattering: ${n} activations within ${CHATTER.windowMs / 1000} s`
    : null;
}

/**
 * The condition of a source became abnormal: opens a new alert (A->B), or reactivates the open
 * one (D->B), or refreshes the detail of an alert already active. Returns the alert.
 */
export async function raiseAlert(sql: Queryable, r: RaiseInput): Promise<AlertRow> {
  return doing(`raising a ${r.kind} alert on ${r.sourceId}`, () =>
    inTransaction(sql, async (tx) => {
      const open = await openAlertFor(tx, r.kind, r.sourceType, r.sourceId);
      if (open) {
        const before = isaState(flagsOf(open));
        const f = onCondition(flagsOf(open), true);
        const row = await writeFlags(tx, open, f, r.atMs, { detail: r.detail });
        if (!open.active) {
          const note = await chatterNote(tx, r);
          await addEvent(tx, row, r.actor, 'activate', before, isaState(f), r.atMs, note, r.detail);
        }
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
          active, acked, isa_state, raised_at, updated_at, latching)
        values (${r.companyId}, ${r.areaId}, ${r.kind}, ${r.sourceType}, ${r.sourceId}, ${r.severity},
          ${r.title}, ${tx.json(r.detail as never)}, ${f.active}, ${f.acked}, ${isaState(f)},
          ${new Date(r.atMs)}, ${new Date(r.atMs)}, ${r.latching ?? false})
        returning *`;
      const note = await chatterNote(tx, r);
      await addEvent(tx, row!, r.actor, 'raise', 'A', isaState(f), r.atMs, note, r.detail);
      return row!;
    }),
  );
}

/**
 * The condition of a source returned to normal: B->D, C->A (an alert back in A is closed); a
 * latching alert goes to E instead and waits for an operator.
 */
export async function clearAlert(
  sql: Queryable,
  kind: string,
  sourceType: 'equipment' | 'segment' | 'line',
  sourceId: string,
  atMs: number,
  actor: string,
  note: string | null = null,
): Promise<AlertRow | null> {
  return doing(`clearing the ${kind} alert on ${sourceId}`, () =>
    inTransaction(sql, async (tx) => {
      const open = await openAlertFor(tx, kind, sourceType, sourceId);
      if (!open || !open.active) return open;
      const before = isaState(flagsOf(open));
      const f = onCondition(flagsOf(open), false, open.latching);
      const row = await writeFlags(tx, open, f, atMs, { cleared: true });
      await addEvent(tx, row, actor, 'clear', before, isaState(f), atMs, note);
      return row;
    }),
  );
}

/**
 * A detector's better estimate of an open alert's condition (a leak's position, rate, zones):
 * replaces the detail without a state change, so the version stays and nobody's pending action
 * goes stale. With a note, the audit trail records it as an `update`. Null if not open.
 */
export async function updateAlertDetail(
  sql: Queryable,
  id: number,
  detail: Record<string, unknown>,
  atMs: number,
  actor: string,
  note: string | null = null,
  title?: string,
): Promise<AlertRow | null> {
  return doing(`updating the detail of alert ${id}`, () =>
    inTransaction(sql, async (tx) => {
      const [row] = await tx<AlertRow[]>`
        update alert set detail = ${tx.json(detail as never)}, updated_at = ${new Date(atMs)},
          title = coalesce(${title ?? null}, title)
        where id = ${id} and isa_state <> 'A' returning *`;
      if (!row) return null;
      if (note !== null)
        await addEvent(tx, row, actor, 'update', row.isa_state, row.isa_state, atMs, note);
      return row;
    }),
  );
}

export interface AlertFilter {
  kind?: string | undefined;
  sourceId?: string | undefined;
  /** Only alerts not back in state A. */
  open?: boolean | undefined;
  /** ISA-18.2 letters to keep. */
  states?: readonly string[] | undefined;
  severities?: readonly AlertSeverity[] | undefined;
  companyId?: string | undefined;
  areaId?: string | undefined;
  /** Raised at or after, epoch ms. */
  fromMs?: number | undefined;
  /** Raised before, epoch ms. */
  toMs?: number | undefined;
  limit: number;
  offset?: number | undefined;
}

/** Alerts, newest first. */
export async function listAlerts(sql: Queryable, f: AlertFilter): Promise<AlertRow[]> {
  const states = f.states?.length ? [...f.states] : null;
  const severities = f.severities?.length ? [...f.severities] : null;
  return doing(
    'listing alerts',
    () => sql<AlertRow[]>`
    select * from alert
    where (${f.kind ?? null}::text is null or kind = ${f.kind ?? null})
      and (${f.sourceId ?? null}::text is null or source_id = ${f.sourceId ?? null})
      and (${f.open ?? false} = false or isa_state <> 'A')
      and (${states}::text[] is null or isa_state = any(${states}::text[]))
      and (${severities}::text[] is null or severity = any(${severities}::text[]))
      and (${f.companyId ?? null}::text is null or company_id = ${f.companyId ?? null})
      and (${f.areaId ?? null}::text is null or area_id = ${f.areaId ?? null})
      and (${f.fromMs === undefined ? null : new Date(f.fromMs)}::timestamptz is null
        or raised_at >= ${f.fromMs === undefined ? null : new Date(f.fromMs)})
      and (${f.toMs === undefined ? null : new Date(f.toMs)}::timestamptz is null
        or raised_at < ${f.toMs === undefined ? null : new Date(f.toMs)})
    order by raised_at desc, id desc limit ${f.limit} offset ${f.offset ?? 0}`,
  );
}

/** The audit trail of one alert, oldest first. */
export async function listAlertEvents(sql: Queryable, alertId: number): Promise<AlertEventRow[]> {
  return doing(
    `reading the events of alert ${alertId}`,
    () => sql<AlertEventRow[]>`
    select id, alert_id, time, actor, action, from_state, to_state, note, detail
    from alert_event where alert_id = ${alertId} order by id`,
  );
}

/** One alert, or null. */
export async function getAlert(sql: Queryable, id: number): Promise<AlertRow | null> {
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
    latched: a.latched,
    latching: a.latching,
    incident: a.incident,
  };
}

/** An operator action on one alert (the api's POST /api/alerts/{id}/<action>). */
export interface AlertActionInput {
  id: number;
  action: 'ack' | 'reset' | 'assign' | 'comment' | 'shelve' | 'unshelve' | 'resolve';
  actor: string;
  /** The version the actor acted on; null skips the check (a comment changes no state). */
  version: number | null;
  atMs: number;
  /** Comment, shelve reason or resolution. */
  note?: string | null;
  /** For `assign`: who takes it (null: nobody). */
  assignee?: string | null;
  /** For `shelve`. */
  shelve?: { kind: 'timed' | 'one_shot'; untilMs: number | null; maxMs: number };
}

export type AlertActionResult =
  | { ok: true; alert: AlertRow; event: AlertEventRow }
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'version_conflict'; current: AlertRow }
  | { ok: false; reason: 'illegal'; message: string; current: AlertRow };

function alarmAction(a: AlertActionInput): AlarmAction {
  if (a.action !== 'shelve') return { kind: a.action };
  if (!a.shelve) throw new Error('a shelve action needs its kind and end');
  return {
    kind: 'shelve',
    shelving: a.shelve.kind,
    nowMs: a.atMs,
    untilMs: a.shelve.untilMs,
    maxMs: a.shelve.maxMs,
  };
}

/**
 * Applies an operator action in one transaction: the alert row is locked, its version checked
 * (a stale one changes nothing), the transition checked by the ISA-18.2 rules, and the alert
 * updated (version + 1) together with its audit event. A comment leaves the row (and its version)
 * as it is and only appends the event.
 */
export async function actOnAlert(sql: Queryable, a: AlertActionInput): Promise<AlertActionResult> {
  return doing(`${a.action} on alert ${a.id}`, () =>
    inTransaction(sql, async (tx): Promise<AlertActionResult> => {
      const [cur] = await tx<AlertRow[]>`select * from alert where id = ${a.id} for update`;
      if (!cur) return { ok: false, reason: 'not_found' };
      if (a.version !== null && a.version !== cur.version)
        return { ok: false, reason: 'version_conflict', current: cur };
      const t = applyAlarmAction(flagsOf(cur), alarmAction(a));
      if (!t.ok) return { ok: false, reason: 'illegal', message: t.reason, current: cur };
      const before = isaState(flagsOf(cur));
      let row = cur;
      let detail: Record<string, unknown> | null = null;
      if (a.action === 'assign') {
        detail = { assignee: a.assignee ?? null, previous: cur.assignee };
        const [assigned] = await tx<AlertRow[]>`
          update alert set assignee = ${a.assignee ?? null}, updated_at = ${new Date(a.atMs)},
            version = version + 1
          where id = ${a.id} returning *`;
        row = assigned!;
      } else if (a.action !== 'comment') {
        if (a.action === 'shelve')
          detail = { shelving: a.shelve!.kind, until: t.flags.shelvedUntil };
        row = await writeFlags(tx, cur, t.flags, a.atMs);
      }
      const event = await addEvent(
        tx,
        row,
        a.actor,
        a.action,
        before,
        row.isa_state,
        a.atMs,
        a.note ?? null,
        detail,
      );
      return { ok: true, alert: row, event };
    }),
  );
}

/**
 * Ends every timed shelve whose time has come by `nowMs` and re-evaluates the condition (ISA-18.2:
 * A if normal, B if still abnormal), each with a `shelve_expired` event by `actor`. Rows another
 * api replica is sweeping at the same moment are skipped (it does them).
 */
export async function expireShelves(
  sql: Queryable,
  nowMs: number,
  actor = 'system',
): Promise<{ alert: AlertRow; event: AlertEventRow }[]> {
  return doing('ending expired shelves', () =>
    inTransaction(sql, async (tx) => {
      const due = await tx<AlertRow[]>`
        select * from alert where shelving = 'timed' and shelved_until <= ${new Date(nowMs)}
        order by shelved_until for update skip locked`;
      const out: { alert: AlertRow; event: AlertEventRow }[] = [];
      for (const cur of due) {
        const f = expireShelve(flagsOf(cur), nowMs);
        const row = await writeFlags(tx, cur, f, nowMs);
        const event = await addEvent(
          tx,
          row,
          actor,
          'shelve_expired',
          isaState(flagsOf(cur)),
          row.isa_state,
          nowMs,
          'the shelve time ended; the condition was re-evaluated',
          { shelved_until: cur.shelved_until?.getTime() ?? null },
        );
        out.push({ alert: row, event });
      }
      return out;
    }),
  );
}

/** Every annunciation (a raise, or a return to B) since `sinceMs`, oldest first, with its area. */
export async function listAnnunciations(
  sql: Queryable,
  sinceMs: number,
): Promise<{ area_id: string | null; time: Date; company_id: string; incident: boolean }[]> {
  return doing(
    'reading alert annunciations',
    () => sql<{ area_id: string | null; time: Date; company_id: string; incident: boolean }[]>`
    select a.area_id, e.time, a.company_id, a.incident
    from alert_event e join alert a on a.id = e.alert_id
    where e.action in ('raise', 'activate') and e.to_state = 'B' and e.time >= ${new Date(sinceMs)}
    order by e.time, e.id`,
  );
}

/** The operator areas, for the flood summary (every area, flooded or not). */
export async function listAlertAreas(sql: Queryable): Promise<{ id: string; name: string }[]> {
  return doing(
    'reading the areas',
    () => sql<{ id: string; name: string }[]>`select id, name from area order by id`,
  );
}
