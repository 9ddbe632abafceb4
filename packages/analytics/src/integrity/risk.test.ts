import { describe, expect, it } from 'vitest';
import {
  assessConsequence,
  assessProbability,
  consequenceCategory,
  consequenceCategoryFromUsd,
  probabilityCategory,
  probabilityCategoryFromDf,
  riskLevel,
  riskRank,
  thinningDamageFactor,
} from './risk';
import { companiesNear, preparePlots } from './proximity';
import { INTEGRITY_TABLES_V1, type RiskTables } from './tables';

const RISK = INTEGRITY_TABLES_V1.risk;
const FT2 = 0.09290304;

describe('API 581 categories (pipe-integrity.md §1.3)', () => {
  it('puts POF on the API 581 probability breakpoints, each upper bound inclusive', () => {
    expect(probabilityCategory(3.06e-5, RISK)).toBe(1);
    expect(probabilityCategory(3.07e-5, RISK)).toBe(2);
    expect(probabilityCategory(3.06e-4, RISK)).toBe(2);
    expect(probabilityCategory(3.06e-3, RISK)).toBe(3);
    expect(probabilityCategory(3.06e-2, RISK)).toBe(4);
    expect(probabilityCategory(0.031, RISK)).toBe(5);
  });

  it('gives the same categories by total damage factor', () => {
    expect([1, 1.01, 10, 100, 1000, 1001].map((df) => probabilityCategoryFromDf(df, RISK))).toEqual(
      [1, 2, 2, 3, 4, 5],
    );
  });

  it('puts consequence areas on the 100 / 1,000 / 3,000 / 10,000 ft2 breakpoints', () => {
    expect(consequenceCategory(100 * FT2, RISK)).toBe('A');
    expect(consequenceCategory(101 * FT2, RISK)).toBe('B');
    expect(consequenceCategory(1000 * FT2, RISK)).toBe('B');
    expect(consequenceCategory(3000 * FT2, RISK)).toBe('C');
    expect(consequenceCategory(10_000 * FT2, RISK)).toBe('D');
    expect(consequenceCategory(10_001 * FT2, RISK)).toBe('E');
  });

  it('puts financial consequences on the $10k / $100k / $1M / $10M breakpoints', () => {
    expect([1e4, 5e4, 1e6, 1e7, 2e7].map((u) => consequenceCategoryFromUsd(u, RISK))).toEqual([
      'A',
      'B',
      'C',
      'D',
      'E',
    ]);
  });

  it('reads the risk level from a configurable matrix and ranks high above low', () => {
    expect(riskLevel(5, 'E', RISK)).toBe('high');
    expect(riskLevel(1, 'A', RISK)).toBe('low');
    const owner: RiskTables = {
      ...RISK,
      matrix: RISK.matrix.map((row) => row.map(() => 'medium')) as unknown as RiskTables['matrix'],
    };
    expect(riskLevel(5, 'E', owner)).toBe('medium');
    expect(riskRank('high', 5, 'E')).toBeGreaterThan(riskRank('medium_high', 5, 'E'));
    expect(riskRank('high', 4, 'E')).toBeGreaterThan(riskRank('high', 4, 'D'));
  });
});

