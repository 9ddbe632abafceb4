import { hostname } from 'node:os';
import { z } from 'zod';

const int = (def: number) => z.coerce.number().int().positive().default(def);

const EnvSchema = z.object({
  DATABASE_URL: z.string().min(1, 'DATABASE_URL is required (postgres://user@host:port/db)'),
  MQTT_URL: z.string().default('mqtt://127.0.0.1:1883'),
  MQTT_USERNAME: z.string().optional(),
  MQTT_PASSWORD: z.string().optional(),
  MQTT_PROTOCOL: z.enum(['auto', '4', '5']).default('auto'),
  /** Unique per running copy: it is the MQTT client id, and the broker keeps its session. */
  INGEST_INSTANCE: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/)
    .default(
      `ingest-${hostname()
        .replace(/[^A-Za-z0-9_-]/g, '-')
        .slice(0, 50)}`,
    ),
  INGEST_SHARE_GROUP: z.string().default('ingest'),
  STORAGE: z.enum(['auto', 'timescaledb', 'postgres']).default('auto'),
  RETENTION_DAYS: int(90),
  COMPRESS_AFTER_DAYS: int(7),
  INGEST_MAX_BATCH_READINGS: int(20_000),
  INGEST_MAX_BATCH_MESSAGES: int(10_000),
  INGEST_MAX_BATCH_DELAY_MS: int(100),
  INGEST_MIN_BATCH_DELAY_MS: z.coerce.number().int().min(0).default(50),
  INGEST_CONCURRENCY: int(2),
  INGEST_MAX_UNACKED_MESSAGES: int(60_000),
  INGEST_MAX_UNACKED_MB: int(64),
  INGEST_MAX_FUTURE_S: int(300),
  INGEST_MAX_AGE_DAYS: int(30),
  INGEST_METRICS_INTERVAL_MS: int(2000),
  /** Plain PostgreSQL: whether this instance runs the rollup and retention jobs (one is enough). */
  INGEST_MAINTENANCE: z.enum(['0', '1']).default('1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
});

export type IngestConfig = z.infer<typeof EnvSchema>;

/** Reads the configuration from the environment; throws a readable error when it is wrong. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): IngestConfig {
  const r = EnvSchema.safeParse(env);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`ingest configuration is not valid:\n${lines.join('\n')}`);
  }
  return r.data;
}
