/**
 * Threat zones of a continuous release in the manner of ALOHA (shared/domain/dispersion.md §3.3):
 * for up to three levels of concern, the ground-level footprint where the Gaussian plume reaches
 * the level, as a polygon rotated to the wind, and its farthest downwind distance.
 */
import { substanceById } from '@ct/plant';
import {
  BRIGGS_VALID_RANGE_M,
  maxDistanceToLevelM,
  plumeHalfWidthM,
  type PlumeParams,
  type Terrain,
} from './plume';
import { pasquillStability, type StabilityClass, type StabilityEntry } from './stability';
import { ppmToMgM3 } from './units';

export type ZoneLevel = 'red' | 'orange' | 'yellow';

/** The part of a catalogue substance (`@ct/plant`) the dispersion model reads. */
export interface DispersionSubstance {
  id: string;
  name: string;
  /** g/mol */
  molarMassGMol: number;
  phase?: 'liquid' | 'gas' | 'liquefied_gas' | 'vapour';
  /** Heavier than air when released (the Gaussian plume underestimates it). */
  denseGas: boolean;
  flammable: boolean;
  /** Lower flammability limit, vol %. */
  lflPct: number | null;
  /** Tier 1, 2, 3 in ppm. */
  aegl: { ppm: readonly [number, number, number]; source: string } | null;
  erpg: { ppm: readonly [number, number, number]; source: string } | null;
  /** A mixture whose toxic hazard is one component at this mole fraction. */
  toxicComponent: { substance: string; moleFraction: number } | null;
}

/** A level of concern: its name and its concentration in ppm of the gas it applies to. */
export interface Concern {
  name: string;
  ppm: number;
  /** The same level in mg/m3 at the input temperature. */
  mgM3: number;
  /** Where the number comes from. */
  source: string;
}

export interface ThreatZone {
  level: ZoneLevel;
  concern: Concern;
  /** Farthest downwind distance where the ground-level concentration reaches the level, m. */
  maxDistanceM: number;
  /** Widest crosswind half-width of the footprint, m. */
  maxHalfWidthM: number;
  /**
   * Footprint in site metres relative to the source (x east, y north), a closed ring (first
   * point repeated last), counter-clockwise, starting at the source.
   */
  polygon: [number, number][];
}

export type Hazard = 'toxic' | 'flammable';

export interface ThreatZoneInput {
  /** Catalogue id (`@ct/plant` SUBSTANCE_IDS), e.g. `chlorine`. */
  substanceId: string;
  /** Rate of gas (or vapour) entering the air, kg/s. */
  releaseKgS: number;
  /** Wind speed at 10 m, m/s. */
  windSpeedMs: number;
  /** Direction the wind blows FROM, degrees clockwise from north. */
  windFromDeg: number;
  /** Cloud cover, oktas (0..8). */
  cloudOktas: number;
  isDaytime: boolean;
  /** Urban (rough) terrain: Briggs urban sigmas; default rural (open country). */
  urban?: boolean;
  /** Air temperature for ppm <-> mg/m3, °C (default 25). */
  temperatureC?: number;
  /** Sun elevation, degrees, to refine daytime insolation (see `insolationFor`). */
  solarElevationDeg?: number;
  /** Force a stability class instead of deriving it from wind and cloud. */
  stability?: StabilityClass;
  /** Toxic (default when the substance has toxic levels) or flammable (LFL-based) zones. */
  hazard?: Hazard;
  /** Levels of concern to use instead of the catalogue's, ppm of the released gas. */
  levels?: { level: ZoneLevel; name: string; ppm: number; source?: string }[];
  /** A substance the catalogue does not hold (or an edited one). */
  substance?: DispersionSubstance;
  /** Farthest distance searched, m (default 10 km, the end of the Briggs fits). */
  maxSearchM?: number;
  /** Points along each side of a footprint (default 48). */
  polygonPoints?: number;
}

