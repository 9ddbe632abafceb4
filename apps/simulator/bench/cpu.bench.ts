/**
 * CPU cost of the simulator on a plant (default: the default-size complex at the default
 * intervals). Prints JSON:
 * - `compute`: tick() + JSON.stringify over simulated time, no I/O (CPU ms per simulated second);
 * - `live`: the real service publishing to a broker for BENCH_LIVE_S seconds of wall time
 *   (MQTT_URL, or a private Mosquitto when unset), CPU of this process per wall second.
 * Run: pnpm --filter @ct/simulator bench   (BENCH_SIZE=small|default|large, BENCH_LIVE_S=30)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatePlant } from '@ct/plant';
import { startMosquitto } from '@ct/testkit';
import pino from 'pino';
import { loadConfig } from '../src/config';
import { startSimulatorService } from '../src/service';
import { createSimulator } from '../src/simulator';

const size = (process.env.BENCH_SIZE ?? 'default') as 'small' | 'default' | 'large';
const liveSeconds = Number(process.env.BENCH_LIVE_S ?? 30);
const plant = generatePlant({ seed: 42, size });

function cpuMs(since: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
}

function compute(withLeak: boolean) {
  const start = Date.UTC(2025, 5, 1, 3, 0, 0);
  const sim = createSimulator({ plant, seed: 42, startMs: start });
  if (withLeak) {
    // The longest liquid line: the most pressure sensors capturing the wave.
    const line = [...sim.sim.lines]
      .filter((l) => l.substance.phase === 'liquid')
      .sort((a, b) => b.segments.length - a.segments.length)[0]!;
    sim.addIncident(
      {
        kind: 'leak',
        segment: line.segments[1]!.segment.id,
        distance_m: 5,
        rate_pct: 5,
        start: start + 30_000,
      },
      start,
    );
  }
  // Warm up the JIT for 20 simulated seconds, then measure 120.
  for (let t = start; t < start + 20_000; t += 50)
    for (const m of sim.tick(t)) JSON.stringify(m.message);
  const seconds = 120;
  const cpu = process.cpuUsage();
  const wall = performance.now();
  let readings = 0;
  let messages = 0;
  let bytes = 0;
  for (let t = start + 20_000; t < start + 20_000 + seconds * 1000; t += 50) {
    for (const m of sim.tick(t)) {
      bytes += JSON.stringify(m.message).length;
      readings += m.message.readings.length;
      messages++;
    }
  }
  const used = cpuMs(cpu);
  return {
    leak: withLeak,
    simulated_s: seconds,
    readings_per_s: Math.round(readings / seconds),
    messages_per_s: Math.round(messages / seconds),
    kbytes_per_s: Math.round(bytes / seconds / 1024),
    cpu_ms_per_simulated_s: Math.round((used / seconds) * 100) / 100,
    core_share_pct: Math.round((used / seconds / 1000) * 10000) / 100,
    wall_ms: Math.round(performance.now() - wall),
  };
}

async function live() {
  const own = process.env.MQTT_URL ? null : await startMosquitto();
  const url = process.env.MQTT_URL ?? own!.url;
  const dir = mkdtempSync(join(tmpdir(), 'ct-sim-bench-'));
  const cfg = loadConfig({
    MQTT_URL: url,
    PLANT_SIZE: size,
    SIM_HTTP_PORT: '0',
    SIM_INSTANCE: 'sim-bench',
    SIM_GROUND_TRUTH: join(dir, 'gt.jsonl'),
    LOG_LEVEL: 'warn',
  });
  const service = await startSimulatorService(cfg, pino({ level: 'warn' }), { plant });
  await service.ready;
  // Steady state: skip the first 5 s (connect, statuses, JIT).
  await new Promise((r) => setTimeout(r, 5000));
  const r0 = service.counters.readings;
  const m0 = service.counters.messages;
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, liveSeconds * 1000));
  const wallS = (performance.now() - t0) / 1000;
  const used = cpuMs(cpu);
  const result = {
    broker: own ? 'private mosquitto' : url,
    wall_s: Math.round(wallS * 10) / 10,
    devices: service.sim.deviceCount,
    sensors: service.sim.sensorCount,
    readings_per_s: Math.round((service.counters.readings - r0) / wallS),
    messages_per_s: Math.round((service.counters.messages - m0) / wallS),
    configured_readings_per_s: Math.round(service.sim.readingsPerSecond),
    cpu_ms_per_s: Math.round((used / wallS) * 10) / 10,
    core_share_pct: Math.round((used / wallS / 1000) * 1000) / 10,
    dropped: service.counters.dropped,
    rss_mb: Math.round(process.memoryUsage().rss / 1024 / 1024),
  };
  await service.stop();
  await own?.stop();
  rmSync(dir, { recursive: true, force: true });
  return result;
}

const report = {
  bench: 'simulator-cpu',
  size,
  segments: plant.segments.length,
  sensors: plant.sensors.length,
  devices: plant.devices.length,
  compute: [compute(false), compute(true)],
  live: liveSeconds > 0 ? await live() : null,
};
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
process.exit(0);
