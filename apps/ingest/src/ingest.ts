import {
  HeartbeatSchema,
  STATUS_FILTER,
  TELEMETRY_FILTER,
  heartbeatTopic,
  ingestMetricsTopic,
  type Heartbeat,
} from '@ct/contracts';
import {
  ReadingsWriter,
  SensorDirectory,
  connect,
  migrate,
  runRetention,
  runRollup,
  type Sql,
  type StorageMode,
} from '@ct/db';
import type { Logger } from 'pino';
import type { IngestConfig } from './config';
import { IngestCounters } from './metrics';
import { MqttSession } from './mqtt-session';
import { IngestPipeline } from './pipeline';

export interface IngestService {
  storage: StorageMode;
  counters: IngestCounters;
  pipeline: IngestPipeline;
  session: MqttSession;
  /** Resolves once the broker connection is up and subscribed. */
  connected: Promise<void>;
  /** Stops reading, commits and acknowledges what it holds, disconnects, closes the database. */
  stop(): Promise<void>;
}

function heartbeat(instance: string, state: Heartbeat['state'], detail?: string): string {
  return JSON.stringify(
    HeartbeatSchema.parse({ component: 'ingest', instance, state, t: Date.now(), detail }),
  );
}

/**
 * Starts one ingest instance: migrates the database, loads the sensor directory, subscribes
 * (shared where the broker can), and runs the plain-PostgreSQL maintenance jobs when there is no
 * TimescaleDB to do them.
 */
