/**
 * The numeric tables behind pipe condition: ASME B31.3 allowable stresses and Y coefficients,
 * API 574 structural minimums, API 570 Table 2 inspection intervals, and the risk model (API 581
 * category breakpoints plus our simplified damage and consequence scoring). The standards are
 * paywalled, so their numbers live here as versioned configuration (shared/domain/pipe-integrity.md);
 * every assessment records the `version` it was made with. An owner who changes a number makes a
 * new table object with a new version and recomputes.
 */

/** Materials the plant model knows (packages/plant `Material`). */
export type PipeMaterial = 'carbon_steel' | 'stainless_304' | 'stainless_316' | 'low_alloy_steel';
export type PipingClass = 1 | 2 | 3 | 4;
export type ConsequenceCategory = 'A' | 'B' | 'C' | 'D' | 'E';
export type ProbabilityCategory = 1 | 2 | 3 | 4 | 5;
export type RiskLevel = 'low' | 'medium' | 'medium_high' | 'high';

export const CONSEQUENCE_CATEGORIES: readonly ConsequenceCategory[] = ['A', 'B', 'C', 'D', 'E'];
export const PROBABILITY_CATEGORIES: readonly ProbabilityCategory[] = [1, 2, 3, 4, 5];
export const RISK_LEVELS: readonly RiskLevel[] = ['low', 'medium', 'medium_high', 'high'];

/** [temperature degC, value] points, ascending in temperature; linear in between. */
export type TemperatureCurve = readonly (readonly [number, number])[];

export interface B31_3Tables {
  /** Allowable stress S, MPa, by design temperature (Table A-1 permits linear interpolation). */
  allowableStressMpa: Readonly<Record<PipeMaterial, TemperatureCurve>>;
  /** Y coefficient (Table 304.1.1) for t < D/6, by temperature. */
  yCoefficient: { ferritic: TemperatureCurve; austenitic: TemperatureCurve };
  /** Longitudinal weld quality factor E: seamless pipe is assumed (no weld data per segment). */
  weldQualityE: number;
  /** Weld joint strength reduction factor W below the creep range. */
  weldStrengthW: number;
  /** Above this temperature (degC) W < 1 applies and is not modelled: flagged. */
  creepRangeFromC: number;
  /** Mill under-tolerance of seamless A106/A53/A312 pipe. */
  millTolerance: number;
  /** API 574 minimum structural thickness, mm, by outside diameter up to `maxOdMm`. */
  structuralMinimumMm: readonly { maxOdMm: number; tMm: number }[];
}

export interface Api570Tables {
  /** API 570 Table 2 thickness-measurement maximum interval, years, by piping class. */
  maxIntervalYears: Readonly<Record<PipingClass, number>>;
  /** Fewer than two readings: anticipated rate = corrosion allowance / this design life (y). */
  designLifeYears: number;
  /** ... but at least this, mm/y (stainless lines carry no allowance). */
  minimumAnticipatedRateMmY: number;
}

