import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { loadConfig } from './config';
import { GroundTruthLog } from './ground-truth';
import { MqttPublisher } from './mqtt-publisher';
import { indexPlant } from './plant-index';
import { parseReplayCsv } from './replay-csv';
import { runReplay } from './replay-runner';
import { loadPlant } from './service';

const USAGE = `usage: pnpm --filter @ct/simulator replay --csv FILE [--device skab-rig] [--speed 10] [--company ID]

Publishes a CSV (first column a timestamp, then numeric columns; ';' or ',') as one device's
telemetry, re-timed to start now, at speed x its own rate. SKAB columns map onto the skab-rig's
sensors (bar to kPa, L/min to m3/h); other columns must be named by sensor tag. The 'anomaly'
labels become ground-truth entries (kind 'replay'). MQTT_URL, PLANT_SEED, PLANT_SIZE,
PLANT_GEOJSON and SIM_GROUND_TRUTH are read from the environment as for the simulator.`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  process.exit(2);
}

let args;
try {
  args = parseArgs({
    options: {
      csv: { type: 'string' },
      device: { type: 'string', default: 'skab-rig' },
      speed: { type: 'string', default: '1' },
      company: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }).values;
} catch (err) {
  fail((err as Error).message);
}
if (args.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (!args.csv) fail('--csv FILE is required');
const speed = Number(args.speed);
if (!Number.isFinite(speed) || speed <= 0)
  fail(`--speed must be a positive number, got "${args.speed}"`);

const cfg = loadConfig();
const log = pino({ name: 'replay', level: cfg.LOG_LEVEL });
const sim = indexPlant(loadPlant(cfg), cfg.PLANT_SEED);
const device = sim.devices.find((d) => d.device.id === args.device);
if (!device) fail(`no device "${args.device}" in the plant`);
const company = args.company ?? device.device.companyId;
const sensors = device.sensorIndexes.map((i) => sim.sensors[i]!);

let parsed;
try {
  parsed = parseReplayCsv(readFileSync(args.csv, 'utf8'), sensors);
} catch (err) {
  fail(`${args.csv}: ${(err as Error).message}`);
}
for (const issue of parsed.issues) {
  log.warn(
    { code: 'CT_ERR_SIM_REPLAY_BAD_ROW', line: issue.line },
    `skipped row: ${issue.message}`,
  );
}
if (parsed.ignored.length > 0)
  log.warn({ columns: parsed.ignored }, 'columns not published (no sensor of that name)');

const groundTruth = new GroundTruthLog(cfg.SIM_GROUND_TRUTH);
const instance = `${cfg.SIM_INSTANCE}-replay`;
const publisher = new MqttPublisher({
  url: cfg.MQTT_URL,
  clientId: instance,
  username: cfg.MQTT_USERNAME,
  password: cfg.MQTT_PASSWORD,
  instance,
});
await publisher.connected$();
await publisher.publishStatus(company, device.device.id, 'online');
const abort = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => abort.abort());
process.on('disconnect', () => abort.abort());
log.info(
  {
    ready: true,
    device: device.device.id,
    company,
    rows: parsed.rows.length,
    skipped: parsed.issues.length,
    columns: parsed.columns.map(
      (c) => `${c.header} -> ${c.tag}${c.factor !== 1 ? ` x${c.factor}` : ''}`,
    ),
    speed,
  },
  'replay started',
);
const result = await runReplay({
  parsed,
  company,
  device: device.device.id,
  speed,
  startMs: Date.now(),
  source: basename(args.csv),
  idPrefix: instance,
  signal: abort.signal,
  publish: (topic, message) =>
    publisher.publishTelemetry(topic, JSON.stringify(message), message.readings.length),
  onGroundTruth: (entry) => {
    groundTruth.append(entry);
    log.info({ incident: entry }, 'labelled anomaly');
  },
});
await publisher.publishStatus(
  company,
  device.device.id,
  'offline',
  abort.signal.aborted ? 'replay stopped' : 'replay finished',
);
await publisher.publishHeartbeat('offline', 'replay finished');
await publisher.end();
groundTruth.close();
log.info(
  { ...result, skipped: parsed.issues.length, ...publisher.counters },
  abort.signal.aborted ? 'replay stopped' : 'replay finished',
);
process.exit(0);
