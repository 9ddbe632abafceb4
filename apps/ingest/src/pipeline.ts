import {
  allocReadingColumns,
  type DeadLetterInput,
  type DeviceStatusInput,
  type InsertResult,
  type ReadingColumns,
  type SensorResolver,
} from '@ct/db';
import {
  DEAD_LETTER_PAYLOAD_LIMIT,
  decodeMessage,
  type DecodeLimits,
  type Rejection,
} from './decoder';
import type { ErrorCode } from './errors';
import type { IngestCounters } from './metrics';
import type { InboundMessage } from './mqtt-session';
import type { DeviceTopic } from '@ct/contracts';

/** Where batches are stored: the db package's ReadingsWriter, or anything with its shape. */
export interface BatchStore {
  insert(
    cols: ReadingColumns,
    extras: { deadLetters: DeadLetterInput[]; deviceStatuses: DeviceStatusInput[] },
  ): Promise<InsertResult>;
}

/** The part of the MQTT session the pipeline drives. */
export interface AckChannel {
  /** Acknowledges, in order, messages of connection `epoch`; negative ids are QoS 0 (no ack). */
  ack(epoch: number, messageIds: readonly number[]): void;
  pause(): void;
  resume(): void;
}

export interface PipelineOptions {
  /** A batch is sealed when it holds this many readings (default 20,000). */
  maxBatchReadings: number;
  /** ... or this many messages (default 10,000). */
  maxBatchMessages: number;
  /** ... or when its first message is this old, while other batches are committing (ms). */
  maxBatchDelayMs: number;
  /** A batch is not sealed younger than this (ms) unless full: fewer, larger transactions. */
  minBatchDelayMs: number;
  /** Batches committing at once, each on its own connection (default 2). */
  concurrency: number;
  /** Reading from the broker pauses above this many unacknowledged messages ... */
  maxUnackedMessages: number;
  /** ... or bytes, and resumes below half of both. */
  maxUnackedBytes: number;
  retryMinMs: number;
  retryMaxMs: number;
  limits: DecodeLimits;
}

export const DEFAULT_PIPELINE_OPTIONS: Omit<PipelineOptions, 'limits'> = {
  maxBatchReadings: 20_000,
  maxBatchMessages: 10_000,
  maxBatchDelayMs: 100,
  minBatchDelayMs: 50,
  concurrency: 2,
  maxUnackedMessages: 60_000,
  maxUnackedBytes: 64 * 1024 * 1024,
  retryMinMs: 200,
  retryMaxMs: 5_000,
};

interface Batch {
  cols: ReadingColumns;
  /** The connection the batch's messages came on (a batch never spans a reconnect). */
  epoch: number;
  /** Message ids to acknowledge, in order of receipt; -1 for QoS 0. */
  messages: number[];
  deadLetters: DeadLetterInput[];
  statuses: DeviceStatusInput[];
  bytes: number;
  /** Newest reading time of each telemetry message, for the lag metric. */
  newest: number[];
  openedAt: number;
  state: 'open' | 'sealed' | 'committing' | 'committed';
}

export interface PipelineEvents {
  /** A kind of rejection seen for the first time for this device (logged once per kind). */
  onFirstRejection?: (company: string | null, device: string | null, r: Rejection) => void;
  onDbError?: (err: unknown, attempt: number) => void;
  onDbRecovered?: () => void;
  onUnknownSensor?: () => void;
}

/**
 * Decodes messages into batches, commits each batch in one transaction, and acknowledges its
 * messages only after the commit, in the order they were received. Memory stays bounded:
 * above the unacknowledged limits the pipeline stops reading from the broker, which keeps the
 * messages until the database catches up.
 */
export class IngestPipeline {
  private current: Batch;
  private readonly queue: Batch[] = [];
  private committing = 0;
  private unackedMessages = 0;
  private unackedBytes = 0;
  private sealScheduled = false;
  private delayTimer: NodeJS.Timeout | null = null;
  private delayDeadline = 0;
  private dbFailing = false;
  private readonly seenRejections = new Set<string>();
  private readonly lastSeq = new Map<DeviceTopic, number>();
  private readonly idleWaiters: (() => void)[] = [];
  private paused = false;
  /** Columns of committed batches, reused: a batch's arrays are large and often mostly empty. */
  private readonly freeColumns: ReadingColumns[] = [];

