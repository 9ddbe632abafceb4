import pino from 'pino';
import { SensorDirectory, connect, migrate, queryLatestValues, type StorageMode } from '@ct/db';
import { buildApp } from './app';
import { loadConfig } from './config';
import { LiveHub } from './live/live-hub';

const cfg = loadConfig();
const log = pino({ name: 'api', level: cfg.LOG_LEVEL });
const sql = connect(cfg.DATABASE_URL, { max: 10, applicationName: cfg.API_INSTANCE });

let storage: StorageMode | null = null;
for (let attempt = 1; ; attempt++) {
  try {
    storage = (await migrate(sql, { storage: cfg.STORAGE, retentionDays: cfg.RETENTION_DAYS }))
      .storage;
    break;
  } catch (err) {
    if (attempt === 1 || attempt % 10 === 0) {
      log.warn({ err: (err as Error).message, attempt }, 'database not ready; retrying');
    }
    await new Promise((r) => setTimeout(r, Math.min(5000, 250 * attempt)));
  }
}

const sensors = new SensorDirectory(sql);
await sensors.load();
const live = new LiveHub({
  mqttUrl: cfg.MQTT_URL,
  username: cfg.MQTT_USERNAME,
  password: cfg.MQTT_PASSWORD,
  clientId: `${cfg.API_INSTANCE}-${process.pid}`,
  sensors,
});
// Start from the last stored values, so a fresh api shows something before the next readings.
for (const l of await queryLatestValues(sql, Date.now() - 2 * 3_600_000).catch(() => [])) {
  live.seed(l.sensorId, l.t, l.v);
}
live.start();

const app = await buildApp({
  sql,
  live,
  storage,
  brokerUrl: cfg.MQTT_URL,
  instance: cfg.API_INSTANCE,
  consoleDir: cfg.CONSOLE_DIR,
  logger: { level: cfg.LOG_LEVEL === 'info' ? 'warn' : cfg.LOG_LEVEL, name: 'api' },
});
await app.listen({ host: cfg.API_HOST, port: cfg.API_PORT });
log.info(
  {
    url: `http://${cfg.API_HOST === '0.0.0.0' ? 'localhost' : cfg.API_HOST}:${cfg.API_PORT}`,
    ready: true,
  },
  'api ready',
);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'stopping');
  await app.close();
  await live.stop();
  await sql.end({ timeout: 5 });
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('disconnect', () => void shutdown('parent exited'));
