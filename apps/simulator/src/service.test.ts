import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeartbeatSchema, TelemetryMessageSchema, parseDeviceTopic } from '@ct/contracts';
import { MOSQUITTO_AVAILABLE, TcpProxy, startAedes, startMosquitto, waitFor } from '@ct/testkit';
import mqtt from 'mqtt';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config';
import { startSimulatorService } from './service';
import { liquidLine, smallPlant } from './test-support';

interface Received {
  topic: string;
  payload: string;
  qos: number;
  retain: boolean;
}

async function subscribe(
  url: string,
  filters: string[],
): Promise<{ client: mqtt.MqttClient; got: Received[] }> {
  const client = await mqtt.connectAsync(url, {
    protocolVersion: 4,
    clean: true,
    reconnectPeriod: 0,
  });
  const got: Received[] = [];
  client.on('message', (topic, payload, packet) =>
    got.push({ topic, payload: payload.toString(), qos: packet.qos, retain: packet.retain }),
  );
  await client.subscribeAsync(
    filters
      .map((f) => ({ topic: f, qos: 1 as const }))
      .reduce((a, s) => ({ ...a, [s.topic]: { qos: 1 } }), {}),
  );
  return { client, got };
}

const brokers = [
  ...(MOSQUITTO_AVAILABLE ? [{ name: 'Mosquitto', start: () => startMosquitto() }] : []),
  { name: 'aedes', start: () => startAedes() },
];

describe.each(brokers)('simulator through $name', ({ start }) => {
  it('publishes at QoS 1 with per-device seq, retained statuses, a heartbeat and NPW bursts', async () => {
    const broker = await start();
    const dir = await mkdtemp(join(tmpdir(), 'ct-sim-'));
    const logLines: Record<string, unknown>[] = [];
    const log = pino(
      { level: 'info' },
      { write: (s: string) => void logLines.push(JSON.parse(s)) },
    );
    const live = await subscribe(broker.url, ['twin/v1/#', 'twin/sys/#']);
    const cfg = loadConfig({
      MQTT_URL: broker.url,
      SIM_INSTANCE: 'sim-test',
      PLANT_SIZE: 'small',
      SIM_HTTP_PORT: '0',
      SIM_LINE_INTERVAL_S: '1',
      SIM_WEATHER_INTERVAL_S: '1',
      SIM_GROUND_TRUTH: join(dir, 'gt', 'ground-truth.jsonl'),
    });
    const plant = smallPlant();
    const service = await startSimulatorService(cfg, log, { plant });
    try {
      await service.ready;
      const ready = logLines.find((l) => l['ready'] === true)!;
      expect(ready).toMatchObject({
        msg: 'simulator ready',
        devices: 42,
        sensors: 1064,
        control_url: service.controlUrl,
      });
      expect(ready['readings_per_s']).toBeGreaterThan(1000);

      // A leak that began 4 s ago: its pressure captures are complete and go out with the next tick.
      const seg = liquidLine(service.sim.sim).segments[1]!;
      const res = await fetch(`${service.controlUrl}/incidents`, {
        method: 'POST',
        body: JSON.stringify({
          kind: 'leak',
          segment: seg.segment.id,
          distance_m: 5,
          rate_pct: 5,
          start: Date.now() - 4000,
        }),
      });
      expect(res.status).toBe(201);
      await new Promise((r) => setTimeout(r, 2500));

      const late = await subscribe(broker.url, ['twin/v1/+/+/status']);
      await waitFor(() => late.got.length >= service.sim.deviceCount, 5000, 'retained statuses');
      expect(late.got.every((m) => m.retain && JSON.parse(m.payload).state === 'online')).toBe(
        true,
      );
      await late.client.endAsync();
    } finally {
      await service.stop();
    }
    await waitFor(
      () =>
        live.got.filter(
          (m) => m.topic.endsWith('/status') && JSON.parse(m.payload).state === 'offline',
        ).length >= 42,
      5000,
      'offline statuses',
    );
    await live.client.endAsync();
    await broker.stop();

    const telemetry = live.got.filter((m) => m.topic.endsWith('/telemetry'));
    expect(telemetry.length).toBeGreaterThan(100);
    expect(telemetry.length).toBe(service.counters.messages);
    expect(service.counters.acked).toBe(service.counters.messages);
    const seqs = new Map<string, number[]>();
    let burstReadings = 0;
    for (const m of telemetry) {
      expect(m.qos).toBe(1);
      const msg = TelemetryMessageSchema.parse(JSON.parse(m.payload));
      const dt = parseDeviceTopic(m.topic)!;
      seqs.set(dt.device, [...(seqs.get(dt.device) ?? []), msg.seq]);
      burstReadings += msg.readings.filter((r) => r.t % 10 === 0 && r.t < Date.now() - 2000).length;
    }
    expect(seqs.size).toBe(42);
    for (const list of seqs.values()) expect(list).toEqual(list.map((_, i) => list[0]! + i));
    expect(burstReadings).toBeGreaterThan(300);

    const heartbeats = live.got
      .filter((m) => m.topic === 'twin/sys/simulator/sim-test/heartbeat')
      .map((m) => HeartbeatSchema.parse(JSON.parse(m.payload)).state);
    expect(heartbeats[0]).toBe('online');
    expect(heartbeats.at(-1)).toBe('offline');
    const gt = (await readFile(join(dir, 'gt', 'ground-truth.jsonl'), 'utf8')).trim().split('\n');
    expect(gt).toHaveLength(1);
    await rm(dir, { recursive: true, force: true });
  });
});

