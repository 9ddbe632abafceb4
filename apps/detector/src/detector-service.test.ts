import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import pino from 'pino';
import {
  EquipmentHealthSchema,
  equipmentEventTopic,
  telemetryTopic,
  type EquipmentHealth,
} from '@ct/contracts';
import {
  ReadingsWriter,
  allocReadingColumns,
  createTestDatabase,
  getBaseline,
  listAlerts,
  loadPlant,
  migrate,
  type TestDatabase,
} from '@ct/db';
import { generatePlant, type PlantModel } from '@ct/plant';
import { startAedes, waitFor, type AedesHandle } from '@ct/testkit';
import { loadConfig } from './config';
import { startDetector, type DetectorService } from './detector-service';

describe('the live detector with a real PostgreSQL and broker', () => {
  let db: TestDatabase;
  let broker: AedesHandle;
  let plant: PlantModel;
  let svc: DetectorService | null = null;
  let pub: mqtt.MqttClient;
  const log = pino({ level: 'silent' });

  beforeAll(async () => {
    db = await createTestDatabase();
    await migrate(db.sql, { storage: 'postgres' });
    plant = generatePlant({ seed: 5, size: 'small' });
    await loadPlant(db.sql, plant);
    broker = await startAedes();
    pub = await mqtt.connectAsync(broker.url, { clientId: `det-pub-${process.pid}` });
  });
  afterAll(async () => {
    await svc?.stop();
    await pub?.endAsync();
    await broker?.stop();
    await db?.drop();
  });

  const config = () =>
    loadConfig({
      DATABASE_URL: db.url,
      MQTT_URL: broker.url,
      DETECTOR_INSTANCE: `det-test-${process.pid}`,
      DETECTOR_BASELINE_S: '60',
      DETECTOR_WRITE_INTERVAL_S: '1',
      ALERT_ON_DELAY_S: '10',
      ALERT_OFF_DELAY_S: '20',
      STORAGE: 'postgres',
    });

  it('learns a pump, scores a fault high, names its sensor, stores scores and raises an alert', async () => {
    svc = await startDetector(config(), log);
    await svc.connected;
    const pump = plant.equipment.find((e) => e.kind === 'pump')!;
    const sensors = plant.sensors.filter((s) => s.equipmentId === pump.id);
    const device = sensors[0]!.deviceId;
    const base: Record<string, number> = {
      vibration_rms: 1.1,
      vibration_kurtosis: 3,
      bearing_temperature: 52,
      motor_current: 120,
      discharge_pressure: 900,
    };
    let seed = 7;
    const rnd = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32 - 0.5;
    const t0 = Date.now() - 200_000;
    // what ingest would have stored: the restart below learns from it
    const stored = allocReadingColumns(sensors.length * 151);
    const ids = new Map(
      (await db.sql<{ id: number; tag: string }[]>`select id, tag from sensor`).map((r) => [
        r.tag,
        r.id,
      ]),
    );
    const send = async (i: number, faulty: boolean) => {
      const readings = sensors.map((s) => {
        const b = base[s.quantity] ?? 1;
        const shift = faulty && s.quantity === 'vibration_rms' ? 2.5 : 0;
        return { sensor: s.tag, t: t0 + i * 1000, v: b + shift + b * 0.01 * rnd() };
      });
      for (const r of readings) {
        const k = stored.length++;
        stored.time[k] = r.t;
        stored.sensorId[k] = ids.get(r.sensor)!;
        stored.value[k] = r.v;
      }
      await pub.publishAsync(
        telemetryTopic(pump.companyId, device),
        JSON.stringify({ seq: i, readings }),
        { qos: 1 },
      );
    };
    for (let i = 0; i <= 90; i++) await send(i, false);
    for (let i = 91; i <= 150; i++) await send(i, true);
    const writer = new ReadingsWriter(db.url, 'postgres');
    await writer.insert(stored);
    await writer.close();

    const watch = await mqtt.connectAsync(broker.url, { clientId: `det-watch-${process.pid}` });
    let latest: EquipmentHealth | null = null;
    watch.on('message', (_t, p) => {
      latest = EquipmentHealthSchema.parse(JSON.parse(p.toString()));
    });
    await watch.subscribeAsync(equipmentEventTopic(pump.companyId, pump.id));
    const h = await waitFor(
      () => (latest && latest.t === t0 + 150_000 ? latest : null),
      10_000,
      'the last sample scored',
    );
    await watch.endAsync();
    expect(h.state).toBe('scoring');
    expect(h.score).toBeGreaterThan(0.9);
    expect(h.anomaly).toBe(true);
    expect(h.contributions[0]).toMatchObject({ name: 'vibration_rms' });
    expect(h.contributions[0]!.sigma).toBeGreaterThan(3);

    const alerts = await waitFor(
      async () => {
        const a = await listAlerts(db.sql, { sourceId: pump.id, limit: 5 });
        return a.length > 0 ? a : null;
      },
      10_000,
      'an equipment alert',
    );
    expect(alerts[0]).toMatchObject({
      kind: 'equipment_anomaly',
      isa_state: 'B',
      company_id: pump.companyId,
    });
    expect(alerts[0]!.title).toContain(pump.tag);
    expect(alerts[0]!.title).toMatch(/vibration rms \+\d/);

    await waitFor(
      async () => {
        const [r] = await db.sql<{ n: number; hi: number }[]>`
        select count(*)::int as n, max(score) as hi from anomaly_score where equipment_id = ${pump.id}`;
        return r!.n > 0 && r!.hi > 0.9;
      },
      10_000,
      'stored anomaly scores',
    );
    expect(await getBaseline(db.sql, pump.id, 'mewma-adaptive')).toMatchObject({ fromMs: t0 });
  }, 60_000);

  it('comes back after a restart already scoring, from the stored baseline', async () => {
    await svc!.stop();
    svc = await startDetector(config(), log);
    await svc.connected;
    const pump = plant.equipment.find((e) => e.kind === 'pump')!;
    const m = svc.monitors.find((x) => x.asset.id === pump.id)!;
    expect(m.state).toBe('scoring');
    expect(m.baselineWindow?.samples).toBeGreaterThan(50);
  }, 30_000);
});
