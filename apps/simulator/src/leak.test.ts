import type { Reading } from '@ct/contracts';
import { describe, expect, it } from 'vitest';
import { BURST, createSimulator, type OutgoingMessage } from './simulator';
import { T0, liquidLine, mean, smallPlant, stationSensor } from './test-support';

const plant = smallPlant();

function run(
  sim: ReturnType<typeof createSimulator>,
  fromMs: number,
  toMs: number,
  stepMs: number,
): OutgoingMessage[] {
  const out: OutgoingMessage[] = [];
  for (let t = fromMs; t <= toMs; t += stepMs) out.push(...sim.tick(t));
  return out;
}

function readingsOf(messages: OutgoingMessage[], tag: string): Reading[] {
  return messages
    .flatMap((m) => m.message.readings.filter((r) => r.sensor === tag))
    .sort((a, b) => a.t - b.t);
}

/**
 * Wave arrival in a burst: where it first crosses half-way between the level before the front
 * and the level just after it (0.1-0.25 s later), interpolated between samples.
 */
function arrivalMs(burst: Reading[]): number {
  const crossing = (level: number) => {
    for (let i = 1; i < burst.length; i++) {
      const a = burst[i - 1]!;
      const b = burst[i]!;
      if (a.v >= level && b.v < level)
        return { i, t: a.t + ((a.v - level) / (a.v - b.v)) * (b.t - a.t) };
    }
    throw new Error('no wave front in the burst');
  };
  const before = mean(burst.slice(0, 50).map((r) => r.v));
  const rough = crossing((before + mean(burst.slice(-30).map((r) => r.v))) / 2);
  const after = mean(burst.slice(rough.i + 10, rough.i + 25).map((r) => r.v));
  return crossing((before + after) / 2).t;
}

describe('leak', () => {
  const sim = createSimulator({ plant, seed: 42, startMs: T0 });
  const line = liquidLine(sim.sim);
  const order = 2;
  const seg = line.segments[order]!;
  const x = Math.round(seg.lengthM * 0.4);
  const start = T0 + 20_000;
  const incident = sim.addIncident(
    { kind: 'leak', segment: seg.segment.id, distance_m: x, rate_pct: 5, start, ramp_s: 0 },
    T0,
  );
  const messages = run(sim, T0, T0 + 600_000, 1000);
  const ptA = stationSensor(sim.sim, line, order, 'pressure');
  const ptB = stationSensor(sim.sim, line, order + 1, 'pressure');
  const ftA = stationSensor(sim.sim, line, order, 'flow');
  const ftB = stationSensor(sim.sim, line, order + 1, 'flow');
  const q = (line.line.nominalFlowM3h * 5) / 100;

  it('logs the leak with its rate, wave speed and Joukowsky step', () => {
    expect(incident.kind).toBe('leak');
    expect(incident.target).toBe(seg.segment.id);
    expect(incident.params['rate_m3h']).toBeCloseTo(q, 3);
    expect(incident.params['wave_speed_m_s']).toBeCloseTo(seg.waveSpeedMs, 1);
    // the withdrawal feeds the two waves leaving the hole: dv = q / (2 A) each
    const dv = q / 3600 / (2 * seg.areaM2);
    expect(incident.params['joukowsky_dp_kpa']).toBeCloseTo(
      (line.substance.densityKgM3 * seg.waveSpeedMs * dv) / 1000,
      2,
    );
  });

  it('makes the flow imbalance across the leaking segment equal the leak rate within noise', () => {
    const a = readingsOf(messages, ftA.tag);
    const b = readingsOf(messages, ftB.tag).filter((r) => r.t % BURST.periodMs === 0);
    const diff = (from: number, to: number) => {
      const d: number[] = [];
      for (const ra of a) {
        const rb = b.find((r) => r.t === ra.t);
        if (rb && ra.t >= from && ra.t < to) d.push(ra.v - rb.v);
      }
      return d;
    };
    const before = diff(T0, start);
    const after = diff(start + 10_000, T0 + 600_000);
    expect(after.length).toBeGreaterThan(100);
    const sigmaOfMean = (Math.SQRT2 * ftA.sigma) / Math.sqrt(after.length);
    expect(Math.abs(mean(after) - q)).toBeLessThan(4 * sigmaOfMean);
    expect(Math.abs(mean(before))).toBeLessThan(
      (4 * Math.SQRT2 * ftA.sigma) / Math.sqrt(before.length),
    );
    // Without noise the balance is exact: upstream up by q (1 - xi), downstream down by q xi.
    const t = start + 60_000;
    const up = sim.model.trueValue(ftA, t, sim.book) - sim.model.trueValue(ftA, t, null);
    const down = sim.model.trueValue(ftB, t, sim.book) - sim.model.trueValue(ftB, t, null);
    expect(up).toBeGreaterThan(0);
    expect(down).toBeLessThan(0);
    expect(up - down).toBeCloseTo(q, 6);
  });

  it('captures 100 Hz bursts whose wave arrivals give back the leak position', () => {
    // The capture, without the regular 5 s samples that fall in its window off the 10 ms grid.
    const capture = (tag: string) =>
      readingsOf(messages, tag).filter(
        (r) => r.t > start - 2000 && r.t < start + 5000 && r.t % BURST.periodMs === 0,
      );
    const burstA = capture(ptA.tag);
    const burstB = capture(ptB.tag);
    expect(burstA.length).toBeGreaterThan(140);
    expect(burstA.every((r, i) => i === 0 || r.t - burstA[i - 1]!.t === BURST.periodMs)).toBe(true);
    expect(burstA.every((r) => Number.isInteger(r.t))).toBe(true);
    const a = seg.waveSpeedMs;
    const L =
      (ptB.role.kind === 'line' ? ptB.role.positionM : 0) -
      (ptA.role.kind === 'line' ? ptA.role.positionM : 0);
    const xFromA = seg.startM + x - (ptA.role.kind === 'line' ? ptA.role.positionM : 0);
    const tA = (arrivalMs(burstA) - start) / 1000;
    const tB = (arrivalMs(burstB) - start) / 1000;
    expect(tA).toBeCloseTo(xFromA / a, 2);
    expect(tB).toBeCloseTo((L - xFromA) / a, 2);
    // NPW location (leak-detection.md 2.1): x = (L + a (tA - tB)) / 2
    const located = (L + a * (tA - tB)) / 2;
    expect(Math.abs(located - xFromA)).toBeLessThan(3);
  });

  it('drops the pressure by the Joukowsky step, then settles to a smaller lasting sag', () => {
    const step = Number(incident.params['joukowsky_dp_kpa']);
    const arrival =
      start +
      1000 *
        ((seg.startM + x - (ptA.role.kind === 'line' ? ptA.role.positionM : 0)) / seg.waveSpeedMs);
    const delta = (t: number) =>
      sim.model.trueValue(ptA, t, sim.book) - sim.model.trueValue(ptA, t, null);
    expect(delta(arrival - 300)).toBeCloseTo(0, 3);
    expect(-delta(arrival + 100)).toBeGreaterThan(0.95 * step);
    const lasting = -delta(arrival + 120_000);
    expect(lasting).toBeGreaterThan(0);
    expect(lasting).toBeLessThan(0.6 * step + 1e-9);
  });

  it('splits the bursts of a long line into messages of at most 1000 readings', () => {
    const rtu = messages.filter((m) => m.device === ptA.def.deviceId);
    expect(rtu.every((m) => m.message.readings.length <= 1000)).toBe(true);
    const big = rtu.filter((m) => m.message.readings.length === 1000);
    expect(big.length).toBeGreaterThan(0);
  });
});

