import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { generatePlant, importGeoJson, type PlantModel } from '@ct/plant';
import type { Logger } from 'pino';
import type { SimulatorConfig } from './config';
import { createControlServer, listen } from './control-server';
import { GroundTruthLog } from './ground-truth';
import { MqttPublisher, type PublishCounters } from './mqtt-publisher';
import { applyScenario, loadScenario } from './scenario';
import { createSimulator, type Simulator } from './simulator';

const HEARTBEAT_EVERY_MS = 30_000;
const STATS_EVERY_MS = 60_000;
/** The publish loop never sleeps longer than this (incidents added over HTTP start on time). */
const MAX_SLEEP_MS = 100;
/** Devices due within this many ms of each other go out in one wake-up (fewer timer and socket writes). */
const MIN_SLEEP_MS = 20;

export interface SimulatorService {
  sim: Simulator;
  publisher: MqttPublisher;
  groundTruthPath: string;
  controlUrl: string;
  /** Resolves once connected to the broker, with device statuses published and publishing started. */
  ready: Promise<void>;
  counters: PublishCounters;
  /** Stops publishing, marks every device offline, disconnects, closes the control API. */
  stop(reason?: string): Promise<void>;
}

/** The plant from PLANT_GEOJSON when set, else generated from PLANT_SEED and PLANT_SIZE. */
export function loadPlant(
  cfg: Pick<SimulatorConfig, 'PLANT_GEOJSON' | 'PLANT_SEED' | 'PLANT_SIZE'>,
): PlantModel {
  if (cfg.PLANT_GEOJSON) return importGeoJson(readFileSync(cfg.PLANT_GEOJSON, 'utf8'));
  return generatePlant({ seed: cfg.PLANT_SEED, size: cfg.PLANT_SIZE });
}

/** Starts the simulator: control API at once, publishing as soon as the broker connects. */
export async function startSimulatorService(
  cfg: SimulatorConfig,
  log: Logger,
  options: { plant?: PlantModel } = {},
): Promise<SimulatorService> {
  const plant = options.plant ?? loadPlant(cfg);
  const groundTruth = new GroundTruthLog(cfg.SIM_GROUND_TRUTH);
  const startMs = Date.now();
  const sim = createSimulator({
    plant,
    seed: cfg.PLANT_SEED,
    startMs,
    idPrefix: cfg.SIM_INSTANCE,
    noiseScale: cfg.SIM_NOISE_SCALE,
    intervals: {
      line: cfg.SIM_LINE_INTERVAL_S,
      rotating: cfg.SIM_ROTATING_INTERVAL_S,
      weather: cfg.SIM_WEATHER_INTERVAL_S,
      rig: cfg.SIM_RIG_INTERVAL_S,
    },
    onGroundTruth: (entry) => {
      groundTruth.append(entry);
      log.info(
        { incident: entry },
        entry.end !== null && entry.end <= Date.now() ? 'incident ended' : 'incident',
      );
    },
  });
  if (cfg.SIM_SCENARIO) {
    const added = applyScenario(sim, loadScenario(cfg.SIM_SCENARIO), startMs, startMs);
    log.info({ scenario: cfg.SIM_SCENARIO, incidents: added.length }, 'scenario loaded');
  }

  let stopped = false;
  let outage = false;
  const publisher = new MqttPublisher({
    url: cfg.MQTT_URL,
    clientId: cfg.SIM_INSTANCE,
    username: cfg.MQTT_USERNAME,
    password: cfg.MQTT_PASSWORD,
    instance: cfg.SIM_INSTANCE,
    onConnect: () => {
      if (outage) log.info('broker connection restored');
      outage = false;
      // Retained statuses may be gone if the broker restarted without persistence.
      for (const d of sim.devices()) void publisher.publishStatus(d.company, d.device, 'online');
    },
    onOffline: (reason) => {
      if (stopped || outage) return;
      outage = true;
      log.warn(
        { code: 'CT_ERR_SIM_BROKER_UNAVAILABLE', reason },
        'broker unreachable: readings are dropped (seq keeps counting) until mqtt.js reconnects',
      );
    },
  });

  const server: Server = createControlServer({
    sim,
    health: () => ({
      instance: cfg.SIM_INSTANCE,
      connected: publisher.connected,
      devices: sim.deviceCount,
      sensors: sim.sensorCount,
      readings_per_s: round(sim.readingsPerSecond),
      ...publisher.counters,
    }),
    onError: (err) => log.error({ err }, 'control API error'),
  });
  const controlUrl = await listen(server, cfg.SIM_HTTP_HOST, cfg.SIM_HTTP_PORT);
  log.info({ control_url: controlUrl }, 'control API listening; connecting to the broker');

  let timer: NodeJS.Timeout | null = null;
  const loop = () => {
    timer = null;
    if (stopped) return;
    const now = Date.now();
    for (const a of sim.takeAnnouncements(now))
      publisher.publishEvent(a.topic, JSON.stringify(a.payload));
    for (const m of sim.tick(now)) {
      publisher.publishTelemetry(m.topic, JSON.stringify(m.message), m.message.readings.length);
    }
    const wait = Math.min(MAX_SLEEP_MS, Math.max(MIN_SLEEP_MS, sim.nextDueMs() - Date.now()));
    timer = setTimeout(loop, wait);
  };

  let lastStats = { at: Date.now(), readings: 0, cpu: process.cpuUsage() };
  const heartbeat = setInterval(() => {
    void publisher.publishHeartbeat('online', `${publisher.counters.readings} readings published`);
  }, HEARTBEAT_EVERY_MS);
  const stats = setInterval(() => {
    const now = Date.now();
    const cpu = process.cpuUsage(lastStats.cpu);
    const dt = (now - lastStats.at) / 1000;
    log.info(
      {
        readings_per_s: round((publisher.counters.readings - lastStats.readings) / dt),
        cpu_pct: round((100 * (cpu.user + cpu.system)) / 1e6 / dt),
        ...publisher.counters,
      },
      'publishing',
    );
    lastStats = { at: now, readings: publisher.counters.readings, cpu: process.cpuUsage() };
  }, STATS_EVERY_MS);
  heartbeat.unref();
  stats.unref();

  const ready = publisher.connected$().then(() => {
    if (stopped) return;
    log.info(
      {
        ready: true,
        instance: cfg.SIM_INSTANCE,
        devices: sim.deviceCount,
        sensors: sim.sensorCount,
        readings_per_s: round(sim.readingsPerSecond),
        control_url: controlUrl,
        mqtt_url: cfg.MQTT_URL,
        ground_truth: cfg.SIM_GROUND_TRUTH,
      },
      'simulator ready',
    );
    loop();
  });

  return {
    sim,
    publisher,
    groundTruthPath: cfg.SIM_GROUND_TRUTH,
    controlUrl,
    ready,
    counters: publisher.counters,
    async stop(reason = 'stopped') {
      if (stopped) return;
      stopped = true;
      if (timer) clearTimeout(timer);
      clearInterval(heartbeat);
      clearInterval(stats);
      if (publisher.connected) {
        await Promise.all(
          sim.devices().map((d) => publisher.publishStatus(d.company, d.device, 'offline', reason)),
        );
        await publisher.publishHeartbeat('offline', reason);
      }
      await publisher.end();
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await closed;
      groundTruth.close();
    },
  };
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}
