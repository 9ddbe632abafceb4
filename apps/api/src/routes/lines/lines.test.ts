import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import mqtt from 'mqtt';
import { LineOperationSchema, OPERATION_FILTER, type LineOperation } from '@ct/contracts';
import {
  SensorDirectory,
  createTestDatabase,
  loadPlant,
  migrate,
  recordLineOperation,
  type TestDatabase,
} from '@ct/db';
import { generatePlant, type PlantModel } from '@ct/plant';
import { startAedes, waitFor, type AedesHandle } from '@ct/testkit';
import { buildApp } from '../../app';
import { LiveHub } from '../../live/live-hub';
import { signIn, type SignedIn } from '../../test-support';

describe('operations announced on a line', () => {
  let db: TestDatabase;
  let broker: AedesHandle;
  let live: LiveHub;
  let app: FastifyInstance;
  let plant: PlantModel;
  let tap: mqtt.MqttClient;
  /** A control-room operator: announces operations on any company's lines, as the api's role. */
  let operator: SignedIn;
  const heard: { topic: string; op: LineOperation }[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    const { storage } = await migrate(db.sql, { storage: 'postgres' });
    plant = generatePlant({ seed: 11, size: 'small' });
    await loadPlant(db.sql, plant);
    broker = await startAedes();
    const sensors = new SensorDirectory(db.sql);
    await sensors.load();
    live = new LiveHub({ mqttUrl: broker.url, clientId: `lines-test-${process.pid}`, sensors });
    live.start();
    await waitFor(() => live.connected, 5000, 'live hub connected');
    app = await buildApp({ sql: db.sql, live, storage, brokerUrl: broker.url });
    operator = await signIn(app, db.sql, {
      username: 'mina.operator',
      displayName: 'Mina Operator',
      role: 'operator',
    });
    tap = await mqtt.connectAsync(broker.url, { clientId: `lines-tap-${process.pid}` });
    tap.on('message', (topic, payload) =>
      heard.push({ topic, op: LineOperationSchema.parse(JSON.parse(payload.toString())) }),
    );
    await tap.subscribeAsync(OPERATION_FILTER, { qos: 1 });
  });

  afterAll(async () => {
    await tap?.endAsync();
    await app?.close();
    await live?.stop();
    await broker?.stop();
    await db?.drop();
  });

  it('publishes an operator announcement for the leak detectors, under the line owner', async () => {
    const line = plant.lines[0]!;
    const res = await operator.inject({
      method: 'POST',
      url: `/api/lines/${line.tag}/operations`,
      payload: {
        actor: 'Mina Operator',
        kind: 'valve_move',
        settle_s: 90,
        note: 'throttling for maintenance',
      },
    });
    expect(res.statusCode).toBe(202);
    const op = LineOperationSchema.parse(res.json());
    // the source is the signed-in person
    expect(op).toMatchObject({
      line: line.id,
      kind: 'valve_move',
      settle_s: 90,
      source: 'Mina Operator',
    });
    await waitFor(() => heard.length > 0, 5000, 'the announcement on the broker');
    expect(heard[0]!.topic).toBe(`twin/v1/${line.companyId}/operator-console/operation`);
    expect(heard[0]!.op).toEqual(op);
  });

  it('lists what the detectors recorded, newest first', async () => {
    const line = plant.lines[1]!;
    await recordLineOperation(db.sql, { t: 1_000, kind: 'pump_start', line: line.id }, 'simulator');
    await recordLineOperation(db.sql, { t: 2_000, kind: 'pump_stop', line: line.tag }, 'simulator');
    const res = await operator.inject(`/api/lines/${line.id}/operations`);
    expect(res.statusCode).toBe(200);
    const items = res.json<{ items: { t: number; kind: string; source: string }[] }>().items;
    expect(items.map((i) => [i.t, i.kind])).toEqual([
      [2_000, 'pump_stop'],
      [1_000, 'pump_start'],
    ]);
  });

  it('answers an unknown line with 404 and a bad announcement with 400, sending nothing', async () => {
    const before = heard.length;
    const unknown = await operator.inject({
      method: 'POST',
      url: '/api/lines/no-such-line/operations',
      payload: { kind: 'pump_stop' },
    });
    expect(unknown.statusCode).toBe(404);
    const bad = await operator.inject({
      method: 'POST',
      url: `/api/lines/${plant.lines[0]!.id}/operations`,
      payload: { kind: 'explode' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ code: string }>().code).toBe('CT_ERR_API_BAD_REQUEST');
    await new Promise((r) => setTimeout(r, 300));
    expect(heard.length).toBe(before);
  });
});
