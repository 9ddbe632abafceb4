import type { IngestMetrics } from '@ct/contracts';

/** Counters since start, plus lag samples and a rate over the current report interval. */
export class IngestCounters {
  readonly startedAt = Date.now();
  receivedMessages = 0;
  receivedReadings = 0;
  storedReadings = 0;
  duplicateReadings = 0;
  rejectedMessages = 0;
  rejectedReadings = 0;
  deadLetters = 0;
  batches = 0;
  dbErrors = 0;
  seqGaps = 0;
  readonly byReason: Record<string, number> = {};

  private lags: number[] = [];
  private lagCount = 0;
  private lastReportAt = Date.now();
  private lastReportStored = 0;

  /** Keeps a uniform sample of at most 2,000 lags per interval (reservoir sampling). */
  lagSample(seconds: number): void {
    this.lagCount++;
    if (this.lags.length < 2000) this.lags.push(seconds);
    else {
      const j = Math.floor(Math.random() * this.lagCount);
      if (j < 2000) this.lags[j] = seconds;
    }
  }

  /** The report for the interval since the last call; starts a new interval. */
  report(
    instance: string,
    state: {
      unackedMessages: number;
      unackedBytes: number;
      paused: boolean;
      dbOk: boolean;
      shared: boolean;
      protocol: 4 | 5;
    },
  ): IngestMetrics {
    const now = Date.now();
    const dt = Math.max(0.001, (now - this.lastReportAt) / 1000);
    const rate = (this.storedReadings - this.lastReportStored) / dt;
    const sorted = this.lags.sort((a, b) => a - b);
    const p50 = sorted.length ? sorted[Math.floor(sorted.length / 2)]! : null;
    const max = sorted.length ? sorted[sorted.length - 1]! : null;
    this.lags = [];
    this.lagCount = 0;
    this.lastReportAt = now;
    this.lastReportStored = this.storedReadings;
    return {
      instance,
      t: now,
      started_at: this.startedAt,
      received_messages_total: this.receivedMessages,
      received_readings_total: this.receivedReadings,
      stored_readings_total: this.storedReadings,
      duplicate_readings_total: this.duplicateReadings,
      rejected_messages_total: this.rejectedMessages,
      rejected_readings_total: this.rejectedReadings,
      dead_letters_total: this.deadLetters,
      batches_total: this.batches,
      db_errors_total: this.dbErrors,
      seq_gaps_total: this.seqGaps,
      readings_per_s: Math.round(rate * 10) / 10,
      lag_p50_s: p50,
      lag_max_s: max,
      unacked_messages: state.unackedMessages,
      unacked_bytes: state.unackedBytes,
      paused: state.paused,
      db_ok: state.dbOk,
      shared_subscription: state.shared,
      mqtt_protocol: state.protocol,
    };
  }
}
