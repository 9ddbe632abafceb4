import { describe, expect, it } from 'vitest';
import { IncidentBook } from './incidents';
import { indexPlant, SKAB_NORMAL, RIG_UNIT_FACTOR, type SimSensor } from './plant-index';
import { SignalModel } from './signals';
import { T0, mean, smallPlant, std } from './test-support';

const HOUR = 3_600_000;
const sim = indexPlant(smallPlant(), 42);
const model = new SignalModel(sim);
const book = new IncidentBook(sim);
const byQuantity = (q: SimSensor['quantity']) => sim.sensors.filter((s) => s.quantity === q);
/** Epoch ms of `hour` local time (UTC+9) on day `day` after T0. */
const local = (day: number, hour: number) => T0 + day * 24 * HOUR + (hour - 9) * HOUR;

describe('signal model', () => {
  it('gives the same values for the same seed and time, and other values for another seed', () => {
    const again = new SignalModel(indexPlant(smallPlant(), 42));
    const other = new SignalModel(indexPlant(smallPlant(), 7));
    const times = [T0, T0 + 1234, T0 + 5 * HOUR + 17];
    let differs = 0;
    for (const s of sim.sensors) {
      for (const t of times) {
        expect(again.reading(again.sim.sensors[s.index]!, t, null)).toBe(model.reading(s, t, null));
        if (other.reading(other.sim.sensors[s.index]!, t, null) !== model.reading(s, t, null))
          differs++;
      }
    }
    expect(differs).toBeGreaterThan(sim.sensors.length);
  });

  it('adds noise of the configured size: 0.15 % of pressure, 0.5 % of flow, 0.1 degC', () => {
    const check = (s: SimSensor, expected: number) => {
      const residuals: number[] = [];
      for (let k = 0; k < 3000; k++) {
        const t = T0 + k * 5000;
        residuals.push(model.measured(s, t, book) - model.trueValue(s, t, book));
      }
      expect(Math.abs(mean(residuals))).toBeLessThan(0.1 * expected);
      expect(std(residuals)).toBeGreaterThan(0.9 * expected);
      expect(std(residuals)).toBeLessThan(1.1 * expected);
    };
    const pt = byQuantity('pressure').find((s) => s.role.kind === 'line')!;
    const ft = byQuantity('flow').find((s) => s.role.kind === 'line')!;
    const tt = byQuantity('temperature').find((s) => s.role.kind === 'line')!;
    check(pt, 0.0015 * pt.nominal);
    check(ft, 0.005 * ft.nominal);
    check(tt, 0.1);
  });

  it('swings every line’s flow by 10-20 % over the day, peaking in the afternoon', () => {
    for (const line of sim.lines) {
      const flows = Array.from({ length: 24 }, (_, h) => model.lineLoad(line, local(3, h)));
      const peakHour = flows.indexOf(Math.max(...flows));
      expect(peakHour).toBeGreaterThanOrEqual(12);
      expect(peakHour).toBeLessThanOrEqual(18);
      const swing = (model.lineLoad(line, local(3, 15)) - model.lineLoad(line, local(3, 3))) / 2;
      expect(swing).toBeGreaterThan(0.07);
      expect(swing).toBeLessThan(0.24);
    }
  });

  it('lowers the pressure along a line, more at high flow (friction ~ flow squared)', () => {
    const line = sim.lines.find((l) => l.dropTotalKpa > 20)!;
    const pts = line.sensorIndexes
      .map((i) => sim.sensors[i]!)
      .filter((s) => s.quantity === 'pressure');
    const first = pts[0]!;
    const last = pts[pts.length - 1]!;
    const drop = (t: number) => model.trueValue(first, t, null) - model.trueValue(last, t, null);
    const day = local(2, 15);
    const night = local(2, 3);
    expect(drop(day)).toBeGreaterThan(0);
    const ratio = drop(day) / drop(night);
    const loads = model.lineLoad(line, day) / model.lineLoad(line, night);
    expect(ratio).toBeCloseTo(loads * loads, 1);
  });

  it('keeps healthy pumps and compressors in ISO zone A/B with kurtosis near 3 and bearings at 45-65 degC', () => {
    for (const m of sim.machines) {
      const sensors = sim.sensors.filter((s) => s.role.kind === 'machine' && s.role.machine === m);
      const vib = sensors.find((s) => s.quantity === 'vibration_rms')!;
      const kurt = sensors.find((s) => s.quantity === 'vibration_kurtosis')!;
      const tbrg = sensors.find((s) => s.quantity === 'bearing_temperature')!;
      for (let d = 0; d < 365; d += 30) {
        for (const h of [3, 15]) {
          const t = local(d, h);
          expect(model.trueValue(vib, t, null)).toBeLessThan(m.zones.bc);
          expect(Math.abs(model.trueValue(kurt, t, null) - 3)).toBeLessThan(0.3);
          const tb = model.trueValue(tbrg, t, null);
          expect(tb).toBeGreaterThan(45);
          expect(tb).toBeLessThan(65);
        }
      }
    }
  });

  it('makes motor current follow the line load and discharge pressure follow the inlet pressure', () => {
    const m = sim.machines.find((x) => x.line)!;
    const amp = sim.sensors.find(
      (s) => s.role.kind === 'machine' && s.role.machine === m && s.quantity === 'motor_current',
    )!;
    const pdis = sim.sensors.find(
      (s) =>
        s.role.kind === 'machine' && s.role.machine === m && s.quantity === 'discharge_pressure',
    )!;
    const t1 = local(1, 15);
    const t2 = local(1, 3);
    const currentRatio = model.trueValue(amp, t1, null) / model.trueValue(amp, t2, null);
    expect(currentRatio).toBeCloseTo(model.lineLoad(m.line!, t1) / model.lineLoad(m.line!, t2), 6);
    expect(model.trueValue(pdis, t1, null) / model.inletPressureKpa(m.line!, t1)).toBeCloseTo(
      1.02,
      6,
    );
  });

  it('blows the sea breeze from the south in the afternoon and varies wind, cloud and air temperature', () => {
    const dir = byQuantity('wind_direction')[0]!;
    const cloud = byQuantity('cloud_cover')[0]!;
    const air = byQuantity('air_temperature')[0]!;
    const afternoon: number[] = [];
    const night: number[] = [];
    const warm: number[] = [];
    const cold: number[] = [];
    for (let d = 0; d < 60; d++) {
      afternoon.push(model.trueValue(dir, local(d, 14), null));
      night.push(model.trueValue(dir, local(d, 2), null));
      warm.push(model.trueValue(air, local(d, 14), null));
      cold.push(model.trueValue(air, local(d, 5), null));
      const c = model.reading(cloud, local(d, 10), null)!;
      expect(Number.isInteger(c) && c >= 0 && c <= 8).toBe(true);
    }
    expect(afternoon.every((d) => d > 150 && d < 230)).toBe(true);
    expect(night.filter((d) => d > 150 && d < 230).length).toBe(0);
    expect(mean(warm) - mean(cold)).toBeGreaterThan(3);
  });

  it('keeps the skab-rig near SKAB’s anomaly-free values, in our units', () => {
    const rig = sim.sensors.filter((s) => s.role.kind === 'rig');
    expect(rig).toHaveLength(8);
    for (const s of rig) {
      if (s.role.kind !== 'rig') continue;
      const n = SKAB_NORMAL[s.role.channel];
      const f = RIG_UNIT_FACTOR[s.role.channel];
      const values = Array.from({ length: 2000 }, (_, k) => model.reading(s, T0 + k * 1000, null)!);
      const sd = Math.hypot(n.slow, n.white) * f;
      expect(Math.abs(mean(values) - n.mean * f)).toBeLessThan(1.5 * sd + 1e-9);
    }
    const flow = rig.find((s) => s.tag.endsWith('-FLW'))!;
    expect(model.reading(flow, T0, null)).toBeGreaterThan(7);
    expect(model.reading(flow, T0, null)).toBeLessThan(8);
  });
});
