import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { createTestDatabase, migrate, type TestDatabase } from '@ct/db';
import {
  startAedes,
  startMosquitto,
  waitFor,
  type AedesHandle,
  type MosquittoHandle,
  MOSQUITTO_AVAILABLE,
} from '@ct/testkit';
import { seedMiniPlant } from './test-support';

const MAIN = join(import.meta.dirname, 'main.ts');

function spawnIngest(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function publishSteadily(
  url: string,
  protocolVersion: 4 | 5,
  messages: number,
  perMessage: number,
  sensors: number,
  ratePerS: number,
): Promise<void> {
  const pub = await mqtt.connectAsync(url, {
    protocolVersion,
    clientId: `crash-pub-${process.pid}`,
  });
  const t0 = Date.now() - 120_000;
  for (let m = 0; m < messages; m++) {
    const readings = Array.from({ length: perMessage }, (_, i) => {
      const k = m * perMessage + i;
      return { sensor: `PT-${(k % sensors) + 1}`, t: t0 + Math.floor(k / sensors), v: k };
    });
    await pub.publishAsync('twin/v1/acme/rtu-1/telemetry', JSON.stringify({ seq: m, readings }), {
      qos: 1,
    });
    if (m % 10 === 9) await new Promise((r) => setTimeout(r, (10 * 1000) / ratePerS));
  }
  await pub.endAsync();
}

describe.runIf(MOSQUITTO_AVAILABLE)('ingest killed with SIGKILL mid-stream', () => {
  let db: TestDatabase;
  let broker: MosquittoHandle;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    await migrate(db.sql, { storage: 'postgres' });
    await seedMiniPlant(db.sql, 100);
    broker = await startMosquitto();
  });
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await broker?.stop();
    await db?.drop();
  });

  it('loses no reading and stores none twice after a restart', async () => {
    const env = {
      DATABASE_URL: db.url,
      MQTT_URL: broker.url,
      INGEST_INSTANCE: `crash-${process.pid}`,
      INGEST_SHARE_GROUP: `crash-${process.pid}`,
      STORAGE: 'postgres',
    };
    const first = spawnIngest(env);
    children.push(first);
    const count = async () =>
      (await db.sql<{ n: number }[]>`select count(*)::int as n from readings`)[0]!.n;
    // The persistent session must exist before publishing starts, or the broker has no one to
    // keep messages for: wait for the first instance's online heartbeat.
    const probe = await mqtt.connectAsync(broker.url, { clientId: `probe-${process.pid}` });
    await probe.subscribeAsync('twin/sys/ingest/+/heartbeat');
    await new Promise<void>((resolve) =>
      probe.on('message', (_t, p) => {
        if (JSON.parse(p.toString()).state === 'online') resolve();
      }),
    );
    await probe.endAsync();

    const total = 400 * 50;
    const publishing = publishSteadily(broker.url, 5, 400, 50, 100, 100);
    await waitFor(async () => (await count()) > 2000, 20_000, 'ingest to store some readings');
    first.kill('SIGKILL');
    const storedAtKill = await count();
    expect(storedAtKill).toBeLessThan(total);
    await new Promise((r) => setTimeout(r, 500));
    const second = spawnIngest(env);
    children.push(second);
    await publishing;
    await waitFor(async () => (await count()) === total, 30_000, `all ${total} readings`);
    // nothing more trickles in later either: still exactly the total, and distinct
    await new Promise((r) => setTimeout(r, 1000));
    const [r] = await db.sql<{ n: number; d: number }[]>`
      select count(*)::int as n, count(distinct (sensor_id, time))::int as d from readings`;
    expect(r).toEqual({ n: total, d: total });
    second.kill('SIGTERM');
  }, 90_000);
});

describe('ingest on the embedded broker (aedes, MQTT 3.1.1)', () => {
  let db: TestDatabase;
  let broker: AedesHandle;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
    await migrate(db.sql, { storage: 'postgres' });
    await seedMiniPlant(db.sql, 10);
    broker = await startAedes();
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await broker?.stop();
    await db?.drop();
  });

  it('falls back to MQTT 3.1.1 with a plain subscription and stores what is published', async () => {
    child = spawnIngest({
      DATABASE_URL: db.url,
      MQTT_URL: broker.url,
      INGEST_INSTANCE: `aedes-${process.pid}`,
      STORAGE: 'postgres',
      INGEST_METRICS_INTERVAL_MS: '300',
    });
    const sub = await mqtt.connectAsync(broker.url, { clientId: `m-${process.pid}` });
    await sub.subscribeAsync('twin/sys/ingest/+/metrics');
    const metrics = new Promise<{ mqtt_protocol: number; shared_subscription: boolean }>(
      (resolve) => sub.on('message', (_t, p) => resolve(JSON.parse(p.toString()))),
    );
    const m = await metrics;
    expect(m.mqtt_protocol).toBe(4);
    expect(m.shared_subscription).toBe(false);
    await publishSteadily(broker.url, 4, 20, 10, 10, 1000);
    await waitFor(
      async () =>
        (await db.sql<{ n: number }[]>`select count(*)::int as n from readings`)[0]!.n === 200,
      10_000,
      '200 readings via aedes',
    );
    await sub.endAsync();
  }, 30_000);
});
