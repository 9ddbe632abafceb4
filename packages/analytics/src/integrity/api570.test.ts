import { describe, expect, it } from 'vitest';
import {
  addYears,
  assessCml,
  corrosionRates,
  governingCml,
  inspectionInterval,
  remainingLifeYears,
  type ThicknessReading,
} from './api570';
import { INTEGRITY_TABLES_V1 } from './tables';

const API570 = INTEGRITY_TABLES_V1.api570;
const jan1 = (y: number) => Date.UTC(y, 0, 1);
const year = (ms: number) => new Date(ms).getUTCFullYear();

// pipe-integrity.md §1.1, synthetic vector [C]
const SYNTHETIC: ThicknessReading[] = [
  { timeMs: jan1(2010), thickness: 7.11 },
  { timeMs: jan1(2018), thickness: 6.35 },
  { timeMs: jan1(2023), thickness: 6.02 },
];

describe('API 570 corrosion rates and remaining life (pipe-integrity.md §1.1)', () => {
  it('computes CR_LT 0.08385 and CR_ST 0.0660 mm/y, and governs with the larger', () => {
    const r = corrosionRates(SYNTHETIC, 0.1);
    expect(r.longTerm!).toBeCloseTo(0.08385, 5);
    expect(r.shortTerm!).toBeCloseTo(0.066, 4);
    expect(r.governing).toBe(r.longTerm);
    expect(r.basis).toBe('measured');
  });

  it('reads t_initial, t_previous and t_actual by date, whatever the order given', () => {
    const r = corrosionRates([SYNTHETIC[2]!, SYNTHETIC[0]!, SYNTHETIC[1]!], 0.1);
    expect([r.initial!.thickness, r.previous!.thickness, r.actual!.thickness]).toEqual([
      7.11, 6.35, 6.02,
    ]);
  });

  it('gives 31.25 years of remaining life from the last reading, 15.62 at half', () => {
    const a = assessCml(
      { cml: 'CML-1', readings: SYNTHETIC },
      { tRequired: 3.4, pipingClass: 2, anticipatedRate: 0.1 },
      API570,
    );
    expect(a!.remainingLifeY).toBeCloseTo(31.25, 2);
    expect(a!.remainingLifeY / 2).toBeCloseTo(15.62, 2);
    expect(year(a!.endOfLifeMs!)).toBe(2054);
  });

  it('schedules the next thickness inspection in 2028 for class 1 and 2033 for class 2', () => {
    const c1 = assessCml(
      { cml: 'a', readings: SYNTHETIC },
      { tRequired: 3.4, pipingClass: 1, anticipatedRate: 0 },
      API570,
    )!;
    const c2 = assessCml(
      { cml: 'a', readings: SYNTHETIC },
      { tRequired: 3.4, pipingClass: 2, anticipatedRate: 0 },
      API570,
    )!;
    expect([c1.intervalY, c1.intervalBasis, year(c1.nextInspectionMs)]).toEqual([
      5,
      'class_maximum',
      2028,
    ]);
    expect([c2.intervalY, c2.intervalBasis, year(c2.nextInspectionMs)]).toEqual([
      10,
      'class_maximum',
      2033,
    ]);
  });

  it('gives 6.0 years for the MSTS TML #6 example in inches, counted from January 2004', () => {
    expect(remainingLifeYears(0.3, 0.27, 0.005)).toBeCloseTo(6.0, 10);
    const end = addYears(Date.UTC(2004, 0, 15), remainingLifeYears(0.3, 0.27, 0.005))!;
    expect(new Date(end).toISOString().slice(0, 7)).toBe('2010-01');
  });

  it('takes half the remaining life when it is shorter than the class maximum', () => {
    expect(inspectionInterval(8, 2, API570)).toEqual({ years: 4, basis: 'half_remaining_life' });
    expect(inspectionInterval(8, 1, API570)).toEqual({ years: 4, basis: 'half_remaining_life' });
    expect(inspectionInterval(12, 1, API570)).toEqual({ years: 5, basis: 'class_maximum' });
  });

  it('reports no measurable corrosion as an infinite life and applies the class maximum', () => {
    const grown: ThicknessReading[] = [
      { timeMs: jan1(2015), thickness: 6.0 },
      { timeMs: jan1(2020), thickness: 6.05 },
    ];
    const a = assessCml(
      { cml: 'a', readings: grown },
      { tRequired: 3, pipingClass: 3, anticipatedRate: 0.1 },
      API570,
    )!;
    expect(a.rates.governing).toBeLessThan(0);
    expect(a.remainingLifeY).toBe(Infinity);
    expect(a.endOfLifeMs).toBeNull();
    expect(a.noMeasurableCorrosion).toBe(true);
    expect([a.intervalY, year(a.nextInspectionMs)]).toEqual([10, 2030]);
  });

  it('gives a negative remaining life and an inspection due at once below the required thickness', () => {
    const thin: ThicknessReading[] = [
      { timeMs: jan1(2010), thickness: 4.0 },
      { timeMs: jan1(2020), thickness: 3.0 },
    ];
    const a = assessCml(
      { cml: 'a', readings: thin },
      { tRequired: 3.4, pipingClass: 2, anticipatedRate: 0.1 },
      API570,
    )!;
    // 10 calendar years are 9.9986 years of 365.25 days
    expect(a.remainingLifeY).toBeCloseTo(-4, 2);
    expect(a.belowRequired).toBe(true);
    expect(a.intervalBasis).toBe('below_required');
    expect(a.nextInspectionMs).toBe(jan1(2020));
  });

  it('falls back to the anticipated rate with a single reading', () => {
    const a = assessCml(
      { cml: 'a', readings: [{ timeMs: jan1(2020), thickness: 6 }] },
      { tRequired: 3, pipingClass: 2, anticipatedRate: 0.064 },
      API570,
    )!;
    expect(a.rates.basis).toBe('anticipated');
    expect(a.rates.longTerm).toBeNull();
    expect(a.rates.shortTerm).toBeNull();
    expect(a.remainingLifeY).toBeCloseTo(3 / 0.064, 9);
  });

  it('returns nothing for a CML without readings', () => {
    expect(
      assessCml(
        { cml: 'a', readings: [] },
        { tRequired: 3, pipingClass: 2, anticipatedRate: 0.1 },
        API570,
      ),
    ).toBeNull();
  });

  it('lets the CML with the shortest remaining life govern the circuit', () => {
    const ctx = { tRequired: 3.4, pipingClass: 2 as const, anticipatedRate: 0.1 };
    const slow = assessCml({ cml: 'slow', readings: SYNTHETIC }, ctx, API570)!;
    const fast = assessCml(
      {
        cml: 'fast',
        readings: [
          { timeMs: jan1(2015), thickness: 7 },
          { timeMs: jan1(2023), thickness: 5 },
        ],
      },
      ctx,
      API570,
    )!;
    expect(governingCml([slow, fast])!.cml).toBe('fast');
    expect(governingCml([])).toBeNull();
  });

  it('adds calendar years and keeps 29 February in its month', () => {
    expect(new Date(addYears(Date.UTC(2024, 1, 29), 1)!).toISOString().slice(0, 10)).toBe(
      '2025-02-28',
    );
    expect(addYears(jan1(2020), Infinity)).toBeNull();
    expect(addYears(jan1(2020), 5e6)).toBeNull();
  });
});
