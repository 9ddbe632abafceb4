import { describe, expect, it } from 'vitest';
import { EquipmentHealthTracker } from './health-tracker';
import { groupBoundaries } from './iso10816';
import { gaussian } from './test-signals';

const T0 = Date.UTC(2025, 0, 1);
const MIN_MS = 60_000;
const HOUR_MS = 3_600_000;
// Group 2, rigid: A/B 1.4, B/C 2.8, C/D 4.5 mm/s.
const boundaries = groupBoundaries({ group: 2, foundation: 'rigid' });

describe('EquipmentHealthTracker', () => {
  it('gives the ISO zone and health index of the latest reading', () => {
    const tr = new EquipmentHealthTracker({ boundaries, baselineMmS: 1.0 });
    expect(tr.zone).toBeNull();
    expect(tr.healthIndex).toBeNull();
    tr.update(T0, 1.2);
    expect(tr.zone).toBe('A');
    expect(tr.healthIndex).toBeCloseTo(0.2 / 3.5, 12);
    tr.update(T0 + 1000, 2.8, { kurtosis: 4.2 });
    const s = tr.snapshot();
    expect(s.zone).toBe('C');
    expect(s.level).toBe('alarm');
    expect(s.limits?.alarmMmS).toBeCloseTo(1.7, 12);
    expect(s.features?.kurtosis).toBe(4.2);
    tr.update(T0 + 2000, 6);
    expect(tr.zone).toBe('D');
    expect(tr.healthIndex).toBe(1);
    expect(tr.snapshot().level).toBe('trip');
  });

  it('learns the baseline as the mean of the first hour when none is given', () => {
    const tr = new EquipmentHealthTracker({ boundaries });
    for (let m = 0; m < 60; m++) tr.update(T0 + m * MIN_MS, m % 2 === 0 ? 0.9 : 1.1);
    expect(tr.baselineMmS).toBeNull();
    expect(tr.healthIndex).toBeNull();
    expect(tr.rul).toMatchObject({ status: 'no_trend', reason: 'no_baseline' });
    tr.update(T0 + 60 * MIN_MS, 1.0);
    tr.update(T0 + 61 * MIN_MS, 1.0);
    expect(tr.baselineMmS).toBeCloseTo(1.0, 12);
    expect(tr.healthIndex).toBe(0);
  });

  it('does not learn a baseline at or past the failure threshold', () => {
    const tr = new EquipmentHealthTracker({ boundaries, baselineLearnS: 600 });
    for (let m = 0; m < 30; m++) tr.update(T0 + m * MIN_MS, 5);
    expect(tr.baselineMmS).toBeNull();
    expect(tr.rul).toMatchObject({ status: 'no_trend', reason: 'no_baseline' });
    expect(tr.zone).toBe('D');
  });

  it('keeps one point per minute and no more than the history length', () => {
    const tr = new EquipmentHealthTracker({ boundaries, baselineMmS: 1, historyS: 3 * 86_400 });
    // Five days, one reading every 20 s.
    for (let t = 0; t < 5 * 86_400_000; t += 20_000) tr.update(T0 + t, 1);
    expect(tr.historyLength).toBe(3 * 1440);
  });

  it('refits the trend at most once per minute of data time', () => {
    const tr = new EquipmentHealthTracker({ boundaries, baselineMmS: 1 });
    let changes = 0;
    let last = tr.rul;
    // Ten minutes of readings once per second.
    for (let s = 0; s < 600; s++) {
      tr.update(T0 + s * 1000, 1 + s * 1e-4);
      if (tr.rul !== last) {
        changes++;
        last = tr.rul;
      }
    }
    // Nine minutes have closed; the tenth is still open.
    expect(changes).toBe(9);
    expect(tr.historyLength).toBe(9);
  });

  it('ignores readings that go back in time or are not numbers, and counts them', () => {
    const tr = new EquipmentHealthTracker({ boundaries, baselineMmS: 1 });
    tr.update(T0 + 5000, 2);
    tr.update(T0 + 4000, 9);
    tr.update(T0 + 6000, NaN);
    tr.update(T0 + 6000, -1);
    expect(tr.rejected).toBe(3);
    expect(tr.snapshot().velocityRmsMmS).toBe(2);
  });

  it('estimates the remaining life of a machine whose vibration rises steadily', () => {
    const g = gaussian(21);
    const tr = new EquipmentHealthTracker({ boundaries, baselineMmS: 1.0 });
    // 1.0 mm/s rising 0.1 mm/s per hour with noise, one reading every 10 s for 12 h:
    // C/D (4.5 mm/s) is reached at 35 h, 23 h after the last reading.
    for (let t = 0; t <= 12 * HOUR_MS; t += 10_000)
      tr.update(T0 + t, 1.0 + 0.1 * (t / HOUR_MS) + 0.05 * g());
    const rul = tr.rul;
    expect(rul.status).toBe('estimate');
    if (rul.status !== 'estimate') return;
    expect(rul.model).toBe('linear');
    const truthS = (35 * HOUR_MS - (rul.asOfMs - T0)) / 1000;
    expect(Math.abs(rul.rulS / truthS - 1)).toBeLessThan(0.05);
    expect(rul.lowS).toBeLessThan(rul.highS);
    expect(tr.zone).toBe('B');
  });
});
