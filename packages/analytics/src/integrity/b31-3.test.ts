import { describe, expect, it } from 'vitest';
import { interpolateCurve, pressureDesignThickness, requiredThickness } from './b31-3';
import { INTEGRITY_TABLES_V1 } from './tables';

const B31 = INTEGRITY_TABLES_V1.b31_3;

describe('ASME B31.3 pressure-design thickness (pipe-integrity.md §1.2)', () => {
  it('gives 2.3627 mm for the 8 inch A106 B example at 3 MPa', () => {
    const r = pressureDesignThickness({
      pressure: 3,
      outsideDiameter: 219.1,
      allowableStress: 137.9,
      weldQuality: 1,
      weldStrength: 1,
      y: 0.4,
    });
    expect(r.t).toBeCloseTo(2.3627, 4);
    expect(r.thickWall).toBe(false);
  });

  it('finds Sch 80 adequate for the 8 inch example with a 3 mm allowance', () => {
    const r = pressureDesignThickness({
      pressure: 3,
      outsideDiameter: 219.1,
      allowableStress: 137.9,
      corrosionAllowance: 3,
    });
    // 12.7 mm nominal is 11.11 mm after the 12.5 % under-tolerance
    expect(12.7 * 0.875).toBeCloseTo(11.11, 2);
    expect(r.tm).toBeLessThan(12.7 * 0.875);
    expect(r.nominalRequired).toBeLessThan(12.7);
  });

  it('gives 0.08199 in, then 0.16513 in nominal, for NPS 6 at 500 psig in US units', () => {
    const r = pressureDesignThickness({
      pressure: 500,
      outsideDiameter: 6.625,
      allowableStress: 20_000,
      y: 0.4,
      corrosionAllowance: 0.0625,
      millTolerance: 0.125,
    });
    expect(r.t).toBeCloseTo(0.08199, 5);
    expect(r.tm).toBeCloseTo(0.14449, 5);
    expect(r.nominalRequired).toBeCloseTo(0.16513, 5);
  });

  it('gives 0.09800 in for the same pipe with S = 16,700 psi', () => {
    const r = pressureDesignThickness({
      pressure: 500,
      outsideDiameter: 6.625,
      allowableStress: 16_700,
    });
    expect(r.t).toBeCloseTo(0.098, 5);
  });

  it('switches to Y = (d + 2c) / (D + d + 2c) when t reaches D/6, and stays self-consistent', () => {
    const input = {
      pressure: 100,
      outsideDiameter: 60.3,
      allowableStress: 137.9,
      corrosionAllowance: 1,
    };
    const thin = (100 * 60.3) / (2 * (137.9 + 100 * 0.4));
    expect(thin).toBeGreaterThan(60.3 / 6);
    const r = pressureDesignThickness(input);
    expect(r.thickWall).toBe(true);
    const d = 60.3 - 2 * (r.t + 1);
    expect(r.y).toBeCloseTo((d + 2) / (60.3 + d + 2), 9);
    expect(r.t).toBeCloseTo((100 * 60.3) / (2 * (137.9 + 100 * r.y)), 9);
    expect(r.y).not.toBeCloseTo(0.4, 2);
    expect(r.highPressureRatio).toBe(true);
  });

  it('refuses a non-positive diameter or stress', () => {
    expect(() =>
      pressureDesignThickness({ pressure: 1, outsideDiameter: 0, allowableStress: 100 }),
    ).toThrow(RangeError);
    expect(() =>
      pressureDesignThickness({ pressure: 1, outsideDiameter: 100, allowableStress: 0 }),
    ).toThrow(RangeError);
  });
});

describe('required thickness of a segment', () => {
  it('interpolates the allowable stress of A106 B between 400 °F and 500 °F', () => {
    const mid = interpolateCurve(B31.allowableStressMpa.carbon_steel, (204.4 + 260) / 2);
    expect(mid.value).toBeCloseTo((137.9 + 130.3) / 2, 6);
    expect(mid.clamped).toBeNull();
    expect(interpolateCurve(B31.allowableStressMpa.carbon_steel, 400).clamped).toBe('above');
  });

  it('takes the structural minimum when pressure needs less, without the allowance', () => {
    const r = requiredThickness(
      {
        outsideDiameterMm: 168.3,
        designPressureKpa: 500,
        designTempC: 60,
        material: 'carbon_steel',
        corrosionAllowanceMm: 1.6,
      },
      B31,
    );
    expect(r.pressureMm).toBeCloseTo((0.5 * 168.3) / (2 * (137.9 + 0.5 * 0.4)), 9);
    expect(r.structuralMm).toBeCloseTo(0.11 * 25.4, 9);
    expect(r.retirementMm).toBe(r.structuralMm);
    expect(r.governedBy).toBe('structural');
    expect(r.minimumWithAllowanceMm).toBeCloseTo(r.pressureMm + 1.6, 9);
  });

  it('takes the pressure thickness when it exceeds the structural minimum', () => {
    const r = requiredThickness(
      {
        outsideDiameterMm: 219.1,
        designPressureKpa: 10_000,
        designTempC: 60,
        material: 'carbon_steel',
        corrosionAllowanceMm: 3,
      },
      B31,
    );
    expect(r.governedBy).toBe('pressure');
    expect(r.retirementMm).toBeCloseTo((10 * 219.1) / (2 * (137.9 + 4)), 9);
  });

  it('uses the austenitic Y curve for stainless steel and flags the creep range', () => {
    const r = requiredThickness(
      {
        outsideDiameterMm: 114.3,
        designPressureKpa: 2000,
        designTempC: 593.3,
        material: 'stainless_316',
        corrosionAllowanceMm: 0,
      },
      B31,
    );
    expect(r.y).toBeCloseTo(0.5, 9);
    expect(r.creepRange).toBe(true);
    expect(r.stressOutsideTable).toBe(true);
  });
});
