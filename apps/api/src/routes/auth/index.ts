import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  ChangePasswordBodySchema,
  MeSchema,
  ROLE_PERMISSIONS,
  SignInBodySchema,
  TokenResponseSchema,
  type Me,
} from '@ct/contracts';
import { getUser, revokeUserSessions, updateUser, type UserRow } from '@ct/db';
import {
  clearedSessionCookie,
  cookieSecure,
  safeNext,
  sessionCookie,
} from '../../auth/auth-plugin';
import type { AuthService, Principal } from '../../auth/auth-service';
import { hashPassword, verifyPassword } from '../../auth/passwords';
import type { AppContext } from '../../context';
import { ApiError } from '../../errors';
import type { SecurityOptions } from '../../security/options';
import { RateLimiter } from '../../security/rate-limit';
import { signinPage, signedInPage } from './signin-page';

const noStore = { 'cache-control': 'no-store' };

/** What `/api/me` says about a principal. */
export function meOf(p: Principal): Me {
  return {
    user: {
      id: p.userId ?? p.displayTokenId ?? 0,
      username: p.username,
      display_name: p.displayName,
      role: p.role,
      company_id: p.companyId,
    },
    permissions: [...ROLE_PERMISSIONS[p.role]],
    expires_at: p.expiresAt,
  };
}

/**
 * Sign-in and sessions: the server-rendered sign-in page and its form post, the JSON sign-in
 * for the console and API clients (cookie or bearer token), sign-out, one-time sign-in links,
 * wall displays' tokens, and `/api/me`.
 */
