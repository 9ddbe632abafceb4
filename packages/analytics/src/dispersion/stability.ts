/**
 * Pasquill-Gifford atmospheric stability class from surface wind speed and sun or cloud
 * (shared/domain/dispersion.md §3.1, the NOAA READY table after Pasquill 1961).
 */

export type StabilityClass = 'A' | 'B' | 'C' | 'D' | 'E' | 'F';
export type Insolation = 'strong' | 'moderate' | 'slight';

export const STABILITY_CLASSES: readonly StabilityClass[] = ['A', 'B', 'C', 'D', 'E', 'F'];

/** A NOAA table entry: one class or a mixed pair such as `A-B`. */
export type StabilityEntry = StabilityClass | `${StabilityClass}-${StabilityClass}`;

// NOAA READY (https://www.ready.noaa.gov/READYpgclass.php): rows are the wind bands
// < 2, 2-3, 3-5, 5-6, > 6 m/s; columns day strong/moderate/slight, night cloudy/clear.
const NOAA_TABLE: readonly (readonly StabilityEntry[])[] = [
  ['A', 'A-B', 'B', 'E', 'F'],
  ['A-B', 'B', 'C', 'E', 'F'],
  ['B', 'B-C', 'C', 'D', 'E'],
  ['C', 'C-D', 'D', 'D', 'D'],
  ['C', 'D', 'D', 'D', 'D'],
];

/** Upper bounds (exclusive) of the NOAA wind bands, m/s at 10 m. */
const WIND_BANDS_MS = [2, 3, 5, 6];

export interface StabilityInput {
  /** Wind speed at 10 m, m/s. */
  windSpeedMs: number;
  /** Total cloud cover, oktas (0 clear .. 8 overcast). */
  cloudOktas: number;
  /** Between one hour after sunrise and one hour before sunset (NOAA's "night" is the rest). */
  isDaytime: boolean;
  /** Daytime insolation when known; otherwise derived from `solarElevationDeg` and cloud. */
  insolation?: Insolation | undefined;
  /** Sun elevation above the horizon, degrees; refines the insolation in daytime. */
  solarElevationDeg?: number | undefined;
}

export interface StabilityResult {
  stability: StabilityClass;
  /** The table entry it came from (`B-C` for a mixed class resolved to `C`). */
  entry: StabilityEntry;
  /** The table column used. */
  column: Insolation | 'night_cloudy' | 'night_clear' | 'overcast';
}

/**
 * Daytime insolation from sun elevation and cloud. Turner's split of elevation (strong above
 * 60°, moderate 35-60°, slight below 35°) lowered one step by 5-7 oktas of cloud [M]. Without an
 * elevation the sun is taken as moderate (slight with 5-7 oktas): the more stable guess, since
 * strong sun would give smaller zones.
 */
export function insolationFor(cloudOktas: number, solarElevationDeg?: number): Insolation {
  const order: Insolation[] = ['strong', 'moderate', 'slight'];
  let i =
    solarElevationDeg === undefined
      ? 1
      : solarElevationDeg > 60
        ? 0
        : solarElevationDeg > 35
          ? 1
          : 2;
  if (cloudOktas >= 5) i = Math.min(2, i + 1);
  return order[i]!;
}

/** The more stable class of a mixed table entry (`A-B` -> `B`), for conservatism (§3.1). */
export function resolveEntry(entry: StabilityEntry): StabilityClass {
  return (entry.length === 1 ? entry : entry.slice(2)) as StabilityClass;
}

/**
 * Pasquill-Gifford class from the NOAA table. Overcast (8 oktas) is D day or night, as NOAA
 * says; at night more than 4 oktas is the "thin overcast or > 4/8 low cloud" column. Mixed
 * entries resolve to the more stable class. Wind speed in m/s at 10 m; bands are lower-inclusive
 * (exactly 2 m/s falls in 2-3).
 */
export function pasquillStability(input: StabilityInput): StabilityResult {
  const { windSpeedMs, cloudOktas, isDaytime } = input;
  if (!(windSpeedMs >= 0) || !Number.isFinite(windSpeedMs))
    throw new RangeError(`wind speed must be a finite number >= 0 m/s, got ${windSpeedMs}`);
  if (!(cloudOktas >= 0 && cloudOktas <= 8))
    throw new RangeError(`cloud cover must be 0..8 oktas, got ${cloudOktas}`);
  if (cloudOktas >= 8) return { stability: 'D', entry: 'D', column: 'overcast' };
  let row = WIND_BANDS_MS.findIndex((upper) => windSpeedMs < upper);
  if (row < 0) row = WIND_BANDS_MS.length;
  let column: StabilityResult['column'];
  let col: number;
  if (isDaytime) {
    column = input.insolation ?? insolationFor(cloudOktas, input.solarElevationDeg);
    col = column === 'strong' ? 0 : column === 'moderate' ? 1 : 2;
  } else {
    column = cloudOktas > 4 ? 'night_cloudy' : 'night_clear';
    col = cloudOktas > 4 ? 3 : 4;
  }
  const entry = NOAA_TABLE[row]![col]!;
  return { stability: resolveEntry(entry), entry, column };
}
