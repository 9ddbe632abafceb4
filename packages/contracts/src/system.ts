import { z } from 'zod';
import { TOPIC_ID_PATTERN } from './telemetry';

/** Root of the platform's own topics; devices may never publish here. */
export const SYS_ROOT = 'twin/sys';

export const COMPONENTS = ['ingest', 'simulator', 'api', 'detector', 'broker', 'launcher'] as const;
export type Component = (typeof COMPONENTS)[number];

/** `twin/sys/<component>/<instance>/heartbeat` (retained; the last will says offline). */
export function heartbeatTopic(component: Component, instance: string): string {
  return `${SYS_ROOT}/${component}/${instance}/heartbeat`;
}
/** `twin/sys/ingest/<instance>/metrics` (every few seconds, QoS 0). */
export function ingestMetricsTopic(instance: string): string {
  return `${SYS_ROOT}/ingest/${instance}/metrics`;
}
export const HEARTBEAT_FILTER = `${SYS_ROOT}/+/+/heartbeat`;
export const INGEST_METRICS_FILTER = `${SYS_ROOT}/ingest/+/metrics`;

export const InstanceIdSchema = z.string().regex(TOPIC_ID_PATTERN);

export const HeartbeatSchema = z.object({
  component: z.enum(COMPONENTS),
  instance: InstanceIdSchema,
  state: z.enum(['online', 'offline', 'degraded']),
  t: z.number().optional(),
  detail: z.string().max(500).optional(),
});
export type Heartbeat = z.infer<typeof HeartbeatSchema>;

/** Counters are totals since the instance started; rates are over the last report interval. */
export const IngestMetricsSchema = z.object({
  instance: InstanceIdSchema,
  t: z.number(),
  started_at: z.number(),
  received_messages_total: z.number(),
  received_readings_total: z.number(),
  stored_readings_total: z.number(),
  duplicate_readings_total: z.number(),
  rejected_messages_total: z.number(),
  rejected_readings_total: z.number(),
  dead_letters_total: z.number(),
  batches_total: z.number(),
  /** Telemetry messages missing by their device's `seq` (a gap of 3 counts 3). */
  seq_gaps_total: z.number(),
  db_errors_total: z.number(),
  readings_per_s: z.number(),
  /** Seconds from a reading's own timestamp to its commit, median and max over the interval. */
  lag_p50_s: z.number().nullable(),
  lag_max_s: z.number().nullable(),
  /** Messages read but not yet acknowledged (waiting for their batch to commit). */
  unacked_messages: z.number(),
  unacked_bytes: z.number(),
  paused: z.boolean(),
  db_ok: z.boolean(),
  shared_subscription: z.boolean(),
  mqtt_protocol: z.union([z.literal(4), z.literal(5)]),
});
export type IngestMetrics = z.infer<typeof IngestMetricsSchema>;
