import { TelemetryMessageSchema, parseDeviceTopic } from '@ct/contracts';
import { describe, expect, it } from 'vitest';
import { applyScenario, parseScenario } from './scenario';
import { createSimulator, type OutgoingMessage } from './simulator';
import { T0, liquidLine, smallPlant } from './test-support';

const plant = smallPlant();

function runFor(
  sim: ReturnType<typeof createSimulator>,
  from: number,
  seconds: number,
  stepMs = 100,
): OutgoingMessage[] {
  const out: OutgoingMessage[] = [];
  for (let t = from; t <= from + seconds * 1000; t += stepMs) out.push(...sim.tick(t));
  return out;
}

describe('simulator', () => {
  it('publishes only schema-valid messages of at most 1000 readings, with tags of the device that sends them', () => {
    const sim = createSimulator({ plant, seed: 42, startMs: T0 });
    const line = liquidLine(sim.sim);
    sim.addIncident(
      {
        kind: 'leak',
        segment: line.segments[1]!.segment.id,
        distance_m: 3,
        rate_pct: 4,
        start: T0 + 2000,
      },
      T0,
    );
    const messages = runFor(sim, T0, 30);
    const tagsByDevice = new Map<string, Set<string>>();
    for (const s of plant.sensors) {
      const key = `${s.companyId}/${s.deviceId}`;
      if (!tagsByDevice.has(key)) tagsByDevice.set(key, new Set());
      tagsByDevice.get(key)!.add(s.tag);
    }
    expect(messages.length).toBeGreaterThan(500);
    let bursts = 0;
    for (const m of messages) {
      const parsed = TelemetryMessageSchema.safeParse(m.message);
      expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
      expect(m.message.readings.length).toBeLessThanOrEqual(1000);
      const topic = parseDeviceTopic(m.topic);
      expect(topic).toEqual({ company: m.company, device: m.device, kind: 'telemetry' });
      const tags = tagsByDevice.get(`${m.company}/${m.device}`)!;
      for (const r of m.message.readings) expect(tags.has(r.sensor)).toBe(true);
      if (m.message.readings.length > tags.size) bursts++;
    }
    expect(bursts).toBeGreaterThan(0);
  });

  it('counts seq up by one per message for each device, from 0', () => {
    const sim = createSimulator({ plant, seed: 42, startMs: T0 });
    const seqs = new Map<string, number[]>();
    for (const m of runFor(sim, T0, 20, 250)) {
      const list = seqs.get(m.topic) ?? [];
      list.push(m.message.seq);
      seqs.set(m.topic, list);
    }
    expect(seqs.size).toBe(sim.deviceCount);
    for (const list of seqs.values()) expect(list).toEqual(list.map((_, i) => i));
  });

  it('samples each device once per interval and spreads the devices over the interval', () => {
    const sim = createSimulator({
      plant,
      seed: 42,
      startMs: T0,
      intervals: { line: 5, rotating: 1, weather: 10, rig: 1 },
    });
    const messages = runFor(sim, T0, 60, 50);
    const rtus = new Set(plant.devices.filter((d) => d.kind === 'rtu').map((d) => d.id));
    const times = new Map<string, number[]>();
    for (const m of messages) {
      const t = m.message.readings[0]!.t;
      const list = times.get(m.device) ?? [];
      if (!list.includes(t)) list.push(t);
      times.set(m.device, list);
    }
    for (const [device, ts] of times) {
      const expected = rtus.has(device) ? 5000 : device === 'ops-wx01' ? 10_000 : 1000;
      for (let i = 1; i < ts.length; i++) expect(ts[i]! - ts[i - 1]!).toBe(expected);
    }
    // RTU phases: distinct offsets within the 5 s interval, not one burst per tick.
    const phases = new Set([...times].filter(([d]) => rtus.has(d)).map(([, ts]) => ts[0]! % 5000));
    expect(phases.size).toBe(rtus.size);
    const perSecond = new Map<number, number>();
    for (const m of messages) {
      const s = Math.floor(m.message.readings[0]!.t / 1000);
      perSecond.set(s, (perSecond.get(s) ?? 0) + m.message.readings.length);
    }
    const counts = [...perSecond.values()].slice(1, -1);
    expect(Math.max(...counts) / Math.min(...counts)).toBeLessThan(2.5);
    const total = counts.reduce((a, b) => a + b, 0) / counts.length;
    expect(total).toBeCloseTo(sim.readingsPerSecond, -1);
  });

  it('produces the same messages for the same seed and start', () => {
    const a = runFor(createSimulator({ plant, seed: 9, startMs: T0 }), T0, 12, 500);
    const b = runFor(createSimulator({ plant, seed: 9, startMs: T0 }), T0, 12, 500);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  it('starts scenario incidents at_s after the start and logs each to the ground truth', () => {
    const logged: { id: string; start: number; end: number | null }[] = [];
    const sim = createSimulator({
      plant,
      seed: 42,
      startMs: T0,
      onGroundTruth: (e) => logged.push(e),
    });
    const seg = liquidLine(sim.sim).segments[0]!.segment.id;
    const scenario = parseScenario({
      incidents: [
        {
          at_s: 30,
          incident: { kind: 'leak', segment: seg, distance_m: 10, rate_m3h: 5, duration_s: 60 },
        },
        { kind: 'sensor_fault', sensor: plant.sensors[0]!.tag, mode: 'drift' },
      ],
    });
    const added = applyScenario(sim, scenario, T0, T0);
    expect(added.map((i) => i.start)).toEqual([T0 + 30_000, T0]);
    expect(added[0]!.end).toBe(T0 + 90_000);
    expect(logged).toHaveLength(2);
    sim.tick(T0 + 91_000);
    expect(logged).toHaveLength(3);
    expect(logged[2]).toMatchObject({ id: added[0]!.id, end: T0 + 90_000 });
    expect(() => parseScenario({ incidents: [{ kind: 'leak' }] })).toThrow(/scenario is not valid/);
  });
});