export interface ThreatZones {
  substanceId: string;
  stability: StabilityClass;
  /** The NOAA table entry (a mixed `C-D` resolves to the more stable `D`). */
  stabilityEntry: StabilityEntry;
  terrain: Terrain;
  /** Wind speed the plume used, m/s (at least 1). */
  windSpeedMs: number;
  windFromDeg: number;
  /** What the zones measure; null when the substance has neither toxic nor flammable levels. */
  hazard: Hazard | null;
  /** Red, orange, yellow in that order; a level the plume never reaches is left out. */
  zones: ThreatZone[];
  denseGas: boolean;
  warnings: string[];
}

/** Molar mass of dry air, g/mol: a heavier gas is flagged dense. */
const AIR_MOLAR_MASS_G_MOL = 28.96;
/** The Gaussian plume is not defined in calm air; ALOHA also needs at least 1 m/s. */
const MIN_WIND_MS = 1;
/** ALOHA's flammable levels of concern: 60 % LEL (flame pockets) and 10 % LEL [S2]. */
const LFL_FRACTIONS: { level: ZoneLevel; fraction: number }[] = [
  { level: 'red', fraction: 0.6 },
  { level: 'yellow', fraction: 0.1 },
];
const LEVELS: ZoneLevel[] = ['red', 'orange', 'yellow'];
const TIER_OF: Record<ZoneLevel, 0 | 1 | 2> = { red: 2, orange: 1, yellow: 0 };

function catalogueSubstance(id: string): DispersionSubstance {
  const s = substanceById(id);
  if (!s)
    throw new RangeError(
      `unknown substance "${id}"; pass \`substance\` for one outside the catalogue`,
    );
  return s;
}

interface Plan {
  hazard: Hazard | null;
  /** The gas whose concentration is compared with the levels. */
  gas: DispersionSubstance;
  /** Its release rate, kg/s. */
  gasKgS: number;
  levels: { level: ZoneLevel; name: string; ppm: number; source: string }[];
  notes: string[];
}

/** Which levels apply: AEGL, else ERPG, else a toxic component's, else LFL fractions. */
function plan(sub: DispersionSubstance, input: ThreatZoneInput): Plan {
  if (input.levels) {
    return {
      hazard: input.hazard ?? 'toxic',
      gas: sub,
      gasKgS: input.releaseKgS,
      levels: input.levels.map((l) => ({ ...l, source: l.source ?? 'given by the caller' })),
      notes: [],
    };
  }
  const toxicLevels = (s: DispersionSubstance) => {
    const set = s.aegl
      ? { tiers: s.aegl, name: 'AEGL' }
      : s.erpg
        ? { tiers: s.erpg, name: 'ERPG' }
        : null;
    if (!set) return null;
    return LEVELS.map((level) => ({
      level,
      name: `${set.name}-${TIER_OF[level] + 1}${set.name === 'AEGL' ? ' (60 min)' : ''}`,
      ppm: set.tiers.ppm[TIER_OF[level]],
      source: set.tiers.source,
    }));
  };
  if (input.hazard !== 'flammable') {
    const own = toxicLevels(sub);
    if (own) return { hazard: 'toxic', gas: sub, gasKgS: input.releaseKgS, levels: own, notes: [] };
    if (sub.toxicComponent) {
      const comp =
        input.substance && input.substance.id === sub.toxicComponent.substance
          ? input.substance
          : catalogueSubstance(sub.toxicComponent.substance);
      const levels = toxicLevels(comp);
      if (levels) {
        const x = sub.toxicComponent.moleFraction;
        // mass fraction of the component = x · M_component / M_mixture
        const massFraction = (x * comp.molarMassGMol) / sub.molarMassGMol;
        return {
          hazard: 'toxic',
          gas: comp,
          gasKgS: input.releaseKgS * massFraction,
          levels: levels.map((l) => ({ ...l, name: `${l.name}, ${comp.name}` })),
          notes: [
            `${sub.name}: zones for its ${comp.name} (${(x * 100).toFixed(3).replace(/\.?0+$/, '')} mol %, ${(massFraction * input.releaseKgS).toPrecision(3)} kg/s)`,
          ],
        };
      }
    }
    if (input.hazard === 'toxic')
      return {
        hazard: null,
        gas: sub,
        gasKgS: 0,
        levels: [],
        notes: [`${sub.name} has no toxic levels of concern`],
      };
  }
  if (sub.flammable && sub.lflPct !== null) {
    const lflPpm = sub.lflPct * 10_000;
    return {
      hazard: 'flammable',
      gas: sub,
      gasKgS: input.releaseKgS,
      levels: LFL_FRACTIONS.map(({ level, fraction }) => ({
        level,
        name: `${fraction * 100} % LFL`,
        ppm: lflPpm * fraction,
        source: `LFL ${sub.lflPct} vol %; 60 % and 10 % of the LFL as in ALOHA`,
      })),
      notes:
        input.hazard === 'flammable'
          ? []
          : [
              `${sub.name} has no toxic levels of concern: the zones are flammable ones (60 % and 10 % of the LFL)`,
            ],
    };
  }
  return {
    hazard: null,
    gas: sub,
    gasKgS: 0,
    levels: [],
    notes: [`${sub.name} has no toxic levels of concern and is not flammable: no threat zones`],
  };
}

