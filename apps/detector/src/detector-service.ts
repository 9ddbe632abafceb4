import mqtt from 'mqtt';
import {
  HeartbeatSchema,
  TelemetryMessageSchema,
  alertEventTopic,
  equipmentEventTopic,
  heartbeatTopic,
  parseDeviceTopic,
  telemetryTopic,
  type Heartbeat,
} from '@ct/contracts';
import {
  clearAlert,
  connect,
  listAlerts,
  getBaseline,
  insertAnomalyScores,
  listRotatingEquipment,
  migrate,
  queryMinuteHistory,
  querySensorHistory,
  raiseAlert,
  readPlantModel,
  saveBaseline,
  toAlert,
  type AlertRow,
  type Sql,
} from '@ct/db';
import type { Logger } from 'pino';
import { AssetMonitor } from './asset-monitor';
import { areasOf, type DetectorConfig } from './config';
import { samplesOf } from './history';
import { LeakService } from './leak/leak-service';

export interface DetectorService {
  monitors: AssetMonitor[];
  /** The leak detector of the shard's lines; null when turned off or no plant is loaded. */
  leaks: LeakService | null;
  /** Resolves when subscribed to the broker. */
  connected: Promise<void>;
  stop(): Promise<void>;
}

function heartbeat(instance: string, state: Heartbeat['state'], detail?: string): string {
  return JSON.stringify(
    HeartbeatSchema.parse({ component: 'detector', instance, state, t: Date.now(), detail }),
  );
}

/** Fits each monitor from its stored baseline (or recent history) and replays recent data. */
async function prepare(
  sql: Sql,
  m: AssetMonitor,
  cfg: DetectorConfig,
  nowMs: number,
  log: Logger,
): Promise<void> {
  const ids = m.asset.sensors.map((s) => s.id);
  const stored = await getBaseline(sql, m.asset.id, m.detectorName);
  const windowMs = cfg.DETECTOR_BASELINE_S * 1000;
  const span = stored ?? {
    fromMs: nowMs - windowMs - cfg.DETECTOR_WARMUP_S * 1000,
    toMs: nowMs - cfg.DETECTOR_WARMUP_S * 1000,
  };
  const baseline = samplesOf(await querySensorHistory(sql, ids, span.fromMs, span.toMs));
  if (baseline.length >= 2 && (stored || baseline.at(-1)!.t - baseline[0]!.t >= windowMs * 0.9)) {
    const idx = m.sensorIndex;
    const times: number[] = [];
    const rows: Float64Array[] = [];
    const held = new Float64Array(ids.length).fill(NaN);
    for (const s of baseline) {
      for (const r of s.readings) held[idx.get(r.sensorId)!] = r.v;
      times.push(s.t);
      rows.push(Float64Array.from(held));
    }
    m.fitFrom(times, rows);
    if (!stored)
      await saveBaseline(sql, m.asset.id, m.asset.companyId, m.detectorName, m.baselineWindow!);
  } else if (stored) {
    log.warn(
      { equipment: m.asset.id },
      'stored baseline has no readings left (retention); learning anew',
    );
  }
  if (m.state !== 'scoring') return;
  // the remaining-life trend needs hours: minute averages up to the warm-up window
  const warmFrom = nowMs - cfg.DETECTOR_WARMUP_S * 1000;
  const vib = m.asset.sensors.find((s) => s.quantity === 'vibration_rms');
  if (vib) {
    const h = (await queryMinuteHistory(sql, [vib.id], warmFrom - 86_400_000, warmFrom)).get(
      vib.id,
    )!;
    m.seedVibrationHistory(h.t.map((t, i) => ({ t, v: h.v[i]! })));
  }
  for (const s of samplesOf(await querySensorHistory(sql, ids, warmFrom, nowMs))) {
    for (const r of s.readings) m.setReading(r.sensorId, s.t, r.v);
    m.score(s.t);
  }
  m.takeRow();
  m.alertChange();
}

/**
 * The live detector: scores the pumps and compressors of its areas from their telemetry,
 * publishes each asset's health on MQTT for the api, stores a score row per asset every few
 * seconds, and raises and clears equipment alerts. Restartable: baselines and recent history
 * are read back from the database.
 */
