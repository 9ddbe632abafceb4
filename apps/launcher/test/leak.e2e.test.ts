import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  LeakAlertDetailSchema,
  type Alert,
  type AlertWithEvents,
  type LiveServerMessage,
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
  return spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'apps', app, 'src', 'main.ts')], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

describe.runIf(MOSQUITTO_AVAILABLE)(
  'a leak injected into the simulator reaches the safety officer as one alert',
  () => {
    const plant = generatePlant({ seed: SEED, size: 'small' });
    // a hazardous liquid line with a few segments: its waves are strong enough to time, and a
    // leak on it is an incident the safety office sees whoever owns it
    const line = plant.lines.find((l) => {
      const sub = plant.substances.find((s) => s.id === l.substanceId)!;
      return (
        sub.phase === 'liquid' &&
        (sub.toxic || sub.flammable) &&
        plant.segments.filter((s) => s.lineId === l.id).length >= 4
      );
    })!;
    const segments = plant.segments
      .filter((s) => s.lineId === line.id)
      .sort((a, b) => a.order - b.order);
    const quiet = plant.lines.find(
      (l) => l.id !== line.id && plant.segments.some((s) => s.lineId === l.id && s.order >= 2),
    )!;
    let db: TestDatabase;
    let broker: MosquittoHandle;
    let dir: string;
    const apps: ChildProcess[] = [];
    let api: string;
    let sim: string;
    const events: { at: number; msg: LiveServerMessage }[] = [];
    let ws: WebSocket;
    /** A safety officer's session: the alerts, the live feed, the actions. */
    let cookie: string;

    beforeAll(async () => {
      db = await createTestDatabase();
      await migrate(db.sql, { storage: 'postgres' });
      await loadPlant(db.sql, plant);
      broker = await startMosquitto();
      dir = await mkdtemp(join(tmpdir(), 'ct-leak-e2e-'));
      const common = { DATABASE_URL: db.url, MQTT_URL: broker.url, STORAGE: 'postgres' };
      const apiPort = await freePort();
      const simPort = await freePort();
      api = `http://127.0.0.1:${apiPort}`;
      sim = `http://127.0.0.1:${simPort}`;
      apps.push(
        startApp('api', { ...common, API_PORT: String(apiPort), CONSOLE_DIR: join(dir, 'none') }),
      );
      apps.push(
        startApp('detector', {
          ...common,
          DETECTOR_INSTANCE: `leak-e2e-${process.pid}`,
          // a shorter off-delay than the default minute keeps the test short
          DETECTOR_LEAK_CLEAR_S: '20',
        }),
      );
      await waitFor(
        async () => (await fetch(`${api}/readyz`).catch(() => null))?.ok,
        30_000,
        'the api',
      );
      cookie = await signedInCookie(db.sql, api, {
        username: 'officer.kim',
        displayName: 'Officer Kim',
        role: 'safety_officer',
      });
      ws = new WebSocket(`ws://127.0.0.1:${apiPort}/api/live`, { headers: { cookie } });
      ws.on('message', (d) => events.push({ at: Date.now(), msg: JSON.parse(d.toString()) }));
      await new Promise((r) => ws.once('open', r));
      // 1 s samples so the balances learn their noise within a minute
      apps.push(
        startApp('simulator', {
          MQTT_URL: broker.url,
          PLANT_SEED: String(SEED),
          PLANT_SIZE: 'small',
          SIM_LINE_INTERVAL_S: '1',
          SIM_HTTP_PORT: String(simPort),
          SIM_GROUND_TRUTH: join(dir, 'ground-truth.jsonl'),
        }),
      );
      await waitFor(
        async () => (await fetch(`${sim}/healthz`).catch(() => null))?.ok,
        30_000,
        'the simulator',
      );
    }, 90_000);

    afterAll(async () => {
      ws?.close();
      for (const a of apps) a.kill('SIGTERM');
      await broker?.stop();
      await db?.drop();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    const post = async (url: string, body: unknown) => {
      const r = await fetch(url, {
        method: 'POST',
        // the simulator ignores the cookie; the api needs it
        headers: { 'content-type': 'application/json', cookie },
        body: JSON.stringify(body),
      });
      return { status: r.status, body: (await r.json()) as Record<string, unknown> };
    };
    const leakAlerts = () =>
      events.filter(
        (e): e is { at: number; msg: Extract<LiveServerMessage, { type: 'alert' }> } =>
          e.msg.type === 'alert' && e.msg.alert.kind === 'leak',
      );

    it('places an abrupt leak on its segment within its band, with rate, zones and valves, in seconds; an announced pump stop and a stuck meter raise nothing', async () => {
      // warm-up: the balances need their meters' noise and offsets (about 50 samples)
      await new Promise((r) => setTimeout(r, 75_000));
      const seg = segments[2]!;
      const lastMeter = plant.sensors
        .filter((s) => s.segmentId === segments.at(-1)!.id && s.quantity === 'flow')
        .sort((a, b) => (b.positionM ?? 0) - (a.positionM ?? 0))[0]!;
      expect(
        (
          await post(`${sim}/incidents`, {
            kind: 'operation',
            action: 'pump_stop',
            line: quiet.id,
            duration_s: 40,
          })
        ).status,
      ).toBe(201);
      expect(
        (
          await post(`${sim}/incidents`, {
            kind: 'sensor_fault',
            sensor: lastMeter.tag,
            mode: 'stuck',
            duration_s: 120,
          })
        ).status,
      ).toBe(201);
      await new Promise((r) => setTimeout(r, 15_000));
      const start = Date.now() + 500;
      const inj = await post(`${sim}/incidents`, {
        kind: 'leak',
        segment: seg.id,
        distance_m: Math.round(seg.lengthM * 0.37 * 10) / 10,
        rate_pct: 8,
        start,
      });
      expect(inj.status).toBe(201);
      const params = inj.body['params'] as { line_position_m: number; rate_m3h: number };
      const raised = await waitFor(
        () => leakAlerts().find((e) => e.msg.action === 'raise'),
        20_000,
        'the leak alert on the WebSocket',
      );
      expect(raised.msg.alert.source_id).toBe(line.id);
      // within a few seconds of the hole opening (the wave, an edge report, the alert)
      expect(raised.at - start).toBeLessThan(5_000);
      const detail = LeakAlertDetailSchema.parse(raised.msg.alert.detail);
      expect(detail.segment_id).toBe(seg.id);
      expect(detail.position.method).toBe('npw');
      expect(
        Math.abs(detail.position.line_position_m - params.line_position_m),
      ).toBeLessThanOrEqual(detail.position.uncertainty_m + 1);
      expect(detail.rate.m3h).toBeGreaterThan(0);
      expect(detail.isolation_valves.some((v) => v.side === 'upstream')).toBe(true);
      expect(detail.isolation_valves.some((v) => v.side === 'downstream')).toBe(true);
      expect(detail.weather).not.toBeNull();
      expect(detail.substance_id).toBe(line.substanceId);
      // the balance confirms and sizes it
      const confirmed = await waitFor(
        async () => {
          const a = (await (
            await fetch(`${api}/api/alerts/${raised.msg.alert.id}`, { headers: { cookie } })
          ).json()) as Alert;
          const d = LeakAlertDetailSchema.parse(a.detail);
          return d.evidence.some((e) => e.method === 'mass_balance') ? d : null;
        },
        30_000,
        'the volume balance to confirm',
      );
      expect(Math.abs(confirmed.rate.m3h - params.rate_m3h)).toBeLessThan(
        Math.max(3 * confirmed.rate.uncertainty_m3h, 0.2 * params.rate_m3h),
      );
      expect(confirmed.confidence).toBeGreaterThan(0.9);
      // one alert, on the leaking line only
      const lines = new Set(leakAlerts().map((e) => e.msg.alert.source_id));
      expect([...lines]).toEqual([line.id]);
    }, 180_000);

    it('takes the leak alert through ack and comment, and to resolve once the leak has stopped', async () => {
      const raised = leakAlerts().find((e) => e.msg.action === 'raise')!;
      const id = raised.msg.alert.id;
      const get = async () =>
        (await (
          await fetch(`${api}/api/alerts/${id}`, { headers: { cookie } })
        ).json()) as AlertWithEvents;
      let a = await get();
      expect(a.isa_state).toBe('B');
      const ack = await post(`${api}/api/alerts/${id}/ack`, {
        actor: 'Officer Kim',
        version: a.version,
      });
      expect(ack.status).toBe(200);
      const early = await post(`${api}/api/alerts/${id}/resolve`, {
        version: ack.body['version'],
        resolution: 'too early',
      });
      expect(early.status).toBe(409);
      await post(`${api}/api/alerts/${id}/comment`, {
        actor: 'Officer Kim',
        note: 'crew sent to the valves',
      });
      const list = (await (await fetch(`${sim}/incidents`)).json()) as {
        incidents: { id: string; kind: string }[];
      };
      const leak = list.incidents.find((i) => i.kind === 'leak')!;
      await fetch(`${sim}/incidents/${leak.id}`, { method: 'DELETE' });
      // the balance calms, the latching alert waits in E for a person
      a = await waitFor(
        async () => {
          const x = await get();
          return x.isa_state === 'E' ? x : null;
        },
        200_000,
        'the leak condition to clear into E',
      );
      const done = await post(`${api}/api/alerts/${id}/resolve`, {
        version: a.version,
        resolution: 'flange gasket replaced',
      });
      expect(done.status).toBe(200);
      expect(done.body['isa_state']).toBe('A');
      const trail = (await get()).events.map((e) => e.action);
      expect(trail).toEqual(
        expect.arrayContaining(['raise', 'ack', 'comment', 'clear', 'resolve']),
      );
    }, 260_000);

    it('finds an abrupt leak on a gas line, whose pressure step is lost in noise, by the flow meters in seconds', async () => {
      const gasLine = plant.lines.find((l) => {
        const sub = plant.substances.find((s) => s.id === l.substanceId)!;
        return sub.phase === 'gas' && plant.segments.filter((s) => s.lineId === l.id).length >= 4;
      })!;
      const seg = plant.segments
        .filter((s) => s.lineId === gasLine.id)
        .sort((a, b) => a.order - b.order)[2]!;
      const start = Date.now() + 500;
      const inj = await post(`${sim}/incidents`, {
        kind: 'leak',
        segment: seg.id,
        distance_m: Math.round(seg.lengthM * 0.41 * 10) / 10,
        rate_pct: 8,
        start,
      });
      expect(inj.status).toBe(201);
      const params = inj.body['params'] as { line_position_m: number };
      const mine = () => leakAlerts().filter((e) => e.msg.alert.source_id === gasLine.id);
      const raised = await waitFor(
        () => mine().find((e) => e.msg.action === 'raise'),
        20_000,
        'the gas leak alert on the WebSocket',
      );
      expect(raised.at - start).toBeLessThan(5_000);
      // the flow wave is in its evidence at once or in the next update
      const byWave = await waitFor(
        () =>
          mine()
            .map((e) => LeakAlertDetailSchema.parse(e.msg.alert.detail))
            .find((d) => d.evidence.some((x) => x.method === 'flow_wave')),
        10_000,
        'the flow wave in the alert',
      );
      const wave = byWave.evidence.find((x) => x.method === 'flow_wave')!;
      expect(wave.t - start).toBeLessThan(2_000);
      expect(
        Math.abs(byWave.position.line_position_m - params.line_position_m),
      ).toBeLessThanOrEqual(byWave.position.uncertainty_m + 1);
      expect(byWave.rate.m3h).toBeGreaterThan(0);
    }, 60_000);
  },
);
