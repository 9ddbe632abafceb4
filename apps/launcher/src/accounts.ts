import { createHash, randomBytes } from 'node:crypto';
import { MQTT_SERVICES } from '@ct/contracts';
import {
  countUsers,
  createSigninLink,
  createUser,
  findUserByUsername,
  getMqttAccount,
  upsertMqttService,
  type Sql,
} from '@ct/db';
import { hashMqttPassword, type MqttPrincipal } from '@ct/mqtt-auth';
import type { BrokerAuth } from '@ct/local-servers';

export const FIRST_ADMIN = 'admin';

/**
 * The first complex admin: created at the first start without a password, signed in once
 * through a link the launcher prints (valid once, 24 h). Returns the link's secret while the
 * admin has not signed in yet (or when `renew` asks for a new one), else null.
 */
export async function firstAdminLink(sql: Sql, renew: boolean): Promise<string | null> {
  let admin = await findUserByUsername(sql, FIRST_ADMIN);
  if (!admin) {
    if ((await countUsers(sql)) > 0 && !renew) return null;
    admin = await createUser(sql, {
      username: FIRST_ADMIN,
      displayName: 'Complex administrator',
      role: 'complex_admin',
      companyId: null,
      passwordHash: null,
      createdBy: null,
    });
    if (!admin) return null;
  } else if (!renew) {
    const [signedIn] = await sql<{ n: number }[]>`
      select count(*)::int as n from session where user_id = ${admin.id}`;
    if (admin.password_hash || (signedIn?.n ?? 0) > 0) return null;
  }
  const token = randomBytes(32).toString('base64url');
  // the api finds a link by the SHA-256 of its secret (apps/api/src/auth/tokens.ts)
  await createSigninLink(sql, {
    tokenHash: createHash('sha256').update(token).digest(),
    userId: admin.id,
    expiresAt: new Date(Date.now() + 24 * 3_600_000),
  });
  return token;
}

/**
 * Fresh MQTT credentials for the platform's services on the embedded broker (new passwords at
 * every start; nothing else knows them): the env each app gets.
 */
export async function serviceCredentials(
  sql: Sql,
): Promise<
  Record<(typeof MQTT_SERVICES)[number], { MQTT_USERNAME: string; MQTT_PASSWORD: string }>
> {
  const out = {} as Record<
    (typeof MQTT_SERVICES)[number],
    { MQTT_USERNAME: string; MQTT_PASSWORD: string }
  >;
  for (const service of MQTT_SERVICES) {
    const password = randomBytes(24).toString('base64url');
    await upsertMqttService(sql, {
      username: service,
      service,
      passwordHash: await hashMqttPassword(password),
    });
    out[service] = { MQTT_USERNAME: service, MQTT_PASSWORD: password };
  }
  return out;
}

/** The embedded broker's accounts, read from the database at each connection. */
export function brokerAccounts(sql: Sql, onDenied: BrokerAuth['onDenied']): BrokerAuth {
  return {
    async account(username) {
      const a = await getMqttAccount(sql, username);
      if (!a || a.disabled) return null;
      const principal: MqttPrincipal =
        a.kind === 'device'
          ? { kind: 'device', username: a.username, companyId: a.company_id! }
          : { kind: 'service', username: a.username, service: a.service! };
      return { principal, passwordHash: a.password_hash };
    },
    onDenied,
  };
}
