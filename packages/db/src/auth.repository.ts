import type { Role, UserRole } from '@ct/contracts';
import type { Queryable } from './client';
import { doing } from './errors';

export interface UserRow {
  id: number;
  username: string;
  display_name: string;
  role: UserRole;
  company_id: string | null;
  password_hash: string | null;
  oidc_issuer: string | null;
  oidc_subject: string | null;
  disabled: boolean;
  created_at: Date;
}

const USER_COLUMNS = `id, username, display_name, role, company_id, password_hash, oidc_issuer,
  oidc_subject, disabled, created_at`;

/** A user by name (sign-in), or null. */
export async function findUserByUsername(q: Queryable, username: string): Promise<UserRow | null> {
  const [u] = await doing(
    'reading a user',
    () => q<UserRow[]>`select ${q.unsafe(USER_COLUMNS)} from app_user where username = ${username}`,
  );
  return u ?? null;
}

/** A user by id, or null (also when the scope may not see it). */
export async function getUser(q: Queryable, id: number): Promise<UserRow | null> {
  const [u] = await doing(
    'reading a user',
    () => q<UserRow[]>`select ${q.unsafe(USER_COLUMNS)} from app_user where id = ${id}`,
  );
  return u ?? null;
}

/** A user an identity provider vouches for (OpenID Connect issuer and subject), or null. */
export async function findUserByOidc(
  q: Queryable,
  issuer: string,
  subject: string,
): Promise<UserRow | null> {
  const [u] = await q<UserRow[]>`select ${q.unsafe(USER_COLUMNS)} from app_user
    where oidc_issuer = ${issuer} and oidc_subject = ${subject}`;
  return u ?? null;
}

/** Users the scope may see, by name. */
export async function listUsers(q: Queryable): Promise<UserRow[]> {
  return doing(
    'listing users',
    () => q<UserRow[]>`select ${q.unsafe(USER_COLUMNS)} from app_user order by username`,
  );
}

export interface NewUser {
  username: string;
  displayName: string;
  role: UserRole;
  companyId: string | null;
  passwordHash: string | null;
  oidcIssuer?: string | null;
  oidcSubject?: string | null;
  createdBy: number | null;
}

/** Creates a user; null when the name is taken. */
export async function createUser(q: Queryable, u: NewUser): Promise<UserRow | null> {
  return doing(`creating user ${u.username}`, async () => {
    const [row] = await q<UserRow[]>`
      insert into app_user (username, display_name, role, company_id, password_hash,
        oidc_issuer, oidc_subject, created_by)
      values (${u.username}, ${u.displayName}, ${u.role}, ${u.companyId}, ${u.passwordHash},
        ${u.oidcIssuer ?? null}, ${u.oidcSubject ?? null}, ${u.createdBy})
      on conflict (username) do nothing
      returning ${q.unsafe(USER_COLUMNS)}`;
    return row ?? null;
  });
}

export interface UserChanges {
  displayName?: string | undefined;
  role?: UserRole | undefined;
  companyId?: string | null | undefined;
  disabled?: boolean | undefined;
  passwordHash?: string | undefined;
}

/** Changes a user the scope may administer; null when it may not (or there is none). */
export async function updateUser(
  q: Queryable,
  id: number,
  c: UserChanges,
): Promise<UserRow | null> {
  return doing(`updating user ${id}`, async () => {
    const [row] = await q<UserRow[]>`
      update app_user set
        display_name = coalesce(${c.displayName ?? null}, display_name),
        role = coalesce(${c.role ?? null}, role),
        company_id = case when ${c.companyId !== undefined} then ${c.companyId ?? null}
          else company_id end,
        disabled = coalesce(${c.disabled ?? null}, disabled),
        password_hash = coalesce(${c.passwordHash ?? null}, password_hash)
      where id = ${id}
      returning ${q.unsafe(USER_COLUMNS)}`;
    return row ?? null;
  });
}

/** Whether any user exists (the launcher creates the first admin when none does). */
export async function countUsers(q: Queryable): Promise<number> {
  const [r] = await q<{ n: number }[]>`select count(*)::int as n from app_user`;
  return r?.n ?? 0;
}

// ---------------------------------------------------------------- sessions

export interface SessionRow {
  token_hash: Buffer;
  kind: 'browser' | 'api' | 'display';
  expires_at: Date;
  absolute_expires_at: Date;
  last_seen_at: Date;
  user_id: number | null;
  username: string | null;
  display_name: string | null;
  role: Role;
  company_id: string | null;
  display_token_id: number | null;
}

