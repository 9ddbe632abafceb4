import { z } from 'zod';

/** Protocol version segment of every topic. */
export const TOPIC_ROOT = 'twin/v1';

/** At most this many readings in one telemetry message. */
export const MAX_READINGS_PER_MESSAGE = 1000;

/** A telemetry payload larger than this (bytes of UTF-8 JSON) is rejected unread. */
export const MAX_TELEMETRY_PAYLOAD_BYTES = 256 * 1024;

/** Company and device ids: safe in an MQTT topic level and in a URL path segment. */
export const TOPIC_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** Sensor tags as field instruments are named (`21-PT-1001`, `P-101.VIB`). */
export const SENSOR_TAG_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,79}$/;

/**
 * Quality of one reading, stored as a small integer. The names follow OPC UA status classes
 * (Good, Uncertain, Bad) plus Sparkplug's STALE.
 */
export const QUALITY = { GOOD: 0, UNCERTAIN: 1, BAD: 2, STALE: 3 } as const;
export type QualityName = keyof typeof QUALITY;
export type QualityCode = (typeof QUALITY)[QualityName];
export const QUALITY_NAMES = [
  'GOOD',
  'UNCERTAIN',
  'BAD',
  'STALE',
] as const satisfies readonly QualityName[];

const QualityCodeSchema = z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]);
const QualityNameSchema = z.enum(QUALITY_NAMES);

/** `q` may be sent as a code (0-3) or a name; both are stored as the code. */
export const QualitySchema = z
  .union([QualityCodeSchema, QualityNameSchema])
  .transform((q): QualityCode => (typeof q === 'number' ? q : QUALITY[q]));

export const ReadingSchema = z.strictObject({
  sensor: z.string().regex(SENSOR_TAG_PATTERN, 'sensor tag: letters, digits and _ . : - (1-80)'),
  /** Time of the measurement, epoch milliseconds (UTC); fractions of a millisecond allowed. */
  t: z.number().finite().nonnegative(),
  v: z.number().finite(),
  q: QualitySchema.optional(),
});
export type Reading = z.infer<typeof ReadingSchema>;

export const TelemetryMessageSchema = z.strictObject({
  /** Per-device message counter, increasing by one per message; used to count gaps. */
  seq: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  readings: z.array(ReadingSchema).min(1).max(MAX_READINGS_PER_MESSAGE),
});
export type TelemetryMessage = z.infer<typeof TelemetryMessageSchema>;
/** What a gateway sends, before `q` names are turned into codes. */
export type TelemetryMessageInput = z.input<typeof TelemetryMessageSchema>;

export const DeviceStatusSchema = z.strictObject({
  state: z.enum(['online', 'offline']),
  /** Epoch ms when the device said so; absent in a last-will message, which is stamped on receipt. */
  t: z.number().finite().nonnegative().optional(),
  reason: z.string().max(200).optional(),
  firmware: z.string().max(80).optional(),
});
export type DeviceStatus = z.infer<typeof DeviceStatusSchema>;

export type DeviceTopicKind = 'telemetry' | 'status';

export interface DeviceTopic {
  company: string;
  device: string;
  kind: DeviceTopicKind;
}

/** `twin/v1/<company>/<device>/telemetry` */
export function telemetryTopic(company: string, device: string): string {
  return `${TOPIC_ROOT}/${company}/${device}/telemetry`;
}

/** `twin/v1/<company>/<device>/status` (retained; also the device's last will) */
export function statusTopic(company: string, device: string): string {
  return `${TOPIC_ROOT}/${company}/${device}/status`;
}

/** Subscription filter for every device's telemetry. */
export const TELEMETRY_FILTER = `${TOPIC_ROOT}/+/+/telemetry`;
/** Subscription filter for every device's status. */
export const STATUS_FILTER = `${TOPIC_ROOT}/+/+/status`;

/** Parses a device topic; returns undefined for anything that is not one. */
export function parseDeviceTopic(topic: string): DeviceTopic | undefined {
  const parts = topic.split('/');
  if (parts.length !== 5 || parts[0] !== 'twin' || parts[1] !== 'v1') return undefined;
  const [, , company, device, kind] = parts as [string, string, string, string, string];
  if (!TOPIC_ID_PATTERN.test(company) || !TOPIC_ID_PATTERN.test(device)) return undefined;
  if (kind !== 'telemetry' && kind !== 'status') return undefined;
  return { company, device, kind };
}