export interface RiskTables {
  /** API 581 generic failure frequency, total over the four hole sizes, pipe, per year. */
  gffPerYear: number;
  /** API 581 management-systems factor F_MS (1 = average). */
  managementFactor: number;
  /** Thinning damage factor by Art = wall lost / (nominal - required), log-linear in between. */
  damageFactorByArt: readonly (readonly [number, number])[];
  /** Damage factor multiplier by age: the first row whose `minAgeY` the age reaches, from the end. */
  ageFactors: readonly { minAgeY: number; factor: number }[];
  /** Damage factor multiplier by how much inspection data there is. */
  inspectionFactors: { none: number; single: number; history: number };
  /** Probability category at least `minCategory` when the life left is below `belowY`. */
  remainingLifeFloors: readonly { belowY: number; minCategory: ProbabilityCategory }[];
  /** API 581 Part 1 Table 4.1: upper bounds of categories 1-4 by POF (failures/yr). */
  probabilityByPof: readonly [number, number, number, number];
  /** The same by total damage factor. */
  probabilityByDf: readonly [number, number, number, number];
  /** API 581 Part 1 Table 4.2: upper bounds of categories A-D by consequence area, m2. */
  consequenceByAreaM2: readonly [number, number, number, number];
  /** ... and by financial consequence, USD. */
  consequenceByUsd: readonly [number, number, number, number];
  /** Consequence area of one tonne released, m2, by API 570 piping class of the service. */
  baseAreaM2ByClass: Readonly<Record<PipingClass, number>>;
  /** Multipliers of the base area for a toxic and for a flammable fluid. */
  toxicFactor: number;
  flammableFactor: number;
  /** Area scales with the released mass (t) to this power. */
  inventoryExponent: number;
  /** Another company's plot within this distance of the pipe multiplies the area by `nearbyFactor`. */
  nearbyDistanceM: number;
  nearbyFactor: number;
  /** Risk level of each cell: `matrix[p - 1][c]`, p = probability 1..5, c = A..E as 0..4. */
  matrix: readonly (readonly [RiskLevel, RiskLevel, RiskLevel, RiskLevel, RiskLevel])[];
}

export interface IntegrityTables {
  /** Recorded with every assessment; change it whenever a number changes. */
  version: string;
  b31_3: B31_3Tables;
  api570: Api570Tables;
  risk: RiskTables;
}

const IN = 25.4;
const FT2 = 0.09290304;

