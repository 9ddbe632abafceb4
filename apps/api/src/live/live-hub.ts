import mqtt from 'mqtt';
import { FloodDetector, type AreaFloodStatus } from '@ct/analytics';
import {
  ALERT_EVENT_FILTER,
  AlertEventSchema,
  EQUIPMENT_EVENT_FILTER,
  EquipmentHealthSchema,
  HEARTBEAT_FILTER,
  HeartbeatSchema,
  INGEST_METRICS_FILTER,
  IngestMetricsSchema,
  TELEMETRY_FILTER,
  TelemetryMessageSchema,
  alertEventTopic,
  parseDeviceTopic,
  type AlertEvent,
  type ComponentHealth,
  type EquipmentHealth,
  type IngestMetrics,
  type LineOperation,
} from '@ct/contracts';
import type { SensorResolver } from '@ct/db';

/** Readings stamped further ahead than this are not shown live (ingest refuses them too). */
const MAX_FUTURE_MS = 5 * 60_000;
/** How often floods are checked for their end (they end by time passing, not by an event). */
const FLOOD_TICK_MS = 5000;
/** Alert events are published here and come back from the broker to every replica. */
const ALERT_PREFIX = alertEventTopic('');

export type AlertListener = (e: AlertEvent) => void;

/** The audiences that see an alert: its company, and the control room when it is an incident. */
function audiencesOf(a: { company_id?: string; incident?: boolean }): string[] {
  const out: string[] = [];
  if (a.company_id) out.push(`company:${a.company_id}`);
  if (a.incident) out.push('incidents');
  return out;
}

export interface LiveHubOptions {
  mqttUrl: string;
  username?: string | undefined;
  password?: string | undefined;
  clientId: string;
  sensors: SensorResolver & { noteMiss?: () => void };
}

/**
 * The latest value of every sensor, taken straight from the broker (QoS 0: a live view may miss
 * a value, the next one replaces it), plus the health the other components report on their
 * `twin/sys/...` topics. Every api replica keeps its own; none needs another.
 */
export class LiveHub {
  /** Indexed by sensor id. */
  value = new Float64Array(1024);
  time = new Float64Array(1024);
  /** Value of `counter` when each sensor last changed (0: never). */
  version = new Uint32Array(1024);
  counter = 0;
  maxSensorId = 0;
  liveSensors = 0;
  readonly components = new Map<string, ComponentHealth>();
  readonly ingest = new Map<string, IngestMetrics>();
  /** The detector's latest view of each pump and compressor, with the `counter` of its change. */
  readonly equipment = new Map<string, { health: EquipmentHealth; version: number }>();
  messagesSeen = 0;
  messagesInvalid = 0;
  /** Alarm floods per operator area, from the alert events seen (seeded from the database). */
  readonly floods = new FloodDetector();
  /**
   * The same for each audience, counting only the alerts it sees: `incidents` (the complex's
   * control room: hazardous lines' alerts of every company) and `company:<id>` (a company's own).
   */
  private readonly audienceFloods = new Map<string, FloodDetector>();
  /** Increments whenever a flood begins, grows or ends. */
  floodVersion = 0;
  /** ISA state of each alert seen not in A, to tell a new annunciation from a refresh. */
  private readonly alertStates = new Map<number, string>();
  private readonly alertListeners = new Set<AlertListener>();
  private floodTimer: NodeJS.Timeout | null = null;
  private client: mqtt.MqttClient | null = null;

