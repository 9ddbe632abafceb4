import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GroundTruthEntrySchema, TelemetryMessageSchema, telemetryTopic } from '@ct/contracts';
import { MOSQUITTO_AVAILABLE, startAedes, startMosquitto } from '@ct/testkit';
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { indexPlant } from './plant-index';
import { labelWindows, parseReplayCsv } from './replay-csv';
import { smallPlant } from './test-support';

const HEADER =
  'datetime;Accelerometer1RMS;Accelerometer2RMS;Current;Pressure;Temperature;Thermocouple;Voltage;Volume Flow RateRMS;anomaly;changepoint';
const CSV = [
  HEADER,
  '2020-03-09 10:14:33;0.0265878;0.0401113;1.3302;0.054711;79.3366;26.0199;233.062;32.0;0.0;0.0',
  '2020-03-09 10:14:34;0.0261697;0.0404525;1.35399;0.382638;79.5158;26.0258;236.04;120.0;0.0;0.0',
  '2020-03-09 10:14:35;0.0260;0.0402;1.34;oops;79.5;26.02;235.1;33.0;0.0;0.0',
  '2020-03-09 10:14:36;0.0262;0.0403;1.36;0.054711;79.6;26.03;234.0;32.5;1.0;1.0',
  '2020-03-09 10:14:37;0.0263;0.0404;1.37;-0.273216;79.7;26.04;233.0;32.0;1.0;0.0',
  '2020-03-09 10:14:38;0.0264;0.0405;1.38;0.054711;79.8;26.05;232.0;31.5;0.0;1.0',
  '',
].join('\n');

const rigSensors = () => {
  const sim = indexPlant(smallPlant(), 42);
  const dev = sim.devices.find((d) => d.device.id === 'skab-rig')!;
  return { dev, sensors: dev.sensorIndexes.map((i) => sim.sensors[i]!) };
};

describe('replay CSV', () => {
  it('maps SKAB columns onto the rig with unit conversion and reports bad rows', () => {
    const parsed = parseReplayCsv(CSV, rigSensors().sensors);
    expect(parsed.delimiter).toBe(';');
    expect(parsed.columns).toHaveLength(8);
    expect(parsed.rows.map((r) => r.line)).toEqual([2, 3, 5, 6, 7]);
    expect(parsed.issues).toEqual([{ line: 4, message: 'Pressure "oops" is not a number' }]);
    const prs = parsed.columns.findIndex((c) => c.tag.endsWith('-PRS'));
    const flw = parsed.columns.findIndex((c) => c.tag.endsWith('-FLW'));
    expect(parsed.rows[1]!.values[prs]).toBeCloseTo(38.2638, 6);
    expect(parsed.rows[1]!.values[flw]).toBeCloseTo(7.2, 9);
    expect(labelWindows(parsed.rows)).toEqual([
      {
        startMs: Date.UTC(2020, 2, 9, 10, 14, 36),
        endMs: Date.UTC(2020, 2, 9, 10, 14, 37),
        firstLine: 5,
        lastLine: 6,
        rows: 2,
      },
    ]);
  });

  it('reads comma-separated files with sensor tags as headers and flags a time going backwards', () => {
    const { sensors } = rigSensors();
    const tag = sensors[0]!.tag;
    const parsed = parseReplayCsv(`time,${tag}\n0,1.5\n1,1.6\n0.5,1.7\n2,x\n3,1.8\n`, sensors);
    expect(parsed.rows.map((r) => [r.tMs, r.values[0]])).toEqual([
      [0, 1.5],
      [1000, 1.6],
      [3000, 1.8],
    ]);
    expect(parsed.issues.map((i) => i.line)).toEqual([4, 5]);
  });

  it('publishes a CSV through the broker re-timed to now at the chosen speed, skipping the bad row', async () => {
    const broker = MOSQUITTO_AVAILABLE ? await startMosquitto() : await startAedes();
    const dir = await mkdtemp(join(tmpdir(), 'ct-replay-'));
    const file = join(dir, 'valve.csv');
    await writeFile(file, CSV);
    const { dev } = rigSensors();
    const sub = await mqtt.connectAsync(broker.url, { protocolVersion: 4, reconnectPeriod: 0 });
    const got: { t: number; readings: { sensor: string; t: number; v: number }[] }[] = [];
    sub.on('message', (_topic, payload) => {
      const msg = TelemetryMessageSchema.parse(JSON.parse(payload.toString()));
      got.push({ t: Date.now(), readings: msg.readings });
    });
    await sub.subscribeAsync(telemetryTopic(dev.device.companyId, 'skab-rig'), { qos: 1 });
    const before = Date.now();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/replay.ts', '--csv', file, '--speed', '10'],
      {
        cwd: join(import.meta.dirname, '..'),
        env: {
          ...process.env,
          MQTT_URL: broker.url,
          PLANT_SIZE: 'small',
          PLANT_SEED: '42',
          SIM_GROUND_TRUTH: join(dir, 'gt.jsonl'),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    await new Promise((r) => setTimeout(r, 200));
    await sub.endAsync();
    await broker.stop();
    expect(code, out).toBe(0);

    const logs = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logs.find((l) => l['code'] === 'CT_ERR_SIM_REPLAY_BAD_ROW')).toMatchObject({
      line: 4,
      level: 40,
    });
    const readings = got.flatMap((m) => m.readings);
    const times = [...new Set(readings.map((r) => r.t))].sort((a, b) => a - b);
    expect(times).toHaveLength(5);
    expect(times[0]!).toBeGreaterThanOrEqual(before);
    expect(times[0]!).toBeLessThan(before + 10_000);
    // Rows were 1 s apart; at speed 10 they are 100 ms apart (row 4 is skipped: 200 ms gap).
    expect(times.map((t) => Math.round(t - times[0]!))).toEqual([0, 100, 300, 400, 500]);
    const prs = readings.filter((r) => r.sensor.endsWith('-PRS')).map((r) => r.v);
    expect(prs[1]).toBeCloseTo(38.2638, 6);
    expect(readings.filter((r) => r.sensor.endsWith('-FLW'))[1]!.v).toBeCloseTo(7.2, 9);
    expect(readings).toHaveLength(5 * 8);

    const gt = (await readFile(join(dir, 'gt.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => GroundTruthEntrySchema.parse(JSON.parse(l)));
    expect(gt).toHaveLength(1);
    expect(gt[0]).toMatchObject({
      kind: 'replay',
      target: 'skab-rig',
      company: dev.device.companyId,
    });
    expect(Math.round(gt[0]!.start - times[0]!)).toBe(300);
    expect(Math.round(gt[0]!.end! - times[0]!)).toBe(400);
    await rm(dir, { recursive: true, force: true });
  });
});
