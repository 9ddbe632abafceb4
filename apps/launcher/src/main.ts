import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connect, ensurePipeConditions, getPlantMeta, loadPlant, migrate, type Sql } from '@ct/db';
import { EmbeddedPostgres, startEmbeddedBroker, type EmbeddedBroker } from '@ct/local-servers';
import { generatePlant, importGeoJson, type PlantModel } from '@ct/plant';
import { brokerAccounts, firstAdminLink, serviceCredentials } from './accounts';
import { seededHistory } from './seed-history';
import { appEntry, loadConfig } from './config';
import { buildConsoleIfStale } from './console-build';
import { Supervised, type Print } from './supervisor';

const started = Date.now();
const cfg = loadConfig();

const COLORS = process.stdout.isTTY
  ? {
      info: '',
      warn: '\x1b[33m',
      error: '\x1b[31m',
      dim: '\x1b[2m',
      bold: '\x1b[1m',
      reset: '\x1b[0m',
    }
  : { info: '', warn: '', error: '', dim: '', bold: '', reset: '' };

const print: Print = (component, level, text) => {
  const time = new Date().toTimeString().slice(0, 8);
  const c = COLORS[level];
  process.stdout.write(
    `${COLORS.dim}${time}${COLORS.reset} ${component.padEnd(9)} ${c}${text}${c ? COLORS.reset : ''}\n`,
  );
};

const apps: Supervised[] = [];
let pg: EmbeddedPostgres | null = null;
let broker: EmbeddedBroker | null = null;
/** The launcher's own connection: the embedded broker looks accounts up with it. */
let accountsDb: Sql | null = null;
let stopping = false;

