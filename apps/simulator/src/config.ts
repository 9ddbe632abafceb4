import { z } from 'zod';
import { SimulatorError } from './errors';

const seconds = (def: number) => z.coerce.number().positive().max(86_400).default(def);
const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));

const EnvSchema = z.object({
  MQTT_URL: z
    .string()
    .default('mqtt://127.0.0.1:1883')
    .refine(
      (u) => /^(mqtts?|wss?|tcp|ssl):\/\/.+/.test(u),
      'an MQTT URL such as mqtt://127.0.0.1:1883',
    ),
  MQTT_USERNAME: optionalText,
  MQTT_PASSWORD: optionalText,
  /** The MQTT client id and heartbeat instance. */
  SIM_INSTANCE: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'letters, digits, _ and - (1-64)')
    .default('sim-1'),
  PLANT_SEED: z.coerce.number().finite().default(42),
  PLANT_SIZE: z.enum(['small', 'default', 'large']).default('default'),
  PLANT_GEOJSON: optionalText,
  SIM_LINE_INTERVAL_S: seconds(5),
  SIM_ROTATING_INTERVAL_S: seconds(1),
  SIM_WEATHER_INTERVAL_S: seconds(10),
  SIM_RIG_INTERVAL_S: seconds(1),
  /** Multiplies every sensor's measurement noise (1: the documented levels). */
  SIM_NOISE_SCALE: z.coerce.number().finite().positive().max(20).default(1),
  SIM_HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  /** 0 picks a free port (logged). */
  SIM_HTTP_PORT: z.coerce.number().int().min(0).max(65_535).default(8090),
  SIM_SCENARIO: optionalText,
  SIM_GROUND_TRUTH: z.string().min(1).default('.data/ground-truth.jsonl'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type SimulatorConfig = z.infer<typeof EnvSchema>;

/** Reads the configuration from the environment; throws a readable error when it is wrong. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): SimulatorConfig {
  const r = EnvSchema.safeParse(env);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new SimulatorError(
      'CT_ERR_SIM_BAD_CONFIG',
      `simulator configuration is not valid:\n${lines.join('\n')}`,
    );
  }
  return r.data;
}
