import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import {
  SensorDirectory,
  connect,
  createTestDatabase,
  migrate,
  type Sql,
  type TestDatabase,
} from '@ct/db';
import { buildApp } from '../app';
import { LiveHub } from '../live/live-hub';
import type { SecurityOptions } from '../security/options';
import { DEFAULT_SECURITY } from '../security/options';
import { TEST_PASSWORD, signIn } from '../test-support';
import { hashPassword, verifyPassword } from './passwords';

const cookieOf = (setCookie: unknown) => String(setCookie).split(';')[0]!;

describe('password hashes', () => {
  it('hashes with scrypt and a fresh salt, and verifies only the right password', async () => {
    const a = await hashPassword('correct horse battery staple', { ln: 10, r: 8, p: 1 });
    const b = await hashPassword('correct horse battery staple', { ln: 10, r: 8, p: 1 });
    expect(a).toMatch(/^scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery staple', a)).toBe(true);
    expect(await verifyPassword('correct horse battery stapler', a)).toBe(false);
    expect(await verifyPassword('anything', 'not a hash')).toBe(false);
  });
});

describe('sign-in, sessions, displays and hardening', () => {
  let db: TestDatabase;
  let apiSql: Sql;
  let app: FastifyInstance;
  let logs = '';
  const security: Partial<SecurityOptions> = {
    corsOrigins: ['https://partner.example'],
    signinPerIpPerMinute: 1000,
    signinFailuresPerUser: 5,
  };

  beforeAll(async () => {
    db = await createTestDatabase('ct_auth');
    const { storage } = await migrate(db.sql, { storage: 'postgres' });
    apiSql = connect(db.urlAs('ct_api'), { max: 4 });
    const live = new LiveHub({
      mqttUrl: 'mqtt://127.0.0.1:1',
      clientId: 'auth-test',
      sensors: new SensorDirectory(db.sql),
    });
    const stream = new Writable({
      write(chunk, _enc, done) {
        logs += chunk.toString();
        done();
      },
    });
    app = await buildApp({
      sql: apiSql,
      live,
      storage,
      brokerUrl: 'mqtt://127.0.0.1:1',
      security,
      logger: { level: 'info', stream },
    });
  });

  afterAll(async () => {
    await app?.close();
    await apiSql?.end();
    await db?.drop();
  });

  it('sends a browser without a session to the sign-in page and back to where it was going', async () => {
    const page = await app.inject({ url: '/', headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(302);
    expect(page.headers.location).toBe('/signin?next=%2F');
    expect((await app.inject('/api/status')).statusCode).toBe(401);
    const form = await app.inject('/signin?next=%2Fapi%2Fme');
    expect(form.body).toContain('<form method="post" action="/signin">');
    expect(form.body).toContain('value="/api/me"');

    await signIn(app, db.sql, { username: 'ana', role: 'operator', displayName: 'Ana' });
    const wrong = await app.inject({
      method: 'POST',
      url: '/signin',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'username=ana&password=nope&next=%2Fapi%2Fme',
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).toContain('Wrong user name or password.');
    expect(wrong.headers['set-cookie']).toBeUndefined();

    const right = await app.inject({
      method: 'POST',
      url: '/signin',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `username=ana&password=${encodeURIComponent(TEST_PASSWORD)}&next=%2Fapi%2Fme`,
    });
    expect(right.statusCode).toBe(303);
    expect(right.headers.location).toBe('/api/me');
    const setCookie = String(right.headers['set-cookie']);
    expect(setCookie).toMatch(/^ct_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict$/);
    const me = await app.inject({ url: '/api/me', headers: { cookie: cookieOf(setCookie) } });
    expect(me.json()).toMatchObject({
      user: { username: 'ana', display_name: 'Ana', role: 'operator', company_id: null },
      permissions: expect.arrayContaining(['alerts:act', 'live:read']),
    });

    // `next` only ever leads back into this site
    for (const next of ['//evil.example/x', 'https://evil.example', '/\\evil', '/signin/once/x']) {
      const r = await app.inject({
        method: 'POST',
        url: '/signin',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: `username=ana&password=${encodeURIComponent(TEST_PASSWORD)}&next=${encodeURIComponent(next)}`,
      });
      expect(r.headers.location, next).toBe('/');
    }
  });

  it('ends a session at sign-out, and after its idle time', async () => {
    const s = await signIn(app, db.sql, { username: 'ben', role: 'safety_officer' });
    expect((await s.inject('/api/me')).statusCode).toBe(200);
    expect((await s.inject({ method: 'POST', url: '/api/auth/signout' })).statusCode).toBe(204);
    expect((await s.inject('/api/me')).statusCode).toBe(401);

    const quick = await buildApp({
      sql: apiSql,
      live: new LiveHub({
        mqttUrl: 'mqtt://127.0.0.1:1',
        clientId: 'q',
        sensors: new SensorDirectory(db.sql),
      }),
      storage: 'postgres',
      brokerUrl: 'mqtt://127.0.0.1:1',
      security: {
        session: { ...DEFAULT_SECURITY.session, idleMs: 300, cacheMs: 0, touchEveryMs: 0 },
      },
    });
    try {
      const t = await signIn(quick, db.sql, { username: 'cleo', role: 'regulator' });
      expect((await t.inject('/api/me')).statusCode).toBe(200);
      await new Promise((r) => setTimeout(r, 700));
      expect((await t.inject('/api/me')).statusCode).toBe(401);
    } finally {
      await quick.close();
    }
  });

  it('holds a user name after five failed sign-ins, even with the right password, and audits it', async () => {
    await signIn(app, db.sql, { username: 'dora', role: 'regulator' });
    const attempt = (password: string) =>
      app.inject({
        method: 'POST',
        url: '/api/auth/signin',
        payload: { username: 'dora', password },
      });
    for (let i = 0; i < 5; i++) expect((await attempt('guess number ' + i)).statusCode).toBe(401);
    const held = await attempt(TEST_PASSWORD);
    expect(held.statusCode).toBe(429);
    expect(held.json().code).toBe('CT_ERR_API_RATE_LIMITED');
    expect(Number(held.headers['retry-after'])).toBeGreaterThan(0);
    const rows = await db.sql<{ outcome: string; n: number }[]>`
      select outcome, count(*)::int as n from audit_log
      where action = 'signin' and actor = 'dora' group by outcome order by outcome`;
    expect(rows).toEqual([
      { outcome: 'denied', n: 1 },
      { outcome: 'failed', n: 5 },
      { outcome: 'ok', n: 1 },
    ]);
  });

  it('signs a wall display in read-only with its token, and out when the token is revoked', async () => {
    const admin = await signIn(app, db.sql, { username: 'root', role: 'complex_admin' });
    const made = await admin.inject({
      method: 'POST',
      url: '/api/display-tokens',
      payload: { name: 'Wall 1' },
    });
    expect(made.statusCode).toBe(201);
    const { url, token } = made.json<{ url: string; token: { id: number } }>();
    const opened = await app.inject(url);
    expect(opened.statusCode).toBe(303);
    expect(opened.headers.location).toBe('/?mode=wall');
    const cookie = cookieOf(opened.headers['set-cookie']);
    const me = await app.inject({ url: '/api/me', headers: { cookie } });
    expect(me.json()).toMatchObject({ user: { role: 'display', username: 'display:Wall 1' } });
    expect((await app.inject({ url: '/api/status', headers: { cookie } })).statusCode).toBe(200);
    // read-only: no actions, no administration
    const act = await app.inject({
      method: 'POST',
      url: '/api/alerts/1/ack',
      headers: { cookie, origin: 'http://localhost:80', host: 'localhost:80' },
      payload: { version: 1 },
    });
    expect(act.statusCode).toBe(403);
    expect((await app.inject({ url: '/api/display-tokens', headers: { cookie } })).statusCode).toBe(
      403,
    );
    const revoked = await admin.inject({
      method: 'DELETE',
      url: `/api/display-tokens/${token.id}`,
    });
    expect(revoked.json()).toMatchObject({ id: token.id, revoked_at: expect.any(Number) });
    expect((await app.inject({ url: '/api/me', headers: { cookie } })).statusCode).toBe(401);
    expect((await app.inject(url)).statusCode).toBe(401);
  });

  it('lets a one-time link sign in once, and a user an admin disabled not at all', async () => {
    const admin = await signIn(app, db.sql, { username: 'root2', role: 'complex_admin' });
    const made = await admin.inject({
      method: 'POST',
      url: '/api/users',
      payload: { username: 'eve', display_name: 'Eve', role: 'regulator' },
    });
    expect(made.statusCode).toBe(201);
    const { user, signin_link } = made.json<{ user: { id: number }; signin_link: string }>();
    const first = await app.inject(signin_link);
    expect(first.statusCode).toBe(303);
    const cookie = cookieOf(first.headers['set-cookie']);
    expect((await app.inject(signin_link)).statusCode).toBe(401);
    expect((await app.inject({ url: '/api/me', headers: { cookie } })).statusCode).toBe(200);
    const off = await admin.inject({
      method: 'PATCH',
      url: `/api/users/${user.id}`,
      payload: { disabled: true },
    });
    expect(off.statusCode).toBe(200);
    expect((await app.inject({ url: '/api/me', headers: { cookie } })).statusCode).toBe(401);
    const audit = (await admin.inject('/api/audit?limit=50')).json<{
      items: { action: string; object_id: string | null }[];
    }>();
    expect(audit.items.filter((a) => a.object_id === String(user.id)).map((a) => a.action)).toEqual(
      ['user_update', 'user_create'],
    );
  });

  it('sends security headers and keeps CORS closed but for listed origins', async () => {
    const res = await app.inject('/healthz');
    expect(res.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'same-origin',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
    });
    expect(res.headers['content-security-policy']).toMatch(/script-src 'self';/);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const s = await signIn(app, db.sql, { username: 'finn', role: 'operator' });
    const other = await s.inject({ url: '/api/me', headers: { origin: 'https://evil.example' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/api/me',
      headers: { origin: 'https://evil.example' },
    });
    expect(preflight.statusCode).toBe(403);
    const listed = await app.inject({
      method: 'OPTIONS',
      url: '/api/me',
      headers: { origin: 'https://partner.example' },
    });
    expect(listed.statusCode).toBe(204);
    expect(listed.headers['access-control-allow-origin']).toBe('https://partner.example');
    // a form on another site posting with the browser's cookie is refused before anything runs
    const forged = await app.inject({
      method: 'POST',
      url: '/api/auth/signout',
      headers: { ...s.headers, origin: 'https://evil.example' },
    });
    expect(forged.statusCode).toBe(403);
    expect((await s.inject('/api/me')).statusCode).toBe(200);
    const big = await s.inject({
      method: 'POST',
      url: '/api/alerts/1/comment',
      headers: { 'content-type': 'application/json' },
      payload: `{"x":"${'a'.repeat(1_100_000)}"}`,
    });
    expect(big.statusCode).toBe(413);
  });

  it('writes no password, token, cookie or link secret to the log', async () => {
    logs = '';
    const s = await signIn(app, db.sql, { username: 'gus', role: 'operator' });
    await app.inject({
      method: 'POST',
      url: '/api/auth/signin',
      payload: { username: 'gus', password: 'wrong password 123' },
    });
    await s.inject('/api/me');
    const admin = await signIn(app, db.sql, { username: 'root3', role: 'complex_admin' });
    const wall = (
      await admin.inject({
        method: 'POST',
        url: '/api/display-tokens',
        payload: { name: 'Wall 2' },
      })
    ).json<{ url: string }>();
    const opened = await app.inject(wall.url);
    const link = (
      await admin.inject({
        method: 'POST',
        url: '/api/users',
        payload: { username: 'hal', display_name: 'Hal', role: 'regulator' },
      })
    ).json<{ signin_link: string }>().signin_link;
    await app.inject(link);
    expect(logs.length).toBeGreaterThan(1000);
    for (const secret of [
      TEST_PASSWORD,
      'wrong password 123',
      s.token,
      admin.token,
      wall.url.split('/').pop()!,
      link.split('/').pop()!,
      cookieOf(opened.headers['set-cookie']).split('=')[1]!,
    ])
      expect(logs.includes(secret), secret).toBe(false);
    expect(logs).toContain('/display/[redacted]');
  });
});
