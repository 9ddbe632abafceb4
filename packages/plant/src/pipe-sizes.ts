import type { Material } from './model';

interface PipeSize {
  /** Nominal pipe size, inches. */
  nps: number;
  /** Outside diameter, mm. */
  odMm: number;
  /** Schedule 10S wall (the lightest stainless wall we use), mm. */
  sch10sMm: number;
  /** Standard-weight wall (the lightest carbon-steel wall we use), mm. */
  stdMm: number;
  /** Heavier walls available, ascending, mm (schedule 40, 80, 160 where they exist). */
  heavierMm: readonly number[];
}

// source: ASME B36.10M / B36.19M wall thicknesses, domain knowledge [M]
const SIZES: readonly PipeSize[] = [
  { nps: 2, odMm: 60.3, sch10sMm: 2.77, stdMm: 3.91, heavierMm: [5.54, 8.74] },
  { nps: 3, odMm: 88.9, sch10sMm: 3.05, stdMm: 5.49, heavierMm: [7.62, 11.13] },
  { nps: 4, odMm: 114.3, sch10sMm: 3.05, stdMm: 6.02, heavierMm: [8.56, 13.49] },
  { nps: 6, odMm: 168.3, sch10sMm: 3.4, stdMm: 7.11, heavierMm: [10.97, 18.26] },
  { nps: 8, odMm: 219.1, sch10sMm: 3.76, stdMm: 8.18, heavierMm: [12.7, 23.01] },
  { nps: 10, odMm: 273.1, sch10sMm: 4.19, stdMm: 9.27, heavierMm: [15.09, 28.58] },
  { nps: 12, odMm: 323.9, sch10sMm: 4.57, stdMm: 9.53, heavierMm: [10.31, 17.48, 33.32] },
  { nps: 14, odMm: 355.6, sch10sMm: 4.78, stdMm: 9.53, heavierMm: [11.13, 19.05, 35.71] },
  { nps: 16, odMm: 406.4, sch10sMm: 4.78, stdMm: 9.53, heavierMm: [12.7, 21.44, 40.49] },
  { nps: 18, odMm: 457.2, sch10sMm: 4.78, stdMm: 9.53, heavierMm: [14.27, 23.83, 45.24] },
  { nps: 20, odMm: 508.0, sch10sMm: 5.54, stdMm: 9.53, heavierMm: [15.09, 26.19, 50.01] },
  { nps: 24, odMm: 609.6, sch10sMm: 6.35, stdMm: 9.53, heavierMm: [17.48, 30.96, 59.54] },
  { nps: 30, odMm: 762.0, sch10sMm: 7.92, stdMm: 9.53, heavierMm: [12.7, 15.88] },
];

/** Outside diameters the generator uses (NPS 2 to 30), mm. */
export const NPS_OUTSIDE_DIAMETERS_MM: readonly number[] = SIZES.map((s) => s.odMm);

function sizeByOd(odMm: number): PipeSize {
  const size = SIZES.find((s) => s.odMm === odMm);
  if (!size) throw new Error(`not an NPS outside diameter: ${odMm} mm`);
  return size;
}

/**
 * The smallest NPS whose standard-wall bore carries `flowM3h` (m3/h at line conditions) at no
 * more than `velocityMs` (m/s); the largest size when none does. Returns the outside diameter, mm.
 */
export function sizeForFlow(flowM3h: number, velocityMs: number): number {
  const boreM = Math.sqrt((4 * flowM3h) / (3600 * Math.PI * velocityMs));
  for (const s of SIZES) {
    if ((s.odMm - 2 * s.stdMm) / 1000 >= boreM) return s.odMm;
  }
  return SIZES[SIZES.length - 1]!.odMm;
}

/** Allowable stress S at the design temperature (degC), MPa. */
function allowableStressMpa(material: Material, designTempC: number): number {
  if (material === 'carbon_steel') {
    // source: pipe-integrity.md §1.2 (A106 B: 20.0 ksi to 204 °C, 18.9 ksi at 260 °C, 17.3 ksi at 316 °C)
    if (designTempC <= 204) return 137.9;
    if (designTempC <= 260) return 130.3;
    return 119.3;
  }
  if (material === 'low_alloy_steel') {
    // source: domain knowledge [M]: 1.25Cr-0.5Mo (A335 P11), about 16.7 ksi up to 450 °C
    return 115.1;
  }
  // source: pipe-integrity.md §1.2 (A312 TP304/316: 20.0 ksi to 38 °C, about 16.7 ksi at 93 °C)
  return designTempC <= 38 ? 137.9 : 115.1;
}

/**
 * The lightest wall of the size that meets ASME B31.3 pressure design with the corrosion
 * allowance and 12.5 % mill tolerance. Pressure kPa gauge, temperature degC, lengths mm.
 */
export function wallForDesign(
  odMm: number,
  material: Material,
  designPressureKpa: number,
  designTempC: number,
  corrosionAllowanceMm: number,
): number {
  const size = sizeByOd(odMm);
  const pMpa = designPressureKpa / 1000;
  const s = allowableStressMpa(material, designTempC);
  // ASME B31.3 304.1.2: t = P·D / (2·(S·E·W + P·Y)), E = W = 1 (seamless), Y = 0.4
  const t = (pMpa * odMm) / (2 * (s + pMpa * 0.4));
  // source: pipe-integrity.md §1.2: nominal >= (t + c) / (1 - 0.125)
  const required = (t + corrosionAllowanceMm) / 0.875;
  const stainless = material === 'stainless_304' || material === 'stainless_316';
  // Carbon steel below NPS 3 is schedule 80 by common practice (strength of small bore).
  const lightest = stainless ? size.sch10sMm : odMm < 80 ? size.heavierMm[0]! : size.stdMm;
  const candidates = [size.sch10sMm, size.stdMm, ...size.heavierMm].filter((w) => w >= lightest);
  return candidates.find((w) => w >= required) ?? candidates[candidates.length - 1]!;
}
