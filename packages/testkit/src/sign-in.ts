import { createHash, randomBytes } from 'node:crypto';
import type { UserRole } from '@ct/contracts';
import { createSigninLink, createUser, type Sql } from '@ct/db';

/**
 * Creates a user in the database and signs it in through a one-time link, as a new user would:
 * the session cookie to send with requests (and WebSocket upgrades).
 */
export async function signedInCookie(
  sql: Sql,
  api: string,
  u: { username: string; role: UserRole; companyId?: string; displayName?: string },
): Promise<string> {
  const user = await createUser(sql, {
    username: u.username,
    displayName: u.displayName ?? u.username,
    role: u.role,
    companyId: u.companyId ?? null,
    passwordHash: null,
    createdBy: null,
  });
  const token = randomBytes(32).toString('base64url');
  await createSigninLink(sql, {
    tokenHash: createHash('sha256').update(token).digest(),
    userId: user!.id,
    expiresAt: new Date(Date.now() + 60_000),
  });
  const res = await fetch(`${api}/signin/once/${token}`, { redirect: 'manual' });
  const cookie = res.headers.get('set-cookie')?.split(';')[0];
  if (res.status !== 303 || !cookie) throw new Error(`sign-in link refused: ${res.status}`);
  return cookie;
}
