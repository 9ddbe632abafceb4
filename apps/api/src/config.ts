import { join } from 'node:path';
import { z } from 'zod';

const flag = (def: '0' | '1') =>
  z
    .enum(['0', '1', 'true', 'false'])
    .default(def)
    .transform((v) => v === '1' || v === 'true');
const list = z
  .string()
  .default('')
  .transform((v) =>
    v
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  );

const EnvSchema = z.object({
  /** The schema owner: migrations only (the api then connects as ct_api). */
  DATABASE_URL: z.string().min(1, 'DATABASE_URL is required (postgres://user@host:port/db)'),
  /** The api's own connection (role ct_api); default DATABASE_URL with the user ct_api. */
  API_DATABASE_URL: z.string().optional(),
  /** ct_api's password where the server asks for one; set on the role at migration. */
  API_DB_PASSWORD: z.string().optional(),
  MQTT_URL: z.string().default('mqtt://127.0.0.1:1883'),
  MQTT_USERNAME: z.string().optional(),
  MQTT_PASSWORD: z.string().optional(),
  API_HOST: z.string().default('127.0.0.1'),
  API_PORT: z.coerce.number().int().min(1).max(65535).default(8080),
  API_INSTANCE: z.string().default('api-1'),
  STORAGE: z.enum(['auto', 'timescaledb', 'postgres']).default('auto'),
  RETENTION_DAYS: z.coerce.number().int().positive().default(90),
  /** Where the built console is; default apps/console/dist. */
  CONSOLE_DIR: z.string().default(join(import.meta.dirname, '..', '..', 'console', 'dist')),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
  /** `/metrics` without sign-in (Prometheus); 0: it needs a session with status:read. */
  API_METRICS_PUBLIC: flag('1'),
  /** The API documentation at /docs without sign-in. */
  API_DOCS_PUBLIC: flag('1'),
  /** Browser origins allowed to call the api (CORS), comma-separated; none by default. */
  API_CORS_ORIGINS: list,
  /** The session cookie's Secure flag: auto (when the request came over HTTPS), 1 or 0. */
  API_COOKIE_SECURE: z.enum(['auto', '0', '1']).default('auto'),
  /** Behind a reverse proxy: trust X-Forwarded-For and -Proto. */
  API_TRUST_PROXY: flag('0'),
  AUTH_IDLE_MINUTES: z.coerce
    .number()
    .positive()
    .max(24 * 60)
    .default(30),
  AUTH_ABSOLUTE_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 30)
    .default(12),
  API_RATE_PER_MINUTE: z.coerce.number().int().positive().default(3000),
  SIGNIN_RATE_PER_MINUTE: z.coerce.number().int().positive().default(20),
  /** Anonymized statistics: companies per cell (at least 3) and the largest share allowed. */
  STATS_MIN_COMPANIES: z.coerce.number().int().min(3).default(5),
  STATS_MAX_SHARE: z.coerce.number().gt(0).max(0.85).default(0.6),
});

export type ApiConfig = z.infer<typeof EnvSchema>;

/** Reads the configuration from the environment; throws a readable error when it is wrong. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const r = EnvSchema.safeParse(env);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`api configuration is not valid:\n${lines.join('\n')}`);
  }
  return r.data;
}

/** The api's own connection: API_DATABASE_URL, else DATABASE_URL as the role ct_api. */
export function apiDatabaseUrl(cfg: ApiConfig): string {
  if (cfg.API_DATABASE_URL) return cfg.API_DATABASE_URL;
  const u = new URL(cfg.DATABASE_URL);
  u.username = 'ct_api';
  u.password = cfg.API_DB_PASSWORD ? encodeURIComponent(cfg.API_DB_PASSWORD) : '';
  return u.toString();
}
