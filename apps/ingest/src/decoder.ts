import { z } from 'zod';
import {
  DeviceStatusSchema,
  MAX_READINGS_PER_MESSAGE,
  MAX_TELEMETRY_PAYLOAD_BYTES,
  ReadingSchema,
  parseDeviceTopic,
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
export function decodeMessage(
  topic: string,
  payload: Buffer,
  nowMs: number,
  sensors: SensorResolver,
  limits: DecodeLimits = { maxFutureMs: DEFAULT_MAX_FUTURE_MS, maxAgeMs: DEFAULT_MAX_AGE_MS },
): Decoded {
  const t = parseDeviceTopic(topic);
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
  const reject = (code: ErrorCode, detail: string): Decoded => ({
    kind: 'reject',
    company: t.company,
    device: t.device,
    rejection: { code, detail },
  });
  if (payload.length > MAX_TELEMETRY_PAYLOAD_BYTES) {
    return reject(
      'CT_ERR_INGEST_OVERSIZED',
      `payload is ${payload.length} bytes; the limit is ${MAX_TELEMETRY_PAYLOAD_BYTES}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(payload.toString('utf8'));
  } catch (err) {
    return reject('CT_ERR_INGEST_BAD_JSON', `not JSON: ${(err as Error).message}`);
  }
  if (t.kind === 'status') {
    const s = DeviceStatusSchema.safeParse(json);
    if (!s.success) return reject('CT_ERR_INGEST_BAD_PAYLOAD', describeIssues(s.error));
    return {
      kind: 'status',
      company: t.company,
      device: t.device,
      state: s.data.state,
      t: s.data.t ?? nowMs,
    };
  }
  const env = EnvelopeSchema.safeParse(json);
  if (!env.success) return reject('CT_ERR_INGEST_BAD_PAYLOAD', describeIssues(env.error));

  const readings: DecodedReading[] = [];
  const problems: string[] = [];
  let firstCode: ErrorCode | null = null;
  let rejectedCount = 0;
  const note = (code: ErrorCode, text: string) => {
    rejectedCount++;
    firstCode ??= code;
    if (problems.length < 5) problems.push(text);
  };
  const items = env.data.readings;
  for (let i = 0; i < items.length; i++) {
    const r = ReadingSchema.safeParse(items[i]);
    if (!r.success) {
      note('CT_ERR_INGEST_BAD_PAYLOAD', describeIssues(r.error, `readings[${i}].`));
      continue;
    }
    const { sensor, t: time, v, q } = r.data;
    const sensorId = sensors.resolve(t.company, sensor);
    if (sensorId === undefined) {
      note(
        'CT_ERR_INGEST_UNKNOWN_SENSOR',
        `readings[${i}]: "${sensor}" is not a sensor of company "${t.company}"`,
      );
      continue;
    }
    if (time > nowMs + limits.maxFutureMs) {
      note(
        'CT_ERR_INGEST_TIME_OUT_OF_RANGE',
        `readings[${i}]: t is ${ageText(time - nowMs)} in the future (limit ${ageText(limits.maxFutureMs)})`,
      );
      continue;
    }
    if (time < nowMs - limits.maxAgeMs) {
      note(
        'CT_ERR_INGEST_TIME_OUT_OF_RANGE',
        `readings[${i}]: t is ${ageText(nowMs - time)} in the past (limit ${ageText(limits.maxAgeMs)})`,
      );
      continue;
    }
    readings.push({ sensorId, t: time, v, q: q ?? 0 });
  }
  if (readings.length === 0) {
    return reject(
      firstCode ?? 'CT_ERR_INGEST_BAD_PAYLOAD',
      `all ${items.length} readings refused: ${problems.join('; ')}`,
    );
  }
  return {
    kind: 'telemetry',
    company: t.company,
    device: t.device,
    seq: env.data.seq,
    readings,
    rejected:
      rejectedCount > 0 && firstCode
        ? {
            code: firstCode,
            detail: `${rejectedCount} of ${items.length} readings refused: ${problems.join('; ')}`,
          }
        : null,
    rejectedCount,
  };
}
