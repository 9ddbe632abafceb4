import { EventEmitter } from 'node:events';
import net from 'node:net';
import tls from 'node:tls';
import mqttPacket from 'mqtt-packet';
import type { IConnackPacket, IConnectPacket, Packet } from 'mqtt-packet';
import { PacketFramer } from './packet-framer';

/**
 * A minimal MQTT 3.1.1 / 5 subscriber whose QoS 1 acknowledgements are sent when the caller
 * says so, not when a message is read. mqtt.js acknowledges a message as soon as its handler
 * calls back and reads nothing more until then (shared/STACK.md), so acknowledging after a
 * database commit would serialise ingest. Here reading and acknowledging are independent: the
 * socket keeps being read while earlier messages wait for their batch to commit, and `ack` sends
 * PUBACKs in receipt order (MQTT 3.1.1 section 4.6, MQTT 5 section 4.6).
 */

export interface Subscription {
  filter: string;
  /** MQTT 5 shared-subscription group; ignored (plain subscription) where the broker has none. */
  shareGroup?: string;
}

export interface SessionOptions {
  /** `mqtt://host:port` or `mqtts://host:port`. */
  url: string;
  clientId: string;
  username?: string | undefined;
  password?: string | undefined;
  /** 'auto' tries MQTT 5 and falls back to 3.1.1 when the broker refuses it. */
  protocol?: 'auto' | 4 | 5;
  keepaliveS?: number;
  /** MQTT 5: how long the broker keeps the session (and our unacknowledged messages) offline. */
  sessionExpiryS?: number;
  /** MQTT 5: most unacknowledged QoS 1 messages the broker may send us at once. */
  receiveMaximum?: number;
  subscriptions: Subscription[];
  will?: { topic: string; payload: Buffer | string; retain: boolean; qos: 0 | 1 };
  /** Sent right after every (re)connect, e.g. an "online" heartbeat. */
  birth?: { topic: string; payload: Buffer | string; retain: boolean };
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** A CONNACK slower than this ends the attempt (default 5000 ms). */
  connectTimeoutMs?: number;
}

export interface InboundMessage {
  topic: string;
  payload: Buffer;
  qos: 0 | 1 | 2;
  messageId: number | undefined;
  dup: boolean;
  retain: boolean;
  /** Connection number the message came on; an ack for an older connection is dropped. */
  epoch: number;
}

export type SessionState = 'idle' | 'connecting' | 'connected' | 'closed';

interface SessionEvents {
  message: [InboundMessage];
  connected: [{ protocol: 4 | 5; sessionPresent: boolean; shared: boolean }];
  disconnected: [Error | undefined];
  error: [Error];
}

export class MqttSession extends EventEmitter<SessionEvents> {
  state: SessionState = 'idle';
  protocol: 4 | 5 = 5;
  sharedSubscriptions = false;
  epoch = 0;

  private socket: net.Socket | tls.TLSSocket | null = null;
  private readonly opts: Required<
    Omit<SessionOptions, 'username' | 'password' | 'will' | 'birth'>
  > &
    SessionOptions;
  private nextPacketId = 1;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private pingTimer: NodeJS.Timeout | null = null;
  private awaitingPong = false;
  private lastSent = 0;
  private paused = false;
  private stopping = false;
  private readonly pendingAcks: number[] = [];
  private flushScheduled = false;

  constructor(options: SessionOptions) {
    super();
    this.opts = {
      protocol: 'auto',
      keepaliveS: 30,
      sessionExpiryS: 3600,
      receiveMaximum: 65535,
      reconnectMinMs: 250,
      reconnectMaxMs: 10_000,
      connectTimeoutMs: 5_000,
      ...options,
    };
    if (this.opts.protocol === 4) this.protocol = 4;
  }

  /** Connects, and keeps reconnecting with backoff until `stop`. */
  start(): void {
    if (this.state !== 'idle') return;
    this.connect();
  }

