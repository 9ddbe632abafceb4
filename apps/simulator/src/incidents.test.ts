import { describe, expect, it } from 'vitest';
import { SimulatorError } from './errors';
import { SPIKE_PROBABILITY } from './signals';
import { createSimulator } from './simulator';
import { T0, mean, smallPlant } from './test-support';

const HOUR = 3_600_000;
const plant = smallPlant();

describe('bearing wear', () => {
  const sim = createSimulator({ plant, seed: 42, startMs: T0 });
  const machine = sim.sim.machines[0]!;
  const sensor = (q: string) =>
    sim.sim.sensors.find(
      (s) => s.role.kind === 'machine' && s.role.machine === machine && s.quantity === q,
    )!;
  const start = T0 + HOUR;
  const H = 6;
  sim.addIncident(
    { kind: 'bearing_wear', equipment: machine.equipment.id, hours_to_failure: H, start },
    T0,
  );
  const avg = (q: string, t: number) =>
    mean(
      Array.from({ length: 60 }, (_, k) => sim.model.reading(sensor(q), t + k * 1000, sim.book)!),
    );

  it('raises vibration exponentially from its baseline into ISO zone D by hours_to_failure', () => {
    const at = (h: number) => avg('vibration_rms', start + h * HOUR);
    expect(at(-0.5)).toBeLessThan(machine.zones.bc);
    expect(at(H)).toBeGreaterThan(machine.zones.cd);
    // Exponential: equal steps in time multiply the level by the same factor.
    const r1 = at(H / 2) / at(0);
    const r2 = at(H) / at(H / 2);
    expect(r1).toBeGreaterThan(1.3);
    expect(r2 / r1).toBeGreaterThan(0.85);
    expect(r2 / r1).toBeLessThan(1.15);
    expect(at(H / 4)).toBeLessThan(at(H / 2));
  });

  it('raises kurtosis from about 3 to above 8 and the bearing temperature by about 20 degC', () => {
    expect(avg('vibration_kurtosis', start - 60_000)).toBeCloseTo(3, 0);
    expect(avg('vibration_kurtosis', start + H * HOUR)).toBeGreaterThan(8);
    const rise =
      avg('bearing_temperature', start + H * HOUR) - avg('bearing_temperature', start - 60_000);
    expect(rise).toBeGreaterThan(17);
    expect(rise).toBeLessThan(23);
  });

  it('accepts the equipment tag as well as its id and refuses a valve', () => {
    const other = createSimulator({ plant, seed: 42, startMs: T0 });
    expect(
      other.addIncident({ kind: 'bearing_wear', equipment: machine.equipment.tag }, T0).target,
    ).toBe(machine.equipment.id);
    const valve = plant.equipment.find((e) => e.kind === 'valve')!;
    expect(() => other.addIncident({ kind: 'bearing_wear', equipment: valve.id }, T0)).toThrow(
      /not a pump or compressor/,
    );
  });
});

describe('sensor faults', () => {
  const pt = createSimulator({ plant, seed: 42, startMs: T0 }).sim.sensors.find(
    (s) => s.quantity === 'pressure' && s.role.kind === 'line',
  )!;
  const make = (mode: 'stuck' | 'spike' | 'drift' | 'dropout', magnitude = 10) => {
    const sim = createSimulator({ plant, seed: 42, startMs: T0 });
    const s = sim.sim.sensors[pt.index]!;
    sim.addIncident(
      {
        kind: 'sensor_fault',
        sensor: s.tag,
        mode,
        magnitude,
        start: T0 + 60_000,
        duration_s: 3600,
      },
      T0,
    );
    return { sim, s };
  };

  it('stuck repeats the value it had when the fault began, then recovers', () => {
    const { sim, s } = make('stuck');
    const during = Array.from({ length: 50 }, (_, k) =>
      sim.model.reading(s, T0 + 60_000 + k * 5000, sim.book),
    );
    expect(new Set(during).size).toBe(1);
    expect(during[0]).toBe(sim.model.reading(s, T0 + 60_000, null));
    const after = Array.from({ length: 20 }, (_, k) =>
      sim.model.reading(s, T0 + 3_700_000 + k * 5000, sim.book),
    );
    expect(new Set(after).size).toBeGreaterThan(15);
  });

  it('spike adds occasional outliers of magnitude x noise', () => {
    const { sim, s } = make('spike', 12);
    let outliers = 0;
    const n = 5000;
    for (let k = 0; k < n; k++) {
      const t = T0 + 60_000 + k * 500;
      const d = Math.abs(sim.model.reading(s, t, sim.book)! - sim.model.reading(s, t, null)!);
      if (d > 0.01) {
        outliers++;
        expect(d).toBeCloseTo(12 * s.sigma, 1);
      }
    }
    expect(outliers / n).toBeGreaterThan(SPIKE_PROBABILITY * 0.6);
    expect(outliers / n).toBeLessThan(SPIKE_PROBABILITY * 1.4);
  });

  it('drift adds an offset growing by magnitude x noise per hour', () => {
    const { sim, s } = make('drift', 10);
    const offset = (t: number) =>
      sim.model.reading(s, t, sim.book)! - sim.model.reading(s, t, null)!;
    expect(offset(T0 + 60_000 + 1000)).toBeCloseTo(0, 1);
    expect(offset(T0 + 60_000 + 0.5 * HOUR)).toBeCloseTo(5 * s.sigma, 1);
    expect(offset(T0 + 60_000 + 0.99 * HOUR)).toBeCloseTo(9.9 * s.sigma, 1);
  });

  it('dropout publishes no readings for the sensor while it lasts', () => {
    const { sim, s } = make('dropout');
    const tagsIn = (from: number, to: number) => {
      const tags = new Set<string>();
      for (let t = from; t <= to; t += 1000) {
        for (const m of sim.tick(t))
          for (const r of m.message.readings) if (r.t >= from) tags.add(r.sensor);
      }
      return tags;
    };
    expect(tagsIn(T0, T0 + 50_000).has(s.tag)).toBe(true);
    expect(tagsIn(T0 + 60_000, T0 + 120_000).has(s.tag)).toBe(false);
    expect(tagsIn(T0 + 3_660_000, T0 + 3_700_000).has(s.tag)).toBe(true);
  });

  it('refuses an unknown sensor, segment or equipment with a 404 code', () => {
    const sim = createSimulator({ plant, seed: 42, startMs: T0 });
    const codes = [
      { kind: 'sensor_fault', sensor: 'NOPE-1', mode: 'stuck' },
      { kind: 'leak', segment: 'nope-s00', distance_m: 1, rate_pct: 1 },
      { kind: 'bearing_wear', equipment: 'nope-p-1' },
    ].map((req) => {
      try {
        sim.addIncident(req as never, T0);
        return null;
      } catch (err) {
        return err instanceof SimulatorError ? [err.code, err.status] : null;
      }
    });
    expect(codes).toEqual(Array(3).fill(['CT_ERR_SIM_UNKNOWN_TARGET', 404]));
    const seg = sim.sim.lines[0]!.segments[0]!;
    expect(() =>
      sim.addIncident(
        { kind: 'leak', segment: seg.segment.id, distance_m: seg.lengthM + 1, rate_pct: 1 },
        T0,
      ),
    ).toThrow(expect.objectContaining({ code: 'CT_ERR_SIM_DISTANCE_OUT_OF_RANGE', status: 404 }));
  });
});
