import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  AccountSchema,
  AuditEntrySchema,
  COMPANY_ROLES,
  CreateDisplayTokenBodySchema,
  CreateMqttAccountBodySchema,
  CreateUserBodySchema,
  DisplayTokenSchema,
  MqttAccountSchema,
  UpdateUserBodySchema,
  type Account,
  type UserRole,
} from '@ct/contracts';
import {
  createDisplayToken,
  createMqttDevice,
  createUser,
  deleteMqttAccount,
  getUser,
  listAudit,
  listDisplayTokens,
  listMqttAccounts,
  listUsers,
  pgCode,
  revokeDisplayToken,
  revokeUserSessions,
  updateUser,
  type DisplayTokenRow,
  type MqttAccountRow,
  type UserRow,
} from '@ct/db';
import { hashMqttPassword } from '@ct/mqtt-auth';
import type { AuthService } from '../../auth/auth-service';
import { hashPassword } from '../../auth/passwords';
import { hashToken, newToken } from '../../auth/tokens';
import type { AppContext } from '../../context';
import { ApiError, notFound } from '../../errors';

const toAccount = (u: UserRow): Account => ({
  id: u.id,
  username: u.username,
  display_name: u.display_name,
  role: u.role,
  company_id: u.company_id,
  disabled: u.disabled,
  created_at: u.created_at.getTime(),
  oidc_issuer: u.oidc_issuer,
  oidc_subject: u.oidc_subject,
});

const toDisplayToken = (t: DisplayTokenRow) => ({
  id: t.id,
  name: t.name,
  created_at: t.created_at.getTime(),
  created_by: t.created_by,
  expires_at: t.expires_at?.getTime() ?? null,
  revoked_at: t.revoked_at?.getTime() ?? null,
  last_used_at: t.last_used_at?.getTime() ?? null,
});

const toMqttAccount = (a: MqttAccountRow) => ({
  username: a.username,
  kind: a.kind,
  company_id: a.company_id,
  service: a.service,
  description: a.description,
  disabled: a.disabled,
  created_at: a.created_at.getTime(),
});

const IdParams = z
  .object({
    id: z.coerce
      .number()
      .int()
      .positive()
      .max(2 ** 53),
  })
  .strict();

/**
 * What an administrator may hand out: a company admin only the company roles, and only in
 * their own company; a complex admin any role.
 */
function checkGrant(req: FastifyRequest, role: UserRole, companyId: string | null): void {
  const p = req.principal!;
  const companyRole = COMPANY_ROLES.includes(role);
  if (companyRole && !companyId)
    throw new ApiError('CT_ERR_API_BAD_REQUEST', `a ${role} belongs to a company: give company_id`);
  if (!companyRole && companyId)
    throw new ApiError('CT_ERR_API_BAD_REQUEST', `a ${role} is complex-wide: leave company_id out`);
  if (p.role === 'company_admin' && (!companyRole || companyId !== p.companyId))
    throw new ApiError(
      'CT_ERR_API_FORBIDDEN',
      'a company admin manages the plant engineers and company admins of their own company only',
    );
}

/**
 * Administration: users and their roles, wall displays' tokens, the MQTT credentials of
 * companies' devices, and the audit log. Every change is audited in the same transaction.
 */
