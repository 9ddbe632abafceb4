import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import { computeThreatZones, toThreatZonesDetail } from '@ct/analytics';
import type { Alert, LiveServerMessage, ThreatZonesGeoJson } from '@ct/contracts';
import {
  SensorDirectory,
  clearAlert,
  createTestDatabase,
  loadPlant,
  migrate,
  raiseAlert,
  toAlert,
  type RaiseInput,
  type TestDatabase,
} from '@ct/db';
import { generatePlant, type PlantModel } from '@ct/plant';
import { startAedes, waitFor, type AedesHandle } from '@ct/testkit';
import { buildApp } from '../../app';
import { LiveHub } from '../../live/live-hub';
import { signIn, type SignedIn } from '../../test-support';
import { sweepShelves } from './index';

type AlertWithEvents = Alert & {
  events: {
    actor: string;
    action: string;
    from_state: string | null;
    to_state: string;
    note: string | null;
  }[];
};

/** A WebSocket client that keeps every message it receives. */
async function liveClient(port: number, as: SignedIn) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/live`, { headers: as.headers });
  const messages: LiveServerMessage[] = [];
  ws.on('message', (d) => messages.push(JSON.parse(d.toString())));
  await new Promise((r) => ws.once('open', r));
  return { ws, messages };
}

describe('alerts through their lifecycle: api, database, broker and live push', () => {
  let db: TestDatabase;
  let broker: AedesHandle;
  let live: LiveHub;
  let app: FastifyInstance;
  let plant: PlantModel;
  let port: number;
  let base: RaiseInput;
  let n = 0;

  /** Raises an alert as a detector does: in the database, then announced on the broker. */
  const raise = async (over: Partial<RaiseInput> = {}) => {
    const row = await raiseAlert(db.sql, {
      ...base,
      kind: `test_${++n}`,
      atMs: Date.now(),
      ...over,
    });
    live.publishAlertEvent({
      action: 'raise',
      actor: 'detector',
      t: Date.now(),
      alert: toAlert(row),
    });
    return toAlert(row);
  };
  /** Safety officers, signed in, by the name they act under (the actor comes from the session). */
  const officers = new Map<string, SignedIn>();
  const officer = async (name: string) => {
    let o = officers.get(name);
    if (!o) {
      o = await signIn(app, db.sql, {
        username: `officer-${officers.size + 1}`,
        displayName: name,
        role: 'safety_officer',
      });
      officers.set(name, o);
    }
    return o;
  };
  const post = async (
    id: number,
    action: string,
    body: { actor?: unknown; [k: string]: unknown },
  ) =>
    (
      await officer(typeof body.actor === 'string' && body.actor.trim() ? body.actor : 'Ana')
    ).inject({
      method: 'POST',
      url: `/api/alerts/${id}/${action}`,
      payload: body,
    });
  /** Reads as the default officer. */
  const api = {
    inject: async (url: string) => (await officer('Ana')).inject(url),
  };
  /** Areas other than the base alert's, those with the most segments first. */
  const otherAreas = () => {
    const count = new Map<string, number>();
    for (const s of plant.segments)
      if (s.areaId !== base.areaId) count.set(s.areaId, (count.get(s.areaId) ?? 0) + 1);
    return [...count].sort((x, y) => y[1] - x[1]).map(([id]) => id);
  };
  const get = async (id: number) => (await api.inject(`/api/alerts/${id}`)).json<AlertWithEvents>();

  beforeAll(async () => {
    db = await createTestDatabase();
    const { storage } = await migrate(db.sql, { storage: 'postgres' });
    plant = generatePlant({ seed: 11, size: 'small' });
    await loadPlant(db.sql, plant);
    broker = await startAedes();
    const sensors = new SensorDirectory(db.sql);
    await sensors.load();
    live = new LiveHub({ mqttUrl: broker.url, clientId: `alerts-test-${process.pid}`, sensors });
    live.start();
    await waitFor(() => live.connected, 5000, 'live hub connected');
    app = await buildApp({ sql: db.sql, live, storage, brokerUrl: broker.url });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as { port: number }).port;
    const seg = plant.segments.find((s) => s.substanceId === 'chlorine') ?? plant.segments[0]!;
    base = {
      companyId: seg.companyId,
      areaId: seg.areaId,
      kind: 'leak',
      sourceType: 'segment',
      sourceId: seg.id,
      severity: 'critical',
      title: `leak on ${seg.id}`,
      detail: {},
      atMs: Date.now(),
      actor: 'detector',
    };
  });

  afterAll(async () => {
    await app?.close();
    await live?.stop();
    await broker?.stop();
    await db?.drop();
  });

  it('takes an alert through ack, assign, comment, shelve, unshelve and resolve, auditing each', async () => {
    const a = await raise({ latching: true });
    expect(a).toMatchObject({ isa_state: 'B', version: 1, latching: true });
    const ack = await post(a.id, 'ack', { actor: 'Ana Officer', version: 1, note: 'seen' });
    expect(ack.statusCode).toBe(200);
    expect(ack.json()).toMatchObject({ isa_state: 'C', acked: true, version: 2 });
    const assign = await post(a.id, 'assign', {
      actor: 'Ana Officer',
      version: 2,
      assignee: 'Ben Field',
    });
    expect(assign.json()).toMatchObject({ assignee: 'Ben Field', version: 3 });
    const comment = await post(a.id, 'comment', {
      actor: 'Ben Field',
      note: 'isolation valves closed',
    });
    expect(comment.json()).toMatchObject({ version: 3 });
    const shelve = await post(a.id, 'shelve', {
      actor: 'Ana Officer',
      version: 3,
      kind: 'timed',
      duration_s: 1800,
      reason: 'repair crew on site',
    });
    expect(shelve.statusCode).toBe(200);
    const shelved = shelve.json<Alert>();
    expect(shelved).toMatchObject({ isa_state: 'F', shelving: 'timed', version: 4 });
    expect(shelved.shelved_until! - Date.now()).toBeGreaterThan(1790_000);
    const unshelve = await post(a.id, 'unshelve', { actor: 'Ana Officer', version: 4 });
    // ISA-18.2: back from shelved, a still-abnormal condition annunciates afresh (B)
    expect(unshelve.json()).toMatchObject({ isa_state: 'B', version: 5 });
    const early = await post(a.id, 'resolve', {
      actor: 'Ana Officer',
      version: 5,
      resolution: 'done',
    });
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({
      code: 'CT_ERR_API_ILLEGAL_TRANSITION',
      error: 'Conflict',
    });
    expect(early.json().message).toMatch(
      /cannot resolve alert \d+ in state B: the condition is still abnormal/,
    );
    // the leak stops: a latching alert waits in E
    const cleared = await clearAlert(
      db.sql,
      a.kind,
      'segment',
      a.source_id,
      Date.now(),
      'detector',
    );
    expect(cleared).toMatchObject({ isa_state: 'E', version: 6 });
    const resolved = await post(a.id, 'resolve', {
      actor: 'Ana Officer',
      version: 6,
      resolution: 'clamp fitted, line re-pressurised, no residual gas',
    });
    expect(resolved.json()).toMatchObject({ isa_state: 'A', version: 7 });
    const trail = (await get(a.id)).events.map((e) => [
      e.action,
      e.actor,
      e.from_state,
      e.to_state,
      e.note,
    ]);
    expect(trail).toEqual([
      ['raise', 'detector', 'A', 'B', null],
      ['ack', 'Ana Officer', 'B', 'C', 'seen'],
      ['assign', 'Ana Officer', 'C', 'C', null],
      ['comment', 'Ben Field', 'C', 'C', 'isolation valves closed'],
      ['shelve', 'Ana Officer', 'C', 'F', 'repair crew on site'],
      ['unshelve', 'Ana Officer', 'F', 'B', null],
      ['clear', 'detector', 'B', 'E', null],
      ['resolve', 'Ana Officer', 'E', 'A', 'clamp fitted, line re-pressurised, no residual gas'],
    ]);
  });

  it('answers a stale version with 409 and changes nothing', async () => {
    const a = await raise();
    expect((await post(a.id, 'ack', { actor: 'Ana', version: 1 })).statusCode).toBe(200);
    const stale = await post(a.id, 'assign', { actor: 'Ben', version: 1, assignee: 'Ben' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ code: 'CT_ERR_API_VERSION_CONFLICT' });
    expect(stale.json().message).toBe(
      `alert ${a.id} is at version 2, not 1: it changed since you loaded it (now state C); reload it and decide again`,
    );
    const after = await get(a.id);
    expect(after).toMatchObject({ version: 2, assignee: null });
    expect(after.events.map((e) => e.action)).toEqual(['raise', 'ack']);
    const again = await post(a.id, 'ack', { actor: 'Ben', version: 2 });
    expect(again.statusCode).toBe(409);
    expect(again.json().message).toMatch(/already acknowledged \(state C\)/);
  });

  it('lets exactly one of two officers acting on the same version win', async () => {
    const a = await raise();
    const [r1, r2] = await Promise.all([
      post(a.id, 'ack', { actor: 'Ana', version: 1 }),
      post(a.id, 'shelve', { actor: 'Ben', version: 1, kind: 'one_shot', reason: 'nuisance' }),
    ]);
    expect([r1.statusCode, r2.statusCode].sort()).toEqual([200, 409]);
    const loser = r1.statusCode === 409 ? r1 : r2;
    expect(loser.json().code).toBe('CT_ERR_API_VERSION_CONFLICT');
    expect((await get(a.id)).events).toHaveLength(2);
  });

  it('answers unknown ids with 404 and bad bodies with 400', async () => {
    const a = await raise();
    const missing = await post(99_999_999, 'ack', { actor: 'Ana', version: 1 });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'CT_ERR_API_NOT_FOUND' });
    expect((await api.inject('/api/alerts/99999999')).statusCode).toBe(404);
    // the actor comes from the session: another name is refused, none is fine
    const impostor = await (
      await officer('Ana')
    ).inject({
      method: 'POST',
      url: `/api/alerts/${a.id}/ack`,
      payload: { actor: 'Ben', version: 1 },
    });
    expect(impostor.statusCode).toBe(400);
    expect(impostor.json()).toMatchObject({ code: 'CT_ERR_API_ACTOR_MISMATCH' });
    const bad = [
      ['ack', { actor: '  ', version: 1 }, /actor/],
      ['ack', { actor: 'Ana', version: '1' }, /version/],
      ['ack', { actor: 'Ana', version: 1, colour: 'red' }, /colour|additional|unrecognized/i],
      ['comment', { actor: 'Ana' }, /note/],
      ['shelve', { actor: 'Ana', version: 1, kind: 'timed', reason: 'x' }, /duration_s/],
      [
        'shelve',
        { actor: 'Ana', version: 1, kind: 'timed', duration_s: 9 * 3600, reason: 'x' },
        /duration_s/,
      ],
      ['shelve', { actor: 'Ana', version: 1, kind: 'one_shot' }, /reason/],
      ['resolve', { actor: 'Ana', version: 1 }, /resolution/],
    ] as const;
    for (const [action, body, field] of bad) {
      const res = await post(a.id, action, body);
      expect(res.statusCode, `${action} ${JSON.stringify(body)}`).toBe(400);
      expect(res.json()).toMatchObject({ code: 'CT_ERR_API_BAD_REQUEST' });
      expect(res.json().message).toMatch(field);
    }
    expect((await get(a.id)).version).toBe(1);
  });

  it('ends a timed shelve in the sweep and re-evaluates the condition', async () => {
    const a = await raise();
    const sh = await post(a.id, 'shelve', {
      actor: 'Ana',
      version: 1,
      kind: 'timed',
      duration_s: 60,
      reason: 'instrument tech checking',
    });
    expect(sh.json()).toMatchObject({ isa_state: 'F' });
    expect(await sweepShelves({ sql: db.sql, live }, Date.now())).toBe(0);
    expect(await sweepShelves({ sql: db.sql, live }, Date.now() + 61_000)).toBe(1);
    const after = await get(a.id);
    expect(after).toMatchObject({ isa_state: 'B', shelving: 'unshelved', shelved_until: null });
    expect(after.events.at(-1)).toMatchObject({
      action: 'shelve_expired',
      actor: 'system',
      from_state: 'F',
      to_state: 'B',
    });
  });

  it('filters the list by state, kind, severity, company, area, time and open', async () => {
    // the smaller of the other areas (the flood test takes the larger one)
    const other = plant.segments.find((s) => s.areaId === otherAreas()[1])!;
    const kind = 'filter_test';
    const t = Date.now();
    const x = await raise({ kind, severity: 'high', atMs: t - 60_000 });
    const y = await raise({
      kind,
      severity: 'low',
      companyId: other.companyId,
      areaId: other.areaId,
      sourceId: other.id,
      atMs: t,
    });
    await post(y.id, 'ack', { actor: 'Ana', version: 1 });
    const ids = async (q: string) =>
      (await api.inject(`/api/alerts?kind=${kind}&${q}`))
        .json<{ items: Alert[] }>()
        .items.map((a) => a.id);
    expect(await ids('')).toEqual([y.id, x.id]);
    expect(await ids('state=B')).toEqual([x.id]);
    expect(await ids('state=B,C')).toEqual([y.id, x.id]);
    expect(await ids('severity=low,medium')).toEqual([y.id]);
    expect(await ids(`company=${other.companyId}`)).toEqual([y.id]);
    expect(await ids(`area=${base.areaId}`)).toEqual([x.id]);
    expect(await ids(`from=${t - 30_000}`)).toEqual([y.id]);
    expect(await ids(`to=${new Date(t - 30_000).toISOString()}`)).toEqual([x.id]);
    expect(await ids('open=true&limit=1')).toEqual([y.id]);
    expect(await ids('open=true&limit=1&offset=1')).toEqual([x.id]);
    for (const q of [
      'state=Z',
      'severity=urgent',
      'from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z',
      'colour=red',
    ]) {
      const res = await api.inject(`/api/alerts?${q}`);
      expect(res.statusCode, q).toBe(400);
    }
  });

  it('serves the stored threat zones as GeoJSON polygons in site coordinates', async () => {
    const input = {
      substanceId: 'chlorine',
      releaseKgS: 1,
      windSpeedMs: 3,
      windFromDeg: 270,
      cloudOktas: 8,
      isDaytime: true,
    };
    const source: [number, number] = [1200, 800];
    const zones = computeThreatZones(input);
    const a = await raise({ detail: { threat_zones: toThreatZonesDetail(source, input, zones) } });
    const res = await api.inject(`/api/alerts/${a.id}/threat-zones`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/geo\+json/);
    const fc = res.json<ThreatZonesGeoJson>();
    expect(fc).toMatchObject({
      type: 'FeatureCollection',
      alert_id: a.id,
      source_xy: source,
      stability: 'D',
      dense_gas: true,
    });
    expect(fc.warnings.join(' ')).toMatch(/dense gas/);
    expect(
      fc.features.map((f) => [f.properties.level, f.properties.concern, f.properties.ppm]),
    ).toEqual([
      ['red', 'AEGL-3 (60 min)', 20],
      ['orange', 'AEGL-2 (60 min)', 2],
      ['yellow', 'AEGL-1 (60 min)', 0.5],
    ]);
    const red = fc.features[0]!;
    expect(Math.abs(red.properties.max_distance_m - 761) / 761).toBeLessThan(0.01);
    const ring = red.geometry.coordinates[0]!;
    expect(ring[0]).toEqual(source);
    expect(ring.at(-1)).toEqual(source);
    // the west wind carries the plume east of the source
    expect(Math.max(...ring.map((p) => p[0]))).toBeCloseTo(
      source[0] + red.properties.max_distance_m,
      1,
    );
    const none = await api.inject(`/api/alerts/${(await raise()).id}/threat-zones`);
    expect(none.statusCode).toBe(404);
    expect(none.json().message).toMatch(
      /threat zones of alert \d+ \(a test_\d+ alert without them\) not found/,
    );
    const nulled = await raise({ detail: { threat_zones: null } });
    expect((await api.inject(`/api/alerts/${nulled.id}/threat-zones`)).statusCode).toBe(404);
  });

  it('pushes every change live to two officers, after a snapshot of the open alerts', async () => {
    const a = await raise();
    const one = await liveClient(port, await officer('Ana'));
    const two = await liveClient(port, await officer('Ben'));
    for (const c of [one, two]) {
      const snap = await waitFor(
        () => c.messages.find((m) => m.type === 'alerts'),
        5000,
        'alert snapshot',
      );
      if (snap.type !== 'alerts') throw new Error('unreachable');
      expect(snap.items.map((x) => x.id)).toContain(a.id);
      await waitFor(() => c.messages.some((m) => m.type === 'flood'), 5000, 'flood status');
    }
    expect((await post(a.id, 'ack', { actor: 'Ana', version: 1 })).statusCode).toBe(200);
    expect(
      (await post(a.id, 'assign', { actor: 'Ben', version: 2, assignee: 'Ben' })).statusCode,
    ).toBe(200);
    for (const c of [one, two]) {
      const seen = () =>
        c.messages
          .filter((m) => m.type === 'alert' && m.alert.id === a.id && m.action !== 'raise')
          .map((m) => m.type === 'alert' && [m.action, m.actor, m.alert.version]);
      await waitFor(() => seen().length >= 2, 5000, 'both changes on the WebSocket');
      expect(seen()).toEqual([
        ['ack', 'Ana', 2],
        ['assign', 'Ben', 3],
      ]);
    }
    const b = await raise({ severity: 'high' });
    await waitFor(
      () =>
        one.messages.some((m) => m.type === 'alert' && m.action === 'raise' && m.alert.id === b.id),
      5000,
      'a new alert pushed',
    );
    one.ws.close();
    two.ws.close();
  });

  it('summarises a flood per area instead of a wall of alerts', async () => {
    const area = otherAreas()[0]!;
    // hazardous lines' segments: incidents, which the control room sees live whoever owns them
    const hazardous = new Set(
      plant.substances.filter((x) => x.toxic || x.flammable).map((x) => x.id),
    );
    const segs = plant.segments
      .filter((s) => s.areaId === area && hazardous.has(s.substanceId))
      .slice(0, 12);
    expect(segs.length).toBe(12);
    const c = await liveClient(port, await officer('Ana'));
    await waitFor(() => c.messages.some((m) => m.type === 'flood'), 5000, 'flood status');
    const raised: Alert[] = [];
    for (const s of segs)
      raised.push(
        await raise({
          kind: 'flood_test',
          severity: 'low',
          companyId: s.companyId,
          areaId: area,
          sourceId: s.id,
        }),
      );
    const status = (await api.inject('/api/alerts/flood')).json<{
      areas: {
        area_id: string;
        in_flood: boolean;
        window_count: number;
        flood: { count: number; peak: number } | null;
      }[];
    }>();
    const mine = status.areas.find((x) => x.area_id === area)!;
    expect(mine).toMatchObject({
      in_flood: true,
      window_count: 12,
      flood: { count: 12, peak: 12 },
    });
    // the filter test's area had one alert: no flood there
    expect(status.areas.find((x) => x.area_id === otherAreas()[1])).toMatchObject({
      in_flood: false,
      window_count: 1,
    });
    const summary = (await api.inject(`/api/alerts?area=${area}&flood_view=summary`)).json<{
      items: Alert[];
      floods: { area_id: string; left_out: number }[];
    }>();
    expect(summary.items).toEqual([]);
    expect(summary.floods).toMatchObject([{ area_id: area, in_flood: true, left_out: 12 }]);
    const all = (await api.inject(`/api/alerts?area=${area}`)).json<{ items: Alert[] }>();
    expect(all.items).toHaveLength(12);
    // live: the first ten come one by one, then the area's flood summary replaces them
    const flood = await waitFor(
      () =>
        c.messages.find(
          (m) => m.type === 'flood' && m.areas.some((x) => x.area_id === area && x.in_flood),
        ),
      5000,
      'a flood message',
    );
    expect(
      flood.type === 'flood' && flood.areas.find((x) => x.area_id === area)?.flood?.since,
    ).toBeGreaterThan(0);
    await waitFor(
      () => c.messages.filter((m) => m.type === 'alert' && m.alert.area_id === area).length >= 10,
      5000,
      'the first ten raises',
    );
    const pushed = c.messages.filter((m) => m.type === 'alert' && m.alert.area_id === area);
    expect(pushed).toHaveLength(10);
    c.ws.close();
  });
});