export interface NewSession {
  tokenHash: Buffer;
  kind: 'browser' | 'api' | 'display';
  userId: number | null;
  displayTokenId: number | null;
  expiresAt: Date;
  absoluteExpiresAt: Date;
  ip: string | null;
  userAgent: string | null;
}

export async function createSession(q: Queryable, s: NewSession): Promise<void> {
  await doing(
    'creating a session',
    () => q`
    insert into session (token_hash, kind, user_id, display_token_id, expires_at,
      absolute_expires_at, ip, user_agent)
    values (${s.tokenHash}, ${s.kind}, ${s.userId}, ${s.displayTokenId}, ${s.expiresAt},
      ${s.absoluteExpiresAt}, ${s.ip}, ${s.userAgent})`,
  );
}

/**
 * The live session with this token hash, with its user (or display token): null when there is
 * none, it expired, was revoked, or its user is disabled or its display token revoked.
 */
export async function findSession(q: Queryable, tokenHash: Buffer): Promise<SessionRow | null> {
  const [s] = await doing(
    'reading a session',
    () => q<SessionRow[]>`
      select s.token_hash, s.kind, s.expires_at, s.absolute_expires_at, s.last_seen_at,
        s.user_id, u.username, coalesce(u.display_name, d.name) as display_name,
        coalesce(u.role, 'display') as role, u.company_id, s.display_token_id
      from session s
      left join app_user u on u.id = s.user_id
      left join display_token d on d.id = s.display_token_id
      where s.token_hash = ${tokenHash} and s.revoked_at is null and s.expires_at > now()
        and (u.id is null or not u.disabled)
        and (d.id is null or (d.revoked_at is null and (d.expires_at is null or d.expires_at > now())))`,
  );
  return s ?? null;
}

/** Slides a session's expiry: idle expiry moves to `expiresAt` (capped by the absolute one). */
export async function touchSession(
  q: Queryable,
  tokenHash: Buffer,
  expiresAt: Date,
): Promise<Date> {
  const [r] = await q<{ expires_at: Date }[]>`
    update session set last_seen_at = now(),
      expires_at = least(${expiresAt}, absolute_expires_at)
    where token_hash = ${tokenHash} returning expires_at`;
  return r?.expires_at ?? expiresAt;
}

export async function revokeSession(q: Queryable, tokenHash: Buffer): Promise<void> {
  await q`update session set revoked_at = now() where token_hash = ${tokenHash}
    and revoked_at is null`;
}

/** Ends every session of a user (disabled, role changed, password changed); returns how many. */
export async function revokeUserSessions(q: Queryable, userId: number): Promise<number> {
  const r = await q`update session set revoked_at = now()
    where user_id = ${userId} and revoked_at is null`;
  return r.count;
}

// ---------------------------------------------------------------- display tokens