/**
 * Red, orange and yellow threat zones (tier 3/2/1: AEGL, else ERPG; flammables without toxic
 * levels get 60 % and 10 % LFL) of a continuous ground-level release of `releaseKgS` kg/s, with
 * the stability class from wind speed (m/s) and cloud (oktas), as polygons in site metres
 * relative to the source, rotated so they extend downwind of `windFromDeg`.
 */
export function computeThreatZones(input: ThreatZoneInput): ThreatZones {
  const { releaseKgS, windFromDeg } = input;
  if (!(releaseKgS >= 0) || !Number.isFinite(releaseKgS))
    throw new RangeError(`release rate must be a finite number >= 0 kg/s, got ${releaseKgS}`);
  if (!Number.isFinite(windFromDeg))
    throw new RangeError(`wind direction must be a finite number of degrees, got ${windFromDeg}`);
  const sub = input.substance ?? catalogueSubstance(input.substanceId);
  const temperatureC = input.temperatureC ?? 25;
  const terrain: Terrain = input.urban ? 'urban' : 'rural';
  const derived = pasquillStability({
    windSpeedMs: input.windSpeedMs,
    cloudOktas: input.cloudOktas,
    isDaytime: input.isDaytime,
    solarElevationDeg: input.solarElevationDeg,
  });
  const stability = input.stability ?? derived.stability;
  const stabilityEntry = input.stability ?? derived.entry;
  const warnings: string[] = [];
  const windSpeedMs = Math.max(MIN_WIND_MS, input.windSpeedMs);
  if (input.windSpeedMs < MIN_WIND_MS)
    warnings.push(
      `wind ${input.windSpeedMs} m/s is below 1 m/s, where the Gaussian plume does not hold: computed at 1 m/s; in calm air a cloud pools around the source`,
    );
  const denseGas = sub.denseGas || sub.molarMassGMol > AIR_MOLAR_MASS_G_MOL;
  if (denseGas)
    warnings.push(
      `${sub.name} is a dense gas: the Gaussian plume (neutrally buoyant) underestimates its ground-level concentrations and misplaces the zones; confirm with a heavy-gas model`,
    );
  if (sub.phase === 'liquid')
    warnings.push(
      `${sub.name} leaks as a liquid: the release rate is taken as vapour entering the air; a pool evaporates more slowly, so these zones are an upper bound`,
    );
  const p = plan(sub, input);
  warnings.push(...p.notes);

  const plume: PlumeParams = { releaseKgS: p.gasKgS, windSpeedMs, stability, terrain };
  const maxSearchM = input.maxSearchM ?? BRIGGS_VALID_RANGE_M.max;
  const n = Math.max(8, Math.round(input.polygonPoints ?? 48));
  const rad = (windFromDeg * Math.PI) / 180;
  // downwind unit vector (toward windFrom + 180°) and crosswind unit vector 90° to its left
  const dx = -Math.sin(rad);
  const dy = -Math.cos(rad);
  const toSite = (x: number, y: number): [number, number] => [
    round3(x * dx - y * dy),
    round3(x * dy + y * dx),
  ];

  const zones: ThreatZone[] = [];
  for (const l of p.levels) {
    const concern: Concern = {
      name: l.name,
      ppm: l.ppm,
      mgM3: ppmToMgM3(l.ppm, p.gas.molarMassGMol, temperatureC),
      source: l.source,
    };
    if (p.gasKgS === 0) continue;
    const levelKgM3 = concern.mgM3 * 1e-6;
    const maxDistanceM = maxDistanceToLevelM(plume, levelKgM3, 1, maxSearchM);
    if (maxDistanceM === 0) {
      warnings.push(`${l.level} zone: ${l.name} (${l.ppm} ppm) is not reached beyond 1 m`);
      continue;
    }
    if (maxDistanceM >= maxSearchM)
      warnings.push(
        `${l.level} zone: ${l.name} extends beyond ${maxSearchM / 1000} km (the end of the Briggs fits); cut there`,
      );
    else if (maxDistanceM < BRIGGS_VALID_RANGE_M.min)
      warnings.push(
        `${l.level} zone: ${l.name} ends within ${BRIGGS_VALID_RANGE_M.min} m, below the Briggs fits' range; its size is indicative`,
      );
    // Points crowd at both ends (cosine spacing), where the contour turns fastest.
    const xs: number[] = [];
    for (let i = 1; i < n; i++) xs.push((maxDistanceM * (1 - Math.cos((Math.PI * i) / n))) / 2);
    const half = xs.map((x) => plumeHalfWidthM(plume, x, levelKgM3));
    let maxHalfWidthM = 0;
    for (let i = 1; i <= 400; i++)
      maxHalfWidthM = Math.max(
        maxHalfWidthM,
        plumeHalfWidthM(plume, (maxDistanceM * i) / 401, levelKgM3),
      );
    const polygon: [number, number][] = [[0, 0]];
    for (let i = 0; i < xs.length; i++) polygon.push(toSite(xs[i]!, -half[i]!));
    polygon.push(toSite(maxDistanceM, 0));
    for (let i = xs.length - 1; i >= 0; i--) polygon.push(toSite(xs[i]!, half[i]!));
    polygon.push([0, 0]);
    zones.push({ level: l.level, concern, maxDistanceM, maxHalfWidthM, polygon });
  }
  return {
    substanceId: sub.id,
    stability,
    stabilityEntry,
    terrain,
    windSpeedMs,
    windFromDeg: ((windFromDeg % 360) + 360) % 360,
    hazard: p.hazard,
    zones,
    denseGas,
    warnings,
  };
}

