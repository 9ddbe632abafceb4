/** Formulas the simulator's signals rest on, each with its source. SI units unless named. */

/** Young's modulus of pipe steel, Pa. */
export const STEEL_E_PA = 200e9;

/** Friction factor for turbulent flow in commercial steel pipe (Moody chart, Re 1e5-1e7). */
export const DARCY_FRICTION_FACTOR = 0.015;

/**
 * Pressure-wave speed in a liquid-filled elastic pipe, m/s.
 * @param bulkModulusPa fluid bulk modulus K, Pa
 * @param densityKgM3 fluid density rho, kg/m3
 * @param diameterM pipe (inner) diameter D, m
 * @param wallM wall thickness e, m
 * @param youngPa pipe Young's modulus E, Pa
 */
export function kortewegWaveSpeed(
  bulkModulusPa: number,
  densityKgM3: number,
  diameterM: number,
  wallM: number,
  youngPa = STEEL_E_PA,
): number {
  // Korteweg (leak-detection.md 2.1): a = sqrt(K/rho) / sqrt(1 + (K D)/(E e) c1), c1 = 1
  const a0 = Math.sqrt(bulkModulusPa / densityKgM3);
  return a0 / Math.sqrt(1 + (bulkModulusPa * diameterM) / (youngPa * wallM));
}

/**
 * Pressure step of a sudden velocity change, Pa.
 * @param densityKgM3 rho, kg/m3
 * @param waveSpeedMs a, m/s
 * @param deltaVelocityMs dv, m/s
 */
export function joukowskyPa(
  densityKgM3: number,
  waveSpeedMs: number,
  deltaVelocityMs: number,
): number {
  // Joukowsky (1898): dp = rho a dv
  return densityKgM3 * waveSpeedMs * deltaVelocityMs;
}

/**
 * Friction pressure gradient of a full pipe, Pa/m.
 * @param densityKgM3 rho, kg/m3
 * @param velocityMs mean velocity v, m/s
 * @param diameterM inner diameter D, m
 */
export function darcyGradientPaPerM(
  densityKgM3: number,
  velocityMs: number,
  diameterM: number,
): number {
  // Darcy-Weisbach: dp/dx = f rho v^2 / (2 D)
  return (DARCY_FRICTION_FACTOR * densityKgM3 * velocityMs * velocityMs) / (2 * diameterM);
}

/** Zone boundaries of ISO 10816-3 (mm/s r.m.s.), rotating-equipment.md 4.1, Annex A. */
export interface VibrationZones {
  ab: number;
  bc: number;
  cd: number;
}

/** ISO 10816-3:2009 Tables A.1/A.2 (verify against the standard: rotating-equipment.md 4.1 [M]). */
export function iso10816Zones(group: 1 | 2, foundation: 'rigid' | 'flexible'): VibrationZones {
  if (group === 1) {
    return foundation === 'rigid' ? { ab: 2.3, bc: 4.5, cd: 7.1 } : { ab: 3.5, bc: 7.1, cd: 11 };
  }
  return foundation === 'rigid' ? { ab: 1.4, bc: 2.8, cd: 4.5 } : { ab: 2.3, bc: 4.5, cd: 7.1 };
}

/** Supply voltage of a motor of this size, V: medium voltage above 200 kW, else 400 V. */
export function motorVoltage(ratedKw: number): number {
  return ratedKw > 200 ? 6600 : 400;
}

/**
 * Line current of a three-phase induction motor, A.
 * @param shaftKw mechanical power delivered, kW
 * @param voltageV line-to-line voltage, V
 */
export function motorCurrentA(shaftKw: number, voltageV: number): number {
  // P_el = sqrt(3) U I cos(phi); P_shaft = eta P_el, with cos(phi) = 0.87 and eta = 0.95 typical
  return (shaftKw * 1000) / (Math.sqrt(3) * voltageV * 0.87 * 0.95);
}

/** Cross-section area of a pipe of inner diameter `diameterM`, m2. */
export function pipeArea(diameterM: number): number {
  return (Math.PI * diameterM * diameterM) / 4;
}
