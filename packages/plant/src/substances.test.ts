import { describe, expect, it } from 'vitest';
import type { SubstanceId } from './model';
import { SUBSTANCES, SUBSTANCE_IDS, copySubstances, substanceById } from './substances';

describe('the substance catalogue', () => {
  it('has exactly one entry for every substance id', () => {
    expect(SUBSTANCES.map((s) => s.id)).toEqual([...SUBSTANCE_IDS]);
    expect(SUBSTANCE_IDS).toHaveLength(13);
  });

  // shared/domain/dispersion.md §3.2, 60-minute values.
  it.each([
    ['ammonia', '7664-41-7', 17.03, [30, 160, 1100], [25, 150, 750]],
    ['chlorine', '7782-50-5', 70.9, [0.5, 2.0, 20], [1, 3, 20]],
    ['benzene', '71-43-2', 78.11, [52, 800, 4000], [50, 150, 1000]],
    ['hydrogen_sulfide', '7783-06-4', 34.08, [0.51, 27, 50], [0.1, 30, 100]],
    ['hydrogen_fluoride', '7664-39-3', 20.01, [1.0, 24, 44], [2, 20, 50]],
  ] as const)(
    'gives %s the CAS number, molar mass, AEGL and ERPG of the domain file',
    (id, cas, mw, aegl, erpg) => {
      const s = substanceById(id);
      expect(s.cas).toBe(cas);
      expect(s.molarMassGMol).toBe(mw);
      expect(s.aegl?.ppm).toEqual(aegl);
      expect(s.erpg?.ppm).toEqual(erpg);
      expect(s.toxic).toBe(true);
      expect(s.aegl!.source).toMatch(/dispersion\.md/);
    },
  );

  it('orders every set of levels from tier 1 to tier 3', () => {
    for (const s of SUBSTANCES) {
      for (const levels of [s.aegl, s.erpg]) {
        if (!levels) continue;
        expect(levels.ppm[0]).toBeLessThan(levels.ppm[1]);
        expect(levels.ppm[1]).toBeLessThanOrEqual(levels.ppm[2]);
      }
    }
  });

  it('gives sour gas hydrogen sulfide as its toxic component at 2 mol%', () => {
    const sour = substanceById('sour_gas');
    expect(sour.toxicComponent).toEqual({ substance: 'hydrogen_sulfide', moleFraction: 0.02 });
    expect(sour.toxic && sour.flammable).toBe(true);
    expect(sour.pipingClass).toBe(1);
  });

  it('marks ammonia, chlorine and HF as dense, as dispersion.md §3.1 says', () => {
    for (const id of ['ammonia', 'chlorine', 'hydrogen_fluoride'] as const) {
      expect(substanceById(id).denseGas).toBe(true);
    }
    expect(substanceById('hydrogen').denseGas).toBe(false);
  });

  it('gives an LFL exactly to the flammable substances', () => {
    for (const s of SUBSTANCES) {
      if (s.flammable) expect(s.lflPct).toBeGreaterThan(0);
      else expect(s.lflPct).toBeNull();
    }
  });

  it('gives pressure-wave speeds in the ranges of leak-detection.md', () => {
    const speed = (id: SubstanceId): number => {
      const s = substanceById(id);
      return Math.sqrt(s.bulkModulusPa / s.densityKgM3);
    };
    // Water test vector: K = 2.2 GPa, rho = 998 kg/m3 -> a0 = 1 485 m/s.
    expect(speed('water')).toBeCloseTo(1485, -1);
    // Natural gas 300-400 m/s (sour gas at 4 MPa a little above).
    expect(speed('sour_gas')).toBeGreaterThan(300);
    expect(speed('sour_gas')).toBeLessThan(450);
    for (const s of SUBSTANCES) {
      const a = Math.sqrt(s.bulkModulusPa / s.densityKgM3);
      expect(a).toBeGreaterThan(200);
      expect(a).toBeLessThan(1600);
    }
  });

  it('puts steam and water in API 570 class 4 and H2S, HF and chlorine in class 1', () => {
    expect(substanceById('steam').pipingClass).toBe(4);
    expect(substanceById('water').pipingClass).toBe(4);
    for (const id of ['hydrogen_sulfide', 'hydrogen_fluoride', 'chlorine'] as const) {
      expect(substanceById(id).pipingClass).toBe(1);
    }
  });

  it('answers undefined for an unknown id and cannot be changed in place', () => {
    expect(substanceById('benzol')).toBeUndefined();
    expect(() => {
      (SUBSTANCES[0] as { densityKgM3: number }).densityKgM3 = 1;
    }).toThrow(TypeError);
    const copy = copySubstances();
    copy[0]!.aegl!.ppm[0] = 999;
    expect(SUBSTANCES[0]!.aegl!.ppm[0]).toBe(52);
  });
});
