import { COMPANY_ROLES, type Role } from '@ct/contracts';
import {
  SYSTEM_SCOPE,
  consumeSigninLink,
  createSession,
  createSigninLink,
  findSession,
  findUserByUsername,
  getUser,
  revokeSession,
  touchSession,
  useDisplayToken,
  withScope,
  type Scope,
  type SessionRow,
  type Sql,
  type UserRow,
} from '@ct/db';
import { decoyHash, verifyPassword } from './passwords';
import { hashToken, looksLikeToken, newToken } from './tokens';

/** Who a request is for: a signed-in user, or a wall display's token. */
export interface Principal {
  kind: 'user' | 'display';
  userId: number | null;
  displayTokenId: number | null;
  username: string;
  displayName: string;
  role: Role;
  companyId: string | null;
  sessionKind: 'browser' | 'api' | 'display';
  tokenHash: Buffer;
  /** When the session ends unless used again, epoch ms. */
  expiresAt: number;
}

/** The database scope of a request: what its policies let it see. */
export function scopeOf(p: Principal | null): Scope {
  if (!p) return { role: 'none', companyId: null, userId: null };
  return {
    role: p.role,
    companyId: COMPANY_ROLES.includes(p.role) ? p.companyId : null,
    userId: p.userId,
  };
}

export interface SessionPolicy {
  /** A session unused this long ends (sliding). */
  idleMs: number;
  /** A session ends this long after sign-in whatever its use. */
  absoluteMs: number;
  /** A wall display's session: idle and absolute lifetime. */
  displayIdleMs: number;
  displayAbsoluteMs: number;
  /** A session found valid is trusted this long before the database is asked again. */
  cacheMs: number;
  /** The expiry is written back at most this often per session. */
  touchEveryMs: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = {
  idleMs: 30 * 60_000,
  absoluteMs: 12 * 3_600_000,
  displayIdleMs: 7 * 86_400_000,
  displayAbsoluteMs: 365 * 86_400_000,
  cacheMs: 5_000,
  touchEveryMs: 60_000,
};

export interface ClientMeta {
  ip: string | null;
  userAgent: string | null;
}

export type SignInResult =
  | { ok: true; user: UserRow }
  | { ok: false; reason: 'unknown_user' | 'wrong_password' | 'disabled' | 'no_password' };

function principalOf(s: SessionRow): Principal {
  return {
    kind: s.display_token_id !== null ? 'display' : 'user',
    userId: s.user_id,
    displayTokenId: s.display_token_id,
    username: s.username ?? `display:${s.display_name ?? s.display_token_id}`,
    displayName: s.display_name ?? '',
    role: s.role,
    companyId: s.company_id,
    sessionKind: s.kind,
    tokenHash: s.token_hash,
    expiresAt: s.expires_at.getTime(),
  };
}

/**
 * Sessions: sign-in by password, one-time links and display tokens, lookup of the session of a
 * request (cached briefly, with sliding expiry written back), sign-out. Secrets are stored only
 * as SHA-256 hashes; passwords as scrypt hashes.
 */
export class AuthService {
  private readonly cache = new Map<string, { p: Principal; at: number; touchedAt: number }>();

  constructor(
    private readonly sql: Sql,
    readonly policy: SessionPolicy = DEFAULT_SESSION_POLICY,
  ) {}

  private system<T>(fn: Parameters<typeof withScope<T>>[2]): Promise<T> {
    return withScope(this.sql, SYSTEM_SCOPE, fn);
  }

  /** The principal of a session token, or null when it is not a live session. */
  async authenticate(token: string): Promise<Principal | null> {
    if (!looksLikeToken(token)) return null;
    const hash = hashToken(token);
    const key = hash.toString('hex');
    const now = Date.now();
    const hit = this.cache.get(key);
    if (hit && now - hit.at < this.policy.cacheMs && hit.p.expiresAt > now) {
      if (now - hit.touchedAt >= this.policy.touchEveryMs) await this.touch(key, hit, now);
      return hit.p;
    }
    const row = await this.system((tx) => findSession(tx, hash));
    if (!row) {
      this.cache.delete(key);
      return null;
    }
    const entry = { p: principalOf(row), at: now, touchedAt: row.last_seen_at.getTime() };
    if (this.cache.size > 50_000) this.cache.clear();
    this.cache.set(key, entry);
    if (now - entry.touchedAt >= this.policy.touchEveryMs) await this.touch(key, entry, now);
    return entry.p;
  }

