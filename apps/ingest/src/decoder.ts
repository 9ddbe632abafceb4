import { z } from 'zod';
import {
  DeviceStatusSchema,
  MAX_READINGS_PER_MESSAGE,
  MAX_TELEMETRY_PAYLOAD_BYTES,
  QUALITY,
  ReadingSchema,
  SENSOR_TAG_PATTERN,
  parseDeviceTopic,
  type DeviceTopic,
  type QualityCode,
} from '@ct/contracts';
import type { SensorResolver } from '@ct/db';
import type { ErrorCode } from './errors';

/** Readings further in the future than this (by the ingest clock) are refused. */
export const DEFAULT_MAX_FUTURE_MS = 5 * 60_000;
/** Readings older than this are refused (a gateway's store-and-forward buffer is shorter). */
export const DEFAULT_MAX_AGE_MS = 30 * 86_400_000;
/** Bytes of a refused payload kept in the dead-letter table. */
export const DEAD_LETTER_PAYLOAD_LIMIT = 64 * 1024;

export interface DecodedReading {
  sensorId: number;
  t: number;
  v: number;
  q: QualityCode;
}

export interface Rejection {
  code: ErrorCode;
  detail: string;
}

export type Decoded =
  | {
      kind: 'telemetry';
      company: string;
      device: string;
      /** The parsed topic; the same object for every message of the device. */
      source: DeviceTopic;
      seq: number;
      readings: DecodedReading[];
      /** Readings of this message that were refused, if any (the rest are stored). */
      rejected: Rejection | null;
      rejectedCount: number;
    }
  | { kind: 'status'; company: string; device: string; state: 'online' | 'offline'; t: number }
  | { kind: 'reject'; company: string | null; device: string | null; rejection: Rejection };

const EnvelopeSchema = z.strictObject({
  seq: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  readings: z.array(z.unknown()).min(1).max(MAX_READINGS_PER_MESSAGE),
});

const TAG_MESSAGE = 'sensor tag: letters, digits and _ . : - (1-80)';

/**
 * The envelope check of EnvelopeSchema, by hand: zod costs more than everything else ingest
 * does per message. Returns null whenever anything is off, and the caller then asks zod, so
 * zod stays the one judge of what is wrong and how to say it.
 */
export function fastEnvelope(
  json: unknown,
): { success: true; data: { seq: number; readings: unknown[] } } | null {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return null;
  let keys = 0;
  for (const _ in json) keys++;
  const o = json as { seq?: unknown; readings?: unknown };
  if (keys !== 2) return null;
  const { seq, readings } = o;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) return null;
  if (
    !Array.isArray(readings) ||
    readings.length < 1 ||
    readings.length > MAX_READINGS_PER_MESSAGE
  ) {
    return null;
  }
  return { success: true, data: { seq, readings } };
}

interface ReadingFields {
  sensor: string;
  t: number;
  v: number;
  q: QualityCode | undefined;
}

/**
 * ReadingSchema by hand for well-formed readings (see fastEnvelope), written into `out`
 * (no allocation per reading). The tag pattern is left to the caller: a tag that resolves to a
 * known sensor was valid when the sensor was created.
 */
function fastReadingInto(r: unknown, out: ReadingFields): boolean {
  if (typeof r !== 'object' || r === null || Array.isArray(r)) return false;
  const o = r as { sensor?: unknown; t?: unknown; v?: unknown; q?: unknown };
  let keys = 0;
  for (const _ in o) keys++;
  const { sensor, t, v, q } = o;
  if (typeof sensor !== 'string' || typeof t !== 'number' || typeof v !== 'number') return false;
  if (!Number.isFinite(t) || t < 0 || !Number.isFinite(v)) return false;
  out.sensor = sensor;
  out.t = t;
  out.v = v;
  if (q === undefined) {
    out.q = undefined;
    return keys === 3;
  }
  if (keys !== 4) return false;
  if (q === 0 || q === 1 || q === 2 || q === 3) {
    out.q = q;
    return true;
  }
  if (typeof q === 'string' && Object.hasOwn(QUALITY, q)) {
    out.q = QUALITY[q as keyof typeof QUALITY];
    return true;
  }
  return false;
}

/** The fast path's verdict on one reading, as a fresh object (for tests). */
export function fastReading(r: unknown): ReadingFields | null {
  const out: ReadingFields = { sensor: '', t: 0, v: 0, q: undefined };
  return fastReadingInto(r, out) ? out : null;
}

const scratch: ReadingFields = { sensor: '', t: 0, v: 0, q: undefined };

export interface DecodeLimits {
  maxFutureMs: number;
  maxAgeMs: number;
}

function describeIssues(error: z.ZodError, prefix = ''): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${prefix}${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}

function reject(t: DeviceTopic, code: ErrorCode, detail: string): Decoded {
  return { kind: 'reject', company: t.company, device: t.device, rejection: { code, detail } };
}