export interface DisplayTokenRow {
  id: number;
  name: string;
  created_by: number;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

const DISPLAY_COLUMNS = 'id, name, created_by, created_at, expires_at, revoked_at, last_used_at';

export async function createDisplayToken(
  q: Queryable,
  t: { name: string; tokenHash: Buffer; createdBy: number; expiresAt: Date | null },
): Promise<DisplayTokenRow> {
  const [row] = await doing(
    'creating a display token',
    () => q<DisplayTokenRow[]>`
    insert into display_token (name, token_hash, created_by, expires_at)
    values (${t.name}, ${t.tokenHash}, ${t.createdBy}, ${t.expiresAt})
    returning ${q.unsafe(DISPLAY_COLUMNS)}`,
  );
  return row!;
}

export async function listDisplayTokens(q: Queryable): Promise<DisplayTokenRow[]> {
  return q<DisplayTokenRow[]>`select ${q.unsafe(DISPLAY_COLUMNS)} from display_token order by id`;
}

/** A usable display token by the hash of its secret, marked used; null when none. */
export async function useDisplayToken(
  q: Queryable,
  tokenHash: Buffer,
): Promise<DisplayTokenRow | null> {
  const [row] = await q<DisplayTokenRow[]>`
    update display_token set last_used_at = now()
    where token_hash = ${tokenHash} and revoked_at is null
      and (expires_at is null or expires_at > now())
    returning ${q.unsafe(DISPLAY_COLUMNS)}`;
  return row ?? null;
}

/** Revokes a display token and ends its sessions; null when there is no such token. */
export async function revokeDisplayToken(
  q: Queryable,
  id: number,
): Promise<DisplayTokenRow | null> {
  const [row] = await q<DisplayTokenRow[]>`
    update display_token set revoked_at = coalesce(revoked_at, now()) where id = ${id}
    returning ${q.unsafe(DISPLAY_COLUMNS)}`;
  if (row) {
    await q`update session set revoked_at = now()
      where display_token_id = ${id} and revoked_at is null`;
  }
  return row ?? null;
}

// ---------------------------------------------------------------- one-time sign-in links

export async function createSigninLink(
  q: Queryable,
  l: { tokenHash: Buffer; userId: number; expiresAt: Date },
): Promise<void> {
  await q`insert into signin_link (token_hash, user_id, expires_at)
    values (${l.tokenHash}, ${l.userId}, ${l.expiresAt})`;
}

/** Uses a one-time link: its user id, or null when unknown, used or expired. */
export async function consumeSigninLink(q: Queryable, tokenHash: Buffer): Promise<number | null> {
  const [r] = await q<{ user_id: number }[]>`
    update signin_link set used_at = now()
    where token_hash = ${tokenHash} and used_at is null and expires_at > now()
    returning user_id`;
  return r?.user_id ?? null;
}

// ---------------------------------------------------------------- audit

export interface AuditInput {
  actorId: number | null;
  actor: string;
  actorRole: string | null;
  companyId: string | null;
  action: string;
  objectType?: string | null;
  objectId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  outcome?: 'ok' | 'denied' | 'failed';
  detail?: Record<string, unknown> | null;
}

/** Appends an entry to the audit log (append-only: nothing can change it afterwards). */
export async function appendAudit(q: Queryable, a: AuditInput): Promise<void> {
  await doing(
    `auditing ${a.action}`,
    () => q`
    insert into audit_log (actor_id, actor, actor_role, company_id, action, object_type,
      object_id, ip, user_agent, outcome, detail)
    values (${a.actorId}, ${a.actor}, ${a.actorRole}, ${a.companyId}, ${a.action},
      ${a.objectType ?? null}, ${a.objectId ?? null}, ${a.ip ?? null},
      ${a.userAgent?.slice(0, 300) ?? null}, ${a.outcome ?? 'ok'},
      ${a.detail ? q.json(a.detail as never) : null})`,
  );
}

export interface AuditRow {
  id: number;
  time: Date;
  actor_id: number | null;
  actor: string;
  actor_role: string | null;
  company_id: string | null;
  action: string;
  object_type: string | null;
  object_id: string | null;
  ip: string | null;
  user_agent: string | null;
  outcome: 'ok' | 'denied' | 'failed';
  detail: Record<string, unknown> | null;
}

export interface AuditFilter {
  action?: string | undefined;
  actorId?: number | undefined;
  fromMs?: number | undefined;
  toMs?: number | undefined;
  limit: number;
  beforeId?: number | undefined;
}

/** Audit entries the scope may read, newest first. */
export async function listAudit(q: Queryable, f: AuditFilter): Promise<AuditRow[]> {
  return doing(
    'reading the audit log',
    () => q<AuditRow[]>`
    select * from audit_log
    where (${f.action ?? null}::text is null or action = ${f.action ?? null})
      and (${f.actorId ?? null}::bigint is null or actor_id = ${f.actorId ?? null})
      and (${f.fromMs === undefined ? null : new Date(f.fromMs)}::timestamptz is null
        or time >= ${f.fromMs === undefined ? null : new Date(f.fromMs)})
      and (${f.toMs === undefined ? null : new Date(f.toMs)}::timestamptz is null
        or time < ${f.toMs === undefined ? null : new Date(f.toMs)})
      and (${f.beforeId ?? null}::bigint is null or id < ${f.beforeId ?? null})
    order by id desc limit ${f.limit}`,
  );
}

// ---------------------------------------------------------------- MQTT accounts

export interface MqttAccountRow {
  username: string;
  kind: 'device' | 'service';
  company_id: string | null;
  service: 'ingest' | 'api' | 'detector' | 'simulator' | null;
  password_hash: string;
  description: string | null;
  disabled: boolean;
  created_at: Date;
}

export async function listMqttAccounts(q: Queryable): Promise<MqttAccountRow[]> {
  return doing(
    'listing MQTT accounts',
    () => q<MqttAccountRow[]>`select * from mqtt_account order by kind, username`,
  );
}

export async function getMqttAccount(
  q: Queryable,
  username: string,
): Promise<MqttAccountRow | null> {
  const [r] = await q<MqttAccountRow[]>`select * from mqtt_account where username = ${username}`;
  return r ?? null;
}

/** Creates a device account; null when the name is taken. */
export async function createMqttDevice(
  q: Queryable,
  a: {
    username: string;
    companyId: string;
    passwordHash: string;
    description: string | null;
    createdBy: number | null;
  },
): Promise<MqttAccountRow | null> {
  const [r] = await doing(
    `creating MQTT account ${a.username}`,
    () => q<MqttAccountRow[]>`
    insert into mqtt_account (username, kind, company_id, password_hash, description, created_by)
    values (${a.username}, 'device', ${a.companyId}, ${a.passwordHash}, ${a.description},
      ${a.createdBy})
    on conflict (username) do nothing returning *`,
  );
  return r ?? null;
}

/** Creates or re-keys a platform service's account (the launcher and the setup job do). */
export async function upsertMqttService(
  q: Queryable,
  a: { username: string; service: MqttAccountRow['service'] & string; passwordHash: string },
): Promise<void> {
  await q`
    insert into mqtt_account (username, kind, service, password_hash, description)
    values (${a.username}, 'service', ${a.service}, ${a.passwordHash}, ${`platform service: ${a.service}`})
    on conflict (username) do update set password_hash = excluded.password_hash,
      service = excluded.service, kind = 'service', company_id = null, disabled = false`;
}

/** Deletes a device account; false when there is none the scope may delete. */
export async function deleteMqttAccount(q: Queryable, username: string): Promise<boolean> {
  const r = await q`delete from mqtt_account where username = ${username} and kind = 'device'`;
  return r.count > 0;
}

// ---------------------------------------------------------------- statistics queries

export interface StatsCellRow {
  grp: number;
  d1: string | null;
  d2: string | null;
  companies: number | null;
  weight: number | null;
  total: number | null;
  top_weight_share: number | null;
  top_value_share: number | null;
  sensitive: boolean;
  contributors: string[] | null;
}

export interface StatsQueryInput {
  dataset: string;
  areas: string[] | null;
  yearMin: number | null;
  yearMax: number | null;
  fromMs: number;
  toMs: number;
  minCompanies: number;
  maxShare: number;
}

/**
 * The cells and margins of a complex-wide statistic, aggregated inside the database across
 * every company (ct_stats_cells, migration 0011): primary-sensitive cells come back without
 * figures, contributors as salted pseudonyms.
 */
export async function queryStatsCells(q: Queryable, s: StatsQueryInput): Promise<StatsCellRow[]> {
  return doing(
    `computing the ${s.dataset} statistics`,
    () => q<StatsCellRow[]>`
    select * from ct_stats_cells(${s.dataset}, ${s.areas}::text[], ${s.yearMin}::integer,
      ${s.yearMax}::integer, ${new Date(s.fromMs)}, ${new Date(s.toMs)}, ${s.minCompanies}::integer,
      ${s.maxShare}::float8)`,
  );
}

export interface StatsQueryRow {
  id: number;
  time: Date;
  user_id: number;
  dataset: string;
  filters: Record<string, unknown>;
  released: { key: string; contributors: string[] }[];
}

/** Earlier statistics queries of this user, or of anyone of the same company, since `sinceMs`. */
export async function listStatsQueries(
  q: Queryable,
  f: { userId: number; companyId: string | null; dataset: string; sinceMs: number },
): Promise<StatsQueryRow[]> {
  return q<StatsQueryRow[]>`
    select id, time, user_id, dataset, filters, released from stats_query
    where dataset = ${f.dataset} and time >= ${new Date(f.sinceMs)}
      and (user_id = ${f.userId} or (${f.companyId}::text is not null and company_id = ${f.companyId}))
    order by id desc limit 500`;
}

export async function recordStatsQuery(
  q: Queryable,
  r: {
    userId: number;
    companyId: string | null;
    dataset: string;
    filters: Record<string, unknown>;
    released: readonly { key: string; contributors: readonly string[] }[];
    suppressed: number;
  },
): Promise<void> {
  await q`insert into stats_query (user_id, company_id, dataset, filters, released, suppressed)
    values (${r.userId}, ${r.companyId}, ${r.dataset}, ${q.json(r.filters as never)},
      ${q.json(r.released as never)}, ${r.suppressed})`;
}
