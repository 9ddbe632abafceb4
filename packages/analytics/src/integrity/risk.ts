/**
 * Risk of a pipe segment on the API 581 5x5 matrix (shared/domain/pipe-integrity.md §1.3):
 * probability category 1-5 from a damage factor (thinning state, age, inspection data, remaining
 * life), consequence category A-E from an affected area (fluid hazard, inventory, neighbours),
 * and the risk level from a configurable matrix. The category breakpoints are API 581's; the
 * damage and consequence scoring is our simplification (docs/pipe-condition.md), not API 581's
 * Level 1 or 2 method.
 */
import {
  CONSEQUENCE_CATEGORIES,
  type ConsequenceCategory,
  type PipingClass,
  type ProbabilityCategory,
  type RiskLevel,
  type RiskTables,
} from './tables';

function categoryIndex(value: number, upperBounds: readonly number[]): number {
  let i = 0;
  while (i < upperBounds.length && value > upperBounds[i]!) i++;
  return i;
}

/** API 581 probability category 1-5 from the probability of failure, failures per year. */
export function probabilityCategory(pofPerYear: number, tables: RiskTables): ProbabilityCategory {
  return (categoryIndex(pofPerYear, tables.probabilityByPof) + 1) as ProbabilityCategory;
}

/** API 581 probability category 1-5 from the total damage factor. */
export function probabilityCategoryFromDf(df: number, tables: RiskTables): ProbabilityCategory {
  return (categoryIndex(df, tables.probabilityByDf) + 1) as ProbabilityCategory;
}

/** API 581 consequence category A-E from a consequence area, m2. */
export function consequenceCategory(areaM2: number, tables: RiskTables): ConsequenceCategory {
  return CONSEQUENCE_CATEGORIES[categoryIndex(areaM2, tables.consequenceByAreaM2)]!;
}

/** API 581 consequence category A-E from a financial consequence, USD. */
export function consequenceCategoryFromUsd(usd: number, tables: RiskTables): ConsequenceCategory {
  return CONSEQUENCE_CATEGORIES[categoryIndex(usd, tables.consequenceByUsd)]!;
}

/** The risk level of a cell of the owner's matrix. */
export function riskLevel(
  p: ProbabilityCategory,
  c: ConsequenceCategory,
  tables: RiskTables,
): RiskLevel {
  return tables.matrix[p - 1]![CONSEQUENCE_CATEGORIES.indexOf(c)]!;
}

const LEVEL_RANK: Readonly<Record<RiskLevel, number>> = {
  low: 1,
  medium: 2,
  medium_high: 3,
  high: 4,
};

/**
 * A sortable rank: risk level first, then probability, then consequence (higher is worse). 5E
 * in a `high` cell is 455, 1A in a `low` cell 111.
 */
export function riskRank(level: RiskLevel, p: ProbabilityCategory, c: ConsequenceCategory): number {
  return LEVEL_RANK[level] * 100 + p * 10 + CONSEQUENCE_CATEGORIES.indexOf(c) + 1;
}

/** Thinning damage factor from Art, log-linear between the table's points. */
export function thinningDamageFactor(art: number, tables: RiskTables): number {
  const pts = tables.damageFactorByArt;
  const first = pts[0]!;
  const last = pts[pts.length - 1]!;
  if (!(art > first[0])) return first[1];
  if (art >= last[0]) return last[1];
  for (let i = 1; i < pts.length; i++) {
    const [a1, d1] = pts[i]!;
    const [a0, d0] = pts[i - 1]!;
    if (art <= a1) {
      const f = (art - a0) / (a1 - a0);
      return Math.exp(Math.log(d0) + f * (Math.log(d1) - Math.log(d0)));
    }
  }
  return last[1];
}

function ageFactor(ageY: number, tables: RiskTables): number {
  let f = 1;
  for (const row of tables.ageFactors) if (ageY >= row.minAgeY) f = row.factor;
  return f;
}

const fmt = (x: number, digits = 1) => x.toFixed(digits);

export interface ProbabilityInput {
  /** Nominal wall, mm. */
  nominalMm: number;
  /** Retirement thickness, mm. */
  requiredMm: number;
  corrosionAllowanceMm: number;
  /** Wall thickness expected at the assessment date (last reading less rate x time), mm. */
  currentMm: number;
  /** Years in service at the assessment date. */
  ageY: number;
  /** Thickness readings at the governing CML (0: never inspected). */
  readingCount: number;
  /** Remaining life left at the assessment date, years (Infinity: no measurable corrosion). */
  lifeLeftY: number;
}

export interface ProbabilityAssessment {
  category: ProbabilityCategory;
  /** Fraction of the corrosion margin (nominal - required) lost. */
  art: number;
  damageFactor: number;
  pofPerYear: number;
  /** What set the category, in words, most important first. */
  drivers: string[];
}

/**
 * Probability of failure: Df = Df_thinning(Art) x F_age x F_inspection, POF = gff x F_MS x Df
 * (API 581: Pf(t) = gff_total x F_MS x Df(t)); the category is raised to the remaining-life
 * floors when little life is left. `explain: false` leaves `drivers` empty (bulk recomputes).
 */