function ageText(ms: number): string {
  const s = Math.abs(ms) / 1000;
  if (s < 120) return `${s.toFixed(0)} s`;
  if (s < 7200) return `${(s / 60).toFixed(0)} min`;
  if (s < 172_800) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86_400).toFixed(1)} days`;
}

/**
 * Turns one MQTT message into readings to store, a device status, or a rejection with its
 * reason. Never throws: every way a payload can be wrong ends in a rejection. Readings are
 * checked one by one, so one bad reading does not cost the good ones of the same message.
 */
// Devices publish on the same few topics again and again: parse each topic once.
const topicCache = new Map<string, DeviceTopic | null>();
function deviceTopic(topic: string): DeviceTopic | undefined {
  let t = topicCache.get(topic);
  if (t === undefined) {
    if (topicCache.size >= 100_000) topicCache.clear();
    t = parseDeviceTopic(topic) ?? null;
    topicCache.set(topic, t);
  }
  return t ?? undefined;
}

/** Collects the refused readings of one message (a class, not closures, on the hot path). */
class Refusals {
  count = 0;
  code: ErrorCode | null = null;
  readonly problems: string[] = [];
  note(code: ErrorCode, text: string): void {
    this.count++;
    this.code ??= code;
    if (this.problems.length < 5) this.problems.push(text);
  }
}

export function decodeMessage(
  topic: string,
  payload: Buffer,
  nowMs: number,
  sensors: SensorResolver,
  limits: DecodeLimits = { maxFutureMs: DEFAULT_MAX_FUTURE_MS, maxAgeMs: DEFAULT_MAX_AGE_MS },
): Decoded {
  const t = deviceTopic(topic);
  if (!t) {
    return {
      kind: 'reject',
      company: null,
      device: null,
      rejection: {
        code: 'CT_ERR_INGEST_BAD_TOPIC',
        detail: `topic "${topic.slice(0, 200)}" is not twin/v1/<company>/<device>/telemetry|status`,
      },
    };
  }
  if (payload.length > MAX_TELEMETRY_PAYLOAD_BYTES) {
    return reject(
      t,
      'CT_ERR_INGEST_OVERSIZED',
      `payload is ${payload.length} bytes; the limit is ${MAX_TELEMETRY_PAYLOAD_BYTES}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(payload.toString('utf8'));
  } catch (err) {
    return reject(t, 'CT_ERR_INGEST_BAD_JSON', `not JSON: ${(err as Error).message}`);
  }
  if (t.kind === 'status') {
    const s = DeviceStatusSchema.safeParse(json);
    if (!s.success) return reject(t, 'CT_ERR_INGEST_BAD_PAYLOAD', describeIssues(s.error));
    return {
      kind: 'status',
      company: t.company,
      device: t.device,
      state: s.data.state,
      t: s.data.t ?? nowMs,
    };
  }
  const env = fastEnvelope(json) ?? EnvelopeSchema.safeParse(json);
  if (!env.success) return reject(t, 'CT_ERR_INGEST_BAD_PAYLOAD', describeIssues(env.error));

  const readings: DecodedReading[] = [];
  let refused: Refusals | null = null;
  const items = env.data.readings;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    let sensor: string;
    let time: number;
    let v: number;
    let q: QualityCode | undefined;
    if (fastReadingInto(item, scratch)) {
      ({ sensor, t: time, v, q } = scratch);
    } else {
      const r = ReadingSchema.safeParse(item);
      if (!r.success) {
        (refused ??= new Refusals()).note(
          'CT_ERR_INGEST_BAD_PAYLOAD',
          describeIssues(r.error, `readings[${i}].`),
        );
        continue;
      }
      ({ sensor, t: time, v, q } = r.data);
    }
    const sensorId = sensors.resolve(t.company, sensor);
    if (sensorId === undefined) {
      if (!SENSOR_TAG_PATTERN.test(sensor)) {
        (refused ??= new Refusals()).note(
          'CT_ERR_INGEST_BAD_PAYLOAD',
          `readings[${i}].sensor: ${TAG_MESSAGE}`,
        );
        continue;
      }
      (refused ??= new Refusals()).note(
        'CT_ERR_INGEST_UNKNOWN_SENSOR',
        `readings[${i}]: "${sensor}" is not a sensor of company "${t.company}"`,
      );
      continue;
    }
    if (time > nowMs + limits.maxFutureMs) {
      (refused ??= new Refusals()).note(
        'CT_ERR_INGEST_TIME_OUT_OF_RANGE',
        `readings[${i}]: t is ${ageText(time - nowMs)} in the future (limit ${ageText(limits.maxFutureMs)})`,
      );
      continue;
    }
    if (time < nowMs - limits.maxAgeMs) {
      (refused ??= new Refusals()).note(
        'CT_ERR_INGEST_TIME_OUT_OF_RANGE',
        `readings[${i}]: t is ${ageText(nowMs - time)} in the past (limit ${ageText(limits.maxAgeMs)})`,
      );
      continue;
    }
    readings.push({ sensorId, t: time, v, q: q ?? 0 });
  }
  if (readings.length === 0) {
    return reject(
      t,
      refused?.code ?? 'CT_ERR_INGEST_BAD_PAYLOAD',
      `all ${items.length} readings refused: ${refused?.problems.join('; ') ?? ''}`,
    );
  }
  return {
    kind: 'telemetry',
    company: t.company,
    device: t.device,
    source: t,
    seq: env.data.seq,
    readings,
    rejected:
      refused && refused.count > 0 && refused.code
        ? {
            code: refused.code,
            detail: `${refused.count} of ${items.length} readings refused: ${refused.problems.join('; ')}`,
          }
        : null,
    rejectedCount: refused?.count ?? 0,
  };
}