export async function startIngest(cfg: IngestConfig, log: Logger): Promise<IngestService> {
  const sql: Sql = connect(cfg.DATABASE_URL, { max: 2, applicationName: cfg.INGEST_INSTANCE });
  const { storage, applied } = await migrateWithRetry(sql, cfg, log);
  if (applied.length > 0) log.info({ applied }, 'database migrated');
  const writer = new ReadingsWriter(cfg.DATABASE_URL, storage, {
    max: cfg.INGEST_CONCURRENCY + 1,
    applicationName: `${cfg.INGEST_INSTANCE}-writer`,
  });
  const sensors = new SensorDirectory(sql);
  await sensors.load();

  const counters = new IngestCounters();
  const instance = cfg.INGEST_INSTANCE;
  const hbTopic = heartbeatTopic('ingest', instance);
  const session = new MqttSession({
    url: cfg.MQTT_URL,
    clientId: instance,
    username: cfg.MQTT_USERNAME,
    password: cfg.MQTT_PASSWORD,
    protocol: cfg.MQTT_PROTOCOL === 'auto' ? 'auto' : (Number(cfg.MQTT_PROTOCOL) as 4 | 5),
    subscriptions: [
      { filter: TELEMETRY_FILTER, shareGroup: cfg.INGEST_SHARE_GROUP },
      { filter: STATUS_FILTER, shareGroup: cfg.INGEST_SHARE_GROUP },
    ],
    will: {
      topic: hbTopic,
      payload: heartbeat(instance, 'offline', 'connection lost'),
      retain: true,
      qos: 1,
    },
    birth: { topic: hbTopic, payload: heartbeat(instance, 'online'), retain: true },
  });
  const pipeline = new IngestPipeline(
    writer,
    session,
    sensors,
    counters,
    {
      maxBatchReadings: cfg.INGEST_MAX_BATCH_READINGS,
      maxBatchMessages: cfg.INGEST_MAX_BATCH_MESSAGES,
      maxBatchDelayMs: cfg.INGEST_MAX_BATCH_DELAY_MS,
      minBatchDelayMs: cfg.INGEST_MIN_BATCH_DELAY_MS,
      concurrency: cfg.INGEST_CONCURRENCY,
      maxUnackedMessages: cfg.INGEST_MAX_UNACKED_MESSAGES,
      maxUnackedBytes: cfg.INGEST_MAX_UNACKED_MB * 1024 * 1024,
      retryMinMs: 200,
      retryMaxMs: 5000,
      limits: {
        maxFutureMs: cfg.INGEST_MAX_FUTURE_S * 1000,
        maxAgeMs: cfg.INGEST_MAX_AGE_DAYS * 86_400_000,
      },
    },
    {
      onFirstRejection: (company, device, r) =>
        log.warn({ company, device, code: r.code }, `dead-lettered: ${r.detail}`),
      onDbError: (err, attempt) => {
        if (attempt === 1 || attempt % 20 === 0) {
          log.error(
            { err: (err as Error).message, attempt, code: 'CT_ERR_INGEST_DB_UNAVAILABLE' },
            'database write failed; holding acknowledgements and retrying',
          );
        }
      },
      onDbRecovered: () => log.info('database writes recovered'),
      onUnknownSensor: () => sensors.noteMiss(),
    },
  );

  session.on('message', (m) => pipeline.handle(m));
  let resolveConnected!: () => void;
  const connected = new Promise<void>((r) => (resolveConnected = r));
  session.on('connected', (c) => {
    log.info(
      {
        protocol: c.protocol === 5 ? 'MQTT 5' : 'MQTT 3.1.1',
        shared: c.shared,
        sessionPresent: c.sessionPresent,
      },
      c.shared
        ? `subscribed to $share/${cfg.INGEST_SHARE_GROUP}/${TELEMETRY_FILTER}`
        : `subscribed to ${TELEMETRY_FILTER} (no shared subscriptions on this broker)`,
    );
    resolveConnected();
  });
  session.on('disconnected', (err) => log.warn({ err: err?.message }, 'broker connection lost'));
  session.on('error', (err) =>
    log.error({ err: err.message, code: 'CT_ERR_INGEST_BROKER_UNAVAILABLE' }, 'broker problem'),
  );
  session.start();

  const metricsTopic = ingestMetricsTopic(instance);
  const metricsTimer = setInterval(() => {
    const u = pipeline.unacked;
    const report = counters.report(instance, {
      unackedMessages: u.messages,
      unackedBytes: u.bytes,
      paused: pipeline.isPaused,
      dbOk: pipeline.dbOk,
      shared: session.sharedSubscriptions,
      protocol: session.protocol,
    });
    session.publish(metricsTopic, JSON.stringify(report), true);
  }, cfg.INGEST_METRICS_INTERVAL_MS);

  // Without TimescaleDB the app keeps rollups current and applies retention itself.
  const maintenance: NodeJS.Timeout[] = [];
  if (storage === 'postgres' && cfg.INGEST_MAINTENANCE === '1') {
    let rolling = false;
    maintenance.push(
      setInterval(() => {
        if (rolling) return;
        rolling = true;
        void (async () => {
          try {
            for (let i = 0; i < 20; i++) {
              if ((await runRollup(sql)).minuteBuckets === 0) break;
            }
          } catch (err) {
            log.warn({ err: (err as Error).message }, 'rollup failed; will retry');
          } finally {
            rolling = false;
          }
        })();
      }, 5000),
    );
    const retention = () =>
      runRetention(sql, Date.now(), cfg.RETENTION_DAYS)
        .then((r) => r.dropped.length && log.info({ dropped: r.dropped }, 'retention applied'))
        .catch((err: Error) => log.warn({ err: err.message }, 'retention failed; will retry'));
    void retention();
    maintenance.push(setInterval(retention, 3_600_000));
  }
  const sensorRefresh = setInterval(() => sensors.load().catch(() => {}), 300_000);

  return {
    storage,
    counters,
    pipeline,
    session,
    connected,
    async stop() {
      session.pause();
      clearInterval(metricsTimer);
      clearInterval(sensorRefresh);
      for (const t of maintenance) clearInterval(t);
      await Promise.race([pipeline.drain(), new Promise((r) => setTimeout(r, 15_000))]);
      await session.stop({
        topic: hbTopic,
        payload: heartbeat(instance, 'offline', 'stopped'),
        retain: true,
      });
      await writer.close();
      await sql.end({ timeout: 5 });
    },
  };
}

async function migrateWithRetry(sql: Sql, cfg: IngestConfig, log: Logger) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await migrate(sql, {
        storage: cfg.STORAGE,
        retentionDays: cfg.RETENTION_DAYS,
        compressAfterDays: cfg.COMPRESS_AFTER_DAYS,
      });
    } catch (err) {
      if (attempt === 1 || attempt % 10 === 0) {
        log.warn({ err: (err as Error).message, attempt }, 'database not ready; retrying');
      }
      await new Promise((r) => setTimeout(r, Math.min(5000, 250 * attempt)));
    }
  }
}