function round3(v: number): number {
  // millimetres are plenty, and -0 would print oddly
  return Math.round(v * 1000) / 1000 + 0;
}

/**
 * The record a leak alert stores in `detail.threat_zones` (snake_case, as
 * `ThreatZonesDetailSchema` in @ct/contracts reads it): the result with its inputs and the
 * release point `source` in site metres.
 */
export interface ThreatZonesRecord {
  source_xy: [number, number];
  substance_id: string;
  release_kg_s: number;
  wind_speed_ms: number;
  wind_from_deg: number;
  stability: StabilityClass;
  hazard: Hazard | null;
  dense_gas: boolean;
  warnings: string[];
  zones: {
    level: ZoneLevel;
    concern: { name: string; ppm: number };
    max_distance_m: number;
    polygon: [number, number][];
  }[];
}

/** `computeThreatZones`' result in the stored (snake_case) form, with the source position. */
export function toThreatZonesDetail(
  source: readonly [number, number],
  input: Pick<ThreatZoneInput, 'releaseKgS'>,
  r: ThreatZones,
): ThreatZonesRecord {
  return {
    source_xy: [source[0], source[1]],
    substance_id: r.substanceId,
    release_kg_s: input.releaseKgS,
    wind_speed_ms: r.windSpeedMs,
    wind_from_deg: r.windFromDeg,
    stability: r.stability,
    hazard: r.hazard,
    dense_gas: r.denseGas,
    warnings: r.warnings,
    zones: r.zones.map((z) => ({
      level: z.level,
      concern: { name: z.concern.name, ppm: z.concern.ppm },
      max_distance_m: z.maxDistanceM,
      polygon: z.polygon,
    })),
  };
}