  constructor(private readonly opts: LiveHubOptions) {}

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  /** Connects and subscribes; resolves at once, connecting in the background if need be. */
  start(): void {
    const client = mqtt.connect(this.opts.mqttUrl, {
      clientId: this.opts.clientId,
      username: this.opts.username,
      password: this.opts.password,
      clean: true,
      reconnectPeriod: 1000,
      connectTimeout: 5000,
      protocolVersion: 4,
    });
    client.on('connect', () => {
      client.subscribe(
        [
          { topic: TELEMETRY_FILTER, qos: 0 },
          { topic: HEARTBEAT_FILTER, qos: 0 },
          { topic: INGEST_METRICS_FILTER, qos: 0 },
          { topic: EQUIPMENT_EVENT_FILTER, qos: 0 },
        ].reduce<Record<string, { qos: 0 | 1 }>>(
          (acc, s) => ((acc[s.topic] = { qos: 0 }), acc),
          // alert changes must not be lost on the way to the live views
          { [ALERT_EVENT_FILTER]: { qos: 1 } },
        ),
      );
    });
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    // mqtt.js reconnects by itself; errors are reflected in `connected`
    client.on('error', () => {});
    this.client = client;
    this.floodTimer = setInterval(() => {
      const now = Date.now();
      let changed = this.floods.advance(now).length > 0;
      for (const f of this.audienceFloods.values()) changed = f.advance(now).length > 0 || changed;
      if (changed) this.floodVersion++;
    }, FLOOD_TICK_MS);
    this.floodTimer.unref();
  }

  async stop(): Promise<void> {
    if (this.floodTimer) clearInterval(this.floodTimer);
    await this.client?.endAsync(true);
  }

  /**
   * Announces an alert change on `twin/events/v1/alerts/<company>` (QoS 1). Every replica,
   * this one included, pushes it to its WebSocket clients when it comes back from the broker.
   */
  publishAlertEvent(e: AlertEvent): void {
    this.client?.publish(alertEventTopic(e.alert.company_id), JSON.stringify(e), { qos: 1 });
  }

  /** Publishes an operator's announcement of an operation for the leak detectors (QoS 1). */
  publishOperation(topic: string, op: LineOperation): boolean {
    if (!this.client?.connected) return false;
    this.client.publish(topic, JSON.stringify(op), { qos: 1 });
    return true;
  }

  /** Calls `listener` with every alert event; returns the function that stops it. */
  onAlert(listener: AlertListener): () => void {
    this.alertListeners.add(listener);
    return () => this.alertListeners.delete(listener);
  }

  /**
   * Starts the flood view from the database: the open alerts' states and the annunciations of
   * the look-back period (oldest first).
   */
  seedAlerts(
    open: readonly { id: number; isa_state: string }[],
    annunciations: readonly {
      area_id: string | null;
      time: Date;
      company_id?: string;
      incident?: boolean;
    }[],
    nowMs: number,
  ): void {
    for (const a of open) this.alertStates.set(a.id, a.isa_state);
    for (const a of annunciations) {
      if (!a.area_id) continue;
      this.floods.add(a.area_id, a.time.getTime());
      for (const key of audiencesOf(a)) this.audience(key).add(a.area_id, a.time.getTime());
    }
    this.floods.advance(nowMs);
    for (const f of this.audienceFloods.values()) f.advance(nowMs);
    this.floodVersion++;
  }

  private audience(key: string): FloodDetector {
    let f = this.audienceFloods.get(key);
    if (!f) this.audienceFloods.set(key, (f = new FloodDetector()));
    return f;
  }

  /**
   * Flood status of every area that has had an annunciation in the look-back period: of all
   * alerts, or of those an audience sees (`audienceOf` in routes/live).
   */
  floodStatus(nowMs: number, audience?: string): AreaFloodStatus[] {
    if (audience === undefined) return this.floods.status(nowMs);
    return this.audienceFloods.get(audience)?.status(nowMs) ?? [];
  }

  /** Whether an area is in flood for an audience (all alerts when none is given). */
  inFlood(area: string, audience?: string): boolean {
    if (audience === undefined) return this.floods.inFlood(area);
    return this.audienceFloods.get(audience)?.inFlood(area) ?? false;
  }

