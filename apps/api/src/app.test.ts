import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import mqtt from 'mqtt';
import WebSocket from 'ws';
import { decodeNetworkGeometry, type LiveServerMessage, type NetworkResponse } from '@ct/contracts';
import {
  ReadingsWriter,
  SensorDirectory,
  allocReadingColumns,
  createTestDatabase,
  loadPlant,
  migrate,
  runRollup,
  type TestDatabase,
} from '@ct/db';
import { generatePlant, type PlantModel } from '@ct/plant';
import { startMosquitto, waitFor, type MosquittoHandle, MOSQUITTO_AVAILABLE } from '@ct/testkit';
import { buildApp } from './app';
import { LiveHub } from './live/live-hub';
import { signIn, type SignedIn } from './test-support';

describe.runIf(MOSQUITTO_AVAILABLE)('the api on a small generated complex', () => {
  let db: TestDatabase;
  let broker: MosquittoHandle;
  let live: LiveHub;
  let app: FastifyInstance;
  let plant: PlantModel;
  let pub: mqtt.MqttClient;
  /**
   * A company admin of sensor 1's company: every read permission. The test pool is the owner,
   * so the register of every company; readings only of its own (the database's functions).
   */
  let api: SignedIn;

  beforeAll(async () => {
    db = await createTestDatabase();
    const { storage } = await migrate(db.sql, { storage: 'postgres' });
    plant = generatePlant({ seed: 7, size: 'small' });
    await loadPlant(db.sql, plant);
    broker = await startMosquitto();
    const sensors = new SensorDirectory(db.sql);
    await sensors.load();
    live = new LiveHub({ mqttUrl: broker.url, clientId: `api-test-${process.pid}`, sensors });
    live.start();
    await waitFor(() => live.connected, 5000, 'live hub connected');
    app = await buildApp({ sql: db.sql, live, storage, brokerUrl: broker.url });
    pub = await mqtt.connectAsync(broker.url, { clientId: `api-pub-${process.pid}` });
    api = await signIn(app, db.sql, {
      username: 'engineer',
      role: 'company_admin',
      companyId: plant.sensors[0]!.companyId,
    });
  });

  afterAll(async () => {
    await pub?.endAsync();
    await app?.close();
    await live?.stop();
    await broker?.stop();
    await db?.drop();
  });

  it('answers health and readiness', async () => {
    expect((await app.inject('/healthz')).json()).toEqual({ ok: true });
    const ready = await app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ ready: true, database: true, broker: true });
  });

  it('serves the network as columnar JSON that matches the plant', async () => {
    const res = await api.inject('/api/network');
    expect(res.statusCode).toBe(200);
    const n = res.json<NetworkResponse>();
    expect(n.segments.id).toHaveLength(plant.segments.length);
    expect(n.companies).toHaveLength(plant.companies.length);
    expect(n.sensors.id).toHaveLength(plant.sensors.length);
    const i = n.segments.id.indexOf(plant.segments[0]!.id);
    expect(n.segments.install_year[i]).toBe(plant.segments[0]!.installYear);
    expect(n.companies[n.segments.company[i]!]!.id).toBe(plant.segments[0]!.companyId);
    expect(n.materials[n.segments.material[i]!]).toBe(plant.segments[0]!.material);
  });

  it('serves a binary geometry whose pieces follow every segment path', async () => {
    const n = (await api.inject('/api/network')).json<NetworkResponse>();
    const res = await api.inject(n.geometry.url);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/octet-stream');
    const bytes = res.rawPayload;
    const g = decodeNetworkGeometry(new Uint8Array(bytes).buffer);
    const expectedPieces = plant.segments.reduce((a, s) => a + s.path.length - 1, 0);
    expect(g.pieceCount).toBe(expectedPieces);
    expect(g.segmentCount).toBe(plant.segments.length);
    const seg = plant.segments[0]!;
    const si = n.segments.id.indexOf(seg.id);
    const p = g.pieceSegment.indexOf(si);
    expect(g.pieces[p * 6]).toBeCloseTo(seg.path[0]![0], 2);
    expect(g.pieces[p * 6 + 4]).toBeCloseTo(seg.path[1]![1], 2);
    expect(g.radius[si]).toBeCloseTo(seg.diameterMm / 2000, 6);
    expect(g.equipmentCount).toBe(plant.equipment.length);
  });

  it('answers bad requests with 400 and says what is wrong', async () => {
    const a = await api.inject('/api/sensors/abc');
    expect(a.statusCode).toBe(400);
    expect(a.json()).toMatchObject({ code: 'CT_ERR_API_BAD_REQUEST' });
    expect(a.json().message).toMatch(/id/);
    const b = await api.inject('/api/sensors?limit=99999');
    expect(b.statusCode).toBe(400);
    const c = await api.inject('/api/sensors/1/trend?resolution=5m');
    expect(c.statusCode).toBe(400);
    expect(c.json().message).toMatch(/resolution/);
    const d = await api.inject(
      '/api/sensors/1/trend?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z',
    );
    expect(d.statusCode).toBe(400);
    expect(d.json().message).toMatch(/earlier/);
    const e = await api.inject('/api/sensors/1/trend?colour=red');
    expect(e.statusCode).toBe(400);
  });

  it('answers unknown resources with 404', async () => {
    expect((await api.inject('/api/sensors/999999')).statusCode).toBe(404);
    const s = await api.inject('/api/segments/NOPE');
    expect(s.statusCode).toBe(404);
    expect(s.json()).toMatchObject({ code: 'CT_ERR_API_NOT_FOUND' });
    expect((await api.inject('/api/nothing-here')).statusCode).toBe(404);
  });

  it('shows a segment with its design data and sensors', async () => {
    const seg = plant.segments[3]!;
    const res = await api.inject(`/api/segments/${seg.id}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      id: seg.id,
      diameter_mm: seg.diameterMm,
      install_year: seg.installYear,
    });
    expect(body.path).toHaveLength(seg.path.length);
    const tags = plant.sensors
      .filter((s) => s.segmentId === seg.id)
      .map((s) => s.tag)
      .sort();
    expect(body.sensors.map((s: { tag: string }) => s.tag).sort()).toEqual(tags);
  });

  it('gives trends at raw and minute resolution from stored readings', async () => {
    const writer = new ReadingsWriter(db.url, 'postgres');
    const c = allocReadingColumns(600);
    const t0 = Math.floor((Date.now() - 30 * 60_000) / 60_000) * 60_000;
    for (let i = 0; i < 600; i++) {
      c.time[i] = t0 + i * 1000;
      c.sensorId[i] = 1;
      c.value[i] = 100 + (i % 60);
    }
    c.length = 600;
    await writer.insert(c);
    await writer.close();
    while ((await runRollup(db.sql, 120, 0)).minuteBuckets > 0);
    const raw = await api.inject(`/api/sensors/1/trend?from=${t0}&to=${t0 + 600_000}`);
    expect(raw.json()).toMatchObject({ resolution: 'raw', truncated: false });
    expect(raw.json().t).toHaveLength(600);
    const m = await api.inject(`/api/sensors/1/trend?from=${t0}&to=${t0 + 600_000}&max_points=100`);
    const body = m.json();
    expect(body.resolution).toBe('1m');
    expect(body.t).toHaveLength(10);
    expect(body.avg[0]).toBeCloseTo(129.5, 9);
    expect(body.min[0]).toBe(100);
    expect(body.max[0]).toBe(159);
  });

  it('reports ingest health and flow in /api/status from what ingest publishes', async () => {
    const report = {
      instance: 'ingest-x',
      t: Date.now(),
      started_at: Date.now() - 60_000,
      received_messages_total: 10,
      received_readings_total: 500,
      stored_readings_total: 480,
      duplicate_readings_total: 2,
      rejected_messages_total: 1,
      rejected_readings_total: 18,
      dead_letters_total: 3,
      batches_total: 4,
      db_errors_total: 0,
      seq_gaps_total: 0,
      readings_per_s: 123.4,
      lag_p50_s: 0.21,
      lag_max_s: 0.5,
      unacked_messages: 7,
      unacked_bytes: 900,
      paused: false,
      db_ok: true,
      shared_subscription: true,
      mqtt_protocol: 5,
    };
    await pub.publishAsync('twin/sys/ingest/ingest-x/metrics', JSON.stringify(report));
    await pub.publishAsync(
      'twin/sys/ingest/ingest-x/heartbeat',
      JSON.stringify({ component: 'ingest', instance: 'ingest-x', state: 'online', t: Date.now() }),
    );
    await waitFor(() => live.ingest.has('ingest-x') && live.components.size > 0, 5000);
    const s = (await api.inject('/api/status')).json();
    expect(s.database).toMatchObject({ ok: true, storage: 'postgres' });
    expect(s.flow).toMatchObject({
      readings_total: 480,
      readings_per_s: 123.4,
      ingest_lag_s: 0.21,
      unacked_messages: 7,
      ingest_instances: 1,
      dead_letters_total: 0,
    });
    expect(s.components.map((c: { component: string }) => c.component)).toEqual(['api', 'ingest']);
    const metrics = await app.inject('/metrics');
    expect(metrics.body).toMatch(/ct_ingest_stored_readings_total\{instance="ingest-x"\} 480/);
    expect(metrics.body).toMatch(
      /ct_api_requests_total\{method="GET",route="\/api\/status",status="200"\} 1/,
    );
  });

  it('lists every route of the OpenAPI document in docs/api.md, and no other', async () => {
    const doc = (await app.inject('/docs/json')).json<{ paths: Record<string, object> }>();
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    const text = readFileSync(
      join(import.meta.dirname, '..', '..', '..', 'docs', 'api.md'),
      'utf8',
    );
    const documented = [...text.matchAll(/^\| `([A-Z]+ \/[^`]*)` \|/gm)].map((m) => m[1]!);
    // the WebSocket route is not an OpenAPI operation; the page documents it on its own
    expect(documented).toContain('GET /api/live');
    expect(documented.filter((r) => r !== 'GET /api/live').sort()).toEqual(routes.sort());
  });

  it('documents every route in the OpenAPI document', async () => {
    const doc = (await app.inject('/docs/json')).json();
    for (const path of [
      '/api/status',
      '/api/network',
      '/api/network/geometry',
      '/api/sensors/{id}/trend',
      '/api/segments/{id}',
      '/healthz',
      '/readyz',
      '/metrics',
    ]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
  });

  it('pushes a snapshot and then live deltas over the WebSocket', async () => {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/live`, { headers: api.headers });
    const messages: LiveServerMessage[] = [];
    ws.on('message', (d) => messages.push(JSON.parse(d.toString())));
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'subscribe', sensors: 'all', max_rate_hz: 5 }));
    await waitFor(() => messages.some((m) => m.type === 'snapshot'), 3000, 'snapshot');
    const sensor = plant.sensors.find((s) => s.quantity === 'pressure')!;
    const device = sensor.deviceId;
    const t = Date.now();
    await pub.publishAsync(
      `twin/v1/${sensor.companyId}/${device}/telemetry`,
      JSON.stringify({ seq: 1, readings: [{ sensor: sensor.tag, t, v: 4321.5 }] }),
    );
    const delta = await waitFor(
      () => messages.find((m) => m.type === 'delta' && m.value.includes(4321.5)),
      5000,
      'a delta with the published value',
    );
    if (delta.type !== 'delta') throw new Error('unreachable');
    const k = delta.value.indexOf(4321.5);
    expect(delta.time[k]).toBe(t);
    ws.send('not json');
    await waitFor(() => messages.some((m) => m.type === 'error'), 3000, 'an error message');
    ws.close();
  });
});