describe.runIf(MOSQUITTO_AVAILABLE)('simulator on a broker outage', () => {
  it('keeps running, counts what it drops and resumes publishing after mqtt.js reconnects', async () => {
    const broker = await startMosquitto();
    const proxy = new TcpProxy('127.0.0.1', broker.port);
    const port = await proxy.start();
    const dir = await mkdtemp(join(tmpdir(), 'ct-sim-'));
    const logLines: Record<string, unknown>[] = [];
    const log = pino(
      { level: 'info' },
      { write: (s: string) => void logLines.push(JSON.parse(s)) },
    );
    const live = await subscribe(broker.url, ['twin/v1/+/+/telemetry']);
    const cfg = loadConfig({
      MQTT_URL: `mqtt://127.0.0.1:${port}`,
      SIM_INSTANCE: 'sim-outage',
      PLANT_SIZE: 'small',
      SIM_HTTP_PORT: '0',
      SIM_GROUND_TRUTH: join(dir, 'ground-truth.jsonl'),
    });
    const service = await startSimulatorService(cfg, log, { plant: smallPlant() });
    try {
      // the rig (one device of many) publishes once a second: its seq before and after the
      // outage shows the gap, so wait for it on both sides, not just for any 20 messages
      const rigSeqs = () =>
        live.got
          .filter((m) => m.topic.endsWith('/skab-rig/telemetry'))
          .map((m) => (JSON.parse(m.payload) as { seq: number }).seq);
      await service.ready;
      await waitFor(
        () => live.got.length > 20 && rigSeqs().length > 0,
        10_000,
        'first messages, the rig among them',
      );
      await proxy.cut();
      await waitFor(() => service.counters.dropped > 20, 5000, 'dropped while cut');
      // long enough for the 1 Hz rig to miss at least two messages, however loaded the machine
      await new Promise((r) => setTimeout(r, 2500));
      const seenDuringCut = live.got.length;
      const rigDuringCut = rigSeqs().length;
      await proxy.restore();
      await waitFor(() => service.counters.reconnects >= 1, 10_000, 'reconnect');
      await waitFor(
        () => live.got.length > seenDuringCut + 20 && rigSeqs().length > rigDuringCut,
        10_000,
        'messages after the outage, the rig among them',
      );
      expect(logLines.some((l) => l['code'] === 'CT_ERR_SIM_BROKER_UNAVAILABLE')).toBe(true);
      expect(logLines.some((l) => l['msg'] === 'broker connection restored')).toBe(true);
      // The devices' seq kept counting through the outage, so the gap shows downstream.
      const rig = rigSeqs();
      const jumps = rig.slice(1).filter((seq, i) => seq - rig[i]! > 1);
      expect(jumps.length).toBeGreaterThan(0);
    } finally {
      await service.stop();
      await live.client.endAsync();
      await proxy.stop();
      await broker.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
