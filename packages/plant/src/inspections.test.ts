import { describe, expect, it } from 'vitest';
import { generatePlant } from './generator';
import { generateInspectionHistory } from './inspections';

const plant = generatePlant({ seed: 3, size: 'small' });
const history = generateInspectionHistory(plant, { seed: 3 });

/** Latest reading per CML as a fraction of the nominal wall lost. */
function lossByCml(): Map<string, { loss: number; installYear: number; substance: string }> {
  const bySeg = new Map(plant.segments.map((s) => [s.id, s]));
  const last = new Map<string, { date: string; t: number; seg: string }>();
  const r = history.readings;
  for (let i = 0; i < r.date.length; i++) {
    const key = `${r.segmentId[i]}|${r.cml[i]}`;
    const prev = last.get(key);
    if (!prev || prev.date < r.date[i]!)
      last.set(key, { date: r.date[i]!, t: r.thicknessMm[i]!, seg: r.segmentId[i]! });
  }
  const out = new Map<string, { loss: number; installYear: number; substance: string }>();
  for (const [key, v] of last) {
    const s = bySeg.get(v.seg)!;
    out.set(key, {
      loss: 1 - v.t / s.wallMm,
      installYear: s.installYear,
      substance: s.substanceId,
    });
  }
  return out;
}

describe('the generated inspection history', () => {
  it('is the same for the same seed and differs for another', () => {
    expect(generateInspectionHistory(plant, { seed: 3 })).toEqual(history);
    expect(generateInspectionHistory(plant, { seed: 4 }).readings.thicknessMm).not.toEqual(
      history.readings.thicknessMm,
    );
  });

  it('places one to six CMLs on every segment, each reading on a known CML, dated in order', () => {
    const cmls = new Set(history.cmls.segmentId.map((s, i) => `${s}|${history.cmls.cml[i]}`));
    const perSegment = new Map<string, number>();
    for (const s of history.cmls.segmentId) perSegment.set(s, (perSegment.get(s) ?? 0) + 1);
    expect(perSegment.size).toBe(plant.segments.length);
    expect(Math.min(...perSegment.values())).toBeGreaterThanOrEqual(1);
    expect(Math.max(...perSegment.values())).toBeLessThanOrEqual(6);
    const r = history.readings;
    const lastDate = new Map<string, string>();
    for (let i = 0; i < r.date.length; i++) {
      const key = `${r.segmentId[i]}|${r.cml[i]}`;
      expect(cmls.has(key)).toBe(true);
      expect(r.date[i]! > (lastDate.get(key) ?? '')).toBe(true);
      expect(r.date[i]! <= '2025-12-31').toBe(true);
      lastDate.set(key, r.date[i]!);
    }
  });

  it('leaves older pipe and more corrosive services thinner', () => {
    const loss = [...lossByCml().values()];
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const old = loss.filter((l) => l.installYear < 1995).map((l) => l.loss);
    const young = loss.filter((l) => l.installYear >= 2010).map((l) => l.loss);
    expect(mean(old)).toBeGreaterThan(mean(young) + 0.05);
    const sour = loss.filter(
      (l) => l.substance === 'sour_gas' || l.substance === 'hydrogen_fluoride',
    );
    const light = loss.filter((l) => l.substance === 'propylene' || l.substance === 'ethylene');
    expect(mean(sour.map((l) => l.loss))).toBeGreaterThan(mean(light.map((l) => l.loss)));
  });

  it('has a few CMLs that lost more than 40 % of their wall, and segments never inspected', () => {
    const heavy = [...lossByCml().values()].filter((l) => l.loss > 0.4).length;
    expect(heavy).toBeGreaterThan(0);
    const inspected = new Set(history.readings.segmentId);
    expect(inspected.size).toBeLessThan(plant.segments.length);
  });
});
