/**
 * The condition of one pipe segment: required thickness (B31.3), rates, remaining life and next
 * inspection per CML and for the segment (API 570), and its risk cell (API 581 categories). Pure:
 * the assessment date is a parameter.
 */
import {
  addYears,
  anticipatedRateMmY,
  assessCml,
  governingCml,
  inspectionInterval,
  remainingLifeYears,
  yearsBetween,
  type CmlAssessment,
  type CmlInput,
  type IntervalBasis,
} from './api570';
import { requiredThickness, type RequiredThickness, type SegmentDesign } from './b31-3';
import { assessConsequence, assessProbability, riskLevel, riskRank } from './risk';
import type {
  ConsequenceCategory,
  IntegrityTables,
  PipingClass,
  ProbabilityCategory,
  RiskLevel,
} from './tables';

export type ConditionFlag =
  | 'ffs_required'
  | 'no_measurable_corrosion'
  | 'fewer_than_two_readings'
  | 'never_inspected'
  | 'nominal_below_required'
  | 'thick_wall'
  | 'high_pressure_ratio'
  | 'stress_outside_table'
  | 'creep_range';

export interface SegmentConditionInput {
  segmentId: string;
  design: SegmentDesign & {
    /** Nominal wall, mm. */
    wallMm: number;
    /** Length, m. */
    lengthM: number;
    installYear: number;
    pipingClass: PipingClass;
  };
  fluid: { name: string; toxic: boolean; flammable: boolean; densityKgM3: number };
  /** Thickness readings per CML, mm and epoch ms. */
  cmls: readonly CmlInput[];
  /** Other companies whose plots are near the segment (see `companiesNear`). */
  nearbyCompanies: readonly string[];
}

export interface SegmentCondition {
  segmentId: string;
  required: RequiredThickness;
  cmls: CmlAssessment[];
  cmlCount: number;
  readingCount: number;
  governingCml: string | null;
  /** Epoch ms of the latest reading at any CML; null when never inspected. */
  lastInspectionMs: number | null;
  /** Thinnest latest reading over the CMLs, mm; null when never inspected. */
  tActualMm: number | null;
  wallLossMm: number | null;
  /** Wall loss as a percentage of the nominal wall. */
  wallLossPct: number | null;
  /** Rates of the governing CML, mm/y. */
  crLtMmY: number | null;
  crStMmY: number | null;
  corrosionRateMmY: number;
  rateBasis: 'measured' | 'anticipated';
  /** Years from the governing CML's last reading (from installation when never inspected). */
  remainingLifeY: number;
  nextInspectionMs: number;
  intervalY: number;
  intervalBasis: IntervalBasis;
  flags: ConditionFlag[];
  probability: {
    category: ProbabilityCategory;
    damageFactor: number;
    pofPerYear: number;
    art: number;
    drivers: string[];
  };
  consequence: {
    category: ConsequenceCategory;
    areaM2: number;
    inventoryKg: number;
    nearbyCompanies: string[];
    drivers: string[];
  };
  risk: { level: RiskLevel; cell: string; rank: number };
  tablesVersion: string;
  assessedAtMs: number;
}

/** Fluid mass inside a segment, kg: density x bore area x length. */
export function segmentInventoryKg(
  outsideDiameterMm: number,
  wallMm: number,
  lengthM: number,
  densityKgM3: number,
): number {
  const boreM = Math.max(0, outsideDiameterMm - 2 * wallMm) / 1000;
  return densityKgM3 * ((Math.PI * boreM * boreM) / 4) * lengthM;
}

/**
 * Assesses one segment as of `asOfMs` with the given tables. `explain: false` skips the drivers
 * in words (a bulk recompute stores none; the detail view recomputes them).
 */
