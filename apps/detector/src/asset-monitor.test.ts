import { describe, expect, it } from 'vitest';
import type { RotatingEquipment } from '@ct/db';
import { AssetMonitor, DEFAULT_MONITOR_OPTIONS } from './asset-monitor';

const pump: RotatingEquipment = {
  id: 'p-1',
  companyId: 'acme',
  areaId: 'a1',
  kind: 'pump',
  tag: 'ACME-P-1',
  name: 'Pump 1',
  ratedKw: 90,
  speedRpm: 2980,
  machineGroup: 2,
  foundation: 'rigid',
  sensors: [
    { id: 11, tag: 'P1-VIB', quantity: 'vibration_rms', unit: 'mm/s', deviceId: 'p1-cm' },
    { id: 12, tag: 'P1-KURT', quantity: 'vibration_kurtosis', unit: '1', deviceId: 'p1-cm' },
    { id: 13, tag: 'P1-TBRG', quantity: 'bearing_temperature', unit: 'degC', deviceId: 'p1-cm' },
    { id: 14, tag: 'P1-AMP', quantity: 'motor_current', unit: 'A', deviceId: 'p1-cm' },
  ],
};

/** A deterministic pseudo-random stream (the test must not depend on Math.random). */
function noise(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

function run(
  m: AssetMonitor,
  from: number,
  seconds: number,
  value: (i: number, r: () => number) => [number, number, number, number],
  r: () => number,
  skip: number[] = [],
) {
  const changes = [];
  for (let i = 0; i < seconds; i++) {
    const t = from + i * 1000;
    const v = value(i, r);
    pump.sensors.forEach((s, k) => {
      if (!skip.includes(k)) m.setReading(s.id, t, v[k]!);
    });
    m.score(t);
    const c = m.alertChange();
    if (c) changes.push(c);
  }
  return changes;
}

const normal = (_i: number, r: () => number): [number, number, number, number] => [
  1.2 + 0.05 * r(),
  3 + 0.1 * r(),
  55 + 0.2 * r(),
  140 + 1 * r(),
];

describe('one pump watched by its monitor', () => {
  const t0 = Date.UTC(2026, 10, 20, 0, 0, 0);

  it('learns for the baseline period, then scores normal running low', () => {
    const m = new AssetMonitor(pump, {
      ...DEFAULT_MONITOR_OPTIONS,
      baselineS: 300,
      minBaselineSamples: 120,
    });
    const r = noise(1);
    run(m, t0, 301, normal, r);
    expect(m.state).toBe('scoring');
    expect(m.baselineWindow).toMatchObject({ fromMs: t0, samples: 301 });
    run(m, t0 + 301_000, 300, normal, r);
    const h = m.health();
    expect(h.state).toBe('scoring');
    expect(h.score).toBeLessThan(0.5);
    expect(h.zone).toBe('A');
    expect(h.anomaly).toBe(false);
  });

  it('raises an alert after the on-delay when vibration rises, names it, and clears after the off-delay', () => {
    const m = new AssetMonitor(pump, {
      ...DEFAULT_MONITOR_OPTIONS,
      baselineS: 300,
      minBaselineSamples: 120,
    });
    const r = noise(2);
    run(m, t0, 301, normal, r);
    run(m, t0 + 301_000, 120, normal, r);
    const wear = (i: number, rr: () => number): [number, number, number, number] => {
      const [v, k, tb, a] = normal(i, rr);
      return [v + 2.0, k + 2, tb, a];
    };
    const raised = run(m, t0 + 421_000, 120, wear, r);
    expect(raised.map((c) => c.kind)).toEqual(['raise']);
    const h = m.health();
    expect(h.score).toBeGreaterThan(0.9);
    expect(h.zone).toBe('C');
    expect(['vibration_rms', 'vibration_kurtosis']).toContain(h.contributions[0]!.name);
    expect(h.contributions[0]!.sigma).toBeGreaterThan(3);
    const cleared = run(m, t0 + 541_000, 400, normal, r);
    expect(cleared.map((c) => c.kind)).toEqual(['clear']);
  });

  it('lowers confidence rather than alarming when a sensor goes silent', () => {
    const m = new AssetMonitor(pump, {
      ...DEFAULT_MONITOR_OPTIONS,
      baselineS: 300,
      minBaselineSamples: 120,
    });
    const r = noise(3);
    run(m, t0, 301, normal, r);
    run(m, t0 + 301_000, 60, normal, r);
    const before = m.health().confidence;
    const changes = run(m, t0 + 361_000, 200, normal, r, [2]);
    const h = m.health();
    expect(h.confidence).toBeLessThan(before);
    expect(changes).toEqual([]);
    expect(h.anomaly).toBe(false);
  });
});
