import { describe, expect, it } from 'vitest';
import {
  assessSegmentCondition,
  segmentInventoryKg,
  type SegmentConditionInput,
} from './condition';
import { INTEGRITY_TABLES_V1 } from './tables';

const jan1 = (y: number) => Date.UTC(y, 0, 1);
const AS_OF = Date.UTC(2026, 5, 1);

const segment = (cmls: SegmentConditionInput['cmls']): SegmentConditionInput => ({
  segmentId: 'hnb-l0001-s00',
  design: {
    outsideDiameterMm: 168.3,
    designPressureKpa: 1500,
    designTempC: 60,
    material: 'carbon_steel',
    corrosionAllowanceMm: 1.6,
    wallMm: 7.11,
    lengthM: 100,
    installYear: 2008,
    pipingClass: 2,
  },
  fluid: { name: 'Naphtha', toxic: false, flammable: true, densityKgM3: 700 },
  cmls,
  nearbyCompanies: [],
});

describe('the condition of a segment', () => {
  it('takes rates and remaining life from the governing CML and the earliest next inspection', () => {
    const c = assessSegmentCondition(
      segment([
        {
          cml: 'CML-01',
          readings: [
            { timeMs: jan1(2010), thickness: 7.11 },
            { timeMs: jan1(2018), thickness: 6.35 },
            { timeMs: jan1(2023), thickness: 6.02 },
          ],
        },
        {
          cml: 'CML-02',
          readings: [
            { timeMs: jan1(2010), thickness: 7.2 },
            { timeMs: jan1(2022), thickness: 5.4 },
          ],
        },
      ]),
      AS_OF,
      INTEGRITY_TABLES_V1,
    );
    // retirement = API 574 structural minimum for NPS 6 (pressure needs 0.91 mm)
    expect(c.required.retirementMm).toBeCloseTo(2.794, 3);
    expect(c.governingCml).toBe('CML-02');
    expect(c.crLtMmY!).toBeCloseTo(1.8 / 12, 3);
    expect(c.remainingLifeY).toBeCloseTo((5.4 - 2.794) / c.corrosionRateMmY, 9);
    expect(c.tActualMm).toBe(5.4);
    expect(c.wallLossPct!).toBeCloseTo((100 * 1.71) / 7.11, 9);
    expect(c.lastInspectionMs).toBe(jan1(2023));
    expect(c.nextInspectionMs).toBe(Math.min(...c.cmls.map((x) => x.nextInspectionMs)));
    expect(c.flags).toEqual([]);
    expect(c.readingCount).toBe(5);
    expect(c.risk.cell).toBe(`${c.probability.category}${c.consequence.category}`);
    expect(c.tablesVersion).toBe(INTEGRITY_TABLES_V1.version);
  });

  it('flags a segment with any CML below the required thickness for a fitness-for-service review', () => {
    const c = assessSegmentCondition(
      segment([
        {
          cml: 'CML-01',
          readings: [
            { timeMs: jan1(2012), thickness: 6.9 },
            { timeMs: jan1(2024), thickness: 2.5 },
          ],
        },
      ]),
      AS_OF,
      INTEGRITY_TABLES_V1,
    );
    expect(c.flags).toContain('ffs_required');
    expect(c.remainingLifeY).toBeLessThan(0);
    expect(c.intervalBasis).toBe('below_required');
    expect(c.nextInspectionMs).toBe(jan1(2024));
    expect(c.probability.category).toBe(5);
    expect(c.risk.level).not.toBe('low');
  });

  it('flags no measurable corrosion when every CML held or grew', () => {
    const c = assessSegmentCondition(
      segment([
        {
          cml: 'CML-01',
          readings: [
            { timeMs: jan1(2012), thickness: 7.0 },
            { timeMs: jan1(2022), thickness: 7.05 },
          ],
        },
      ]),
      AS_OF,
      INTEGRITY_TABLES_V1,
    );
    expect(c.flags).toContain('no_measurable_corrosion');
    expect(c.remainingLifeY).toBe(Infinity);
    expect(c.intervalY).toBe(10);
  });

  it('uses the anticipated rate with fewer than two readings', () => {
    const c = assessSegmentCondition(
      segment([{ cml: 'CML-01', readings: [{ timeMs: jan1(2020), thickness: 7.0 }] }]),
      AS_OF,
      INTEGRITY_TABLES_V1,
    );
    expect(c.flags).toContain('fewer_than_two_readings');
    expect(c.rateBasis).toBe('anticipated');
    expect(c.corrosionRateMmY).toBeCloseTo(1.6 / 25, 12);
    expect(c.crLtMmY).toBeNull();
  });

  it('assumes the nominal wall at installation for a segment never inspected', () => {
    const c = assessSegmentCondition(
      segment([{ cml: 'CML-01', readings: [] }]),
      AS_OF,
      INTEGRITY_TABLES_V1,
    );
    expect(c.flags).toContain('never_inspected');
    expect(c.tActualMm).toBeNull();
    expect(c.wallLossPct).toBeNull();
    expect(c.lastInspectionMs).toBeNull();
    expect(new Date(c.nextInspectionMs).getUTCFullYear()).toBe(2018);
    expect(c.probability.drivers.join(' ')).toMatch(/never inspected/);
  });

  it('gives the same figures without the drivers in words when not asked to explain', () => {
    const input = segment([
      {
        cml: 'CML-01',
        readings: [
          { timeMs: jan1(2012), thickness: 6.9 },
          { timeMs: jan1(2024), thickness: 3.1 },
        ],
      },
    ]);
    const full = assessSegmentCondition(input, AS_OF, INTEGRITY_TABLES_V1);
    const bare = assessSegmentCondition(input, AS_OF, INTEGRITY_TABLES_V1, { explain: false });
    expect(bare.probability.drivers).toEqual([]);
    expect(bare.consequence.drivers).toEqual([]);
    expect(full.probability.drivers.length).toBeGreaterThan(0);
    const strip = (c: typeof full) => ({
      ...c,
      probability: { ...c.probability, drivers: [] },
      consequence: { ...c.consequence, drivers: [] },
    });
    expect(strip(bare)).toEqual(strip(full));
  });

  it('computes the inventory from the bore and length', () => {
    expect(segmentInventoryKg(168.3, 7.11, 100, 700)).toBeCloseTo(
      700 * (Math.PI / 4) * 0.15408 ** 2 * 100,
      6,
    );
  });
});