export function assessSegmentCondition(
  input: SegmentConditionInput,
  asOfMs: number,
  tables: IntegrityTables,
  opts: { explain?: boolean } = {},
): SegmentCondition {
  const explain = opts.explain ?? true;
  const d = input.design;
  const req = requiredThickness(d, tables.b31_3);
  const tReq = req.retirementMm;
  const anticipated = anticipatedRateMmY(d.corrosionAllowanceMm, tables.api570);
  const ctx = { tRequired: tReq, pipingClass: d.pipingClass, anticipatedRate: anticipated };
  const cmls: CmlAssessment[] = [];
  let readingCount = 0;
  for (const c of input.cmls) {
    readingCount += c.readings.length;
    const a = assessCml(c, ctx, tables.api570);
    if (a) cmls.push(a);
  }
  const installMs = Date.UTC(d.installYear, 0, 1);
  const ageY = Math.max(0, yearsBetween(installMs, asOfMs));
  const flags: ConditionFlag[] = [];
  const gov = governingCml(cmls);

  let lastInspectionMs: number | null = null;
  let tActual: number | null = null;
  let currentMm = Infinity;
  let rl: number;
  let next: { ms: number; years: number; basis: IntervalBasis };
  let lifeLeftY: number;
  if (gov) {
    let earliest = cmls[0]!;
    for (const c of cmls) {
      const act = c.rates.actual!;
      lastInspectionMs = Math.max(lastInspectionMs ?? -Infinity, act.timeMs);
      tActual = Math.min(tActual ?? Infinity, act.thickness);
      const projected =
        act.thickness -
        Math.max(0, c.rates.governing) * Math.max(0, yearsBetween(act.timeMs, asOfMs));
      currentMm = Math.min(currentMm, projected);
      if (c.nextInspectionMs < earliest.nextInspectionMs) earliest = c;
    }
    rl = gov.remainingLifeY;
    next = {
      ms: earliest.nextInspectionMs,
      years: earliest.intervalY,
      basis: earliest.intervalBasis,
    };
    lifeLeftY = rl - yearsBetween(gov.rates.actual!.timeMs, asOfMs);
    if (cmls.some((c) => c.belowRequired)) flags.push('ffs_required');
    if (cmls.every((c) => c.noMeasurableCorrosion)) flags.push('no_measurable_corrosion');
    if (gov.rates.basis === 'anticipated') flags.push('fewer_than_two_readings');
  } else {
    // Never inspected: assume the nominal wall at installation and the anticipated rate.
    flags.push('never_inspected');
    rl = remainingLifeYears(d.wallMm, tReq, anticipated);
    const interval = inspectionInterval(rl, d.pipingClass, tables.api570);
    next = {
      ms: addYears(installMs, interval.years)!,
      years: interval.years,
      basis: interval.basis,
    };
    lifeLeftY = rl - ageY;
    currentMm = d.wallMm - anticipated * ageY;
  }
  if (d.wallMm < req.nominalRequiredMm) flags.push('nominal_below_required');
  if (req.thickWall) flags.push('thick_wall');
  if (req.highPressureRatio) flags.push('high_pressure_ratio');
  if (req.stressOutsideTable) flags.push('stress_outside_table');
  if (req.creepRange) flags.push('creep_range');

  const probability = assessProbability(
    {
      nominalMm: d.wallMm,
      requiredMm: tReq,
      corrosionAllowanceMm: d.corrosionAllowanceMm,
      currentMm,
      ageY,
      // what the rate rests on: the governing CML's readings
      readingCount: gov ? gov.readingCount : 0,
      lifeLeftY,
    },
    tables.risk,
    explain,
  );
  const inventoryKg = segmentInventoryKg(
    d.outsideDiameterMm,
    d.wallMm,
    d.lengthM,
    input.fluid.densityKgM3,
  );
  const consequence = assessConsequence(
    {
      pipingClass: d.pipingClass,
      toxic: input.fluid.toxic,
      flammable: input.fluid.flammable,
      fluid: input.fluid.name,
      inventoryKg,
      nearbyCompanies: input.nearbyCompanies,
    },
    tables.risk,
    explain,
  );
  const level = riskLevel(probability.category, consequence.category, tables.risk);
  const wallLossMm = tActual === null ? null : d.wallMm - tActual;
  return {
    segmentId: input.segmentId,
    required: req,
    cmls,
    cmlCount: input.cmls.length,
    readingCount,
    governingCml: gov?.cml ?? null,
    lastInspectionMs,
    tActualMm: tActual,
    wallLossMm,
    wallLossPct: wallLossMm === null ? null : (100 * wallLossMm) / d.wallMm,
    crLtMmY: gov?.rates.longTerm ?? null,
    crStMmY: gov?.rates.shortTerm ?? null,
    corrosionRateMmY: gov ? gov.rates.governing : anticipated,
    rateBasis: gov ? gov.rates.basis : 'anticipated',
    remainingLifeY: rl,
    nextInspectionMs: next.ms,
    intervalY: next.years,
    intervalBasis: next.basis,
    flags,
    probability,
    consequence: { ...consequence, inventoryKg, nearbyCompanies: [...input.nearbyCompanies] },
    risk: {
      level,
      cell: `${probability.category}${consequence.category}`,
      rank: riskRank(level, probability.category, consequence.category),
    },
    tablesVersion: tables.version,
    assessedAtMs: asOfMs,
  };
}
