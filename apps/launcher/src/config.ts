import { join, resolve } from 'node:path';
import { z } from 'zod';

const port = (def: number) => z.coerce.number().int().min(1).max(65535).default(def);

const EnvSchema = z.object({
  /** Where the embedded database, logs and the ground-truth log live. */
  CT_DATA_DIR: z.string().default('.data'),
  /** Embedded defaults use ports clear of system services (not 5432 or 1883). */
  CT_PG_PORT: port(15432),
  CT_MQTT_PORT: port(1884),
  CT_API_PORT: port(8080),
  CT_SIM_PORT: port(8090),
  CT_HOST: z.string().default('127.0.0.1'),
  /** Set to use a real server instead of the embedded one. */
  DATABASE_URL: z.string().optional(),
  MQTT_URL: z.string().optional(),
  PLANT_SEED: z.coerce.number().int().default(42),
  PLANT_SIZE: z.enum(['small', 'default', 'large']).default('default'),
  PLANT_GEOJSON: z.string().optional(),
  /** Raw readings kept by the embedded default (days); a laptop disk is not a historian. */
  RETENTION_DAYS: z.coerce.number().int().positive().default(7),
  STORAGE: z.enum(['auto', 'timescaledb', 'postgres']).default('auto'),
  /** `1` shows every app's info lines, not only warnings and the ready lines. */
  CT_VERBOSE: z.enum(['0', '1']).default('0'),
  /** `0` skips the simulator (real devices publish instead). */
  CT_SIMULATOR: z.enum(['0', '1']).default('1'),
  /** `1` prints a new one-time sign-in link for the first admin (a lost link, a lost password). */
  CT_ADMIN_LINK: z.enum(['0', '1']).default('0'),
});

export type LauncherConfig = z.infer<typeof EnvSchema> & { root: string; dataDir: string };

export function loadConfig(env: NodeJS.ProcessEnv = process.env): LauncherConfig {
  const r = EnvSchema.safeParse(env);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`launcher configuration is not valid:\n${lines.join('\n')}`);
  }
  const root = resolve(import.meta.dirname, '..', '..', '..');
  return { ...r.data, root, dataDir: resolve(root, r.data.CT_DATA_DIR) };
}

export const appEntry = (root: string, app: string) => join(root, 'apps', app, 'src', 'main.ts');