describe('gradual leak', () => {
  it('ramps the leaked flow from zero to the full rate over ramp_s, and its wave is weaker', () => {
    const sim = createSimulator({ plant, seed: 42, startMs: T0 });
    const line = liquidLine(sim.sim);
    const seg = line.segments[2]!;
    const start = T0 + 10_000;
    sim.addIncident(
      { kind: 'leak', segment: seg.segment.id, distance_m: 10, rate_m3h: 30, start, ramp_s: 60 },
      T0,
    );
    const ftA = stationSensor(sim.sim, line, 2, 'flow');
    const ftB = stationSensor(sim.sim, line, 3, 'flow');
    const ptA = stationSensor(sim.sim, line, 2, 'pressure');
    const imbalance = (t: number) =>
      sim.model.trueValue(ftA, t, sim.book) -
      sim.model.trueValue(ftB, t, sim.book) -
      (sim.model.trueValue(ftA, t, null) - sim.model.trueValue(ftB, t, null));
    const values = [15, 30, 45, 90].map((s) => imbalance(start + s * 1000));
    expect(values[0]).toBeCloseTo(7.5, 0);
    expect(values[1]).toBeCloseTo(15, 0);
    expect(values[2]).toBeCloseTo(22.5, 0);
    expect(values[3]).toBeCloseTo(30, 6);
    const step =
      30 *
      (sim.book.all()[0]!.kind === 'leak'
        ? (sim.book.all()[0] as { stepKpaPerM3h: number }).stepKpaPerM3h
        : 0);
    let deepest = 0;
    for (let s = 0; s < 120; s += 0.5) {
      const t = start + s * 1000;
      deepest = Math.min(
        deepest,
        sim.model.trueValue(ptA, t, sim.book) - sim.model.trueValue(ptA, t, null),
      );
    }
    expect(-deepest).toBeGreaterThan(0);
    expect(-deepest).toBeLessThan(0.3 * step);
  });

  it('sends the opposite wave and restores the flows when the leak ends', () => {
    const sim = createSimulator({ plant, seed: 42, startMs: T0 });
    const line = liquidLine(sim.sim);
    const seg = line.segments[1]!;
    const inc = sim.addIncident(
      { kind: 'leak', segment: seg.segment.id, distance_m: 5, rate_pct: 3, start: T0 + 1000 },
      T0,
    );
    sim.tick(T0 + 30_000);
    const ended = sim.endIncident(inc.id, T0 + 30_000);
    expect(ended.end).toBe(T0 + 30_000);
    expect(ended.state).toBe('ended');
    const ft = stationSensor(sim.sim, line, 1, 'flow');
    const t = T0 + 200_000;
    expect(sim.model.trueValue(ft, t, sim.book)).toBeCloseTo(sim.model.trueValue(ft, t, null), 6);
    const later = [];
    for (let k = 31; k < 45; k++) later.push(...sim.tick(T0 + k * 1000));
    const pt = stationSensor(sim.sim, line, 1, 'pressure');
    const burst = later.flatMap((m) => m.message.readings).filter((r) => r.sensor === pt.tag);
    expect(burst.length).toBeGreaterThan(140);
  });
});
