import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { createTestDatabase, migrate, type TestDatabase } from '@ct/db';
import {
  TcpProxy,
  startMosquitto,
  waitFor,
  type MosquittoHandle,
  MOSQUITTO_AVAILABLE,
} from '@ct/testkit';
import { startIngest, type IngestService } from './ingest';
import { quietLog, seedMiniPlant, testConfig } from './test-support';

const TOPIC = 'twin/v1/acme/rtu-1/telemetry';

describe.runIf(MOSQUITTO_AVAILABLE)('ingest with a real Mosquitto and a real PostgreSQL', () => {
  let db: TestDatabase;
  let broker: MosquittoHandle;
  let proxy: TcpProxy;
  let svc: IngestService;
  let pub: mqtt.MqttClient;
  let seq = 0;

  beforeAll(async () => {
    db = await createTestDatabase();
    await migrate(db.sql, { storage: 'postgres' });
    await seedMiniPlant(db.sql, 50);
    broker = await startMosquitto();
    // ingest reaches PostgreSQL through a proxy the test can cut, to play a database outage
    proxy = new TcpProxy('127.0.0.1', Number(new URL(db.url).port || 5432));
    const port = await proxy.start();
    const viaProxy = new URL(db.url);
    viaProxy.port = String(port);
    svc = await startIngest(testConfig(viaProxy.toString(), broker.url), quietLog);
    await svc.connected;
    pub = await mqtt.connectAsync(broker.url, {
      protocolVersion: 5,
      clientId: `pub-${process.pid}`,
    });
  });

  afterAll(async () => {
    await pub?.endAsync();
    await svc?.stop();
    await proxy?.stop();
    await broker?.stop();
    await db?.drop();
  });

  const count = async (where = db.sql`true`) =>
    (await db.sql<{ n: number }[]>`select count(*)::int as n from readings where ${where}`)[0]!.n;

  const publish = (readings: object[], topic = TOPIC) =>
    pub.publishAsync(topic, JSON.stringify({ seq: ++seq, readings }), { qos: 1 });

  it('subscribes with an MQTT 5 shared subscription on Mosquitto', () => {
    expect(svc.session.protocol).toBe(5);
    expect(svc.session.sharedSubscriptions).toBe(true);
  });

  it('stores every published value exactly as it was sent', async () => {
    const t0 = Date.now() - 60_000;
    const sent = new Map<string, number>();
    for (let m = 0; m < 40; m++) {
      const readings = [];
      for (let s = 1; s <= 50; s++) {
        const t = t0 + m * 1000 + s;
        const v = Math.sin(m * 50 + s) * 1000 + s / 7;
        readings.push({ sensor: `PT-${s}`, t, v });
        sent.set(`${s}/${t}`, v);
      }
      await publish(readings);
    }
    await waitFor(async () => (await count()) === 2000, 10_000, '2000 readings stored');
    const rows = await db.sql<{ sensor_id: number; t: number; value: number }[]>`
      select sensor_id, extract(epoch from time) * 1000 as t, value from readings`;
    let matched = 0;
    for (const r of rows) {
      if (sent.get(`${r.sensor_id}/${Math.round(Number(r.t))}`) === r.value) matched++;
    }
    expect(matched).toBe(2000);
  });

  it('does not duplicate rows when a message is delivered twice', async () => {
    const t = Date.now() - 30_000;
    const payload = JSON.stringify({ seq: ++seq, readings: [{ sensor: 'PT-3', t, v: 42 }] });
    await pub.publishAsync(TOPIC, payload, { qos: 1 });
    await pub.publishAsync(TOPIC, payload, { qos: 1 });
    await waitFor(() => svc.counters.duplicateReadings >= 1, 5000, 'the duplicate to be seen');
    expect(await count(db.sql`sensor_id = 3 and value = 42`)).toBe(1);
  });

  it('dead-letters each kind of bad input with its reason and keeps the stream going', async () => {
    const now = Date.now();
    const bad: [string, string | Buffer][] = [
      [TOPIC, '{"seq": 1, "readings": ['],
      [TOPIC, JSON.stringify({ seq: 'x', readings: [{ sensor: 'PT-1', t: now, v: 1 }] })],
      [TOPIC, JSON.stringify({ seq: 1, readings: [{ sensor: 'GHOST-1', t: now, v: 1 }] })],
      [
        TOPIC,
        JSON.stringify({ seq: 1, readings: [{ sensor: 'PT-1', t: now + 7 * 86_400_000, v: 1 }] }),
      ],
      [TOPIC, JSON.stringify({ seq: 1, readings: [{ sensor: 'PT-1', t: 1000, v: 1 }] })],
      [TOPIC, Buffer.alloc(300_000, 0x61)],
      [TOPIC, '{"seq":1,"readings":[{"sensor":"PT-1","t":1,"v":NaN}]}'],
      [TOPIC, `{"seq":1,"readings":[{"sensor":"PT-1","t":${now},"v":1e999}]}`],
      ['twin/v1/acme/rtu-1/junk', '{}'],
    ];
    for (const [topic, payload] of bad) await pub.publishAsync(topic, payload, { qos: 1 });
    // a good message after the bad ones still gets through
    await publish([{ sensor: 'PT-7', t: now, v: 7.5 }]);
    await waitFor(async () => (await count(db.sql`sensor_id = 7 and value = 7.5`)) === 1, 5000);
    const rows = await waitFor(
      async () => {
        const r = await db.sql<{ reason: string; detail: string; payload_bytes: number }[]>`
        select reason, detail, payload_bytes from dead_letter order by id`;
        return r.length >= bad.length - 1 ? r : null;
      },
      5000,
      'dead letters',
    );
    const reasons = rows.map((r) => r.reason);
    expect(reasons).toEqual([
      'CT_ERR_INGEST_BAD_JSON',
      'CT_ERR_INGEST_BAD_PAYLOAD',
      'CT_ERR_INGEST_UNKNOWN_SENSOR',
      'CT_ERR_INGEST_TIME_OUT_OF_RANGE',
      'CT_ERR_INGEST_TIME_OUT_OF_RANGE',
      'CT_ERR_INGEST_OVERSIZED',
      'CT_ERR_INGEST_BAD_JSON',
      'CT_ERR_INGEST_BAD_PAYLOAD',
    ]);
    expect(rows[5]!.payload_bytes).toBe(300_000);
    expect(rows[3]!.detail).toMatch(/in the future/);
    // the subscription filter never delivers the junk topic, so it cannot be dead-lettered
    expect(svc.counters.deadLetters).toBe(8);
  });

  it('holds acknowledgements while the database is down and loses nothing when it returns', async () => {
    const before = await count();
    await proxy.cut();
    const t0 = Date.now() - 10_000;
    for (let m = 0; m < 20; m++) {
      await publish(
        Array.from({ length: 50 }, (_, i) => ({
          sensor: `PT-${i + 1}`,
          t: t0 + m * 100 + i,
          v: m,
        })),
      );
    }
    await waitFor(() => svc.pipeline.unacked.messages >= 20, 5000, 'messages held unacked');
    await new Promise((r) => setTimeout(r, 1000));
    expect(svc.pipeline.dbOk).toBe(false);
    expect(svc.pipeline.unacked.messages).toBeGreaterThanOrEqual(20);
    await proxy.restore();
    await waitFor(async () => (await count()) === before + 1000, 20_000, 'readings after recovery');
    await waitFor(() => svc.pipeline.unacked.messages === 0, 5000, 'all acknowledged');
    expect(svc.pipeline.dbOk).toBe(true);
  });
});
