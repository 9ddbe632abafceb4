import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { UserRole } from '@ct/contracts';
import { createUser, type Sql } from '@ct/db';
import { hashPassword } from './auth/passwords';

export const TEST_PASSWORD = 'correct horse battery staple';

/** A cheap scrypt cost for test users (the default is deliberately slow). */
const TEST_COST = { ln: 10, r: 8, p: 1 };

/** The api as one signed-in user sees it: `inject` with the user's bearer token. */
export interface SignedIn {
  token: string;
  userId: number;
  username: string;
  headers: { authorization: string };
  inject(opts: string | InjectOptions): Promise<LightMyRequestResponse>;
}

/** Creates a user directly in the database (as the owner) and signs in through the api. */
export async function signIn(
  app: FastifyInstance,
  sql: Sql,
  u: { username: string; role: UserRole; companyId?: string | null; displayName?: string },
): Promise<SignedIn> {
  const row = await createUser(sql, {
    username: u.username,
    displayName: u.displayName ?? u.username,
    role: u.role,
    companyId: u.companyId ?? null,
    passwordHash: await hashPassword(TEST_PASSWORD, TEST_COST),
    createdBy: null,
  });
  if (!row) throw new Error(`user ${u.username} exists already`);
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/token',
    payload: { username: u.username, password: TEST_PASSWORD },
  });
  if (res.statusCode !== 200) throw new Error(`sign-in of ${u.username}: ${res.body}`);
  const token = res.json<{ access_token: string }>().access_token;
  const headers = { authorization: `Bearer ${token}` };
  return {
    token,
    userId: row.id,
    username: row.username,
    headers,
    inject: (opts) =>
      app.inject(
        typeof opts === 'string'
          ? { url: opts, headers }
          : { ...opts, headers: { ...(opts.headers ?? {}), ...headers } },
      ),
  };
}
