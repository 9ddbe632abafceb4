import { z } from 'zod';
import { COMPONENTS } from './system';

/** Every 4xx and 5xx body of the api. */
export const ApiErrorSchema = z.object({
  statusCode: z.number().int(),
  code: z.string(),
  error: z.string(),
  message: z.string(),
  /** zod issues for a 400 on bad input. */
  issues: z
    .array(z.object({ path: z.array(z.union([z.string(), z.number()])), message: z.string() }))
    .optional(),
});
export type ApiError = z.infer<typeof ApiErrorSchema>;

export const ComponentHealthSchema = z.object({
  component: z.enum(COMPONENTS),
  instance: z.string(),
  state: z.enum(['online', 'offline', 'degraded', 'unknown']),
  detail: z.string().nullable(),
  /** Epoch ms of the last heartbeat or metrics report. */
  last_seen: z.number().nullable(),
});
export type ComponentHealth = z.infer<typeof ComponentHealthSchema>;

export const StatusResponseSchema = z.object({
  t: z.number(),
  database: z.object({
    ok: z.boolean(),
    storage: z.enum(['timescaledb', 'postgres']).nullable(),
    server_version: z.string().nullable(),
    error: z.string().nullable(),
  }),
  broker: z.object({ ok: z.boolean(), url: z.string() }),
  components: z.array(ComponentHealthSchema),
  flow: z.object({
    /** Readings stored by all ingest instances since they started. */
    readings_total: z.number(),
    readings_per_s: z.number(),
    /** Rows in the dead_letter table. */
    dead_letters_total: z.number().nullable(),
    rejected_readings_total: z.number(),
    duplicate_readings_total: z.number(),
    /** Worst median lag over the ingest instances, seconds from reading time to commit. */
    ingest_lag_s: z.number().nullable(),
    unacked_messages: z.number(),
    ingest_paused: z.boolean(),
    ingest_instances: z.number().int(),
    live_sensors: z.number().int(),
  }),
});
export type StatusResponse = z.infer<typeof StatusResponseSchema>;

export const PagingQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(5000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

export const CompanySchema = z.object({
  id: z.string(),
  name: z.string(),
  short_name: z.string(),
  area_id: z.string(),
  /** Plot outline in site metres, [x, y] pairs. */
  plot: z.array(z.tuple([z.number(), z.number()])),
});
export type Company = z.infer<typeof CompanySchema>;

export const SensorSchema = z.object({
  id: z.number().int(),
  tag: z.string(),
  company_id: z.string(),
  device_id: z.string(),
  quantity: z.string(),
  unit: z.string(),
  segment_id: z.string().nullable(),
  equipment_id: z.string().nullable(),
  position_m: z.number().nullable(),
});
export type Sensor = z.infer<typeof SensorSchema>;

export const SensorListQuerySchema = PagingQuerySchema.extend({
  company: z.string().optional(),
  segment: z.string().optional(),
  equipment: z.string().optional(),
  quantity: z.string().optional(),
});

export const LatestValueSchema = z.object({ t: z.number(), v: z.number(), q: z.number().int() });

export const SensorWithLatestSchema = SensorSchema.extend({ latest: LatestValueSchema.nullable() });

export const RESOLUTIONS = ['raw', '1m', '1h'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

export const TrendQuerySchema = z
  .object({
    /** Epoch ms or ISO 8601; default: `to` minus one hour. */
    from: z.union([z.coerce.number().int().nonnegative(), z.iso.datetime({ offset: true })]).optional(),
    /** Epoch ms or ISO 8601; default: now. */
    to: z.union([z.coerce.number().int().nonnegative(), z.iso.datetime({ offset: true })]).optional(),
    resolution: z.enum(['auto', ...RESOLUTIONS]).default('auto'),
    /** Upper bound on points returned; `auto` picks the finest resolution that fits. */
    max_points: z.coerce.number().int().min(10).max(20000).default(2000),
  })
  .strict();
export type TrendQuery = z.infer<typeof TrendQuerySchema>;

export const TrendResponseSchema = z.object({
  sensor_id: z.number().int(),
  unit: z.string(),
  from: z.number(),
  to: z.number(),
  resolution: z.enum(RESOLUTIONS),
  /** Columnar: bucket start (or reading time) in epoch ms, and value statistics. */
  t: z.array(z.number()),
  avg: z.array(z.number()),
  min: z.array(z.number()),
  max: z.array(z.number()),
  count: z.array(z.number()),
  truncated: z.boolean(),
});
export type TrendResponse = z.infer<typeof TrendResponseSchema>;

export const DeadLetterSchema = z.object({
  id: z.number().int(),
  received_at: z.number(),
  topic: z.string(),
  reason: z.string(),
  detail: z.string().nullable(),
  payload_preview: z.string(),
  payload_bytes: z.number().int(),
});
export type DeadLetter = z.infer<typeof DeadLetterSchema>;

/** Live values, columnar. Sent on connect (snapshot) and then as deltas. */
export const LiveValuesSchema = z.object({
  type: z.enum(['snapshot', 'delta']),
  /** Server time of the push, epoch ms. */
  t: z.number(),
  sensor_id: z.array(z.number().int()),
  value: z.array(z.number()),
  /** Reading time of each value, epoch ms. */
  time: z.array(z.number()),
});
export type LiveValues = z.infer<typeof LiveValuesSchema>;

export const LiveClientMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('subscribe'),
    /** Sensor ids to receive, or 'all'. */
    sensors: z.union([z.literal('all'), z.array(z.number().int()).max(100000)]),
    /** Pushes per second, at most (default 1). */
    max_rate_hz: z.number().min(0.1).max(10).optional(),
  }),
  z.strictObject({ type: z.literal('ping') }),
]);
export type LiveClientMessage = z.infer<typeof LiveClientMessageSchema>;

export const LiveServerMessageSchema = z.union([
  LiveValuesSchema,
  z.object({ type: z.literal('pong'), t: z.number() }),
  z.object({ type: z.literal('error'), message: z.string() }),
]);
export type LiveServerMessage = z.infer<typeof LiveServerMessageSchema>;