export async function startDetector(cfg: DetectorConfig, log: Logger): Promise<DetectorService> {
  const sql = connect(cfg.DATABASE_URL, { max: 4, applicationName: cfg.DETECTOR_INSTANCE });
  for (let attempt = 1; ; attempt++) {
    try {
      await migrate(sql, { storage: cfg.STORAGE, retentionDays: cfg.RETENTION_DAYS });
      break;
    } catch (err) {
      if (attempt === 1 || attempt % 10 === 0)
        log.warn({ err: (err as Error).message }, 'database not ready; retrying');
      await new Promise((r) => setTimeout(r, Math.min(5000, 250 * attempt)));
    }
  }
  const assets = await listRotatingEquipment(sql, areasOf(cfg));
  const monitors = assets
    .filter((a) => a.sensors.length > 0)
    .map(
      (a) =>
        new AssetMonitor(a, {
          detector: cfg.DETECTOR_NAME,
          baselineS: cfg.DETECTOR_BASELINE_S,
          minBaselineSamples: Math.min(120, Math.ceil(cfg.DETECTOR_BASELINE_S / 2)),
          alertOnDelayS: cfg.ALERT_ON_DELAY_S,
          alertOffDelayS: cfg.ALERT_OFF_DELAY_S,
        }),
    );
  const now = Date.now();
  for (const m of monitors) await prepare(sql, m, cfg, now, log);
  // An alert left active by a previous run stays the monitor's: it clears, after the off-delay,
  // once the machine runs normally, instead of lingering open forever.
  const open = await listAlerts(sql, { kind: 'equipment_anomaly', open: true, limit: 10_000 });
  const byAsset = new Map(monitors.map((m) => [m.asset.id, m]));
  for (const a of open) {
    const m = byAsset.get(a.source_id);
    if (!m || !a.active) continue;
    m.alerting = true;
    m.alert = { id: a.id, isaState: a.isa_state };
  }
  const bySensor = new Map<string, { monitor: AssetMonitor; sensorId: number }>();
  const topics = new Set<string>();
  for (const m of monitors) {
    for (const s of m.asset.sensors) {
      bySensor.set(`${m.asset.companyId}/${s.tag}`, { monitor: m, sensorId: s.id });
      topics.add(telemetryTopic(m.asset.companyId, s.deviceId));
    }
  }
  log.info(
    {
      assets: monitors.length,
      scoring: monitors.filter((m) => m.state === 'scoring').length,
      learning: monitors.filter((m) => m.state === 'learning').length,
    },
    'detectors prepared',
  );

  const instance = cfg.DETECTOR_INSTANCE;
  let leaks: LeakService | null = null;
  let publishRef: (topic: string, payload: string) => void = () => {};
  if (cfg.DETECTOR_LEAK) {
    const plant = await readPlantModel(sql);
    if (plant) {
      leaks = new LeakService({
        sql,
        plant,
        areas: areasOf(cfg),
        instance,
        log,
        publish: (t, p) => publishRef(t, p),
        warmupS: cfg.DETECTOR_LEAK_WARMUP_S,
        clearAfterS: cfg.DETECTOR_LEAK_CLEAR_S,
      });
      await leaks.prepare(Date.now());
      for (const t of leaks.topics()) topics.add(t);
      log.info({ lines: leaks.lines.lines.length }, 'leak detectors prepared');
    } else {
      log.warn('no plant in the database yet: leak detection is off until a restart');
    }
  }
  const hbTopic = heartbeatTopic('detector', instance);
  const client = mqtt.connect(cfg.MQTT_URL, {
    clientId: `${instance}-${process.pid}`,
    username: cfg.MQTT_USERNAME,
    password: cfg.MQTT_PASSWORD,
    clean: true,
    reconnectPeriod: 1000,
    protocolVersion: 4,
    will: {
      topic: hbTopic,
      payload: Buffer.from(heartbeat(instance, 'offline', 'connection lost')),
      qos: 1,
      retain: true,
    },
  });
  let resolveConnected!: () => void;
  const connected = new Promise<void>((r) => (resolveConnected = r));
  client.on('connect', () => {
    client.subscribe([...topics], { qos: 0 }, () => resolveConnected());
    client.publish(hbTopic, heartbeat(instance, 'online', `${monitors.length} assets`), {
      qos: 1,
      retain: true,
    });
  });
  client.on('error', (err) => log.warn({ err: err.message }, 'broker problem'));
  publishRef = (topic, payload) => client.publish(topic, payload, { qos: 1 });

  const announce = (action: string, a: AlertRow) =>
    client.publish(
      alertEventTopic(a.company_id),
      JSON.stringify({ action, actor: instance, t: Date.now(), alert: toAlert(a) }),
      { qos: 1 },
    );
  // alert writes are serialised per asset, so a raise and its clear never overtake each other
  const alertQueue = new Map<AssetMonitor, Promise<void>>();
  const handleAlert = (m: AssetMonitor) => {
    const change = m.alertChange();
    if (!change) return;
    const prev = alertQueue.get(m) ?? Promise.resolve();
    const next = prev.then(async () => {
      try {
        if (change.kind === 'raise') {
          const h = m.health();
          const drivers = h.contributions
            .slice(0, 3)
            .map(
              (c) =>
                `${c.name.replaceAll('_', ' ')} ${c.sigma >= 0 ? '+' : ''}${c.sigma.toFixed(1)} sigma`,
            )
            .join(', ');
          const a = await raiseAlert(sql, {
            companyId: m.asset.companyId,
            areaId: m.asset.areaId,
            kind: 'equipment_anomaly',
            sourceType: 'equipment',
            sourceId: m.asset.id,
            severity: change.severity,
            title: `${m.asset.tag}: abnormal behaviour (score ${h.score.toFixed(2)}${drivers ? `; ${drivers}` : ''})`,
            detail: {
              score: h.score,
              contributions: h.contributions,
              zone: h.zone,
              rul: h.rul,
              detector: h.detector,
            },
            atMs: change.atMs,
            actor: instance,
          });
          m.alert = { id: a.id, isaState: a.isa_state };
          announce('raise', a);
          log.warn({ equipment: m.asset.id, alert: a.id }, 'equipment alert raised');
        } else {
          const a = await clearAlert(
            sql,
            'equipment_anomaly',
            'equipment',
            m.asset.id,
            change.atMs,
            instance,
          );
          m.alert = a && a.isa_state !== 'A' ? { id: a.id, isaState: a.isa_state } : null;
          if (a) announce('clear', a);
          log.info({ equipment: m.asset.id }, 'equipment alert cleared');
        }
      } catch (err) {
        log.error({ err: (err as Error).message, equipment: m.asset.id }, 'alert write failed');
      }
    });
    alertQueue.set(m, next);
  };

  let invalid = 0;
  client.on('message', (topic, payload) => {
    if (leaks && topic.endsWith('/operation')) {
      leaks.onOperation(payload, Date.now());
      return;
    }
    const dt = parseDeviceTopic(topic);
    if (!dt || dt.kind !== 'telemetry') return;
    let parsed;
    try {
      parsed = TelemetryMessageSchema.safeParse(JSON.parse(payload.toString('utf8')));
    } catch {
      invalid++;
      return;
    }
    if (!parsed.success) {
      invalid++;
      return;
    }
    leaks?.onTelemetry(dt.company, parsed.data, Date.now());
    const touched = new Map<AssetMonitor, Set<number>>();
    for (const r of parsed.data.readings) {
      const hit = bySensor.get(`${dt.company}/${r.sensor}`);
      if (!hit) continue;
      hit.monitor.setReading(hit.sensorId, r.t, r.v);
      let ts = touched.get(hit.monitor);
      if (!ts) touched.set(hit.monitor, (ts = new Set()));
      ts.add(r.t);
    }
    for (const [m, ts] of touched) {
      for (const t of [...ts].sort((a, b) => a - b)) m.score(t);
      handleAlert(m);
    }
  });

  const published = new Map<AssetMonitor, string>();
  const baselineSaved = new Set<AssetMonitor>(monitors.filter((m) => m.state === 'scoring'));
  const publishTimer = setInterval(() => {
    if (!client.connected) return;
    for (const m of monitors) {
      const key = `${m.state}:${m.version}:${m.alert?.isaState ?? '-'}`;
      if (published.get(m) === key) continue;
      published.set(m, key);
      client.publish(
        equipmentEventTopic(m.asset.companyId, m.asset.id),
        JSON.stringify(m.health()),
        { qos: 0, retain: true },
      );
    }
  }, 1000);
  const writeTimer = setInterval(() => {
    void (async () => {
      const rows = monitors.map((m) => m.takeRow()).filter((r) => r !== null);
      try {
        await insertAnomalyScores(sql, rows);
        for (const m of monitors) {
          if (m.state === 'scoring' && !baselineSaved.has(m) && m.baselineWindow) {
            await saveBaseline(
              sql,
              m.asset.id,
              m.asset.companyId,
              m.detectorName,
              m.baselineWindow,
            );
            baselineSaved.add(m);
            log.info(
              { equipment: m.asset.id, samples: m.baselineWindow.samples },
              'baseline learned',
            );
          }
        }
      } catch (err) {
        log.warn(
          { err: (err as Error).message, rows: rows.length },
          'could not store anomaly scores',
        );
      }
    })();
  }, cfg.DETECTOR_WRITE_INTERVAL_S * 1000);

  const leakTimer = leaks
    ? setInterval(() => leaks!.tick(Date.now()), cfg.DETECTOR_LEAK_TICK_MS)
    : null;
  return {
    monitors,
    leaks,
    connected,
    async stop() {
      clearInterval(publishTimer);
      clearInterval(writeTimer);
      if (leakTimer) clearInterval(leakTimer);
      await leaks?.stop();
      await Promise.all(alertQueue.values());
      const rows = monitors.map((m) => m.takeRow()).filter((r) => r !== null);
      await insertAnomalyScores(sql, rows).catch(() => {});
      if (invalid > 0) log.info({ invalid }, 'telemetry messages the detector could not read');
      if (client.connected) {
        await client.publishAsync(hbTopic, heartbeat(instance, 'offline', 'stopped'), {
          qos: 1,
          retain: true,
        });
      }
      await client.endAsync();
      await sql.end({ timeout: 5 });
    },
  };
}
