import { HeartbeatSchema, heartbeatTopic, statusTopic, type Heartbeat } from '@ct/contracts';
import mqtt from 'mqtt';

export interface PublisherOptions {
  url: string;
  clientId: string;
  username?: string;
  password?: string;
  /** Heartbeat instance (twin/sys/simulator/<instance>/heartbeat). */
  instance: string;
  /** Called on every (re)connect and on connection loss. */
  onConnect?: () => void;
  onOffline?: (reason: string) => void;
}

/** Totals since the publisher started. */
export interface PublishCounters {
  messages: number;
  readings: number;
  bytes: number;
  /** Messages the broker acknowledged (QoS 1 PUBACK). */
  acked: number;
  /** Messages not sent because the broker was unreachable. */
  dropped: number;
  droppedReadings: number;
  errors: number;
  reconnects: number;
}

export function heartbeatPayload(
  instance: string,
  state: Heartbeat['state'],
  detail?: string,
): string {
  return JSON.stringify(
    HeartbeatSchema.parse({ component: 'simulator', instance, state, t: Date.now(), detail }),
  );
}

/**
 * One mqtt.js client for all devices (as one gateway concentrator would be): QoS 1, the
 * simulator's heartbeat with a last will saying offline, and counters. While the broker is
 * unreachable, telemetry is dropped and counted instead of queued without bound; the devices'
 * `seq` keeps counting, so the gap is visible downstream. mqtt.js reconnects by itself.
 */
export class MqttPublisher {
  readonly counters: PublishCounters = {
    messages: 0,
    readings: 0,
    bytes: 0,
    acked: 0,
    dropped: 0,
    droppedReadings: 0,
    errors: 0,
    reconnects: 0,
  };
  private readonly client: mqtt.MqttClient;
  private readonly hbTopic: string;
  private connectedOnce = false;
  private readonly firstConnect: Promise<void>;

  constructor(private readonly opts: PublisherOptions) {
    this.hbTopic = heartbeatTopic('simulator', opts.instance);
    this.client = mqtt.connect(opts.url, {
      clientId: opts.clientId,
      username: opts.username,
      password: opts.password,
      clean: true,
      reconnectPeriod: 1000,
      connectTimeout: 5000,
      protocolVersion: 4,
      will: {
        topic: this.hbTopic,
        payload: Buffer.from(heartbeatPayload(opts.instance, 'offline', 'connection lost')),
        qos: 1,
        retain: true,
      },
    });
    this.firstConnect = new Promise((resolve) => {
      this.client.on('connect', () => {
        if (this.connectedOnce) this.counters.reconnects++;
        this.connectedOnce = true;
        this.client.publish(this.hbTopic, heartbeatPayload(opts.instance, 'online'), {
          qos: 1,
          retain: true,
        });
        opts.onConnect?.();
        resolve();
      });
    });
    this.client.on('offline', () => opts.onOffline?.('offline'));
    this.client.on('close', () => {
      if (this.connectedOnce) opts.onOffline?.('connection closed');
    });
    // mqtt.js reconnects by itself; a failed attempt must not crash the process.
    this.client.on('error', () => {
      this.counters.errors++;
    });
  }

  get connected(): boolean {
    return this.client.connected;
  }

  /** Resolves on the first successful connection. */
  connected$(): Promise<void> {
    return this.firstConnect;
  }

  /** Publishes one telemetry payload at QoS 1; drops it (counted) while disconnected. */
  publishTelemetry(topic: string, payload: string, readings: number): boolean {
    if (!this.client.connected) {
      this.counters.dropped++;
      this.counters.droppedReadings += readings;
      return false;
    }
    this.counters.messages++;
    this.counters.readings += readings;
    this.counters.bytes += payload.length;
    this.client.publish(topic, payload, { qos: 1 }, (err) => {
      if (err) this.counters.errors++;
      else this.counters.acked++;
    });
    return true;
  }

  /** Publishes an event (an operation's announcement) at QoS 1; dropped while disconnected. */
  publishEvent(topic: string, payload: string): boolean {
    if (!this.client.connected) return false;
    this.client.publish(topic, payload, { qos: 1 }, (err) => {
      if (err) this.counters.errors++;
    });
    return true;
  }

  /** A retained device status, resolved when the broker acknowledges it. */
  publishStatus(
    company: string,
    device: string,
    state: 'online' | 'offline',
    reason?: string,
  ): Promise<void> {
    const payload = JSON.stringify({ state, t: Date.now(), ...(reason ? { reason } : {}) });
    return this.publishRetained(statusTopic(company, device), payload);
  }

  publishHeartbeat(state: Heartbeat['state'], detail?: string): Promise<void> {
    return this.publishRetained(this.hbTopic, heartbeatPayload(this.opts.instance, state, detail));
  }

  private publishRetained(topic: string, payload: string): Promise<void> {
    return new Promise((resolve) => {
      if (!this.client.connected) return resolve();
      this.client.publish(topic, payload, { qos: 1, retain: true }, () => resolve());
    });
  }

  /** Disconnects cleanly (the will is not sent); waits for in-flight acknowledgements. */
  async end(): Promise<void> {
    await this.client.endAsync(false);
  }
}