/** The tables ComplexTwin ships with; see docs/pipe-condition.md for each number's source. */
export const INTEGRITY_TABLES_V1: IntegrityTables = {
  version: 'ct-integrity-v1',
  b31_3: {
    allowableStressMpa: {
      // pipe-integrity.md §1.2: A106 B 20.0 ksi to 400 °F [S2], 18.9 ksi at 500 °F [S2],
      // 17.3 ksi at 600 °F and 17.0 ksi at 650 °F [M]
      carbon_steel: [
        [-29, 137.9],
        [204.4, 137.9],
        [260, 130.3],
        [315.6, 119.3],
        [343.3, 117.2],
      ],
      // domain knowledge [M]: A335 P11 about 16.7 ksi up to 450 °C (the generator's value)
      low_alloy_steel: [
        [-29, 115.1],
        [450, 115.1],
      ],
      // pipe-integrity.md §1.2 [M]: TP304 20.0 ksi at <= 100 °F, 16.7 ksi at 200 °F
      stainless_304: [
        [-198, 137.9],
        [37.8, 137.9],
        [93.3, 115.1],
      ],
      // pipe-integrity.md §1.2 [M]: TP316 20.0 ksi at <= 100 °F, 17.3 ksi at 200 °F
      stainless_316: [
        [-198, 137.9],
        [37.8, 137.9],
        [93.3, 119.3],
      ],
    },
    yCoefficient: {
      // B31.3 Table 304.1.1 via pipe-integrity.md §1.2: 0.4 to 900 °F, 0.5 at 950 °F, 0.7 from 1000 °F
      ferritic: [
        [482.2, 0.4],
        [510, 0.5],
        [537.8, 0.7],
      ],
      // same table: austenitic 0.4 to 1050 °F, 0.5 at 1100 °F, 0.7 from 1150 °F
      austenitic: [
        [565.6, 0.4],
        [593.3, 0.5],
        [621.1, 0.7],
      ],
    },
    weldQualityE: 1.0,
    weldStrengthW: 1.0,
    // pipe-integrity.md §1.2: W = 1.0 at or below 950 °F (510 °C) for carbon steel [S2]
    creepRangeFromC: 510,
    // pipe-integrity.md §1.2: 12.5 % for ASTM A106/A53/A312 seamless
    millTolerance: 0.125,
    // API 574 minimum structural thickness (as commonly quoted) [M, verify]: NPS <= 2: 0.07 in,
    // NPS 3: 0.08 in, NPS 4: 0.09 in, NPS 6-18: 0.11 in, NPS 20 and up: 0.12 in
    structuralMinimumMm: [
      { maxOdMm: 60.3, tMm: 0.07 * IN },
      { maxOdMm: 88.9, tMm: 0.08 * IN },
      { maxOdMm: 114.3, tMm: 0.09 * IN },
      { maxOdMm: 457.2, tMm: 0.11 * IN },
      { maxOdMm: Infinity, tMm: 0.12 * IN },
    ],
  },
  api570: {
    // API 570 Table 2 via pipe-integrity.md §1.1 [S]: class 1: 5 y, classes 2 and 3: 10 y; class 4
    // is "optional": we schedule it at 10 y (owner's choice, change here)
    maxIntervalYears: { 1: 5, 2: 10, 3: 10, 4: 10 },
    // ours [M]: the corrosion allowance spread over a 25-year design life
    designLifeYears: 25,
    minimumAnticipatedRateMmY: 0.025,
  },
  risk: {
    // API 581 Part 2 Table 3.1 [M]: total gff of pipe 3.06E-05/yr (the POF breakpoints are its decades)
    gffPerYear: 3.06e-5,
    managementFactor: 1,
    // ours [M], shaped like API 581's thinning table for low-confidence inspection: Df 1 up to
    // 10 % of the margin lost, about 10 at 30 %, 100 at 50 %, 1 000 at 80 %, 2 500 at the limit
    damageFactorByArt: [
      [0, 1],
      [0.1, 1],
      [0.2, 4],
      [0.3, 10],
      [0.4, 30],
      [0.5, 100],
      [0.6, 250],
      [0.7, 500],
      [0.8, 1000],
      [0.9, 1600],
      [1, 2500],
      [1.2, 5000],
    ],
    // ours [M]: coatings, supports and small-bore fittings of old pipe hide damage
    ageFactors: [
      { minAgeY: 0, factor: 1 },
      { minAgeY: 20, factor: 1.5 },
      { minAgeY: 30, factor: 2 },
      { minAgeY: 40, factor: 3 },
    ],
    // ours [M], after API 581's credit for inspection effectiveness
    inspectionFactors: { none: 5, single: 2, history: 1 },
    remainingLifeFloors: [
      { belowY: 2, minCategory: 4 },
      { belowY: 5, minCategory: 3 },
    ],
    // pipe-integrity.md §1.3, API 581 Part 1 Table 4.1 [M, verify]
    probabilityByPof: [3.06e-5, 3.06e-4, 3.06e-3, 3.06e-2],
    probabilityByDf: [1, 10, 100, 1000],
    // pipe-integrity.md §1.3, API 581 Part 1 Table 4.2 [M, verify]: 100, 1 000, 3 000, 10 000 ft2
    consequenceByAreaM2: [100 * FT2, 1000 * FT2, 3000 * FT2, 10_000 * FT2],
    consequenceByUsd: [1e4, 1e5, 1e6, 1e7],
    // ours [M]: about the flash-fire / toxic footprint of one tonne, graded by API 570 class
    baseAreaM2ByClass: { 1: 100, 2: 40, 3: 15, 4: 2 },
    toxicFactor: 2,
    flammableFactor: 1.5,
    inventoryExponent: 2 / 3,
    nearbyDistanceM: 50,
    nearbyFactor: 2,
    // A balanced 5x5 example in the spirit of API 581 Part 1 Fig. 4.2 (an example only: owners
    // set their own); rows probability 1..5, columns A..E
    matrix: [
      ['low', 'low', 'medium', 'medium', 'medium_high'],
      ['low', 'low', 'medium', 'medium_high', 'medium_high'],
      ['low', 'medium', 'medium_high', 'medium_high', 'high'],
      ['medium', 'medium', 'medium_high', 'high', 'high'],
      ['medium', 'medium_high', 'high', 'high', 'high'],
    ],
  },
};