  constructor(
    private readonly store: BatchStore,
    private readonly channel: AckChannel,
    private readonly sensors: SensorResolver,
    private readonly counters: IngestCounters,
    private readonly opts: PipelineOptions,
    private readonly events: PipelineEvents = {},
    private readonly now: () => number = Date.now,
  ) {
    this.current = this.newBatch();
  }

  get unacked(): { messages: number; bytes: number } {
    return { messages: this.unackedMessages, bytes: this.unackedBytes };
  }

  get isPaused(): boolean {
    return this.paused;
  }

  get dbOk(): boolean {
    return !this.dbFailing;
  }

  /** Takes one message from the broker. */
  handle(msg: InboundMessage): void {
    const c = this.counters;
    c.receivedMessages++;
    const d = decodeMessage(msg.topic, msg.payload, this.now(), this.sensors, this.opts.limits);
    let b = this.current;
    if (b.messages.length === 0) b.openedAt = this.now();
    if (b.epoch !== msg.epoch) {
      if (b.messages.length > 0) {
        this.seal();
        b = this.current;
      }
      b.epoch = msg.epoch;
    }
    switch (d.kind) {
      case 'telemetry': {
        if (b.cols.length + d.readings.length > this.opts.maxBatchReadings) {
          this.seal();
          b = this.current;
        }
        const cols = b.cols;
        let newest = 0;
        for (const r of d.readings) {
          const i = cols.length++;
          cols.time[i] = r.t;
          cols.sensorId[i] = r.sensorId;
          cols.value[i] = r.v;
          cols.quality[i] = r.q;
          if (r.t > newest) newest = r.t;
        }
        b.newest.push(newest);
        c.receivedReadings += d.readings.length + d.rejectedCount;
        c.rejectedReadings += d.rejectedCount;
        this.trackSeq(d.source, d.seq);
        if (d.rejected) this.deadLetter(b, msg, d.company, d.device, d.rejected);
        break;
      }
      case 'status':
        b.statuses.push({
          companyId: d.company,
          deviceId: d.device,
          status: d.state,
          atMs: d.t,
        });
        break;
      case 'reject':
        c.rejectedMessages++;
        this.deadLetter(b, msg, d.company, d.device, d.rejection);
        break;
    }
    // keep what the ack needs, not the payload: its socket chunk can be freed now
    b.messages.push(msg.qos === 1 && msg.messageId !== undefined ? msg.messageId : -1);
    b.bytes += msg.payload.length;
    this.unackedMessages++;
    this.unackedBytes += msg.payload.length;
    if (
      !this.paused &&
      (this.unackedMessages >= this.opts.maxUnackedMessages ||
        this.unackedBytes >= this.opts.maxUnackedBytes)
    ) {
      this.paused = true;
      this.channel.pause();
    }
    if (b.messages.length >= this.opts.maxBatchMessages) this.seal();
    else this.scheduleSeal();
  }

