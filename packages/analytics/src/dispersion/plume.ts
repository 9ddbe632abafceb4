/**
 * Gaussian plume of a continuous point release with ground reflection and the Briggs (1973)
 * dispersion coefficients (shared/domain/dispersion.md §3.1). SI units: kg/s, m/s, m, kg/m3.
 */
import type { StabilityClass } from './stability';

export type Terrain = 'rural' | 'urban';

/** Crosswind (y) and vertical (z) standard deviations of the plume, m. */
export interface Sigmas {
  sigmaYM: number;
  sigmaZM: number;
}

// Briggs (1973) via CCPS (1999), dispersion.md §3.1 (from GasDispersion.jl briggs.jl):
// sigma = a·x·(1 + b·x)^p, one [a, b, p] per class for y and for z.
type Fit = readonly [a: number, b: number, p: number];
const BRIGGS: Record<Terrain, Record<StabilityClass, { y: Fit; z: Fit }>> = {
  rural: {
    A: { y: [0.22, 0.0001, -0.5], z: [0.2, 0, 1] },
    B: { y: [0.16, 0.0001, -0.5], z: [0.12, 0, 1] },
    C: { y: [0.11, 0.0001, -0.5], z: [0.08, 0.0002, -0.5] },
    D: { y: [0.08, 0.0001, -0.5], z: [0.06, 0.0015, -0.5] },
    E: { y: [0.06, 0.0001, -0.5], z: [0.03, 0.0003, -1] },
    F: { y: [0.04, 0.0001, -0.5], z: [0.016, 0.0003, -1] },
  },
  urban: {
    A: { y: [0.32, 0.0004, -0.5], z: [0.24, 0.001, 0.5] },
    B: { y: [0.32, 0.0004, -0.5], z: [0.24, 0.001, 0.5] },
    C: { y: [0.22, 0.0004, -0.5], z: [0.2, 0, 1] },
    D: { y: [0.16, 0.0004, -0.5], z: [0.14, 0.0003, -0.5] },
    E: { y: [0.11, 0.0004, -0.5], z: [0.08, 0.0015, -0.5] },
    F: { y: [0.11, 0.0004, -0.5], z: [0.08, 0.0015, -0.5] },
  },
};

/** The Briggs fits are meant for this downwind range, m (dispersion.md §3.1). */
export const BRIGGS_VALID_RANGE_M = { min: 100, max: 10_000 } as const;

/** Briggs σy and σz at `xM` metres downwind (rural or urban), m. */
export function briggsSigmas(stability: StabilityClass, xM: number, terrain: Terrain): Sigmas {
  const f = BRIGGS[terrain][stability];
  const s = ([a, b, p]: Fit) => a * xM * Math.pow(1 + b * xM, p);
  return { sigmaYM: s(f.y), sigmaZM: s(f.z) };
}

export interface PlumeParams {
  /** Release rate, kg/s. */
  releaseKgS: number;
  /** Wind speed at release height, m/s (the model needs at least 1 m/s). */
  windSpeedMs: number;
  stability: StabilityClass;
  terrain: Terrain;
  /** Effective release height, m (0: ground level). */
  heightM?: number;
}

/**
 * Concentration at (x downwind, y crosswind, z up) metres from the source, kg/m3; 0 upwind.
 * Gaussian plume with ground reflection (Turner 1970; dispersion.md §3.1):
 * C = Q/(2π·u·σy·σz) · exp(−y²/2σy²) · [exp(−(z−H)²/2σz²) + exp(−(z+H)²/2σz²)]
 */
export function plumeConcentration(p: PlumeParams, xM: number, yM = 0, zM = 0): number {
  if (!(xM > 0)) return 0;
  const h = p.heightM ?? 0;
  const { sigmaYM: sy, sigmaZM: sz } = briggsSigmas(p.stability, xM, p.terrain);
  const lateral = Math.exp(-(yM * yM) / (2 * sy * sy));
  const vertical =
    Math.exp(-((zM - h) ** 2) / (2 * sz * sz)) + Math.exp(-((zM + h) ** 2) / (2 * sz * sz));
  return (p.releaseKgS / (2 * Math.PI * p.windSpeedMs * sy * sz)) * lateral * vertical;
}

/**
 * Crosswind half-width, m, of the ground-level contour C = `levelKgM3` at `xM` metres downwind
 * (0 where the centreline is below the level): y = σy·√(2·ln(C(x,0,0)/level)).
 */
export function plumeHalfWidthM(p: PlumeParams, xM: number, levelKgM3: number): number {
  const c0 = plumeConcentration(p, xM);
  if (!(c0 > levelKgM3)) return 0;
  return briggsSigmas(p.stability, xM, p.terrain).sigmaYM * Math.sqrt(2 * Math.log(c0 / levelKgM3));
}

/**
 * The farthest downwind distance, m, at which the ground-level centreline concentration still
 * reaches `levelKgM3`, by bisection on C(x,0,0) = level between `minM` and `maxM`; `maxM` when the
 * plume is still above the level there, 0 when it is below it already at `minM`. For a ground
 * release C(x,0,0) falls monotonically with x, so the root is unique.
 */
export function maxDistanceToLevelM(
  p: PlumeParams,
  levelKgM3: number,
  minM = 1,
  maxM: number = BRIGGS_VALID_RANGE_M.max,
): number {
  const above = (x: number) => plumeConcentration(p, x) >= levelKgM3;
  if (!above(minM)) return 0;
  if (above(maxM)) return maxM;
  let lo = minM;
  let hi = maxM;
  // 60 halvings take any bracket below 10 km to well under a millimetre
  for (let i = 0; i < 60 && hi - lo > 1e-3; i++) {
    const mid = (lo + hi) / 2;
    if (above(mid)) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
