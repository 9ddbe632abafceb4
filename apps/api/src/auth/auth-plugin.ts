import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { PERMISSIONS, hasPermission, type Permission } from '@ct/contracts';
import { SYSTEM_SCOPE, appendAudit, withScope, type AuditInput, type Sql, type Tx } from '@ct/db';
import { ApiError } from '../errors';
import type { SecurityOptions } from '../security/options';
import { RateLimiter } from '../security/rate-limit';
import { scopeOf, type AuthService, type Principal } from './auth-service';

/**
 * What a route needs: `public` (no sign-in), `authenticated` (any signed-in user or display),
 * `console` (the console's files: a browser without a session is sent to the sign-in page),
 * or a permission. Every route declares one (`config: { access }`); the app refuses to start
 * with a route that does not.
 */
export type Access = 'public' | 'authenticated' | 'console' | Permission;

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyInstance {
    /** What each route declared it needs, by `METHOD /path` (the access matrix test reads it). */
    routeAccess: Map<string, Access>;
  }
  interface FastifyRequest {
    /** The signed-in user or display, null when none. */
    principal: Principal | null;
    /**
     * Runs database work in a transaction scoped to the principal: the policies of the
     * database decide which companies' rows it sees.
     */
    db<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
    /** Appends to the audit log who did what from where (in `tx` when given). */
    audit(
      entry: Omit<
        AuditInput,
        'actorId' | 'actor' | 'actorRole' | 'ip' | 'userAgent' | 'companyId'
      > & {
        actor?: string;
        /** The company the entry concerns; default the actor's. */
        companyId?: string | null;
      },
      tx?: Tx,
    ): Promise<void>;
  }
}

export const SESSION_COOKIE = 'ct_session';

/** The value of one cookie in a Cookie header, or null. */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return null;
}

/** The session cookie: HttpOnly (no script reads it), SameSite=Strict (no other site sends it). */
export function sessionCookie(token: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

export function clearedSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure ? '; Secure' : ''}`;
}

/** Whether the session cookie gets the Secure flag for this request. */
export function cookieSecure(req: FastifyRequest, opt: SecurityOptions['cookieSecure']): boolean {
  return opt === 'auto' ? req.protocol === 'https' : opt;
}

/** The request's session secret: the bearer token, else the session cookie. */
function tokenOf(req: FastifyRequest): string | null {
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && /^Bearer\s+/i.test(auth)) return auth.replace(/^Bearer\s+/i, '');
  return readCookie(req.headers.cookie, SESSION_COOKIE);
}

/** A path the sign-in page may send a browser back to (same origin, no scheme, no `//`). */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string' || next.length > 2000) return '/';
  if (!next.startsWith('/') || next.startsWith('//') || /[\\\r\n\t]/.test(next)) return '/';
  if (next.startsWith('/signin') || next.startsWith('/display/')) return '/';
  return next;
}

/** Routes added by plugins: the documentation and the console's files. */
function defaultAccess(url: string, docsPublic: boolean): Access | undefined {
  if (url === '/docs' || url.startsWith('/docs/')) return docsPublic ? 'public' : 'authenticated';
  if (url === '/' || url === '/*') return 'console';
  return undefined;
}

/** Whether a request is a browser asking for a page (to be sent to sign-in, not refused). */
function wantsPage(req: FastifyRequest): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const path = req.url.split('?')[0]!;
  return path === '/' || path.endsWith('.html') || (req.headers.accept ?? '').includes('text/html');
}

/** Sends a browser without a session to the sign-in page, and back here afterwards. */
export function toSignin(req: FastifyRequest, reply: FastifyReply): FastifyReply {
  return reply.redirect(`/signin?next=${encodeURIComponent(safeNext(req.url))}`, 302);
}

export interface AuthPluginOptions {
  sql: Sql;
  auth: AuthService;
  security: SecurityOptions;
}

/**
 * Sign-in enforcement for every route: finds the request's session, rate-limits it, and checks
 * the route's declared access before any handler runs. Decorates requests with `principal`,
 * `db` (scoped database work) and `audit`.
 */
const plugin: FastifyPluginAsync<AuthPluginOptions> = async (app, { sql, auth, security }) => {
  const perSession = new RateLimiter(security.apiPerMinute, security.apiBurst);
  const perAddress = new RateLimiter(
    security.anonymousPerMinute,
    Math.max(10, security.anonymousPerMinute / 5),
  );

  const routeAccess = new Map<string, Access>();
  app.decorate('routeAccess', routeAccess);
  app.decorateRequest('principal', null);
  app.decorateRequest('db', function <
    T,
  >(this: FastifyRequest, fn: (tx: Tx) => Promise<T>): Promise<T> {
    return withScope(sql, scopeOf(this.principal), fn);
  });
  app.decorateRequest(
    'audit',
    async function (
      this: FastifyRequest,
      entry: Parameters<FastifyRequest['audit']>[0],
      tx?: Tx,
    ): Promise<void> {
      const p = this.principal;
      const row: AuditInput = {
        ...entry,
        actorId: p?.userId ?? null,
        actor: entry.actor ?? p?.username ?? 'anonymous',
        actorRole: p?.role ?? null,
        companyId: entry.companyId !== undefined ? entry.companyId : (p?.companyId ?? null),
        ip: this.ip,
        userAgent: this.headers['user-agent'] ?? null,
      };
      if (tx) await appendAudit(tx, row);
      else await withScope(sql, SYSTEM_SCOPE, (t) => appendAudit(t, row));
    },
  );

  app.addHook('onRoute', (route) => {
    const config = (route.config ?? {}) as { access?: Access };
    const access = config.access ?? defaultAccess(route.url, security.docsPublic);
    if (!access) {
      throw new Error(
        `route ${String(route.method)} ${route.url} declares no access (config.access): every route says what it needs`,
      );
    }
    if (
      !['public', 'authenticated', 'console'].includes(access) &&
      !(PERMISSIONS as readonly string[]).includes(access)
    ) {
      throw new Error(`route ${route.url}: unknown access ${access}`);
    }
    route.config = { ...config, access } as typeof route.config;
    for (const m of [route.method].flat()) routeAccess.set(`${m} ${route.url}`, access);
  });

  app.addHook('onRequest', async (req, reply) => {
    const token = tokenOf(req);
    req.principal = token ? await auth.authenticate(token) : null;

    const limiter = req.principal ? perSession : perAddress;
    const key = req.principal ? req.principal.tokenHash.toString('hex') : `ip:${req.ip}`;
    if (!limiter.take(key)) {
      void reply.header('retry-after', String(limiter.retryAfterS(key)));
      throw new ApiError('CT_ERR_API_RATE_LIMITED');
    }

    const access = (req.routeOptions.config as { access?: Access } | undefined)?.access;
    // no route: the not-found handler decides (it also keeps unknown paths from strangers)
    if (access === undefined || access === 'public') return;
    if (!req.principal) {
      if (access === 'console' && wantsPage(req)) return toSignin(req, reply);
      throw new ApiError('CT_ERR_API_UNAUTHENTICATED');
    }
    if (access === 'authenticated' || access === 'console') return;
    if (!hasPermission(req.principal.role, access)) {
      req.log.warn(
        { user: req.principal.username, role: req.principal.role, route: req.routeOptions.url },
        'access refused',
      );
      throw new ApiError(
        'CT_ERR_API_FORBIDDEN',
        `the role ${req.principal.role} does not have ${access}`,
      );
    }
  });
};

export const authPlugin = fp(plugin, { name: 'ct-auth' });
