import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import {
  ROLE_PERMISSIONS,
  equipmentEventTopic,
  type EquipmentHealth,
  type Permission,
  type Role,
} from '@ct/contracts';
import {
  SensorDirectory,
  connect,
  createDisplayToken,
  createMqttDevice,
  createSigninLink,
  createTestDatabase,
  createUser,
  fixtureCompanies,
  loadPlant,
  migrate,
  seedCompanyData,
  type CompanyFixture,
  type Sql,
  type TestDatabase,
} from '@ct/db';
import { generatePlant } from '@ct/plant';
import { buildApp } from '../app';
import type { Access } from '../auth/auth-plugin';
import { LiveHub } from '../live/live-hub';
import { TEST_PASSWORD, signIn } from '../test-support';

/** Columns of the matrix in docs/security.md. */
const COLUMNS = [
  'anonymous',
  'operator',
  'safety_officer',
  'plant_engineer',
  'company_admin',
  'complex_admin',
  'regulator',
  'display',
] as const;
type Column = (typeof COLUMNS)[number];
type Cell = 'yes' | 'all' | 'own' | 'incidents' | 'unattributed' | '-';

/** The matrix as docs/security.md states it: route -> column -> cell. */
function readMatrix(): Map<string, Record<Column, Cell>> {
  const text = readFileSync(
    join(import.meta.dirname, '..', '..', '..', '..', 'docs', 'security.md'),
    'utf8',
  );
  const section = text.slice(text.indexOf('## The permission matrix'));
  const out = new Map<string, Record<Column, Cell>>();
  for (const line of section.split('\n')) {
    const m = /^\| `([A-Z]+ [^`]+)`(?: \([^)]*\))? \|(.*)\|$/.exec(line);
    if (!m) continue;
    const cells = m[2]!.split('|').map((c) => c.trim() as Cell);
    expect(cells, line).toHaveLength(COLUMNS.length);
    out.set(
      m[1]!,
      Object.fromEntries(COLUMNS.map((c, i) => [c, cells[i]!])) as Record<Column, Cell>,
    );
  }
  return out;
}

/** `GET /api/alerts/:id` as the docs write it: `GET /api/alerts/{id}`; /docs/* as one row. */
function docKey(key: string): string {
  const [method, url] = key.split(' ') as [string, string];
  if (url === '/docs' || url.startsWith('/docs/')) return 'GET /docs/*';
  return `${method} ${url.replace(/:(\w+)/g, '{$1}')}`;
}

interface Who {
  column: Column;
  /** The principal's own company (company roles), else null. */
  company: CompanyFixture | null;
  headers: Record<string, string>;
  /** A user's name (for a fresh token), or the display's secret. */
  username?: string;
  displaySecret?: string;
}

/** A row of a list answer: whose it is. */
interface Row {
  company: string | null;
  incident?: boolean;
}

type Outcome = 'allowed' | 'denied';

interface Probe {
  /** `item`: one request per company's resource; `list`: rows checked; `none`: no company. */
  kind: 'item' | 'list' | 'none';
  /** Alert routes: the incident and the equipment alert of each company are probed. */
  alerts?: boolean;
  request(x: CompanyFixture, who: Who, alertId?: number): InjectOptions | Promise<InjectOptions>;
  rows?(res: LightMyRequestResponse): Row[];
  judge?(res: LightMyRequestResponse): Outcome;
}

function defaultJudge(res: LightMyRequestResponse): Outcome {
  if (res.statusCode >= 500) throw new Error(`${res.statusCode}: ${res.body.slice(0, 300)}`);
  if ([401, 403, 404].includes(res.statusCode)) return 'denied';
  // a browser without a session is sent to the sign-in page
  if (res.statusCode === 302 && String(res.headers.location).startsWith('/signin')) return 'denied';
  return 'allowed';
}

describe('the role x company x route matrix of docs/security.md', () => {
  let db: TestDatabase;
  let apiSql: Sql;
  let app: FastifyInstance;
  let live: LiveHub;
  let A: CompanyFixture;
  let B: CompanyFixture;
  const principals: Who[] = [];
  /** Per company: a plant engineer to administer (PATCH, links), and a CML of the segment. */
  const target = new Map<string, { userId: number; cml: string; wallMm: number }>();
  let counter = 0;
  const unique = (p: string) => `${p}-${++counter}`;

  /** A fresh one-time link or display token, made as the owner (each works once). */
  const freshLink = async () => {
    const u = await createUser(db.sql, {
      username: unique('link-user'),
      displayName: 'link',
      role: 'regulator',
      companyId: null,
      passwordHash: null,
      createdBy: null,
    });
    const token = randomBytes(32).toString('base64url');
    await createSigninLink(db.sql, {
      tokenHash: createHash('sha256').update(token).digest(),
      userId: u!.id,
      expiresAt: new Date(Date.now() + 60_000),
    });
    return token;
  };
  const freshDisplay = async () => {
    const token = randomBytes(32).toString('base64url');
    const t = await createDisplayToken(db.sql, {
      name: unique('wall'),
      tokenHash: createHash('sha256').update(token).digest(),
      createdBy: 1,
      expiresAt: null,
    });
    return { token, id: t.id };
  };
  const json = (method: string, url: string, payload: object, who: Who): InjectOptions => ({
    method: method as 'POST',
    url,
    payload,
    headers: who.headers,
  });
  const get = (url: string, who: Who): InjectOptions => ({ url, headers: who.headers });
  const companyOfSensor = (id: number) =>
    id === A.sensorId ? A.companyId : id === B.sensorId ? B.companyId : '?';

  const PROBES: Record<string, Probe> = {
    'GET /healthz': { kind: 'none', request: (_x, w) => get('/healthz', w) },
    'GET /readyz': { kind: 'none', request: (_x, w) => get('/readyz', w) },
    'GET /metrics': { kind: 'none', request: (_x, w) => get('/metrics', w) },
    'GET /docs/*': { kind: 'none', request: (_x, w) => get('/docs/json', w) },
    'GET /signin': { kind: 'none', request: (_x, w) => get('/signin?next=/', w) },
    'POST /signin': {
      kind: 'none',
      request: (_x, w) => ({
        method: 'POST',
        url: '/signin',
        headers: { ...w.headers, 'content-type': 'application/x-www-form-urlencoded' },
        payload: `username=form-user&password=${encodeURIComponent(TEST_PASSWORD)}&next=%2F`,
      }),
    },
    'GET /signin/once/{token}': {
      kind: 'none',
      request: async (_x, w) => get(`/signin/once/${await freshLink()}`, w),
    },
    'GET /display/{token}': {
      kind: 'none',
      request: async (_x, w) => get(`/display/${(await freshDisplay()).token}`, w),
    },
    'POST /api/auth/signin': {
      kind: 'none',
      request: (_x, w) =>
        json('POST', '/api/auth/signin', { username: 'form-user', password: TEST_PASSWORD }, w),
    },
    'POST /api/auth/token': {
      kind: 'none',
      request: (_x, w) =>
        json('POST', '/api/auth/token', { username: 'form-user', password: TEST_PASSWORD }, w),
    },
    'POST /api/auth/signout': {
      kind: 'none',
      // a fresh session of the same principal, so that the others stay signed in
      request: async (_x, w) => {
        if (w.column === 'anonymous') return { method: 'POST', url: '/api/auth/signout' };
        let token: string;
        if (w.displaySecret) {
          const res = await app.inject(`/display/${w.displaySecret}`);
          token = String(res.headers['set-cookie']).split(';')[0]!.split('=')[1]!;
        } else {
          const res = await app.inject(
            json(
              'POST',
              '/api/auth/token',
              { username: w.username, password: TEST_PASSWORD },
              { ...w, headers: {} },
            ),
          );
          token = res.json<{ access_token: string }>().access_token;
        }
        return {
          method: 'POST',
          url: '/api/auth/signout',
          headers: { authorization: `Bearer ${token}` },
        };
      },
    },
    'GET /api/me': { kind: 'none', request: (_x, w) => get('/api/me', w) },
    'POST /api/me/password': {
      kind: 'none',
      request: (_x, w) =>
        json(
          'POST',
          '/api/me/password',
          { current_password: 'not the password', new_password: 'a new long password' },
          w,
        ),
      // a wrong current password is an answer of the route itself; a display may not
      judge: (res) =>
        res.statusCode === 401 && res.json().code === 'CT_ERR_API_SIGNIN_FAILED'
          ? 'allowed'
          : defaultJudge(res),
    },
    'GET /': {
      kind: 'none',
      request: (_x, w) => ({ url: '/', headers: { ...w.headers, accept: 'text/html' } }),
    },
    'GET /api/status': { kind: 'none', request: (_x, w) => get('/api/status', w) },
    'GET /api/network': {
      kind: 'list',
      request: (_x, w) => get('/api/network', w),
      rows: (res) => {
        const n = res.json<{ companies: { id: string }[]; segments: { company: number[] } }>();
        return n.segments.company.map((i) => ({ company: n.companies[i]?.id ?? null }));
      },
    },
    'GET /api/network/geometry': {
      kind: 'none',
      request: (_x, w) => get('/api/network/geometry', w),
    },
    'GET /api/companies': {
      kind: 'list',
      request: (_x, w) => get('/api/companies', w),
      rows: (res) => res.json<{ items: { id: string }[] }>().items.map((c) => ({ company: c.id })),
    },
    'GET /api/sensors': {
      kind: 'list',
      request: (_x, w) => get('/api/sensors?limit=5000', w),
      rows: (res) =>
        res
          .json<{ items: { company_id: string }[] }>()
          .items.map((s) => ({ company: s.company_id })),
    },
    'GET /api/sensors/{id}': {
      kind: 'item',
      request: (x, w) => get(`/api/sensors/${x.sensorId}`, w),
    },
    'GET /api/sensors/{id}/trend': {
      kind: 'item',
      request: (x, w) => get(`/api/sensors/${x.sensorId}/trend`, w),
    },
    'GET /api/segments/{id}': {
      kind: 'item',
      request: (x, w) => get(`/api/segments/${x.hazardousSegment}`, w),
    },
    'GET /api/equipment/{id}': {
      kind: 'item',
      request: (x, w) => get(`/api/equipment/${x.equipmentId}`, w),
    },
    'GET /api/equipment-health': {
      kind: 'list',
      request: (_x, w) => get('/api/equipment-health?limit=5000', w),
      rows: (res) =>
        res
          .json<{ items: { company_id: string }[] }>()
          .items.map((h) => ({ company: h.company_id })),
    },
    'GET /api/equipment/{id}/health': {
      kind: 'item',
      request: (x, w) => get(`/api/equipment/${x.equipmentId}/health`, w),
    },
    'GET /api/equipment/{id}/scores': {
      kind: 'item',
      request: (x, w) => get(`/api/equipment/${x.equipmentId}/scores`, w),
    },
    'GET /api/live': { kind: 'list', request: (_x, w) => get('/api/live', w) },
    'GET /api/alerts': {
      kind: 'list',
      request: (_x, w) => get('/api/alerts?limit=1000', w),
      rows: (res) =>
        res
          .json<{ items: { company_id: string; incident: boolean }[] }>()
          .items.map((a) => ({ company: a.company_id, incident: a.incident })),
    },
    'GET /api/alerts/flood': { kind: 'none', request: (_x, w) => get('/api/alerts/flood', w) },
    'GET /api/alerts/{id}': {
      kind: 'item',
      alerts: true,
      request: (_x, w, id) => get(`/api/alerts/${id}`, w),
    },
    'GET /api/alerts/{id}/threat-zones': {
      kind: 'item',
      alerts: true,
      request: (_x, w, id) => get(`/api/alerts/${id}/threat-zones`, w),
      // the fixture's alerts have no zones: "no zones" is the route's answer, "no alert" a refusal
      judge: (res) =>
        res.statusCode === 404 && /threat zones of alert/.test(res.json().message)
          ? 'allowed'
          : defaultJudge(res),
    },
    ...Object.fromEntries(
      (
        [
          ['ack', {}],
          ['assign', { assignee: null }],
          ['comment', { note: 'seen' }],
          ['shelve', { kind: 'one_shot', reason: 'probe' }],
          ['unshelve', {}],
          ['resolve', { resolution: 'probe' }],
        ] as const
      ).map(([action, body]) => [
        `POST /api/alerts/{id}/${action}`,
        {
          kind: 'item',
          alerts: true,
          // a stale version: the route answers 409 and changes nothing, or refuses (404, 403)
          request: (_x: CompanyFixture, w: Who, id?: number) =>
            json('POST', `/api/alerts/${id}/${action}`, { ...body, version: 999_999 }, w),
        } satisfies Probe,
      ]),
    ),
    'GET /api/condition/segments': {
      kind: 'list',
      request: (_x, w) => get('/api/condition/segments?limit=1000', w),
      rows: (res) =>
        res
          .json<{ items: { company_id: string }[] }>()
          .items.map((s) => ({ company: s.company_id })),
    },
    'GET /api/condition/segments.csv': {
      kind: 'list',
      request: (_x, w) => get('/api/condition/segments.csv', w),
      rows: (res) => {
        const [head, ...lines] = res.body.trim().split('\n');
        const col = head!.split(',').indexOf('company_id');
        return lines.map((l) => ({ company: l.split(',')[col] ?? null }));
      },
    },
    'GET /api/condition/segments/{id}': {
      kind: 'item',
      request: (x, w) => get(`/api/condition/segments/${x.hazardousSegment}`, w),
    },
    'GET /api/condition/summary': {
      kind: 'list',
      request: (_x, w) => get('/api/condition/summary?by=company&limit=1000', w),
      rows: (res) =>
        res.json<{ items: { key: string }[] }>().items.map((s) => ({ company: s.key })),
    },
    'POST /api/lines/{id}/operations': {
      kind: 'item',
      request: (x, w) =>
        json('POST', `/api/lines/${x.lineId}/operations`, { kind: 'valve_move' }, w),
      // the test's broker is unreachable: past the access check the answer is 503, sent nothing
      judge: (res) =>
        res.statusCode === 503 &&
        res.json<{ code: string }>().code === 'CT_ERR_API_BROKER_UNAVAILABLE'
          ? 'allowed'
          : defaultJudge(res),
    },
    'GET /api/lines/{id}/operations': {
      kind: 'item',
      request: (x, w) => get(`/api/lines/${x.lineId}/operations`, w),
    },
    'GET /api/condition/tables': {
      kind: 'none',
      request: (_x, w) => get('/api/condition/tables', w),
    },
    'POST /api/condition/inspections': {
      kind: 'item',
      request: (x, w) => {
        const t = target.get(x.companyId)!;
        const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
        return {
          method: 'POST',
          url: '/api/condition/inspections?dry_run=true',
          headers: { ...w.headers, 'content-type': 'text/csv' },
          payload: `segment_id,cml,date,thickness_mm\n${x.hazardousSegment},${t.cml},${day},${(t.wallMm * 0.9).toFixed(2)}\n`,
        };
      },
      // another company's segment is one the import does not know
      judge: (res) =>
        res.statusCode === 422 &&
        res
          .json<{ report: { errors: { code: string }[] } }>()
          .report.errors.some((e) => e.code === 'unknown_segment')
          ? 'denied'
          : defaultJudge(res),
    },
    'GET /api/dead-letters': {
      kind: 'list',
      request: (_x, w) => get('/api/dead-letters?limit=1000', w),
      rows: (res) =>
        res.json<{ items: { topic: string }[] }>().items.map((d) => {
          const m = /^twin\/v1\/([^/ ]+)\/[^/]+\/telemetry$/.exec(d.topic);
          return { company: m ? m[1]! : null };
        }),
    },
    'GET /api/stats/{dataset}': {
      kind: 'none',
      request: (_x, w) => get('/api/stats/corrosion', w),
    },
    'GET /api/stats/corrosion.csv': {
      kind: 'none',
      request: (_x, w) => get('/api/stats/corrosion.csv', w),
    },
    'GET /api/stats/failures.csv': {
      kind: 'none',
      request: (_x, w) => get('/api/stats/failures.csv', w),
    },
    'GET /api/users': {
      kind: 'list',
      request: (_x, w) => get('/api/users', w),
      rows: (res) =>
        res
          .json<{ items: { company_id: string | null }[] }>()
          .items.map((u) => ({ company: u.company_id })),
    },
    'POST /api/users': {
      kind: 'item',
      request: (x, w) =>
        json(
          'POST',
          '/api/users',
          {
            username: unique('new-user'),
            display_name: 'New',
            role: 'plant_engineer',
            company_id: x.companyId,
            password: TEST_PASSWORD,
          },
          w,
        ),
    },
    'PATCH /api/users/{id}': {
      kind: 'item',
      request: (x, w) =>
        json(
          'PATCH',
          `/api/users/${target.get(x.companyId)!.userId}`,
          { display_name: 'Engineer Two' },
          w,
        ),
    },
    'POST /api/users/{id}/signin-link': {
      kind: 'item',
      request: (x, w) =>
        json('POST', `/api/users/${target.get(x.companyId)!.userId}/signin-link`, {}, w),
    },
    'GET /api/display-tokens': { kind: 'none', request: (_x, w) => get('/api/display-tokens', w) },
    'POST /api/display-tokens': {
      kind: 'none',
      request: (_x, w) => json('POST', '/api/display-tokens', { name: unique('wall') }, w),
    },
    'DELETE /api/display-tokens/{id}': {
      kind: 'none',
      request: async (_x, w) => ({
        method: 'DELETE',
        url: `/api/display-tokens/${(await freshDisplay()).id}`,
        headers: w.headers,
      }),
    },
    'GET /api/mqtt-accounts': {
      kind: 'list',
      request: (_x, w) => get('/api/mqtt-accounts', w),
      rows: (res) =>
        res
          .json<{ items: { company_id: string | null }[] }>()
          .items.map((a) => ({ company: a.company_id })),
    },
    'POST /api/mqtt-accounts': {
      kind: 'item',
      request: (x, w) =>
        json('POST', '/api/mqtt-accounts', { username: unique('gw'), company_id: x.companyId }, w),
    },
    'DELETE /api/mqtt-accounts/{username}': {
      kind: 'item',
      request: async (x, w) => {
        const username = unique('gw-del');
        await createMqttDevice(db.sql, {
          username,
          companyId: x.companyId,
          passwordHash: '$7$1$AAAA$AAAA',
          description: null,
          createdBy: null,
        });
        return { method: 'DELETE', url: `/api/mqtt-accounts/${username}`, headers: w.headers };
      },
    },
    'GET /api/audit': {
      kind: 'list',
      request: (_x, w) => get('/api/audit?limit=1000', w),
      rows: (res) =>
        res
          .json<{ items: { company_id: string | null }[] }>()
          .items.map((a) => ({ company: a.company_id })),
    },
  };

  beforeAll(async () => {
    db = await createTestDatabase('ct_matrix');
    const { storage } = await migrate(db.sql, { storage: 'postgres' });
    const plant = generatePlant({ seed: 5, size: 'small' });
    await loadPlant(db.sql, plant);
    const fixture = await seedCompanyData(db.sql, plant, fixtureCompanies(plant));
    A = fixture[0]!;
    B = fixture[1]!;
    for (const x of [A, B]) {
      const [c] = await db.sql<{ cml: string; wall_mm: number }[]>`
        select c.cml, s.wall_mm from cml c join segment s on s.id = c.segment_id
        where c.segment_id = ${x.hazardousSegment} limit 1`;
      const u = await createUser(db.sql, {
        username: `engineer-two-${x.companyId}`,
        displayName: 'Engineer Two',
        role: 'plant_engineer',
        companyId: x.companyId,
        passwordHash: null,
        createdBy: null,
      });
      target.set(x.companyId, { userId: u!.id, cml: c!.cml, wallMm: c!.wall_mm });
    }
    apiSql = connect(db.urlAs('ct_api'), { max: 4 });
    live = new LiveHub({
      mqttUrl: 'mqtt://127.0.0.1:1',
      clientId: 'matrix',
      sensors: new SensorDirectory(db.sql),
    });
    // what the broker would have brought: a live value of each sensor, each pump's health
    for (const x of [A, B]) {
      live.seed(x.sensorId, Date.now(), 42);
      const health: EquipmentHealth = {
        equipment_id: x.equipmentId,
        company_id: x.companyId,
        tag: x.equipmentId,
        kind: 'pump',
        t: Date.now(),
        detector: 'mewma',
        state: 'scoring',
        score: 0.1,
        anomaly: false,
        confidence: 1,
        contributions: [],
        zone: 'A',
        vibration_mm_s: 1,
        health_index: 0.1,
        rul: null,
        alert: null,
      };
      live.onMessage(
        equipmentEventTopic(x.companyId, x.equipmentId),
        Buffer.from(JSON.stringify(health)),
      );
    }
    app = await buildApp({
      sql: apiSql,
      live,
      storage,
      brokerUrl: 'mqtt://127.0.0.1:1',
      security: {
        apiPerMinute: 1e9,
        apiBurst: 1e9,
        anonymousPerMinute: 1e9,
        signinPerIpPerMinute: 1e9,
        signinFailuresPerUser: 1e9,
      },
    });
    await createUser(db.sql, {
      username: 'form-user',
      displayName: 'Form',
      role: 'regulator',
      companyId: null,
      passwordHash: null,
      createdBy: null,
    });
    // the form user's password: set through the api by a complex admin
    const admin = await signIn(app, db.sql, { username: 'complex-admin', role: 'complex_admin' });
    const formUser = (await admin.inject('/api/users'))
      .json<{ items: { id: number; username: string }[] }>()
      .items.find((u) => u.username === 'form-user')!;
    expect(
      (
        await admin.inject({
          method: 'PATCH',
          url: `/api/users/${formUser.id}`,
          payload: { password: TEST_PASSWORD },
        })
      ).statusCode,
    ).toBe(200);

    principals.push({ column: 'anonymous', company: null, headers: {} });
    principals.push({
      column: 'complex_admin',
      company: null,
      headers: admin.headers,
      username: admin.username,
    });
    for (const role of ['operator', 'safety_officer', 'regulator'] as const) {
      const s = await signIn(app, db.sql, { username: role.replace('_', '-'), role });
      principals.push({ column: role, company: null, headers: s.headers, username: s.username });
    }
    for (const role of ['plant_engineer', 'company_admin'] as const)
      for (const x of [A, B]) {
        const s = await signIn(app, db.sql, {
          username: `${role.replace('_', '-')}-${x.companyId}`,
          role,
          companyId: x.companyId,
        });
        principals.push({ column: role, company: x, headers: s.headers, username: s.username });
      }
    const wall = await freshDisplay();
    const opened = await app.inject(`/display/${wall.token}`);
    const cookie = String(opened.headers['set-cookie']).split(';')[0]!;
    principals.push({
      column: 'display',
      company: null,
      headers: { cookie },
      displaySecret: wall.token,
    });
  }, 180_000);

  afterAll(async () => {
    await app?.close();
    await apiSql?.end();
    await db?.drop();
  });

  it('lists every route of the api in the matrix, and only those', () => {
    const matrix = readMatrix();
    const routes = new Set(
      [...app.routeAccess.keys()].filter((k) => !k.startsWith('HEAD ')).map(docKey),
    );
    expect([...routes].sort()).toEqual([...matrix.keys()].sort());
    expect(Object.keys(PROBES).sort()).toEqual([...matrix.keys()].sort());
  });

  it('agrees with what each route declares and each role is granted', () => {
    const matrix = readMatrix();
    const declared = new Map<string, Access>();
    for (const [k, a] of app.routeAccess) if (!k.startsWith('HEAD ')) declared.set(docKey(k), a);
    const differ: string[] = [];
    for (const [route, cells] of matrix) {
      const access = declared.get(route)!;
      for (const col of COLUMNS) {
        const granted =
          access === 'public' ||
          (col !== 'anonymous' &&
            (access === 'authenticated' ||
              access === 'console' ||
              ROLE_PERMISSIONS[col as Role].includes(access as Permission)));
        // the route itself refuses a display its password, and a display statistics
        const byHandler = col === 'display' && ['POST /api/me/password'].includes(route);
        if (granted !== (cells[col] !== '-') && !byHandler) differ.push(`${route} ${col}`);
      }
    }
    expect(differ).toEqual([]);
  });

  it('finds 0 cells where access differs from docs/security.md', async () => {
    const matrix = readMatrix();
    const differ: string[] = [];
    let cells = 0;
    const record = (route: string, who: Who, what: string, ok: boolean, detail: string) => {
      cells++;
      if (!ok)
        differ.push(
          `${route} | ${who.column}${who.company ? ` of ${who.company.companyId}` : ''} | ${what}: ${detail}`,
        );
    };
    for (const [route, row] of matrix) {
      const probe = PROBES[route]!;
      for (const who of principals) {
        const cell = row[who.column];
        const judge = probe.judge ?? defaultJudge;
        if (probe.kind === 'none') {
          const res = await app.inject(await probe.request(A, who));
          const got = judge(res);
          record(
            route,
            who,
            'access',
            (got === 'allowed') === (cell !== '-'),
            `${got} (${res.statusCode})`,
          );
          continue;
        }
        if (probe.kind === 'list') {
          let rows: Row[];
          let got: Outcome;
          if (route === 'GET /api/live') {
            const ws = await app.injectWS('/api/live', { headers: who.headers }).catch(() => null);
            got = ws ? 'allowed' : 'denied';
            rows = [];
            if (ws) {
              // a subscription asks for a new snapshot (the first may have come before we listened)
              const snap = await new Promise<{ sensor_id: number[] }>((resolve) => {
                ws.on('message', (d) => {
                  const m = JSON.parse(d.toString()) as { type: string; sensor_id: number[] };
                  if (m.type === 'snapshot') resolve(m);
                });
                ws.send(JSON.stringify({ type: 'subscribe', sensors: 'all' }));
              });
              ws.terminate();
              rows = snap.sensor_id.map((id) => ({ company: companyOfSensor(id) }));
            }
          } else {
            const res = await app.inject(await probe.request(A, who));
            got = judge(res);
            rows = got === 'allowed' ? probe.rows!(res) : [];
          }
          record(route, who, 'access', (got === 'allowed') === (cell !== '-'), got);
          if (got !== 'allowed' || cell === '-' || cell === 'yes') continue;
          // the list's rows, company by company: A's and B's are each a cell
          for (const x of [A, B]) {
            const mine = rows.filter((r) => r.company === x.companyId);
            const expectRows =
              cell === 'all' ||
              (cell === 'own' && who.company?.companyId === x.companyId) ||
              cell === 'incidents';
            record(
              route,
              who,
              `rows of ${x.companyId}`,
              expectRows ? mine.length > 0 : mine.length === 0,
              `${mine.length} rows`,
            );
            if (cell === 'incidents')
              record(
                route,
                who,
                `only incidents of ${x.companyId}`,
                mine.every((r) => r.incident === true),
                'non-incident rows',
              );
          }
          const strangers = rows.filter(
            (r) => r.company !== A.companyId && r.company !== B.companyId,
          );
          if (cell === 'own')
            record(
              route,
              who,
              'no rows of others',
              strangers.length === 0,
              `${strangers.length} rows`,
            );
          if (cell === 'unattributed')
            record(
              route,
              who,
              'only rows of no company',
              rows.length > 0 && rows.every((r) => r.company === null),
              `${rows.length} rows`,
            );
          continue;
        }
        // item: each company's resource (alert routes: its incident and its equipment alert)
        for (const x of [A, B]) {
          const targets = probe.alerts
            ? [
                { id: x.incidentAlertId, incident: true },
                { id: x.equipmentAlertId, incident: false },
              ]
            : [{ id: undefined, incident: false }];
          for (const t of targets) {
            const res = await app.inject(await probe.request(x, who, t.id));
            const got = judge(res);
            const own = who.company?.companyId === x.companyId;
            const expected =
              cell === 'yes' ||
              cell === 'all' ||
              (cell === 'own' && own) ||
              (cell === 'incidents' && t.incident);
            record(
              route,
              who,
              `${x.companyId}${probe.alerts ? (t.incident ? ' incident' : ' equipment alert') : ''}`,
              (got === 'allowed') === expected,
              `${got} (${res.statusCode} ${res.body.slice(0, 120)})`,
            );
          }
        }
      }
    }
    console.log(
      `access matrix: ${cells} cells checked against docs/security.md, ${differ.length} differ`,
    );
    expect(differ).toEqual([]);
    expect(cells).toBeGreaterThan(500);
  }, 240_000);
});