describe('probability and consequence scoring', () => {
  it('interpolates the thinning damage factor on a log scale', () => {
    expect(thinningDamageFactor(0, RISK)).toBe(1);
    expect(thinningDamageFactor(0.5, RISK)).toBeCloseTo(100, 9);
    expect(thinningDamageFactor(0.55, RISK)).toBeCloseTo(Math.sqrt(100 * 250), 6);
    expect(thinningDamageFactor(9, RISK)).toBe(5000);
  });

  it('raises the probability with wall loss, age and missing inspections, and says why', () => {
    const base = {
      nominalMm: 7.11,
      requiredMm: 2.79,
      corrosionAllowanceMm: 1.6,
      currentMm: 7.0,
      ageY: 10,
      readingCount: 4,
      lifeLeftY: 50,
    };
    const fresh = assessProbability(base, RISK);
    expect(fresh.category).toBe(1);
    const thinned = assessProbability({ ...base, currentMm: 7.11 - 0.55 * (7.11 - 2.79) }, RISK);
    expect(thinned.category).toBe(4);
    expect(thinned.drivers[0]).toMatch(/55 % of the margin/);
    const old = assessProbability({ ...base, ageY: 45 }, RISK);
    expect(old.damageFactor).toBe(3);
    expect(old.drivers.join(' ')).toMatch(/age 45 y \(x3\)/);
    const never = assessProbability({ ...base, readingCount: 0 }, RISK);
    expect(never.damageFactor).toBe(5);
    expect(never.pofPerYear).toBeCloseTo(5 * 3.06e-5, 12);
  });

  it('puts a pipe with little life left in category 4 or higher whatever its damage factor', () => {
    const p = assessProbability(
      {
        nominalMm: 7.11,
        requiredMm: 2.79,
        corrosionAllowanceMm: 1.6,
        currentMm: 7,
        ageY: 5,
        readingCount: 3,
        lifeLeftY: 1.5,
      },
      RISK,
    );
    expect(p.category).toBe(4);
    expect(p.drivers[0]).toMatch(/remaining life 1.5 y: at least category 4/);
  });

  it('grows the consequence with hazard, inventory and neighbours', () => {
    const water = assessConsequence(
      {
        pipingClass: 4,
        toxic: false,
        flammable: false,
        fluid: 'Water',
        inventoryKg: 5000,
        nearbyCompanies: [],
      },
      RISK,
    );
    const chlorine = assessConsequence(
      {
        pipingClass: 1,
        toxic: true,
        flammable: false,
        fluid: 'Chlorine',
        inventoryKg: 5000,
        nearbyCompanies: [],
      },
      RISK,
    );
    expect(chlorine.areaM2 / water.areaM2).toBeCloseTo((100 * 2) / 2, 9);
    expect(water.category).toBe('A');
    const bigger = assessConsequence(
      {
        pipingClass: 1,
        toxic: true,
        flammable: false,
        fluid: 'Chlorine',
        inventoryKg: 40_000,
        nearbyCompanies: [],
      },
      RISK,
    );
    expect(bigger.areaM2 / chlorine.areaM2).toBeCloseTo(8 ** (2 / 3), 9);
    const near = assessConsequence(
      {
        pipingClass: 1,
        toxic: true,
        flammable: false,
        fluid: 'Chlorine',
        inventoryKg: 5000,
        nearbyCompanies: ['Daesan Polymers'],
      },
      RISK,
    );
    expect(near.areaM2).toBeCloseTo(2 * chlorine.areaM2, 9);
    expect(near.drivers.join(' ')).toMatch(/within 50 m of Daesan Polymers/);
  });
});

describe('what lies near a pipe', () => {
  const plots = preparePlots([
    { companyId: 'own', outline: [0, 0, 100, 0, 100, 100, 0, 100] },
    { companyId: 'east', outline: [140, 0, 240, 0, 240, 100, 140, 100] },
    { companyId: 'far', outline: [1000, 1000, 1100, 1000, 1100, 1100] },
  ]);

  it('finds other companies whose plot lies within the distance, never the owner', () => {
    expect(companiesNear([50, 50, 0, 95, 50, 0], 'own', plots, 50)).toEqual(['east']);
    expect(companiesNear([50, 50, 0, 80, 50, 0], 'own', plots, 50)).toEqual([]);
  });

  it('counts a pipe that crosses or starts inside another plot', () => {
    expect(companiesNear([120, -50, 0, 300, 150, 0], 'own', plots, 1)).toEqual(['east']);
    expect(companiesNear([150, 50, 0, 160, 50, 0], 'own', plots, 1)).toEqual(['east']);
  });
});