  /**
   * Sends PUBACKs for QoS 1 messages received on connection `epoch` (ids of QoS 0 messages are
   * negative and skipped). Call in the order messages were received.
   */
  ack(epoch: number, messageIds: readonly number[]): void {
    if (epoch !== this.epoch || this.state !== 'connected') return;
    for (const id of messageIds) if (id >= 0) this.pendingAcks.push(id);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flushAcks());
    }
  }

  /** Publishes at QoS 0 if connected; returns false when the message was not sent. */
  publish(topic: string, payload: Buffer | string, retain = false): boolean {
    if (this.state !== 'connected' || !this.socket) return false;
    this.write(
      mqttPacket.generate(
        { cmd: 'publish', topic, payload, qos: 0, dup: false, retain },
        { protocolVersion: this.protocol },
      ),
    );
    return true;
  }

  /** Stops reading from the broker (backpressure); it keeps our messages meanwhile. */
  pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.socket?.pause();
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.socket?.resume();
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Sends the pending acks, optionally a last message, DISCONNECT, and closes the socket. */
  async stop(last?: { topic: string; payload: Buffer | string; retain: boolean }): Promise<void> {
    this.stopping = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.clearPing();
    const socket = this.socket;
    if (socket && this.state === 'connected') {
      this.flushAcks();
      if (last) this.publish(last.topic, last.payload, last.retain);
      this.write(mqttPacket.generate({ cmd: 'disconnect' }, { protocolVersion: this.protocol }));
      await new Promise<void>((resolve) => {
        socket.end(() => resolve());
        setTimeout(resolve, 1000).unref();
      });
    }
    socket?.destroy();
    this.state = 'closed';
  }

  private flushAcks(): void {
    this.flushScheduled = false;
    const ids = this.pendingAcks;
    if (ids.length === 0 || !this.socket) return;
    // PUBACK is 4 bytes in both versions: MQTT 5 may omit a success reason code (section 3.4.2.1)
    const buf = Buffer.allocUnsafe(ids.length * 4);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      buf[i * 4] = 0x40;
      buf[i * 4 + 1] = 0x02;
      buf[i * 4 + 2] = id >> 8;
      buf[i * 4 + 3] = id & 0xff;
    }
    ids.length = 0;
    this.write(buf);
  }

  private write(buf: Buffer): void {
    this.lastSent = Date.now();
    this.socket?.write(buf);
  }

  private connect(): void {
    this.state = 'connecting';
    const url = new URL(this.opts.url);
    const port = Number(url.port || (url.protocol === 'mqtts:' ? 8883 : 1883));
    const host = url.hostname;
    const socket =
      url.protocol === 'mqtts:'
        ? tls.connect({ host, port, servername: host })
        : net.connect({ host, port });
    socket.setNoDelay(true);
    this.socket = socket;
    const protocol = this.protocol;
    const parser = mqttPacket.parser({ protocolVersion: protocol });
    let connacked = false;
    let failure: Error | undefined;
    // Some 3.1.1-only brokers (aedes) neither answer nor close on an MQTT 5 CONNECT.
    const connackTimer = setTimeout(
      () => socket.destroy(new Error('no CONNACK from the broker')),
      protocol === 5 && this.opts.protocol === 'auto' ? 2000 : this.opts.connectTimeoutMs,
    );

    const framer = new PacketFramer(
      protocol,
      (p) => {
        if (!connacked) return;
        p.epoch = this.epoch;
        this.emit('message', p);
      },
      (whole) => parser.parse(whole),
    );
    parser.on('packet', (packet: Packet) => {
      if (!connacked) {
        if (packet.cmd !== 'connack') return;
        connacked = true;
        clearTimeout(connackTimer);
        this.onConnack(packet, protocol);
        return;
      }
      this.onPacket(packet);
    });
    parser.on('error', (err: Error) => {
      failure = err;
      socket.destroy(err);
    });
    socket.on('connect', () => {
      socket.write(
        mqttPacket.generate(this.connectPacket(protocol), { protocolVersion: protocol }),
      );
    });
    socket.on('data', (chunk: Buffer) => {
      try {
        framer.push(chunk);
      } catch (err) {
        failure = err as Error;
        socket.destroy(failure);
      }
    });
    socket.on('error', (err) => {
      failure = err;
    });
    socket.on('close', () => {
      clearTimeout(connackTimer);
      this.clearPing();
      if (this.socket === socket) this.socket = null;
      const wasConnected = this.state === 'connected';
      // A broker that speaks only 3.1.1 closes or refuses an MQTT 5 CONNECT: try 3.1.1 at once.
      if (
        (!connacked || this.protocol === 4) &&
        protocol === 5 &&
        this.opts.protocol === 'auto' &&
        !this.stopping
      ) {
        this.protocol = 4;
        this.connect();
        return;
      }
      if (wasConnected) this.emit('disconnected', failure);
      if (this.stopping) {
        this.state = 'closed';
        return;
      }
      this.state = 'connecting';
      this.scheduleReconnect(failure);
    });
  }

  private scheduleReconnect(err: Error | undefined): void {
    const delay = Math.min(
      this.opts.reconnectMaxMs,
      this.opts.reconnectMinMs * 2 ** Math.min(this.attempt, 10),
    );
    this.attempt++;
    if (err && this.attempt === 1) this.emit('error', err);
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  private connectPacket(protocol: 4 | 5): IConnectPacket {
    const o = this.opts;
    const packet: IConnectPacket = {
      cmd: 'connect',
      protocolId: 'MQTT',
      protocolVersion: protocol,
      clientId: o.clientId,
      // a persistent session: the broker keeps unacknowledged messages across our restarts
      clean: false,
      keepalive: o.keepaliveS,
    };
    if (o.username !== undefined) packet.username = o.username;
    if (o.password !== undefined) packet.password = Buffer.from(o.password);
    if (o.will) packet.will = { ...o.will };
    if (protocol === 5) {
      packet.properties = {
        sessionExpiryInterval: o.sessionExpiryS,
        receiveMaximum: o.receiveMaximum,
      };
    }
    return packet;
  }

  private onConnack(packet: IConnackPacket, protocol: 4 | 5): void {
    const code = protocol === 5 ? (packet.reasonCode ?? 0) : (packet.returnCode ?? 0);
    if (code !== 0) {
      // 3.1.1 code 1 / MQTT 5 reason 0x84: unsupported protocol version
      if (protocol === 5 && this.opts.protocol === 'auto' && (code === 1 || code === 0x84)) {
        this.protocol = 4;
        this.socket?.destroy();
        return;
      }
      const err = new Error(`broker refused the connection (code ${code})`);
      this.socket?.destroy(err);
      return;
    }
    this.state = 'connected';
    this.attempt = 0;
    this.epoch++;
    this.protocol = protocol;
    this.sharedSubscriptions =
      protocol === 5 && packet.properties?.sharedSubscriptionAvailable !== false;
    if (this.paused) this.socket?.pause();
    const subs = this.opts.subscriptions.map((s) => ({
      topic:
        s.shareGroup && this.sharedSubscriptions ? `$share/${s.shareGroup}/${s.filter}` : s.filter,
      qos: 1 as const,
    }));
    this.write(
      mqttPacket.generate(
        { cmd: 'subscribe', messageId: this.packetId(), subscriptions: subs },
        { protocolVersion: protocol },
      ),
    );
    if (this.opts.birth) {
      const b = this.opts.birth;
      this.publish(b.topic, b.payload, b.retain);
    }
    this.startPing();
    this.emit('connected', {
      protocol,
      sessionPresent: packet.sessionPresent,
      shared: this.sharedSubscriptions,
    });
  }

  private onPacket(packet: Packet): void {
    switch (packet.cmd) {
      case 'pingresp':
        this.awaitingPong = false;
        return;
      case 'suback': {
        const refused = (packet.granted as number[]).some(
          (g) => typeof g === 'number' && g >= 0x80,
        );
        if (refused) this.emit('error', new Error('the broker refused a subscription'));
        return;
      }
      case 'disconnect':
        this.socket?.destroy(
          new Error(`broker disconnected us (reason ${packet.reasonCode ?? 0})`),
        );
        return;
      default:
        return;
    }
  }

  private startPing(): void {
    this.clearPing();
    const periodMs = (this.opts.keepaliveS * 1000) / 2;
    this.pingTimer = setInterval(() => {
      if (!this.socket) return;
      // While paused we cannot read the PINGRESP, so only a running reader judges the broker.
      if (this.awaitingPong && !this.paused) {
        this.socket.destroy(new Error('no PINGRESP from the broker'));
        return;
      }
      if (Date.now() - this.lastSent >= periodMs) {
        this.awaitingPong = true;
        this.write(mqttPacket.generate({ cmd: 'pingreq' }, { protocolVersion: this.protocol }));
      }
    }, periodMs);
    this.pingTimer.unref();
  }

  private clearPing(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
    this.awaitingPong = false;
  }

  private packetId(): number {
    const id = this.nextPacketId;
    this.nextPacketId = id >= 65535 ? 1 : id + 1;
    return id;
  }
}
