/**
 * ASME B31.3 para. 304.1.2 pressure-design thickness of straight pipe under internal pressure,
 * and the API 570 retirement thickness built on it (shared/domain/pipe-integrity.md §1.2).
 */
import type { B31_3Tables, PipeMaterial, TemperatureCurve } from './tables';

export interface PressureDesignInput {
  /** Internal design gauge pressure P, in the stress unit (MPa with mm, psi with in). */
  pressure: number;
  /** Outside diameter D, mm or in. */
  outsideDiameter: number;
  /** Allowable stress S at the design temperature, same unit as `pressure`. */
  allowableStress: number;
  /** Longitudinal weld quality factor E (default 1, seamless). */
  weldQuality?: number;
  /** Weld joint strength reduction factor W (default 1). */
  weldStrength?: number;
  /** Y coefficient from Table 304.1.1 for t < D/6 (default 0.4). */
  y?: number;
  /** Sum of mechanical, corrosion and erosion allowances c, same length unit as D (default 0). */
  corrosionAllowance?: number;
  /** Mill under-tolerance as a fraction (default 0.125). */
  millTolerance?: number;
}

export interface PressureDesignResult {
  /** Pressure-design thickness t, same length unit as D. */
  t: number;
  /** Minimum required thickness tm = t + c. */
  tm: number;
  /** Nominal wall needed to keep tm after the mill under-tolerance: tm / (1 - mill_tol). */
  nominalRequired: number;
  /** The Y used: the table's, or (d + 2c) / (D + d + 2c) when t >= D/6. */
  y: number;
  /** t >= D/6: B31.3 304.1.2(b) asks for special consideration (fatigue, thermal stress). */
  thickWall: boolean;
  /** P / (S·E) > 0.385: B31.3 304.1.2(b) special consideration too. */
  highPressureRatio: boolean;
}

/**
 * Pressure-design thickness by B31.3 Eq. (3a). Units must be consistent: mm with MPa, or inches
 * with psi. When t reaches D/6, Y becomes (d + 2c) / (D + d + 2c) with d = D - 2·tm, the largest
 * bore the minimum wall allows, solved by fixed-point iteration.
 */
export function pressureDesignThickness(input: PressureDesignInput): PressureDesignResult {
  const P = input.pressure;
  const D = input.outsideDiameter;
  const SEW = input.allowableStress * (input.weldQuality ?? 1) * (input.weldStrength ?? 1);
  const c = input.corrosionAllowance ?? 0;
  const millTol = input.millTolerance ?? 0.125;
  if (!(P >= 0) || !(D > 0) || !(SEW > 0)) {
    throw new RangeError('pressure >= 0, outside diameter > 0 and S·E·W > 0 are required');
  }
  let y = input.y ?? 0.4;
  // B31.3 Eq. (3a): t = P·D / (2·(S·E·W + P·Y))
  let t = (P * D) / (2 * (SEW + P * y));
  const thickWall = t >= D / 6;
  if (thickWall) {
    for (let i = 0; i < 50; i++) {
      const d = Math.max(0, D - 2 * (t + c));
      // B31.3 Table 304.1.1 note: Y = (d + 2c) / (D + d + 2c) for t >= D/6
      const yNext = (d + 2 * c) / (D + d + 2 * c);
      const tNext = (P * D) / (2 * (SEW + P * yNext));
      const done = Math.abs(tNext - t) < 1e-12 * D;
      y = yNext;
      t = tNext;
      if (done) break;
    }
  }
  const tm = t + c;
  return {
    t,
    tm,
    // pipe-integrity.md §1.2: t_nominal_required = tm / (1 - mill_tol)
    nominalRequired: tm / (1 - millTol),
    y,
    thickWall,
    highPressureRatio: P / (input.allowableStress * (input.weldQuality ?? 1)) > 0.385,
  };
}