export function assessProbability(
  input: ProbabilityInput,
  tables: RiskTables,
  explain = true,
): ProbabilityAssessment {
  const margin = input.nominalMm - input.requiredMm;
  const lost = Math.max(0, input.nominalMm - input.currentMm);
  const art = margin > 0 ? lost / margin : Infinity;
  const dfThin = thinningDamageFactor(art, tables);
  const fAge = ageFactor(input.ageY, tables);
  const fInsp =
    input.readingCount === 0
      ? tables.inspectionFactors.none
      : input.readingCount === 1
        ? tables.inspectionFactors.single
        : tables.inspectionFactors.history;
  const df = dfThin * fAge * fInsp;
  // API 581: Pf(t) = gff_total · F_MS · Df(t)
  const pof = tables.gffPerYear * tables.managementFactor * df;
  let category = probabilityCategoryFromDf(df, tables);
  const drivers: string[] = [];
  if (!explain) {
    for (const floor of tables.remainingLifeFloors) {
      if (input.lifeLeftY < floor.belowY && category < floor.minCategory)
        category = floor.minCategory;
    }
    return { category, art, damageFactor: df, pofPerYear: pof, drivers };
  }
  const caText =
    input.corrosionAllowanceMm > 0
      ? `, ${fmt((100 * lost) / input.corrosionAllowanceMm, 0)} % of the ${fmt(input.corrosionAllowanceMm)} mm corrosion allowance`
      : ', no corrosion allowance';
  drivers.push(
    `wall loss ${fmt(lost, 2)} mm${caText}: ${Number.isFinite(art) ? fmt(100 * art, 0) : 'all'} % of the margin to the required thickness (thinning Df ${fmt(dfThin)})`,
  );
  if (fAge !== 1) drivers.push(`age ${fmt(input.ageY, 0)} y (x${fAge})`);
  if (fInsp !== 1) {
    drivers.push(
      input.readingCount === 0
        ? `never inspected: wall loss estimated from the anticipated rate (x${fInsp})`
        : `a single thickness reading: no measured rate (x${fInsp})`,
    );
  }
  for (const floor of tables.remainingLifeFloors) {
    if (input.lifeLeftY < floor.belowY && category < floor.minCategory) {
      category = floor.minCategory;
      drivers.unshift(
        `${input.lifeLeftY < 0 ? 'below the required thickness' : `remaining life ${fmt(input.lifeLeftY)} y`}: at least category ${floor.minCategory}`,
      );
    }
  }
  return { category, art, damageFactor: df, pofPerYear: pof, drivers };
}

export interface ConsequenceInput {
  pipingClass: PipingClass;
  toxic: boolean;
  flammable: boolean;
  /** The fluid's name, for the drivers. */
  fluid: string;
  /** Mass of fluid in the segment, kg. */
  inventoryKg: number;
  /** Other companies whose plots lie within the nearby distance, by name or id. */
  nearbyCompanies: readonly string[];
}

export interface ConsequenceAssessment {
  category: ConsequenceCategory;
  areaM2: number;
  drivers: string[];
}

/**
 * Consequence area, m2 = base(class) x toxic x flammable x (inventory t)^exponent x nearby:
 * a simple, documented stand-in for API 581's consequence analysis. `explain: false` leaves
 * `drivers` empty.
 */
export function assessConsequence(
  input: ConsequenceInput,
  tables: RiskTables,
  explain = true,
): ConsequenceAssessment {
  const base = tables.baseAreaM2ByClass[input.pipingClass];
  const hazard =
    (input.toxic ? tables.toxicFactor : 1) * (input.flammable ? tables.flammableFactor : 1);
  const tonnes = Math.max(0, input.inventoryKg) / 1000;
  const inventory = tonnes ** tables.inventoryExponent;
  const nearby = input.nearbyCompanies.length > 0 ? tables.nearbyFactor : 1;
  const areaM2 = base * hazard * inventory * nearby;
  if (!explain) return { category: consequenceCategory(areaM2, tables), areaM2, drivers: [] };
  const kinds = [input.toxic ? 'toxic' : null, input.flammable ? 'flammable' : null].filter(
    Boolean,
  );
  const drivers = [
    `${input.fluid} (${kinds.length ? kinds.join(', ') : 'neither toxic nor flammable'}, piping class ${input.pipingClass}): ${fmt(base * hazard, 0)} m2 per tonne`,
    `inventory ${tonnes < 1 ? `${fmt(input.inventoryKg, 0)} kg` : `${fmt(tonnes)} t`} in the segment`,
  ];
  if (nearby !== 1) {
    const names = input.nearbyCompanies.slice(0, 3).join(', ');
    const more =
      input.nearbyCompanies.length > 3 ? ` and ${input.nearbyCompanies.length - 3} more` : '';
    drivers.push(`within ${tables.nearbyDistanceM} m of ${names}${more} (x${tables.nearbyFactor})`);
  }
  return { category: consequenceCategory(areaM2, tables), areaM2, drivers };
}
