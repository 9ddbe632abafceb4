import pino from 'pino';
import {
  SYSTEM_SCOPE,
  SensorDirectory,
  connect,
  listSensorKeys,
  migrate,
  queryLatestValues,
  withScope,
  type StorageMode,
} from '@ct/db';
import { buildApp } from './app';
import { apiDatabaseUrl, loadConfig } from './config';
import { LiveHub } from './live/live-hub';
import { DEFAULT_SECURITY } from './security/options';

const cfg = loadConfig();
const log = pino({ name: 'api', level: cfg.LOG_LEVEL });

let storage: StorageMode | null = null;
// Migrations run as the schema owner; the api itself then connects as ct_api.
const owner = connect(cfg.DATABASE_URL, { max: 1, applicationName: `${cfg.API_INSTANCE}-migrate` });
for (let attempt = 1; ; attempt++) {
  try {
    storage = (
      await migrate(owner, {
        storage: cfg.STORAGE,
        retentionDays: cfg.RETENTION_DAYS,
        apiPassword: cfg.API_DB_PASSWORD,
      })
    ).storage;
    break;
  } catch (err) {
    if (attempt === 1 || attempt % 10 === 0) {
      log.warn({ err: (err as Error).message, attempt }, 'database not ready; retrying');
    }
    await new Promise((r) => setTimeout(r, Math.min(5000, 250 * attempt)));
  }
}
await owner.end({ timeout: 5 });

const sql = connect(apiDatabaseUrl(cfg), { max: 10, applicationName: cfg.API_INSTANCE });
// Refuse to serve through a role the database's policies would not bind.
const [role] = await sql<{ name: string; bypass: boolean }[]>`
  select current_user as name, rolsuper or rolbypassrls as bypass
  from pg_roles where rolname = current_user`;
if (!role || role.bypass) {
  log.fatal(
    { role: role?.name },
    'the api connects as a role that bypasses row-level security; use ct_api (API_DATABASE_URL)',
  );
  process.exit(1);
}

// the api's own reading of every sensor key, to map live telemetry to sensor ids
const sensors = new SensorDirectory(() => withScope(sql, SYSTEM_SCOPE, (tx) => listSensorKeys(tx)));
await sensors.load();
const live = new LiveHub({
  mqttUrl: cfg.MQTT_URL,
  username: cfg.MQTT_USERNAME,
  password: cfg.MQTT_PASSWORD,
  clientId: `${cfg.API_INSTANCE}-${process.pid}`,
  sensors,
});
// Start from the last stored values, so a fresh api shows something before the next readings.
for (const l of await withScope(sql, SYSTEM_SCOPE, (tx) =>
  queryLatestValues(tx, Date.now() - 2 * 3_600_000),
).catch(() => [])) {
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
  trustProxy: cfg.API_TRUST_PROXY,
  security: {
    metricsPublic: cfg.API_METRICS_PUBLIC,
    docsPublic: cfg.API_DOCS_PUBLIC,
    corsOrigins: cfg.API_CORS_ORIGINS,
    cookieSecure: cfg.API_COOKIE_SECURE === 'auto' ? 'auto' : cfg.API_COOKIE_SECURE === '1',
    apiPerMinute: cfg.API_RATE_PER_MINUTE,
    signinPerIpPerMinute: cfg.SIGNIN_RATE_PER_MINUTE,
    session: {
      ...DEFAULT_SECURITY.session,
      idleMs: cfg.AUTH_IDLE_MINUTES * 60_000,
      absoluteMs: cfg.AUTH_ABSOLUTE_HOURS * 3_600_000,
    },
    statsMinCompanies: cfg.STATS_MIN_COMPANIES,
    statsMaxShare: cfg.STATS_MAX_SHARE,
  },
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
