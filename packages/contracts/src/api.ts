import { z } from 'zod';
import { COMPONENTS } from './system';
import { EquipmentHealthSchema } from './equipment';
import { AlertSchema, AreaFloodSchema } from './alerts';

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
    from: z
      .union([z.coerce.number().int().nonnegative(), z.iso.datetime({ offset: true })])
      .optional(),
    /** Epoch ms or ISO 8601; default: now. */
    to: z
      .union([z.coerce.number().int().nonnegative(), z.iso.datetime({ offset: true })])
      .optional(),
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
  z.object({
    type: z.literal('equipment'),
    t: z.number(),
    items: z.array(EquipmentHealthSchema),
  }),
  z.object({ type: z.literal('pong'), t: z.number() }),
  z.object({ type: z.literal('error'), message: z.string() }),
  /** On connect: every open alert (not back to A). */
  z.object({ type: z.literal('alerts'), t: z.number(), items: z.array(AlertSchema) }),
  /** One change of one alert, as it happens (docs/alerts.md). */
  z.object({
    type: z.literal('alert'),
    t: z.number(),
    action: z.string(),
    actor: z.string(),
    note: z.string().nullable(),
    alert: AlertSchema,
  }),
  /** Flood status of the areas, on connect and whenever a flood begins, grows or ends. */
  z.object({ type: z.literal('flood'), t: z.number(), areas: z.array(AreaFloodSchema) }),
]);
export type LiveServerMessage = z.infer<typeof LiveServerMessageSchema>;

const XY = z.tuple([z.number(), z.number()]);

/**
 * The network for drawing, columnar: the i-th entry of every `segments` array belongs to the
 * i-th segment, which is also the i-th segment of the binary geometry. Indexes point into the
 * lists named (`company` into `companies`, `line` into `lines`, `material` into `materials`).
 */
export const NetworkResponseSchema = z.object({
  /** Changes whenever the network does; the geometry URL carries it for caching. */
  version: z.string(),
  site: z.object({
    id: z.string(),
    name: z.string(),
    origin: z.object({ lat: z.number(), lon: z.number() }),
    bounds: z.object({ min: z.array(z.number()), max: z.array(z.number()) }),
    coastline: z.array(XY),
  }),
  areas: z.array(z.object({ id: z.string(), name: z.string() })),
  companies: z.array(CompanySchema),
  substances: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      toxic: z.boolean(),
      flammable: z.boolean(),
      dense_gas: z.boolean(),
    }),
  ),
  materials: z.array(z.string()),
  placements: z.array(z.string()),
  quantities: z.array(z.string()),
  lines: z.object({
    id: z.array(z.string()),
    tag: z.array(z.string()),
    name: z.array(z.string()),
    company: z.array(z.number().int()),
    substance: z.array(z.number().int()),
  }),
  segments: z.object({
    id: z.array(z.string()),
    line: z.array(z.number().int()),
    company: z.array(z.number().int()),
    install_year: z.array(z.number().int()),
    diameter_mm: z.array(z.number()),
    length_m: z.array(z.number()),
    material: z.array(z.number().int()),
    placement: z.array(z.number().int()),
    piping_class: z.array(z.number().int()),
  }),
  equipment: z.object({
    id: z.array(z.string()),
    kind: z.array(z.enum(['pump', 'compressor', 'valve', 'tank'])),
    tag: z.array(z.string()),
    company: z.array(z.number().int()),
    /** Line index, or -1. */
    line: z.array(z.number().int()),
    isolation: z.array(z.boolean()),
  }),
  sensors: z.object({
    id: z.array(z.number().int()),
    tag: z.array(z.string()),
    company: z.array(z.number().int()),
    /** Segment index, or -1. */
    segment: z.array(z.number().int()),
    /** Equipment index, or -1. */
    equipment: z.array(z.number().int()),
    quantity: z.array(z.number().int()),
    unit: z.array(z.string()),
  }),
  geometry: z.object({ url: z.string(), bytes: z.number().int(), pieces: z.number().int() }),
});
export type NetworkResponse = z.infer<typeof NetworkResponseSchema>;

export const SegmentDetailSchema = z.object({
  id: z.string(),
  company_id: z.string(),
  company_name: z.string(),
  line_id: z.string(),
  line_tag: z.string(),
  line_name: z.string(),
  line_order: z.number().int(),
  from_node_id: z.string(),
  to_node_id: z.string(),
  path: z.array(z.tuple([z.number(), z.number(), z.number()])),
  length_m: z.number(),
  diameter_mm: z.number(),
  wall_mm: z.number(),
  corrosion_allowance_mm: z.number(),
  material: z.string(),
  install_year: z.number().int(),
  substance_id: z.string(),
  design_pressure_kpa: z.number(),
  design_temp_c: z.number(),
  piping_class: z.number().int(),
  placement: z.string(),
  area_id: z.string(),
  sensors: z.array(SensorWithLatestSchema),
});
export type SegmentDetail = z.infer<typeof SegmentDetailSchema>;

export const EquipmentDetailSchema = z.object({
  id: z.string(),
  company_id: z.string(),
  company_name: z.string(),
  kind: z.string(),
  tag: z.string(),
  name: z.string(),
  position: z.tuple([z.number(), z.number(), z.number()]),
  area_id: z.string(),
  line_id: z.string().nullable(),
  node_id: z.string().nullable(),
  rated_kw: z.number().nullable(),
  speed_rpm: z.number().nullable(),
  machine_group: z.number().int().nullable(),
  foundation: z.string().nullable(),
  isolation: z.boolean().nullable(),
  capacity_m3: z.number().nullable(),
  sensors: z.array(SensorWithLatestSchema),
});
export type EquipmentDetail = z.infer<typeof EquipmentDetailSchema>;