/** Linear interpolation on a temperature curve; `clamped` when outside its range. */
export function interpolateCurve(
  curve: TemperatureCurve,
  tempC: number,
): { value: number; clamped: 'below' | 'above' | null } {
  const first = curve[0];
  const last = curve[curve.length - 1];
  if (!first || !last) throw new RangeError('empty temperature curve');
  if (tempC <= first[0]) return { value: first[1], clamped: tempC < first[0] ? 'below' : null };
  if (tempC >= last[0]) return { value: last[1], clamped: tempC > last[0] ? 'above' : null };
  for (let i = 1; i < curve.length; i++) {
    const [t1, v1] = curve[i]!;
    const [t0, v0] = curve[i - 1]!;
    if (tempC <= t1) return { value: v0 + ((v1 - v0) * (tempC - t0)) / (t1 - t0), clamped: null };
  }
  return { value: last[1], clamped: null };
}

const AUSTENITIC: ReadonlySet<PipeMaterial> = new Set(['stainless_304', 'stainless_316']);

export interface SegmentDesign {
  /** Outside diameter, mm. */
  outsideDiameterMm: number;
  /** Design pressure, kPa gauge. */
  designPressureKpa: number;
  /** Design temperature, degC. */
  designTempC: number;
  material: PipeMaterial;
  /** Corrosion allowance, mm. */
  corrosionAllowanceMm: number;
}

export interface RequiredThickness {
  /** Allowable stress used, MPa. */
  stressMpa: number;
  weldQualityE: number;
  weldStrengthW: number;
  y: number;
  /** B31.3 pressure-design thickness t, mm. */
  pressureMm: number;
  /** tm = t + c, mm. */
  minimumWithAllowanceMm: number;
  /** tm / (1 - mill tolerance), mm: the nominal wall a new pipe needs. */
  nominalRequiredMm: number;
  /** API 574 structural minimum, mm. */
  structuralMm: number;
  /** API 570 retirement thickness: max(pressure, structural), without allowance, mm. */
  retirementMm: number;
  /** Which of the two governs the retirement thickness. */
  governedBy: 'pressure' | 'structural';
  thickWall: boolean;
  highPressureRatio: boolean;
  /** The design temperature is outside the stress table (its nearest value was used). */
  stressOutsideTable: boolean;
  /** Above the creep range, where W < 1 is not modelled. */
  creepRange: boolean;
}

/** API 574 structural minimum for an outside diameter in mm, mm. */
export function structuralMinimumMm(outsideDiameterMm: number, tables: B31_3Tables): number {
  const row = tables.structuralMinimumMm.find((r) => outsideDiameterMm <= r.maxOdMm + 1e-9);
  return row ? row.tMm : tables.structuralMinimumMm[tables.structuralMinimumMm.length - 1]!.tMm;
}

/**
 * The required thicknesses of a pipe segment from its design data: B31.3 pressure design with the
 * table's S, E, W and Y, the structural minimum, and the API 570 retirement thickness.
 */
export function requiredThickness(seg: SegmentDesign, tables: B31_3Tables): RequiredThickness {
  const stress = interpolateCurve(tables.allowableStressMpa[seg.material], seg.designTempC);
  const yCurve = AUSTENITIC.has(seg.material)
    ? tables.yCoefficient.austenitic
    : tables.yCoefficient.ferritic;
  const y = interpolateCurve(yCurve, seg.designTempC).value;
  const design = pressureDesignThickness({
    pressure: Math.max(0, seg.designPressureKpa) / 1000,
    outsideDiameter: seg.outsideDiameterMm,
    allowableStress: stress.value,
    weldQuality: tables.weldQualityE,
    weldStrength: tables.weldStrengthW,
    y,
    corrosionAllowance: seg.corrosionAllowanceMm,
    millTolerance: tables.millTolerance,
  });
  const structural = structuralMinimumMm(seg.outsideDiameterMm, tables);
  // pipe-integrity.md §1.2: retirement = max(pressure t, structural minimum), without CA
  const governedBy = design.t >= structural ? 'pressure' : 'structural';
  return {
    stressMpa: stress.value,
    weldQualityE: tables.weldQualityE,
    weldStrengthW: tables.weldStrengthW,
    y: design.y,
    pressureMm: design.t,
    minimumWithAllowanceMm: design.tm,
    nominalRequiredMm: design.nominalRequired,
    structuralMm: structural,
    retirementMm: Math.max(design.t, structural),
    governedBy,
    thickWall: design.thickWall,
    highPressureRatio: design.highPressureRatio,
    stressOutsideTable: stress.clamped === 'above',
    creepRange: seg.designTempC > tables.creepRangeFromC,
  };
}
