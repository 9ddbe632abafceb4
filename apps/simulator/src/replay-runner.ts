import {
  MAX_READINGS_PER_MESSAGE,
  telemetryTopic,
  type GroundTruthEntry,
  type Reading,
  type TelemetryMessage,
} from '@ct/contracts';
import { labelWindows, type ParsedReplay } from './replay-csv';

export interface ReplayRunOptions {
  parsed: ParsedReplay;
  company: string;
  device: string;
  /** Rows per second = the file's own rate x speed. */
  speed: number;
  /** Epoch ms the first row is re-timed to. */
  startMs: number;
  /** Label for the ground truth's params. */
  source: string;
  publish: (topic: string, message: TelemetryMessage) => void;
  onGroundTruth?: (entry: GroundTruthEntry) => void;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Stops the replay early when aborted. */
  signal?: AbortSignal;
  idPrefix?: string;
}

export interface ReplayResult {
  rows: number;
  messages: number;
  readings: number;
  labels: number;
  /** Re-timed time of the last row published, epoch ms. */
  lastMs: number | null;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Publishes parsed rows as one device's telemetry, re-timed so the first row is at `startMs` and
 * the rest follow at `speed` times their original pace. Rows that fall due together share a
 * message. Each anomaly window becomes a `replay` ground-truth entry when its first row goes out.
 */
export async function runReplay(o: ReplayRunOptions): Promise<ReplayResult> {
  const now = o.now ?? Date.now;
  const sleep = o.sleep ?? defaultSleep;
  const rows = o.parsed.rows;
  const topic = telemetryTopic(o.company, o.device);
  const result: ReplayResult = { rows: 0, messages: 0, readings: 0, labels: 0, lastMs: null };
  if (rows.length === 0) return result;
  const t0 = rows[0]!.tMs;
  const retime = (t: number) => o.startMs + (t - t0) / o.speed;
  const windows = labelWindows(rows);
  let nextWindow = 0;
  let seq = 0;
  let i = 0;
  while (i < rows.length) {
    if (o.signal?.aborted) break;
    const due = retime(rows[i]!.tMs);
    const wait = due - now();
    if (wait > 0) {
      await sleep(Math.min(wait, 250));
      continue;
    }
    const readings: Reading[] = [];
    const current = now();
    while (i < rows.length && retime(rows[i]!.tMs) <= current) {
      const row = rows[i]!;
      const t = retime(row.tMs);
      while (nextWindow < windows.length && windows[nextWindow]!.startMs <= row.tMs) {
        const w = windows[nextWindow++]!;
        result.labels++;
        o.onGroundTruth?.({
          id: `${o.idPrefix ?? 'replay'}-${Math.floor(o.startMs).toString(36)}-${nextWindow}`,
          kind: 'replay',
          start: retime(w.startMs),
          end: retime(w.endMs),
          created_at: current,
          company: o.company,
          target: o.device,
          params: {
            source: o.source,
            first_line: w.firstLine,
            last_line: w.lastLine,
            rows: w.rows,
            speed: o.speed,
            original_start: new Date(w.startMs).toISOString(),
            original_end: new Date(w.endMs).toISOString(),
          },
        });
      }
      o.parsed.columns.forEach((c, k) => readings.push({ sensor: c.tag, t, v: row.values[k]! }));
      result.rows++;
      result.lastMs = t;
      i++;
    }
    for (let k = 0; k < readings.length; k += MAX_READINGS_PER_MESSAGE) {
      const chunk = readings.slice(k, k + MAX_READINGS_PER_MESSAGE);
      o.publish(topic, { seq: seq++, readings: chunk });
      result.messages++;
      result.readings += chunk.length;
    }
  }
  return result;
}
