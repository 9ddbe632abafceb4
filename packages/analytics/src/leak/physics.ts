/** Pipe hydraulics the leak detector rests on, each formula with its source. SI units. */

/** Young's modulus of carbon and stainless pipe steel, Pa (about 200 GPa). */
export const STEEL_YOUNG_PA = 200e9;

/**
 * Speed of a pressure wave in a fluid-filled elastic pipe, m/s.
 * @param bulkModulusPa fluid bulk modulus K, Pa
 * @param densityKgM3 fluid density, kg/m3
 * @param innerDiameterM inner diameter D, m
 * @param wallM wall thickness e, m
 */
export function waveSpeedMs(
  bulkModulusPa: number,
  densityKgM3: number,
  innerDiameterM: number,
  wallM: number,
  youngPa = STEEL_YOUNG_PA,
): number {
  // Korteweg (leak-detection.md 2.1): a = sqrt(K/rho) / sqrt(1 + K D / (E e)), c1 = 1
  return (
    Math.sqrt(bulkModulusPa / densityKgM3) /
    Math.sqrt(1 + (bulkModulusPa * innerDiameterM) / (youngPa * wallM))
  );
}

/**
 * Bulk modulus of fluid and pipe wall together, Pa: what sets how much a stretch of pipe packs
 * per unit of pressure (line pack).
 */
export function effectiveBulkModulusPa(
  bulkModulusPa: number,
  innerDiameterM: number,
  wallM: number,
  youngPa = STEEL_YOUNG_PA,
): number {
  // 1/K_eff = 1/K + D/(E e): the fluid compresses and the wall stretches (Wylie & Streeter, ch. 2)
  return 1 / (1 / bulkModulusPa + innerDiameterM / (youngPa * wallM));
}

/**
 * Leak rate that sends a negative pressure wave of `stepPa`, m3/s.
 * @param stepPa size of the pressure drop at the front, Pa
 * @param densityKgM3 fluid density, kg/m3
 * @param waveMs wave speed a, m/s
 * @param areaM2 inner cross-section A, m2
 */
export function leakRateFromWaveM3s(
  stepPa: number,
  densityKgM3: number,
  waveMs: number,
  areaM2: number,
): number {
  // Joukowsky dp = rho a dv; the withdrawal q feeds two waves leaving the hole, dv = q / (2 A) each
  return (2 * areaM2 * stepPa) / (densityKgM3 * waveMs);
}
