import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DETECTOR,
  createDetector,
  type DetectorOutput,
  type StreamingDetector,
} from './detector';
import { gaussian } from './test-signals';

const T0 = Date.UTC(2025, 0, 1);
const SENSORS = ['vibration_mm_s', 'bearing_temp_c', 'motor_current_a', 'discharge_kpa'];

/**
 * A pump at 1 Hz: a slowly wandering load drives all four sensors (so they are correlated), each
 * with its own noise. Rows are copies, so a test may edit them.
 */
function pump(seed: number, n: number): { times: number[]; rows: number[][] } {
  const g = gaussian(seed);
  let load = 0;
  const times: number[] = [];
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) {
    load = 0.95 * load + 0.3 * g();
    times.push(T0 + i * 1000);
    rows.push([
      2 + 0.3 * load + 0.1 * g(),
      60 + 2 * load + 0.5 * g(),
      10 + load + 0.2 * g(),
      500 + 5 * load + 2 * g(),
    ]);
  }
  return { times, rows };
}

const TRAIN = 600;

function fitted(data: { times: number[]; rows: number[][] }, names = SENSORS): StreamingDetector {
  const det = createDetector(DEFAULT_DETECTOR, names);
  det.fit([{ times: data.times.slice(0, TRAIN), rows: data.rows.slice(0, TRAIN) }]);
  return det;
}

function run(
  det: StreamingDetector,
  data: { times: number[]; rows: number[][] },
): DetectorOutput[] {
  return data.times.map((t, i) => det.update(t, data.rows[i]!));
}

const maxOf = (outs: DetectorOutput[], f: (o: DetectorOutput) => number) =>
  outs.reduce((a, o) => Math.max(a, f(o)), -Infinity);
const minOf = (outs: DetectorOutput[], f: (o: DetectorOutput) => number) =>
  outs.reduce((a, o) => Math.min(a, f(o)), Infinity);

