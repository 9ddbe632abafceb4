/** Gas concentration units (shared/domain/dispersion.md §3.2). */

/** Standard atmosphere, kPa. */
export const STANDARD_PRESSURE_KPA = 101.325;

/**
 * Molar volume of an ideal gas, L/mol, at `temperatureC` (°C) and `pressureKpa` (kPa).
 * dispersion.md §3.2: Vm = 22.414 × (T/273.15) × (101.325/P); 24.465 at 25 °C (tables often
 * round it to 24.45).
 */
export function molarVolumeLMol(temperatureC = 25, pressureKpa = STANDARD_PRESSURE_KPA): number {
  const t = temperatureC + 273.15;
  if (!(t > 0))
    throw new RangeError(`temperature must be above absolute zero, got ${temperatureC} °C`);
  if (!(pressureKpa > 0)) throw new RangeError(`pressure must be positive, got ${pressureKpa} kPa`);
  return 22.414 * (t / 273.15) * (STANDARD_PRESSURE_KPA / pressureKpa);
}

/** ppm (by volume) to mg/m3 for a gas of molar mass `molarMassGMol`: mg/m3 = ppm × MW / Vm. */
export function ppmToMgM3(
  ppm: number,
  molarMassGMol: number,
  temperatureC = 25,
  pressureKpa = STANDARD_PRESSURE_KPA,
): number {
  return (ppm * molarMassGMol) / molarVolumeLMol(temperatureC, pressureKpa);
}

/** mg/m3 to ppm (by volume): ppm = mg/m3 × Vm / MW. */
export function mgM3ToPpm(
  mgM3: number,
  molarMassGMol: number,
  temperatureC = 25,
  pressureKpa = STANDARD_PRESSURE_KPA,
): number {
  return (mgM3 * molarVolumeLMol(temperatureC, pressureKpa)) / molarMassGMol;
}