export const authRoutes: FastifyPluginAsync<{
  ctx: AppContext;
  auth: AuthService;
  security: SecurityOptions;
}> = async (app, { auth, security }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const perIp = new RateLimiter(security.signinPerIpPerMinute);
  // a user name that failed this often is held: one more try every three minutes
  const failures = new RateLimiter(
    security.signinFailuresPerUser / 15,
    security.signinFailuresPerUser,
  );

  const meta = (req: FastifyRequest) => ({
    ip: req.ip,
    userAgent: req.headers['user-agent'] ?? null,
  });

  /** Checks a sign-in with its rate limits and audits it; the user, or an error to throw. */
  async function attempt(
    req: FastifyRequest,
    reply: FastifyReply,
    username: string,
    password: string,
  ): Promise<UserRow> {
    const name = username.trim().toLowerCase();
    if (!perIp.take(req.ip) || !failures.has(name)) {
      const wait = Math.max(
        perIp.retryAfterS(req.ip),
        failures.has(name) ? 0 : failures.retryAfterS(name),
      );
      void reply.header('retry-after', String(wait));
      await req.audit({
        actor: name,
        companyId: null,
        action: 'signin',
        outcome: 'denied',
        detail: { reason: 'rate_limited' },
      });
      throw new ApiError(
        'CT_ERR_API_RATE_LIMITED',
        `too many sign-in attempts; try again in ${wait} s`,
      );
    }
    const res = await auth.checkPassword(name, password);
    if (!res.ok) {
      failures.take(name);
      await req.audit({
        actor: name,
        companyId: null,
        action: 'signin',
        outcome: 'failed',
        detail: { reason: res.reason },
      });
      throw new ApiError('CT_ERR_API_SIGNIN_FAILED');
    }
    return res.user;
  }

  const signedIn = async (req: FastifyRequest, p: Principal, how: string) => {
    req.principal = p;
    await req.audit({
      action: 'signin',
      companyId: p.companyId,
      detail: { method: how, session: p.sessionKind },
    });
  };

  r.get(
    '/signin',
    {
      config: { access: 'public' },
      schema: {
        hide: true,
        querystring: z.object({
          next: z.string().max(2000).optional(),
          error: z.string().max(20).optional(),
        }),
      },
    },
    async (req, reply) =>
      reply
        .type('text/html; charset=utf-8')
        .headers(noStore)
        .send(signinPage(safeNext(req.query.next), null)),
  );

  // The page's form (application/x-www-form-urlencoded): a session cookie, then back to `next`.
  r.post(
    '/signin',
    {
      config: { access: 'public' },
      schema: {
        hide: true,
        body: z.object({
          username: z.string().max(64).default(''),
          password: z.string().max(1024).default(''),
          next: z.string().max(2000).optional(),
        }),
      },
    },
    async (req, reply) => {
      const next = safeNext(req.body.next);
      try {
        const user = await attempt(req, reply, req.body.username, req.body.password);
        const { token, principal } = await auth.openUserSession(user, 'browser', meta(req));
        await signedIn(req, principal, 'password');
        return reply
          .header('set-cookie', sessionCookie(token, cookieSecure(req, security.cookieSecure)))
          .headers(noStore)
          .redirect(next, 303);
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        const message =
          err.code === 'CT_ERR_API_RATE_LIMITED' ? err.message : 'Wrong user name or password.';
        return reply
          .code(err.statusCode)
          .type('text/html; charset=utf-8')
          .headers(noStore)
          .send(signinPage(next, message));
      }
    },
  );

  r.post(
    '/api/auth/signin',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary:
          'Sign in: sets the session cookie ct_session (HttpOnly, SameSite=Strict); answers who you are',
        body: SignInBodySchema,
        response: { 200: MeSchema },
      },
    },
    async (req, reply) => {
      const user = await attempt(req, reply, req.body.username, req.body.password);
      const { token, principal } = await auth.openUserSession(user, 'browser', meta(req));
      await signedIn(req, principal, 'password');
      return reply
        .header('set-cookie', sessionCookie(token, cookieSecure(req, security.cookieSecure)))
        .send(meOf(principal));
    },
  );

  r.post(
    '/api/auth/token',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary:
          'A bearer token for API clients (Authorization: Bearer <token>); it ends like a browser session',
        body: SignInBodySchema,
        response: { 200: TokenResponseSchema },
      },
    },
    async (req, reply) => {
      const user = await attempt(req, reply, req.body.username, req.body.password);
      const { token, principal } = await auth.openUserSession(user, 'api', meta(req));
      await signedIn(req, principal, 'password');
      return {
        access_token: token,
        token_type: 'Bearer' as const,
        expires_in: Math.round(auth.policy.idleMs / 1000),
      };
    },
  );

  r.post(
    '/api/auth/signout',
    {
      config: { access: 'authenticated' },
      schema: { tags: ['auth'], summary: 'Sign out: ends this session' },
    },
    async (req, reply) => {
      await auth.signOut(req.principal!);
      await req.audit({ action: 'signout' });
      return reply
        .header('set-cookie', clearedSessionCookie(cookieSecure(req, security.cookieSecure)))
        .code(204)
        .send();
    },
  );

  r.get(
    '/api/me',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['auth'],
        summary: 'Who is signed in: the user, role, company and permissions (401 when nobody)',
        response: { 200: MeSchema },
      },
    },
    async (req) => meOf(req.principal!),
  );

  r.post(
    '/api/me/password',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['auth'],
        summary: 'Change your own password (at least 12 characters); ends your other sessions',
        body: ChangePasswordBodySchema,
      },
    },
    async (req, reply) => {
      const p = req.principal!;
      if (p.userId === null)
        throw new ApiError('CT_ERR_API_FORBIDDEN', 'a display has no password');
      await req.db(async (tx) => {
        const user = await getUser(tx, p.userId!);
        if (
          !user?.password_hash ||
          !(await verifyPassword(req.body.current_password, user.password_hash))
        )
          throw new ApiError('CT_ERR_API_SIGNIN_FAILED', 'the current password is wrong');
        await updateUser(tx, user.id, { passwordHash: await hashPassword(req.body.new_password) });
        await req.audit(
          { action: 'password_change', objectType: 'user', objectId: String(user.id) },
          tx,
        );
      });
      // every session of the user ends, this one included: sign in again with the new password
      await req.db((tx) => revokeUserSessions(tx, p.userId!)).catch(() => 0);
      auth.forgetAll();
      return reply.code(204).send();
    },
  );

  r.get(
    '/signin/once/:token',
    {
      config: { access: 'public' },
      schema: { hide: true, params: z.object({ token: z.string().max(100) }) },
    },
    async (req, reply) => {
      const opened = await auth.useSigninLink(req.params.token, meta(req));
      if (!opened) {
        await req.audit({
          actor: 'anonymous',
          companyId: null,
          action: 'signin',
          outcome: 'failed',
          detail: { method: 'link', reason: 'unknown_used_or_expired' },
        });
        return reply
          .code(401)
          .type('text/html; charset=utf-8')
          .headers(noStore)
          .send(signinPage('/', 'This sign-in link is not valid (used already, or expired).'));
      }
      await signedIn(req, opened.principal, 'one_time_link');
      return reply
        .header('set-cookie', sessionCookie(opened.token, cookieSecure(req, security.cookieSecure)))
        .headers(noStore)
        .redirect('/', 303);
    },
  );

  r.get(
    '/display/:token',
    {
      config: { access: 'public' },
      schema: { hide: true, params: z.object({ token: z.string().max(100) }) },
    },
    async (req, reply) => {
      const opened = await auth.openDisplaySession(req.params.token, meta(req));
      if (!opened) {
        await req.audit({
          actor: 'anonymous',
          companyId: null,
          action: 'display_open',
          outcome: 'failed',
        });
        return reply
          .code(401)
          .type('text/html; charset=utf-8')
          .headers(noStore)
          .send(signedInPage('This display link is not valid (revoked, expired or mistyped).'));
      }
      await req.audit({
        actor: `display:${opened.name}`,
        companyId: null,
        action: 'display_open',
        objectType: 'display_token',
        objectId: String(opened.id),
      });
      return reply
        .header('set-cookie', sessionCookie(opened.token, cookieSecure(req, security.cookieSecure)))
        .headers(noStore)
        .redirect('/?mode=wall', 303);
    },
  );
};