  /** Feeds one message (the MQTT handler; tests may call it directly). */
  onMessage(topic: string, payload: Buffer): void {
    if (topic.startsWith('twin/sys/')) {
      this.onSystem(topic, payload);
      return;
    }
    if (topic.startsWith('twin/events/v1/equipment/')) {
      this.onEquipment(payload);
      return;
    }
    if (topic.startsWith(ALERT_PREFIX)) {
      this.onAlertEvent(payload);
      return;
    }
    const dt = parseDeviceTopic(topic);
    if (!dt || dt.kind !== 'telemetry') return;
    this.messagesSeen++;
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch {
      this.messagesInvalid++;
      return;
    }
    const msg = TelemetryMessageSchema.safeParse(json);
    if (!msg.success) {
      this.messagesInvalid++;
      return;
    }
    const now = Date.now();
    const version = ++this.counter;
    for (const r of msg.data.readings) {
      if (r.t > now + MAX_FUTURE_MS) continue;
      const id = this.opts.sensors.resolve(dt.company, r.sensor);
      if (id === undefined) {
        this.opts.sensors.noteMiss?.();
        continue;
      }
      this.ensure(id);
      // readings may come out of order; keep the newest
      if (r.t < this.time[id]!) continue;
      if (this.version[id] === 0) this.liveSensors++;
      this.value[id] = r.v;
      this.time[id] = r.t;
      this.version[id] = version;
    }
  }

  /** Sets a value from history (api start), without counting it as a live change. */
  seed(id: number, t: number, v: number): void {
    this.ensure(id);
    if (this.time[id]! >= t) return;
    if (this.version[id] === 0) this.liveSensors++;
    this.value[id] = v;
    this.time[id] = t;
    this.version[id] = 1;
  }

  private onEquipment(payload: Buffer): void {
    if (payload.length === 0) return;
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch {
      return;
    }
    const h = EquipmentHealthSchema.safeParse(json);
    if (!h.success) return;
    this.equipment.set(h.data.equipment_id, { health: h.data, version: ++this.counter });
  }

  private onAlertEvent(payload: Buffer): void {
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch {
      return;
    }
    const m = AlertEventSchema.safeParse(json);
    if (!m.success) return;
    const { alert } = m.data;
    const before = this.alertStates.get(alert.id);
    if (alert.isa_state === 'A') this.alertStates.delete(alert.id);
    else this.alertStates.set(alert.id, alert.isa_state);
    // an annunciation: the alert enters B from anything but an active state (a refresh is not one)
    const annunciated =
      (m.data.action === 'raise' || m.data.action === 'activate') &&
      alert.isa_state === 'B' &&
      before !== 'B' &&
      before !== 'C';
    // an alert without an operator area counts towards no area's flood
    if (annunciated && alert.area_id) {
      const area = alert.area_id;
      let changed = false;
      for (const f of [this.floods, ...audiencesOf(alert).map((k) => this.audience(k))]) {
        const wasInFlood = f.inFlood(area);
        f.add(area, m.data.t);
        changed ||= wasInFlood || f.inFlood(area);
      }
      if (changed) this.floodVersion++;
    }
    for (const l of this.alertListeners) l(m.data);
  }

  private onSystem(topic: string, payload: Buffer): void {
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch {
      return;
    }
    if (topic.endsWith('/heartbeat')) {
      const h = HeartbeatSchema.safeParse(json);
      if (!h.success) return;
      this.components.set(`${h.data.component}/${h.data.instance}`, {
        component: h.data.component,
        instance: h.data.instance,
        state: h.data.state,
        detail: h.data.detail ?? null,
        last_seen: h.data.t ?? Date.now(),
      });
    } else if (topic.endsWith('/metrics')) {
      const m = IngestMetricsSchema.safeParse(json);
      if (!m.success) return;
      this.ingest.set(m.data.instance, m.data);
    }
  }

  private ensure(id: number): void {
    if (id > this.maxSensorId) this.maxSensorId = id;
    if (id < this.value.length) return;
    let n = this.value.length;
    while (n <= id) n *= 2;
    const grow = <T extends Float64Array | Uint32Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.value = grow(this.value, (k) => new Float64Array(k));
    this.time = grow(this.time, (k) => new Float64Array(k));
    this.version = grow(this.version, (k) => new Uint32Array(k));
  }
}