describe('the streaming equipment detector', () => {
  it('gives low scores and no alarm on data like its baseline', () => {
    const data = pump(1, 4000);
    const outs = run(fitted(data), data);
    expect(outs.some((o) => o.anomaly)).toBe(false);
    expect(maxOf(outs, (o) => o.score)).toBeLessThan(0.5);
    const mean = outs.reduce((a, o) => a + o.score, 0) / outs.length;
    expect(mean).toBeLessThan(0.15);
    expect(minOf(outs, (o) => o.confidence)).toBeGreaterThan(0.99);
  });

  it('raises the score, the anomaly and a changepoint on a clear multivariate shift', () => {
    const data = pump(2, 1500);
    // from sample 1000 current rises while discharge pressure falls: against their correlation
    for (let i = 1000; i < 1500; i++) {
      data.rows[i]![2]! += 1.5;
      data.rows[i]![3]! -= 8;
    }
    const outs = run(fitted(data), data);
    expect(outs.slice(0, 1000).some((o) => o.anomaly)).toBe(false);
    const first = outs.findIndex((o) => o.anomaly);
    expect(first).toBeGreaterThanOrEqual(1000);
    expect(first).toBeLessThan(1030);
    expect(outs.slice(1030).every((o) => o.anomaly)).toBe(true);
    expect(minOf(outs.slice(1050), (o) => o.score)).toBeGreaterThan(0.9);
    const cp = outs.findIndex((o, i) => i >= 990 && o.changepoint);
    expect(cp).toBeGreaterThanOrEqual(1000);
    expect(cp).toBeLessThan(1030);
  });

  it('names the faulty sensor first, with its sign, for a single-sensor fault', () => {
    const data = pump(3, 1400);
    // the bearing heats up by 4 °C, nothing else changes
    for (let i = 1000; i < 1400; i++) data.rows[i]![1]! += 4;
    const outs = run(fitted(data), data);
    const last = outs[outs.length - 1]!;
    expect(last.anomaly).toBe(true);
    expect(last.contributions[0]).toMatchObject({ sensor: 1, name: 'bearing_temp_c' });
    expect(last.contributions[0]!.sigma).toBeGreaterThan(3);
    expect(last.contributions.length).toBeLessThanOrEqual(5);
    const sigmas = last.contributions.map((c) => Math.abs(c.sigma));
    expect([...sigmas].sort((a, b) => b - a)).toEqual(sigmas);
  });

  it('is causal: changing future rows never changes past outputs', () => {
    const data = pump(4, 1200);
    const a = run(fitted(data), data);
    const edited = { times: [...data.times], rows: data.rows.map((r) => [...r]) };
    for (let i = 800; i < 1200; i++) edited.rows[i] = [99, -5, 1e6, Number.NaN];
    edited.times[900] = T0;
    const b = run(fitted(edited), edited);
    expect(b.slice(0, 800)).toEqual(a.slice(0, 800));
    expect(b.slice(800)).not.toEqual(a.slice(800));
  });

  it('is deterministic: the same data give the same outputs', () => {
    const data = pump(5, 1000);
    expect(run(fitted(data), data)).toEqual(run(fitted(data), data));
  });

  it('works with a single sensor', () => {
    const data = pump(6, 1500);
    const one = { times: data.times, rows: data.rows.map((r) => [r[0]!]) };
    for (let i = 1000; i < 1500; i++) one.rows[i]![0]! += 1;
    const outs = run(fitted(one, ['vibration_mm_s']), one);
    expect(outs.slice(0, 1000).some((o) => o.anomaly)).toBe(false);
    expect(outs[1499]!.anomaly).toBe(true);
    expect(outs[1499]!.contributions[0]).toMatchObject({ sensor: 0, name: 'vibration_mm_s' });
  });

  it('treats NaN and missing readings as missing: lower confidence, no spurious score', () => {
    const data = pump(7, 2000);
    for (let i = 900; i < 1100; i++) data.rows[i]![3] = Number.NaN;
    for (let i = 1300; i < 1340; i++) data.rows[i] = [Number.NaN, Number.NaN, Number.NaN];
    const outs = run(fitted(data), data);
    expect(outs.some((o) => o.anomaly)).toBe(false);
    expect(maxOf(outs, (o) => o.score)).toBeLessThan(0.5);
    expect(outs[1099]!.confidence).toBeLessThan(0.8);
    expect(outs[1099]!.confidence).toBeGreaterThan(0.7);
    expect(outs[1099]!.contributions.some((c) => c.sensor === 3)).toBe(false);
    expect(outs[1339]!.confidence).toBeLessThan(0.05);
    expect(outs[1999]!.confidence).toBeGreaterThan(0.99);
  });

  it('treats a stuck sensor as missing once it repeats far longer than in training', () => {
    const data = pump(8, 2000);
    // the current transmitter freezes at its last value for 500 s
    for (let i = 1000; i < 1500; i++) data.rows[i]![2] = data.rows[999]![2]!;
    const outs = run(fitted(data), data);
    expect(outs.some((o) => o.anomaly)).toBe(false);
    expect(maxOf(outs, (o) => o.score)).toBeLessThan(0.5);
    expect(outs[1020]!.confidence).toBeGreaterThan(0.99);
    expect(outs[1499]!.confidence).toBeLessThan(0.8);
    expect(outs[1999]!.confidence).toBeGreaterThan(0.99);
  });

  it('lowers confidence after a time gap or a clock jump without raising the score', () => {
    const data = pump(9, 2000);
    // an hour without data from sample 1000, and the clock stepping back 10 s at sample 1500
    for (let i = 1000; i < 2000; i++) data.times[i]! += 3_600_000;
    for (let i = 1500; i < 2000; i++) data.times[i]! -= 10_000;
    const outs = run(fitted(data), data);
    expect(outs.some((o) => o.anomaly)).toBe(false);
    expect(maxOf(outs, (o) => o.score)).toBeLessThan(0.5);
    expect(outs[999]!.confidence).toBeGreaterThan(0.99);
    expect(outs[1000]!.confidence).toBeLessThan(0.2);
    expect(outs[1499]!.confidence).toBeGreaterThan(0.99);
    expect(outs[1500]!.confidence).toBeLessThan(0.9);
  });

  it('ignores a sensor that never varied in training and says so in the confidence', () => {
    const data = pump(10, 1200);
    for (const r of data.rows) r.push(7);
    const outs = run(fitted(data, [...SENSORS, 'setpoint']), data);
    expect(outs.some((o) => o.anomaly)).toBe(false);
    expect(maxOf(outs, (o) => o.confidence)).toBeCloseTo(4 / 5, 6);
  });

  it('rejects an unknown detector name and an update before fit', () => {
    expect(() => createDetector('no-such-detector', SENSORS)).toThrow(/unknown detector/);
    expect(() => createDetector(DEFAULT_DETECTOR, [])).toThrow(/at least one sensor/);
    const det = createDetector(DEFAULT_DETECTOR, SENSORS);
    expect(() => det.update(T0, [1, 2, 3, 4])).toThrow(/fit\(\)/);
    expect(() => createDetector(DEFAULT_DETECTOR, SENSORS, { smoothing: 0 })).toThrow(RangeError);
  });
});