  /** Seals what is buffered and resolves when every batch is committed and acknowledged. */
  async drain(): Promise<void> {
    this.seal();
    if (this.queue.length === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private deadLetter(
    b: Batch,
    msg: InboundMessage,
    company: string | null,
    device: string | null,
    r: Rejection,
  ): void {
    const truncated = msg.payload.length > DEAD_LETTER_PAYLOAD_LIMIT;
    b.deadLetters.push({
      topic: msg.topic,
      companyId: company,
      deviceId: device,
      reason: r.code,
      detail: truncated
        ? `${r.detail} (payload truncated to ${DEAD_LETTER_PAYLOAD_LIMIT} bytes)`
        : r.detail,
      payload: truncated ? msg.payload.subarray(0, DEAD_LETTER_PAYLOAD_LIMIT) : msg.payload,
      payloadBytes: msg.payload.length,
    });
    this.counters.deadLetters++;
    this.counters.byReason[r.code] = (this.counters.byReason[r.code] ?? 0) + 1;
    if (r.code === ('CT_ERR_INGEST_UNKNOWN_SENSOR' satisfies ErrorCode)) {
      this.events.onUnknownSensor?.();
    }
    const kind = `${r.code}|${company}|${device}`;
    if (!this.seenRejections.has(kind) && this.seenRejections.size < 10_000) {
      this.seenRejections.add(kind);
      this.events.onFirstRejection?.(company, device, r);
    }
  }

  private trackSeq(key: DeviceTopic, seq: number): void {
    const last = this.lastSeq.get(key);
    if (last !== undefined && seq > last + 1) this.counters.seqGaps += seq - last - 1;
    if (last === undefined || seq > last) this.lastSeq.set(key, seq);
  }

  private newBatch(): Batch {
    const cols = this.freeColumns.pop() ?? allocReadingColumns(this.opts.maxBatchReadings);
    cols.length = 0;
    return {
      cols,
      epoch: this.current?.epoch ?? 0,
      messages: [],
      deadLetters: [],
      statuses: [],
      bytes: 0,
      newest: [],
      openedAt: this.now(),
      state: 'open',
    };
  }

  /**
   * Seals soon: when a commit slot is free, as soon as the batch is `minBatchDelayMs` old (low
   * latency at low load, without a transaction per message); otherwise when a slot frees up or
   * the batch is `maxBatchDelayMs` old (large batches at high load).
   */
  private scheduleSeal(): void {
    const age = this.now() - this.current.openedAt;
    if (this.committing < this.opts.concurrency) {
      const wait = this.opts.minBatchDelayMs - age;
      if (wait > 0) {
        this.armTimer(wait);
      } else if (!this.sealScheduled) {
        this.sealScheduled = true;
        setImmediate(() => {
          this.sealScheduled = false;
          if (this.committing < this.opts.concurrency) this.seal();
          else this.armTimer(this.opts.maxBatchDelayMs - (this.now() - this.current.openedAt));
        });
      }
    } else {
      this.armTimer(this.opts.maxBatchDelayMs - age);
    }
  }

  private armTimer(ms: number): void {
    const deadline = this.now() + Math.max(0, ms);
    if (this.delayTimer) {
      if (this.delayDeadline <= deadline) return;
      clearTimeout(this.delayTimer);
    }
    this.delayDeadline = deadline;
    this.delayTimer = setTimeout(
      () => {
        this.delayTimer = null;
        if (
          this.committing < this.opts.concurrency ||
          this.now() - this.current.openedAt >= this.opts.maxBatchDelayMs
        ) {
          this.seal();
        } else {
          this.scheduleSeal();
        }
      },
      Math.max(0, ms),
    );
  }

  private seal(): void {
    if (this.delayTimer) {
      clearTimeout(this.delayTimer);
      this.delayTimer = null;
    }
    const b = this.current;
    if (b.messages.length === 0) return;
    b.state = 'sealed';
    this.queue.push(b);
    this.current = this.newBatch();
    this.startCommits();
  }

  private startCommits(): void {
    for (const b of this.queue) {
      if (this.committing >= this.opts.concurrency) return;
      if (b.state !== 'sealed') continue;
      b.state = 'committing';
      this.committing++;
      void this.commit(b);
    }
  }

  private async commit(b: Batch): Promise<void> {
    let attempt = 0;
    for (;;) {
      try {
        const r = await this.store.insert(b.cols, {
          deadLetters: b.deadLetters,
          deviceStatuses: b.statuses,
        });
        this.counters.storedReadings += r.inserted;
        this.counters.duplicateReadings += r.duplicates;
        this.counters.batches++;
        const committedAt = this.now();
        for (const t of b.newest) this.counters.lagSample((committedAt - t) / 1000);
        if (this.dbFailing) {
          this.dbFailing = false;
          this.events.onDbRecovered?.();
        }
        break;
      } catch (err) {
        attempt++;
        this.counters.dbErrors++;
        this.dbFailing = true;
        this.events.onDbError?.(err, attempt);
        const delay = Math.min(this.opts.retryMaxMs, this.opts.retryMinMs * 2 ** (attempt - 1));
        await new Promise((r) => setTimeout(r, delay));
      }
    }
    b.state = 'committed';
    this.committing--;
    this.releaseAcks();
    this.startCommits();
    // a batch left open while every slot was busy can go now
    if (this.current.messages.length > 0) this.scheduleSeal();
  }

  private releaseAcks(): void {
    while (this.queue.length > 0 && this.queue[0]!.state === 'committed') {
      const b = this.queue.shift()!;
      this.channel.ack(b.epoch, b.messages);
      if (this.freeColumns.length < 8) this.freeColumns.push(b.cols);
      this.unackedMessages -= b.messages.length;
      this.unackedBytes -= b.bytes;
    }
    if (
      this.paused &&
      this.unackedMessages < this.opts.maxUnackedMessages / 2 &&
      this.unackedBytes < this.opts.maxUnackedBytes / 2
    ) {
      this.paused = false;
      this.channel.resume();
    }
    if (this.queue.length === 0 && this.current.messages.length === 0) {
      for (const w of this.idleWaiters.splice(0)) w();
    }
  }
}
