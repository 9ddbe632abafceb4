import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import {
  TelemetryMessageSchema,
  parseDeviceTopic,
  type NetworkResponse,
  type StatusResponse,
  type TrendResponse,
} from '@ct/contracts';
import { createTestDatabase, loadPlant, migrate, type TestDatabase } from '@ct/db';
import { generatePlant } from '@ct/plant';
import {
  MOSQUITTO_AVAILABLE,
  freePort,
  signedInCookie,
  startMosquitto,
  waitFor,
  type MosquittoHandle,
} from '@ct/testkit';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const SEED = 3;

function startApp(app: string, env: Record<string, string>): ChildProcess {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'apps', app, 'src', 'main.ts')],
    {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  return child;
}

/** One published reading, as the test saw it on the broker. */
interface Seen {
  company: string;
  tag: string;
  t: number;
  v: number;
}

describe.runIf(MOSQUITTO_AVAILABLE)(
  'simulator -> Mosquitto -> ingest -> PostgreSQL -> api, end to end',
  () => {
    let db: TestDatabase;
    let broker: MosquittoHandle;
    let dir: string;
    const apps: ChildProcess[] = [];
    let api: string;
    /** The control room's operator: status and the map of every company. */
    let operator: { cookie: string };
    const seen: Seen[] = [];
    let tap: mqtt.MqttClient;

    beforeAll(async () => {
      db = await createTestDatabase();
      await migrate(db.sql, { storage: 'postgres' });
      await loadPlant(db.sql, generatePlant({ seed: SEED, size: 'small' }));
      broker = await startMosquitto();
      dir = await mkdtemp(join(tmpdir(), 'ct-e2e-'));
      // the test's own subscriber records exactly what the simulator published
      tap = await mqtt.connectAsync(broker.url, { clientId: `e2e-tap-${process.pid}` });
      tap.on('message', (topic, payload) => {
        const dt = parseDeviceTopic(topic);
        if (!dt || dt.kind !== 'telemetry') return;
        const m = TelemetryMessageSchema.parse(JSON.parse(payload.toString()));
        for (const r of m.readings)
          seen.push({ company: dt.company, tag: r.sensor, t: r.t, v: r.v });
      });
      await tap.subscribeAsync('twin/v1/+/+/telemetry', { qos: 1 });

      const common = { DATABASE_URL: db.url, MQTT_URL: broker.url, STORAGE: 'postgres' };
      const port = await freePort();
      api = `http://127.0.0.1:${port}`;
      apps.push(
        startApp('ingest', {
          ...common,
          INGEST_INSTANCE: `e2e-${process.pid}`,
          INGEST_SHARE_GROUP: `e2e-${process.pid}`,
          INGEST_METRICS_INTERVAL_MS: '500',
        }),
      );
      apps.push(
        startApp('api', { ...common, API_PORT: String(port), CONSOLE_DIR: join(dir, 'none') }),
      );
      await waitFor(
        async () => (await fetch(`${api}/readyz`).catch(() => null))?.ok,
        30_000,
        'the api to be ready',
      );
      operator = {
        cookie: await signedInCookie(db.sql, api, { username: 'operator', role: 'operator' }),
      };
      // ingest's persistent session must exist before anything is published
      await waitFor(
        async () => {
          const s = (await (
            await fetch(`${api}/api/status`, { headers: operator })
          ).json()) as StatusResponse;
          return s.components.some((c) => c.component === 'ingest' && c.state === 'online');
        },
        30_000,
        'ingest online',
      );
    }, 90_000);

    afterAll(async () => {
      for (const a of apps) a.kill('SIGTERM');
      await tap?.endAsync();
      await broker?.stop();
      await db?.drop();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('reads back through the api exactly the values the simulator published', async () => {
      const sim = startApp('simulator', {
        MQTT_URL: broker.url,
        PLANT_SEED: String(SEED),
        PLANT_SIZE: 'small',
        SIM_LINE_INTERVAL_S: '1',
        SIM_HTTP_PORT: '0',
        SIM_GROUND_TRUTH: join(dir, 'ground-truth.jsonl'),
      });
      apps.push(sim);
      await waitFor(() => seen.length > 3000, 30_000, 'the simulator to publish');
      await new Promise((r) => setTimeout(r, 3000));
      sim.kill('SIGTERM');
      await new Promise((r) => sim.once('exit', r));
      await new Promise((r) => setTimeout(r, 500));
      const published = seen.length;

      const status = await waitFor(
        async () => {
          const s = (await (
            await fetch(`${api}/api/status`, { headers: operator })
          ).json()) as StatusResponse;
          return s.flow.readings_total >= published ? s : null;
        },
        30_000,
        'ingest to store every published reading',
      );
      expect(status.flow.readings_total).toBe(published);
      expect(status.flow.dead_letters_total).toBe(0);
      expect(status.database).toMatchObject({ ok: true, storage: 'postgres' });

      const net = (await (
        await fetch(`${api}/api/network`, { headers: operator })
      ).json()) as NetworkResponse;
      const idByTag = new Map<string, number>();
      net.sensors.id.forEach((id, i) => {
        const company = net.companies[net.sensors.company[i]!]!.id;
        idByTag.set(`${company}/${net.sensors.tag[i]}`, id);
      });
      // every reading of three sensors of different kinds, compared value by value
      const byTag = new Map<string, Seen[]>();
      for (const s of seen) {
        const k = `${s.company}/${s.tag}`;
        if (!byTag.has(k)) byTag.set(k, []);
        byTag.get(k)!.push(s);
      }
      // stored readings are their company's: a plant engineer of one company reads its sensors
      const company = [...byTag.keys()][0]!.split('/')[0]!;
      const engineer = {
        cookie: await signedInCookie(db.sql, api, {
          username: 'engineer',
          role: 'plant_engineer',
          companyId: company,
        }),
      };
      const tags = [...byTag.keys()].filter((k) => idByTag.has(k) && k.startsWith(`${company}/`));
      expect(tags.length).toBeGreaterThan(10);
      const picked = [tags[0]!, tags[Math.floor(tags.length / 2)]!, tags[tags.length - 1]!];
      let compared = 0;
      for (const key of picked) {
        const sent = byTag.get(key)!.sort((a, b) => a.t - b.t);
        const from = sent[0]!.t;
        const to = sent[sent.length - 1]!.t + 1;
        const res = await fetch(
          `${api}/api/sensors/${idByTag.get(key)}/trend?from=${from}&to=${to}&resolution=raw`,
          { headers: engineer },
        );
        expect(res.status).toBe(200);
        const trend = (await res.json()) as TrendResponse;
        expect(trend.t).toHaveLength(sent.length);
        sent.forEach((s, i) => {
          expect(trend.t[i]).toBeCloseTo(s.t, 3);
          expect(trend.avg[i]).toBe(s.v);
        });
        compared += sent.length;
      }
      expect(compared).toBeGreaterThan(10);
    }, 120_000);
  },
);
