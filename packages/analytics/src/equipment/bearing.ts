/**
 * Rolling-element bearing defect frequencies (shared/domain/rotating-equipment.md §4.3), from
 * the kinematics of a bearing without slip, and the search band that allows for slip.
 */

export interface BearingGeometry {
  /** Number of rolling elements (balls or rollers), a positive integer. */
  rollingElements: number;
  /** Rolling element diameter d, mm (any length unit, the same as the pitch diameter). */
  elementDiameterMm: number;
  /** Pitch diameter D, mm (any length unit, the same as the element diameter). */
  pitchDiameterMm: number;
  /** Contact angle φ, degrees (0 for a deep-groove ball bearing under radial load). */
  contactAngleDeg: number;
}

export interface BearingDefectFrequencies {
  /** Shaft rotation frequency fr, Hz. */
  shaftHz: number;
  /** Fundamental train (cage) frequency, Hz. */
  ftfHz: number;
  /** Ball pass frequency, outer race, Hz. */
  bpfoHz: number;
  /** Ball pass frequency, inner race, Hz. */
  bpfiHz: number;
  /** Ball (rolling element) spin frequency, Hz; a spall striking both races shows at 2 × BSF. */
  bsfHz: number;
}

/** Slip lowers the real frequencies by 1–3 %, so search ±3 % around each (iotbearings [S2]). */
export const BEARING_SLIP_FRACTION = 0.03;

/**
 * Defect frequencies (Hz) of a bearing on a shaft turning at `speedRpm` (r/min, > 0) with an
 * inner race that rotates and an outer race that is fixed.
 */
export function bearingDefectFrequencies(
  speedRpm: number,
  geometry: BearingGeometry,
): BearingDefectFrequencies {
  const {
    rollingElements: n,
    elementDiameterMm: d,
    pitchDiameterMm: D,
    contactAngleDeg,
  } = geometry;
  if (!(speedRpm > 0)) throw new RangeError(`speed must be > 0 r/min, got ${speedRpm}`);
  if (!Number.isInteger(n) || n < 1)
    throw new RangeError(`rolling elements must be a positive integer, got ${n}`);
  if (!(d > 0) || !(D > d))
    throw new RangeError(`need 0 < element diameter < pitch diameter, got d=${d}, D=${D}`);
  if (!(contactAngleDeg >= 0 && contactAngleDeg < 90))
    throw new RangeError(`contact angle must be in [0, 90) degrees, got ${contactAngleDeg}`);
  const fr = speedRpm / 60;
  const ratio = (d / D) * Math.cos((contactAngleDeg * Math.PI) / 180);
  return {
    shaftHz: fr,
    // iotbearings / codingace [S2]: FTF = (fr/2)·(1 − (d/D)cosφ)
    ftfHz: (fr / 2) * (1 - ratio),
    // iotbearings / codingace [S2]: BPFO = (n/2)·fr·(1 − (d/D)cosφ)
    bpfoHz: (n / 2) * fr * (1 - ratio),
    // iotbearings / codingace [S2]: BPFI = (n/2)·fr·(1 + (d/D)cosφ)
    bpfiHz: (n / 2) * fr * (1 + ratio),
    // iotbearings / codingace [S2]: BSF = (D/(2d))·fr·(1 − ((d/D)cosφ)²)
    bsfHz: (D / (2 * d)) * fr * (1 - ratio * ratio),
  };
}

export interface FrequencyBand {
  lowHz: number;
  highHz: number;
}

/** The band (Hz) to search around a defect frequency (Hz), ± `slipFraction` (default 3 %). */
export function slipBand(
  frequencyHz: number,
  slipFraction: number = BEARING_SLIP_FRACTION,
): FrequencyBand {
  if (!(slipFraction >= 0 && slipFraction < 1))
    throw new RangeError(`slip fraction must be in [0, 1), got ${slipFraction}`);
  return { lowHz: frequencyHz * (1 - slipFraction), highHz: frequencyHz * (1 + slipFraction) };
}

/** True when an observed peak (Hz) lies in the slip band of an expected defect frequency (Hz). */
export function inSlipBand(
  observedHz: number,
  expectedHz: number,
  slipFraction: number = BEARING_SLIP_FRACTION,
): boolean {
  const band = slipBand(expectedHz, slipFraction);
  return observedHz >= band.lowHz && observedHz <= band.highHz;
}

export type BearingDefect = 'ftf' | 'bpfo' | 'bpfi' | 'bsf';

/** The slip search band (Hz) of each defect frequency. */
export function bearingDefectBands(
  f: BearingDefectFrequencies,
  slipFraction: number = BEARING_SLIP_FRACTION,
): Record<BearingDefect, FrequencyBand> {
  return {
    ftf: slipBand(f.ftfHz, slipFraction),
    bpfo: slipBand(f.bpfoHz, slipFraction),
    bpfi: slipBand(f.bpfiHz, slipFraction),
    bsf: slipBand(f.bsfHz, slipFraction),
  };
}
