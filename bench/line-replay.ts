/**
 * What `bench:leaks-soak` and `bench:leaks-lines` share: a seeded generator, and one 100 ms step
 * of apps/simulator's signal model fed straight into the detector's line monitors (no broker,
 * no database), the way apps/detector's leak service groups a message's readings by sensor.
 */
import type { LineLeakMonitor } from '@ct/analytics';
import type { PlantLines } from '../apps/detector/src/leak/plant-lines';
import type { createSimulator } from '../apps/simulator/src/simulator';

/** A deterministic generator of numbers in [0, 1) (mulberry32). */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Announcements and messages due at `now` into the monitors. Returns the monitors that got
 * readings and how many readings went in.
 */
export function replayStep(
  sim: ReturnType<typeof createSimulator>,
  lines: PlantLines,
  monitors: Map<string, LineLeakMonitor>,
  now: number,
): { touched: Set<LineLeakMonitor>; readings: number } {
  for (const ann of sim.takeAnnouncements(now))
    monitors
      .get(ann.payload.line)
      ?.announceOperation(ann.payload.t, ann.payload.kind, ann.payload.settle_s);
  const touched = new Set<LineLeakMonitor>();
  let readings = 0;
  for (const msg of sim.tick(now)) {
    const groups = new Map<string, { m: LineLeakMonitor; t: number[]; v: number[] }>();
    for (const r of msg.message.readings) {
      const pl = lines.bySensor.get(`${msg.company}/${r.sensor}`);
      if (!pl) continue;
      let g = groups.get(r.sensor);
      if (!g) groups.set(r.sensor, (g = { m: monitors.get(pl.line.id)!, t: [], v: [] }));
      g.t.push(r.t);
      g.v.push(r.v);
      readings++;
    }
    for (const [tag, g] of groups) {
      g.m.addReadings(tag, g.t, g.v, now);
      touched.add(g.m);
    }
  }
  return { touched, readings };
}
