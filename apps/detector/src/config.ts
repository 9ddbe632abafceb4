import { hostname } from 'node:os';
import { z } from 'zod';

const pos = (def: number) => z.coerce.number().positive().default(def);

const EnvSchema = z.object({
  DATABASE_URL: z.string().min(1, 'DATABASE_URL is required (postgres://user@host:port/db)'),
  MQTT_URL: z.string().default('mqtt://127.0.0.1:1883'),
  MQTT_USERNAME: z.string().optional(),
  MQTT_PASSWORD: z.string().optional(),
  DETECTOR_INSTANCE: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/)
    .default(
      `detector-${hostname()
        .replace(/[^A-Za-z0-9_-]/g, '-')
        .slice(0, 50)}`,
    ),
  /** This instance's shard: comma-separated operator areas, or `all`. */
  DETECTOR_AREAS: z.string().default('all'),
  /** Detector name (packages/analytics): live machines use the adaptive variant. */
  DETECTOR_NAME: z.string().default('mewma-adaptive'),
  /** Seconds of normal operation a new asset is watched before it is scored. */
  DETECTOR_BASELINE_S: pos(3600),
  /** One row per asset is stored every this many seconds (the interval's highest score). */
  DETECTOR_WRITE_INTERVAL_S: pos(10),
  /** Minutes of history replayed at start to warm the detectors. */
  DETECTOR_WARMUP_S: pos(120),
  /** Leak detection on the shard's lines (0 turns it off). */
  DETECTOR_LEAK: z
    .enum(['0', '1', 'true', 'false'])
    .default('1')
    .transform((v) => v === '1' || v === 'true'),
  /** Seconds of line history read at start to warm the volume balances. */
  DETECTOR_LEAK_WARMUP_S: pos(300),
  /** A leak's condition is over once the balance has been calm this long, s. */
  DETECTOR_LEAK_CLEAR_S: pos(60),
  /** How often open leaks and gathering wave fronts are re-evaluated, ms. */
  DETECTOR_LEAK_TICK_MS: pos(200),
  ALERT_ON_DELAY_S: pos(30),
  ALERT_OFF_DELAY_S: pos(120),
  STORAGE: z.enum(['auto', 'timescaledb', 'postgres']).default('auto'),
  RETENTION_DAYS: z.coerce.number().int().positive().default(90),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
});

export type DetectorConfig = z.infer<typeof EnvSchema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): DetectorConfig {
  const r = EnvSchema.safeParse(env);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`detector configuration is not valid:\n${lines.join('\n')}`);
  }
  return r.data;
}

/** The areas of DETECTOR_AREAS, or null for all. */
export function areasOf(cfg: DetectorConfig): string[] | null {
  const a = cfg.DETECTOR_AREAS.trim();
  return a === 'all' || a === ''
    ? null
    : a
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
}
