import { join } from 'node:path';
import { z } from 'zod';

const EnvSchema = z.object({
  DATABASE_URL: z.string().min(1, 'DATABASE_URL is required (postgres://user@host:port/db)'),
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