export const adminRoutes: FastifyPluginAsync<{ ctx: AppContext; auth: AuthService }> = async (
  app,
  { auth },
) => {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/users',
    {
      config: { access: 'users:manage' },
      schema: {
        tags: ['admin'],
        summary: 'Users you administer (a company admin: those of their company)',
        response: { 200: z.object({ items: z.array(AccountSchema) }) },
      },
    },
    async (req) => ({ items: (await req.db((tx) => listUsers(tx))).map(toAccount) }),
  );

  r.post(
    '/api/users',
    {
      config: { access: 'users:manage' },
      schema: {
        tags: ['admin'],
        summary:
          'Create a user; without a password the answer carries a one-time sign-in link (24 h)',
        body: CreateUserBodySchema,
        response: {
          201: z.object({ user: AccountSchema, signin_link: z.string().nullable() }),
        },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const companyId = b.company_id ?? null;
      checkGrant(req, b.role, companyId);
      const user = await req.db(async (tx) => {
        const u = await createUser(tx, {
          username: b.username,
          displayName: b.display_name,
          role: b.role,
          companyId,
          passwordHash: b.password ? await hashPassword(b.password) : null,
          oidcIssuer: b.oidc_issuer ?? null,
          oidcSubject: b.oidc_subject ?? null,
          createdBy: req.principal!.userId,
        }).catch((err: unknown) => {
          // 23503: no such company; 23514: a check (role and company) refused it
          if (pgCode((err as { cause?: unknown }).cause) === '23503')
            throw new ApiError('CT_ERR_API_BAD_REQUEST', `no company ${companyId}`);
          throw err;
        });
        if (!u) throw new ApiError('CT_ERR_API_CONFLICT', `the user name ${b.username} is taken`);
        await req.audit(
          {
            action: 'user_create',
            objectType: 'user',
            objectId: String(u.id),
            companyId: u.company_id,
            detail: { username: u.username, role: u.role, company_id: u.company_id },
          },
          tx,
        );
        return u;
      });
      const link = b.password ? null : `/signin/once/${await auth.makeSigninLink(user.id)}`;
      return reply.code(201).send({ user: toAccount(user), signin_link: link });
    },
  );

  r.patch(
    '/api/users/:id',
    {
      config: { access: 'users:manage' },
      schema: {
        tags: ['admin'],
        summary:
          'Change a user: name, role, company, disabled, password; a change of role, company, password or disabling ends their sessions',
        params: IdParams,
        body: UpdateUserBodySchema,
        response: { 200: AccountSchema },
      },
    },
    async (req) => {
      const b = req.body;
      const p = req.principal!;
      if (req.params.id === p.userId && (b.role !== undefined || b.disabled === true))
        throw new ApiError(
          'CT_ERR_API_FORBIDDEN',
          'you cannot change your own role or disable yourself; ask another admin',
        );
      const updated = await req.db(async (tx) => {
        const before = await getUser(tx, req.params.id);
        if (!before) throw notFound(`user ${req.params.id}`);
        const role = b.role ?? before.role;
        const companyId = b.company_id !== undefined ? b.company_id : before.company_id;
        // both the user as it is and as it would be must be within what this admin manages
        checkGrant(req, before.role, before.company_id);
        checkGrant(req, role, companyId);
        const u = await updateUser(tx, before.id, {
          displayName: b.display_name,
          role: b.role,
          companyId: b.company_id,
          disabled: b.disabled,
          passwordHash: b.password ? await hashPassword(b.password) : undefined,
        });
        if (!u) throw notFound(`user ${req.params.id}`);
        const ends =
          u.role !== before.role ||
          u.company_id !== before.company_id ||
          (u.disabled && !before.disabled) ||
          b.password !== undefined;
        if (ends) await revokeUserSessions(tx, u.id);
        await req.audit(
          {
            action: 'user_update',
            objectType: 'user',
            objectId: String(u.id),
            companyId: u.company_id ?? before.company_id,
            detail: {
              changed: Object.keys(b).map((k) => (k === 'password' ? 'password (not kept)' : k)),
              role: [before.role, u.role],
              company_id: [before.company_id, u.company_id],
              disabled: [before.disabled, u.disabled],
            },
          },
          tx,
        );
        return { u, ends };
      });
      if (updated.ends) auth.forgetAll();
      return toAccount(updated.u);
    },
  );

  r.post(
    '/api/users/:id/signin-link',
    {
      config: { access: 'users:manage' },
      schema: {
        tags: ['admin'],
        summary: 'A one-time sign-in link for a user (valid once, 24 h): how a password is reset',
        params: IdParams,
        response: { 200: z.object({ signin_link: z.string(), expires_at: z.number() }) },
      },
    },
    async (req) => {
      const user = await req.db(async (tx) => {
        const u = await getUser(tx, req.params.id);
        if (!u) throw notFound(`user ${req.params.id}`);
        checkGrant(req, u.role, u.company_id);
        await req.audit(
          {
            action: 'signin_link_create',
            objectType: 'user',
            objectId: String(u.id),
            companyId: u.company_id,
          },
          tx,
        );
        return u;
      });
      return {
        signin_link: `/signin/once/${await auth.makeSigninLink(user.id)}`,
        expires_at: Date.now() + 24 * 3_600_000,
      };
    },
  );

  r.get(
    '/api/display-tokens',
    {
      config: { access: 'display-tokens:manage' },
      schema: {
        tags: ['admin'],
        summary: 'Wall displays tokens (without their secrets)',
        response: { 200: z.object({ items: z.array(DisplayTokenSchema) }) },
      },
    },
    async (req) => ({
      items: (await req.db((tx) => listDisplayTokens(tx))).map(toDisplayToken),
    }),
  );

  r.post(
    '/api/display-tokens',
    {
      config: { access: 'display-tokens:manage' },
      schema: {
        tags: ['admin'],
        summary:
          'A long-lived read-only token for a wall display; open the answer url (/display/<token>) on the display. The secret is shown once.',
        body: CreateDisplayTokenBodySchema,
        response: { 201: z.object({ token: DisplayTokenSchema, url: z.string() }) },
      },
    },
    async (req, reply) => {
      const secret = newToken();
      const row = await req.db(async (tx) => {
        const t = await createDisplayToken(tx, {
          name: req.body.name,
          tokenHash: hashToken(secret),
          createdBy: req.principal!.userId!,
          expiresAt: req.body.valid_days
            ? new Date(Date.now() + req.body.valid_days * 86_400_000)
            : null,
        });
        await req.audit(
          {
            action: 'display_token_create',
            objectType: 'display_token',
            objectId: String(t.id),
            companyId: null,
            detail: { name: t.name, expires_at: t.expires_at },
          },
          tx,
        );
        return t;
      });
      return reply.code(201).send({ token: toDisplayToken(row), url: `/display/${secret}` });
    },
  );

  r.delete(
    '/api/display-tokens/:id',
    {
      config: { access: 'display-tokens:manage' },
      schema: {
        tags: ['admin'],
        summary: 'Revoke a display token: its displays are signed out',
        params: IdParams,
        response: { 200: DisplayTokenSchema },
      },
    },
    async (req) => {
      const row = await req.db(async (tx) => {
        const t = await revokeDisplayToken(tx, req.params.id);
        if (!t) throw notFound(`display token ${req.params.id}`);
        await req.audit(
          {
            action: 'display_token_revoke',
            objectType: 'display_token',
            objectId: String(t.id),
            companyId: null,
          },
          tx,
        );
        return t;
      });
      auth.forgetAll();
      return toDisplayToken(row);
    },
  );

  r.get(
    '/api/mqtt-accounts',
    {
      config: { access: 'devices:manage' },
      schema: {
        tags: ['admin'],
        summary: 'MQTT accounts of devices (a company admin: their company) and services',
        response: { 200: z.object({ items: z.array(MqttAccountSchema) }) },
      },
    },
    async (req) => ({ items: (await req.db((tx) => listMqttAccounts(tx))).map(toMqttAccount) }),
  );

  r.post(
    '/api/mqtt-accounts',
    {
      config: { access: 'devices:manage' },
      schema: {
        tags: ['admin'],
        summary:
          'MQTT credentials for a company device: it may publish only under twin/v1/<company>/. The password is shown once.',
        body: CreateMqttAccountBodySchema,
        response: { 201: z.object({ account: MqttAccountSchema, password: z.string() }) },
      },
    },
    async (req, reply) => {
      const p = req.principal!;
      if (p.role === 'company_admin' && req.body.company_id !== p.companyId)
        throw new ApiError(
          'CT_ERR_API_FORBIDDEN',
          'a company admin makes credentials for their own company only',
        );
      const password = randomBytes(18).toString('base64url');
      const account = await req.db(async (tx) => {
        const a = await createMqttDevice(tx, {
          username: req.body.username,
          companyId: req.body.company_id,
          passwordHash: await hashMqttPassword(password),
          description: req.body.description ?? null,
          createdBy: p.userId,
        }).catch((err: unknown) => {
          if (pgCode((err as { cause?: unknown }).cause) === '23503')
            throw new ApiError('CT_ERR_API_BAD_REQUEST', `no company ${req.body.company_id}`);
          throw err;
        });
        if (!a)
          throw new ApiError(
            'CT_ERR_API_CONFLICT',
            `the MQTT user name ${req.body.username} is taken`,
          );
        await req.audit(
          {
            action: 'mqtt_account_create',
            objectType: 'mqtt_account',
            objectId: a.username,
            companyId: a.company_id,
          },
          tx,
        );
        return a;
      });
      return reply.code(201).send({ account: toMqttAccount(account), password });
    },
  );

  r.delete(
    '/api/mqtt-accounts/:username',
    {
      config: { access: 'devices:manage' },
      schema: {
        tags: ['admin'],
        summary: 'Delete a device account (the broker refuses it from its next connection)',
        params: z.object({ username: z.string().min(1).max(64) }).strict(),
      },
    },
    async (req, reply) => {
      await req.db(async (tx) => {
        if (!(await deleteMqttAccount(tx, req.params.username)))
          throw notFound(`MQTT device account ${req.params.username}`);
        await req.audit(
          {
            action: 'mqtt_account_delete',
            objectType: 'mqtt_account',
            objectId: req.params.username,
          },
          tx,
        );
      });
      return reply.code(204).send();
    },
  );

  r.get(
    '/api/audit',
    {
      config: { access: 'audit:read' },
      schema: {
        tags: ['admin'],
        summary:
          'The audit log, newest first: sign-ins, changes to alerts, users, roles and tokens (a company admin: their company)',
        querystring: z
          .object({
            action: z.string().max(64).optional(),
            actor_id: z.coerce
              .number()
              .int()
              .positive()
              .max(2 ** 53)
              .optional(),
            from: z.coerce.number().int().nonnegative().max(8.64e15).optional(),
            to: z.coerce.number().int().nonnegative().max(8.64e15).optional(),
            before_id: z.coerce
              .number()
              .int()
              .positive()
              .max(2 ** 53)
              .optional(),
            limit: z.coerce.number().int().min(1).max(1000).default(100),
          })
          .strict(),
        response: { 200: z.object({ items: z.array(AuditEntrySchema) }) },
      },
    },
    async (req) => {
      const q = req.query;
      const rows = await req.db((tx) =>
        listAudit(tx, {
          action: q.action,
          actorId: q.actor_id,
          fromMs: q.from,
          toMs: q.to,
          beforeId: q.before_id,
          limit: q.limit,
        }),
      );
      return {
        items: rows.map((a) => ({
          ...a,
          time: a.time.getTime(),
        })),
      };
    },
  );
};
