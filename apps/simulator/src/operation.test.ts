import { LineOperationSchema, type Reading } from '@ct/contracts';
import { describe, expect, it } from 'vitest';
import { ANNOUNCE_LEAD_MS, BURST, createSimulator, type OutgoingMessage } from './simulator';
import { T0, liquidLine, smallPlant, stationSensor } from './test-support';

const plant = smallPlant();

function readingsOf(messages: OutgoingMessage[], tag: string): Reading[] {
  return messages
    .flatMap((m) => m.message.readings.filter((r) => r.sensor === tag))
    .sort((a, b) => a.t - b.t);
}

describe('operations on a line', () => {
  it('stops a pump: every flow meter follows the same factor, pressure falls from the inlet on, and it is announced once', () => {
    const sim = createSimulator({ plant, seed: 42, startMs: T0 });
    const line = liquidLine(sim.sim);
    const start = T0 + 30_000;
    const view = sim.addIncident(
      {
        kind: 'operation',
        action: 'pump_stop',
        line: line.line.tag,
        start,
        flow_factor: 0.6,
        duration_s: 600,
      },
      T0,
    );
    expect(view.kind).toBe('operation');
    expect(sim.takeAnnouncements(start - ANNOUNCE_LEAD_MS - 1)).toEqual([]);
    const ann = sim.takeAnnouncements(start - ANNOUNCE_LEAD_MS);
    expect(ann).toHaveLength(1);
    expect(ann[0]!.topic).toMatch(new RegExp(`^twin/v1/${line.line.companyId}/[^/]+/operation$`));
    expect(LineOperationSchema.parse(ann[0]!.payload)).toMatchObject({
      t: start,
      kind: 'pump_stop',
      line: line.line.id,
    });
    expect(sim.takeAnnouncements(start + 10_000)).toEqual([]);
    // the pump restarting at the end is announced too
    const undo = sim.takeAnnouncements(start + 600_000 - ANNOUNCE_LEAD_MS);
    expect(undo.map((a) => [a.payload.kind, a.payload.t])).toEqual([
      ['pump_start', start + 600_000],
    ]);

    const ft0 = stationSensor(sim.sim, line, 0, 'flow');
    const ft3 = stationSensor(sim.sim, line, 3, 'flow');
    const after = start + 60_000;
    const r0 = sim.model.trueValue(ft0, after, sim.book) / sim.model.trueValue(ft0, after, null);
    const r3 = sim.model.trueValue(ft3, after, sim.book) / sim.model.trueValue(ft3, after, null);
    expect(r0).toBeCloseTo(0.6, 6);
    expect(r3).toBeCloseTo(0.6, 6);

    // the pressure front falls at every station, later the further from the inlet
    const out: OutgoingMessage[] = [];
    for (let t = T0; t <= start + 10_000; t += 100) out.push(...sim.tick(t));
    const arrivals = [1, 3].map((order) => {
      const pt = stationSensor(sim.sim, line, order, 'pressure');
      const burst = readingsOf(out, pt.tag).filter(
        (r) => r.t % BURST.periodMs === 0 && r.t > start - 2000,
      );
      expect(burst.length).toBeGreaterThan(140);
      const drop = burst[0]!.v - burst.at(-1)!.v;
      expect(drop).toBeGreaterThan(0);
      // half-way crossing
      const level = (burst[0]!.v + burst.at(-1)!.v) / 2;
      return burst.find((r) => r.v < level)!.t;
    });
    expect(arrivals[1]!).toBeGreaterThan(arrivals[0]!);
  });

  it('moves a valve mid-line: the pressure rises upstream of it and falls downstream', () => {
    const sim = createSimulator({ plant, seed: 42, startMs: T0 });
    const line = liquidLine(sim.sim);
    const start = T0 + 30_000;
    const view = sim.addIncident(
      { kind: 'operation', action: 'valve_move', line: line.line.id, start, announce: false },
      T0,
    );
    const source = Number(view.params['source_m']);
    expect(source).toBeGreaterThan(0);
    expect(sim.takeAnnouncements(start)).toEqual([]);
    const sensors = line.sensorIndexes
      .map((i) => sim.sim.sensors[i]!)
      .filter((s) => s.quantity === 'pressure' && s.role.kind === 'line');
    const up = sensors.filter((s) => s.role.kind === 'line' && s.role.positionM < source - 5);
    const down = sensors.filter((s) => s.role.kind === 'line' && s.role.positionM > source + 5);
    expect(up.length).toBeGreaterThan(0);
    expect(down.length).toBeGreaterThan(0);
    const jump = (s: (typeof sensors)[number]) =>
      sim.model.trueValue(s, start + 2000, sim.book) - sim.model.trueValue(s, start + 2000, null);
    for (const s of up) expect(jump(s)).toBeGreaterThan(0);
    for (const s of down) expect(jump(s)).toBeLessThan(0);
  });
});