async function stopAll(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  print(
    'launcher',
    'info',
    'stopping: simulator, detector, api, ingest (commits what it holds), broker, database',
  );
  // reverse start order: nothing publishes into a stopped ingest, nothing writes to a stopped db
  for (const app of [...apps].reverse()) await app.stop();
  await broker?.stop();
  await accountsDb?.end({ timeout: 2 }).catch(() => {});
  await pg?.stop();
  print('launcher', 'info', 'stopped cleanly');
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

/** A URL without its password, for the log. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(not a URL)';
  }
}

async function loadModel(): Promise<PlantModel> {
  if (cfg.PLANT_GEOJSON) return importGeoJson(await readFile(cfg.PLANT_GEOJSON, 'utf8'));
  return generatePlant({ seed: cfg.PLANT_SEED, size: cfg.PLANT_SIZE });
}

async function main(): Promise<void> {
  await mkdir(cfg.dataDir, { recursive: true });
  // Runs while the database starts; a failure is reported when awaited, after cleanup is armed.
  const consoleBuild = buildConsoleIfStale(cfg.root, (t) => print('console', 'info', t)).then(
    () => null,
    (err: Error) => err,
  );

  let databaseUrl = cfg.DATABASE_URL;
  if (databaseUrl) {
    print('postgres', 'info', `database: using DATABASE_URL (${redact(databaseUrl)})`);
  } else {
    pg = new EmbeddedPostgres({
      dataDir: join(cfg.dataDir, 'pg'),
      port: cfg.CT_PG_PORT,
      onLog: (line) => {
        if (/FATAL|PANIC|ERROR/.test(line)) print('postgres', 'warn', line);
      },
    });
    const { initialised } = await pg.start();
    databaseUrl = pg.url;
    print(
      'postgres',
      'info',
      `database ready: embedded PostgreSQL ${pg.version} at ${databaseUrl}${initialised ? ` (new, in ${join(cfg.CT_DATA_DIR, 'pg')})` : ` (history kept in ${join(cfg.CT_DATA_DIR, 'pg')})`}`,
    );
  }

  const sql = connect(databaseUrl, { max: 2, applicationName: 'launcher' });
  let signinToken: string | null = null;
  try {
    const { storage } = await migrate(sql, {
      storage: cfg.STORAGE,
      retentionDays: cfg.RETENTION_DAYS,
    });
    const meta = await getPlantMeta(sql);
    if (!meta) {
      const t0 = Date.now();
      const model = await loadModel();
      await loadPlant(sql, model);
      print(
        'plant',
        'info',
        `loaded ${model.meta.source === 'geojson' ? 'imported network' : `synthetic complex (seed ${cfg.PLANT_SEED}, ${cfg.PLANT_SIZE})`}: ` +
          `${model.companies.length} companies, ${model.segments.length} segments, ${model.sensors.length} sensors in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
      );
    } else {
      print(
        'plant',
        'info',
        `using the plant already in the database (${meta.source}${meta.seed !== null ? `, seed ${meta.seed}, ${meta.size}` : ''}); storage ${storage === 'timescaledb' ? 'TimescaleDB' : 'plain PostgreSQL'}`,
      );
      if (
        meta.source === 'generator' &&
        !cfg.PLANT_GEOJSON &&
        (meta.seed !== cfg.PLANT_SEED || meta.size !== cfg.PLANT_SIZE)
      ) {
        print(
          'plant',
          'warn',
          `PLANT_SEED/PLANT_SIZE differ from the stored plant; delete ${cfg.CT_DATA_DIR} to start over`,
        );
      }
    }
    const t1 = Date.now();
    const pipes = await ensurePipeConditions(sql, { history: seededHistory, asOfMs: Date.now() });
    if (pipes.loadedReadings > 0 || pipes.recomputed > 0) {
      print(
        'plant',
        'info',
        `pipe condition: ${pipes.loadedReadings} thickness readings loaded, ${pipes.recomputed} segments assessed in ${((Date.now() - t1) / 1000).toFixed(1)} s`,
      );
    }
    signinToken = await firstAdminLink(sql, cfg.CT_ADMIN_LINK === '1');
  } finally {
    await sql.end();
  }

  let mqttUrl = cfg.MQTT_URL;
  // a real broker has its own accounts (pnpm mqtt:config); the apps take MQTT_USERNAME and
  // MQTT_PASSWORD from the environment
  let mqttEnv: Partial<Awaited<ReturnType<typeof serviceCredentials>>> = {};
  if (mqttUrl) {
    print('broker', 'info', `broker: using MQTT_URL (${redact(mqttUrl)})`);
  } else {
    accountsDb = connect(databaseUrl, { max: 2, applicationName: 'launcher-broker' });
    mqttEnv = await serviceCredentials(accountsDb);
    // for tools run by hand against this broker (pnpm sim:replay): readable by this user only
    await writeFile(
      join(cfg.dataDir, 'simulator.mqtt'),
      `MQTT_USERNAME=simulator\nMQTT_PASSWORD=${mqttEnv.simulator!.MQTT_PASSWORD}\n`,
      { mode: 0o600 },
    );
    // refusals are logged, at most one line per account and kind a minute
    const lastDenied = new Map<string, number>();
    broker = await startEmbeddedBroker(
      cfg.CT_MQTT_PORT,
      cfg.CT_HOST,
      brokerAccounts(accountsDb, (d) => {
        const key = `${d.what} ${d.username ?? d.clientId}`;
        if (Date.now() - (lastDenied.get(key) ?? 0) < 60_000) return;
        lastDenied.set(key, Date.now());
        print(
          'broker',
          'warn',
          `refused ${d.what} from ${d.username ?? 'an anonymous client'} (client ${d.clientId})${d.topic ? ` to ${d.topic}` : ''}: ${d.reason}`,
        );
      }),
    );
    mqttUrl = broker.url;
    print(
      'broker',
      'info',
      `broker ready: embedded aedes (MQTT 3.1.1) at ${mqttUrl}; accounts from the database, no anonymous clients`,
    );
  }

  const buildError = await consoleBuild;
  if (buildError) throw buildError;

  const common = {
    DATABASE_URL: databaseUrl,
    MQTT_URL: mqttUrl,
    STORAGE: cfg.STORAGE,
    RETENTION_DAYS: String(cfg.RETENTION_DAYS),
    PLANT_SEED: String(cfg.PLANT_SEED),
    PLANT_SIZE: cfg.PLANT_SIZE,
    ...(cfg.PLANT_GEOJSON ? { PLANT_GEOJSON: cfg.PLANT_GEOJSON } : {}),
  };
  const verbose = cfg.CT_VERBOSE === '1';
  const spec = (name: string, env: Record<string, string>) =>
    new Supervised(
      { name, entry: appEntry(cfg.root, name), cwd: cfg.root, env: { ...common, ...env } },
      print,
      verbose,
    );
  const ingest = spec('ingest', { INGEST_INSTANCE: 'ingest-1', ...mqttEnv.ingest });
  const api = spec('api', {
    API_PORT: String(cfg.CT_API_PORT),
    API_HOST: cfg.CT_HOST,
    ...mqttEnv.api,
  });
  apps.push(ingest, api);
  ingest.start();
  api.start();
  await Promise.all([ingest.ready, api.ready]);
  const detector = spec('detector', { DETECTOR_INSTANCE: 'detector-1', ...mqttEnv.detector });
  apps.push(detector);
  detector.start();
  await detector.ready;
  if (cfg.CT_SIMULATOR === '1') {
    const sim = spec('simulator', {
      SIM_HTTP_PORT: String(cfg.CT_SIM_PORT),
      SIM_HTTP_HOST: cfg.CT_HOST,
      SIM_GROUND_TRUTH: join(cfg.dataDir, 'ground-truth.jsonl'),
      ...mqttEnv.simulator,
    });
    apps.push(sim);
    sim.start();
    await sim.ready;
  }
  const url = `http://localhost:${cfg.CT_API_PORT}`;
  print(
    'launcher',
    'info',
    `${COLORS.bold}ComplexTwin is running: open ${url}${COLORS.reset}  (sign-in needed; API docs ${url}/docs, status ${url}/api/status; ` +
      `up in ${((Date.now() - started) / 1000).toFixed(1)} s; Ctrl-C stops everything)`,
  );
  if (signinToken) {
    print(
      'launcher',
      'info',
      `${COLORS.bold}sign in as the administrator with this one-time link (valid once, 24 h): ${url}/signin/once/${signinToken}${COLORS.reset}` +
        `  then set a password (POST /api/me/password) or create users (POST /api/users); CT_ADMIN_LINK=1 prints a new link`,
    );
  }
}

main().catch(async (err: Error) => {
  print('launcher', 'error', err.message);
  await stopAll(1);
});