  private async touch(
    key: string,
    entry: { p: Principal; at: number; touchedAt: number },
    now: number,
  ): Promise<void> {
    const idle = entry.p.kind === 'display' ? this.policy.displayIdleMs : this.policy.idleMs;
    const expires = await this.system((tx) =>
      touchSession(tx, entry.p.tokenHash, new Date(now + idle)),
    );
    entry.touchedAt = now;
    entry.p = { ...entry.p, expiresAt: expires.getTime() };
    this.cache.set(key, entry);
  }

  /** Checks a user name and password. Takes as long for an unknown user as for a known one. */
  async checkPassword(username: string, password: string): Promise<SignInResult> {
    const user = await this.system((tx) => findUserByUsername(tx, username));
    if (!user) {
      await verifyPassword(password, await decoyHash());
      return { ok: false, reason: 'unknown_user' };
    }
    if (!user.password_hash) {
      await verifyPassword(password, await decoyHash());
      return { ok: false, reason: 'no_password' };
    }
    if (!(await verifyPassword(password, user.password_hash)))
      return { ok: false, reason: 'wrong_password' };
    if (user.disabled) return { ok: false, reason: 'disabled' };
    return { ok: true, user };
  }

  /** Opens a session for a user; returns its secret (for the cookie or the bearer header). */
  async openUserSession(
    user: UserRow,
    kind: 'browser' | 'api',
    meta: ClientMeta,
  ): Promise<{ token: string; principal: Principal }> {
    const token = newToken();
    const now = Date.now();
    const expires = new Date(now + this.policy.idleMs);
    await this.system((tx) =>
      createSession(tx, {
        tokenHash: hashToken(token),
        kind,
        userId: user.id,
        displayTokenId: null,
        expiresAt: expires,
        absoluteExpiresAt: new Date(now + this.policy.absoluteMs),
        ip: meta.ip,
        userAgent: meta.userAgent?.slice(0, 300) ?? null,
      }),
    );
    return {
      token,
      principal: {
        kind: 'user',
        userId: user.id,
        displayTokenId: null,
        username: user.username,
        displayName: user.display_name,
        role: user.role,
        companyId: user.company_id,
        sessionKind: kind,
        tokenHash: hashToken(token),
        expiresAt: expires.getTime(),
      },
    };
  }

  /** Uses a one-time sign-in link: a browser session for its user, or null. */
  async useSigninLink(
    link: string,
    meta: ClientMeta,
  ): Promise<{ token: string; principal: Principal } | null> {
    if (!looksLikeToken(link)) return null;
    const userId = await this.system((tx) => consumeSigninLink(tx, hashToken(link)));
    if (userId === null) return null;
    const user = await this.system((tx) => getUser(tx, userId));
    if (!user || user.disabled) return null;
    return this.openUserSession(user, 'browser', meta);
  }

  /** Makes a one-time sign-in link's secret for a user (valid once, until `ttlMs` from now). */
  async makeSigninLink(userId: number, ttlMs = 24 * 3_600_000): Promise<string> {
    const token = newToken();
    await this.system((tx) =>
      createSigninLink(tx, {
        tokenHash: hashToken(token),
        userId,
        expiresAt: new Date(Date.now() + ttlMs),
      }),
    );
    return token;
  }

  /** Opens a read-only display session from a display token's secret, or null. */
  async openDisplaySession(
    secret: string,
    meta: ClientMeta,
  ): Promise<{ token: string; name: string; id: number } | null> {
    if (!looksLikeToken(secret)) return null;
    const display = await this.system((tx) => useDisplayToken(tx, hashToken(secret)));
    if (!display) return null;
    const token = newToken();
    const now = Date.now();
    const absolute = Math.min(
      now + this.policy.displayAbsoluteMs,
      display.expires_at?.getTime() ?? Infinity,
    );
    await this.system((tx) =>
      createSession(tx, {
        tokenHash: hashToken(token),
        kind: 'display',
        userId: null,
        displayTokenId: display.id,
        expiresAt: new Date(Math.min(now + this.policy.displayIdleMs, absolute)),
        absoluteExpiresAt: new Date(absolute),
        ip: meta.ip,
        userAgent: meta.userAgent?.slice(0, 300) ?? null,
      }),
    );
    return { token, name: display.name, id: display.id };
  }

  /** Ends a session (sign-out). */
  async signOut(p: Principal): Promise<void> {
    await this.system((tx) => revokeSession(tx, p.tokenHash));
    this.cache.delete(p.tokenHash.toString('hex'));
  }

  /** Forgets every cached session (after revoking some in the database). */
  forgetAll(): void {
    this.cache.clear();
  }
}
