/**
 * The network model of a complex. Coordinates are site metres: x east, y north, z up, with the
 * origin at the site's south-west corner (`Site.origin` gives its latitude and longitude).
 * Every asset carries its owner's `companyId`.
 */

/** [x, y, z] in site metres. */
export type Vec3 = [number, number, number];
/** [x, y] in site metres. */
export type Vec2 = [number, number];

export type SubstanceId =
  | 'benzene'
  | 'ammonia'
  | 'chlorine'
  | 'sour_gas'
  | 'hydrogen_sulfide'
  | 'hydrogen_fluoride'
  | 'naphtha'
  | 'ethylene'
  | 'propylene'
  | 'lpg'
  | 'hydrogen'
  | 'steam'
  | 'water';

/** Levels of concern in ppm for the 60-minute exposure unless the table says otherwise. */
export interface LevelsOfConcern {
  /** Tier 1 (discomfort), tier 2 (serious or irreversible), tier 3 (life-threatening). */
  ppm: [number, number, number];
  /** Source of the numbers, one line. */
  source: string;
}

export interface Substance {
  id: SubstanceId;
  name: string;
  formula: string;
  /** CAS registry number; null for mixtures. */
  cas: string | null;
  /** Molar mass, g/mol. */
  molarMassGMol: number;
  /** Phase in the line at operating conditions. */
  phase: 'liquid' | 'gas' | 'liquefied_gas' | 'vapour';
  /** Density at typical line conditions, kg/m3. */
  densityKgM3: number;
  /** Bulk modulus at line conditions, Pa (sets the pressure-wave speed). */
  bulkModulusPa: number;
  toxic: boolean;
  flammable: boolean;
  /** Heavier than air when released: the Gaussian plume underestimates it. */
  denseGas: boolean;
  /** Lower flammability limit, volume percent in air; null if not flammable. */
  lflPct: number | null;
  aegl: LevelsOfConcern | null;
  erpg: LevelsOfConcern | null;
  /** For a mixture, the component that sets the toxic hazard and its mole fraction. */
  toxicComponent: { substance: SubstanceId; moleFraction: number } | null;
  /** API 570 piping class this service falls in (1 highest consequence .. 4). */
  pipingClass: 1 | 2 | 3 | 4;
}

export type Material = 'carbon_steel' | 'stainless_304' | 'stainless_316' | 'low_alloy_steel';
export type Placement = 'rack' | 'buried' | 'sleeper';

export interface Site {
  id: string;
  name: string;
  /** Latitude and longitude of the local origin (0, 0). */
  origin: { lat: number; lon: number };
  /** Extent of all assets, site metres. */
  bounds: { min: Vec3; max: Vec3 };
  /** Shoreline as a polyline in site metres (sea on its south side); empty if inland. */
  coastline: Vec2[];
}

/** An operator area: the unit of responsibility for alarms and the detector's shard. */
export interface Area {
  id: string;
  name: string;
}

export interface Company {
  id: string;
  name: string;
  /** Three to five capital letters, used in tags (`HNB-21-PT-1001`). */
  shortName: string;
  areaId: string;
  /** Plot outline, closed implicitly, site metres. */
  plot: Vec2[];
}

export interface Line {
  id: string;
  companyId: string;
  /** The owner's line number, e.g. `HNB-L-0042`. */
  tag: string;
  name: string;
  substanceId: SubstanceId;
  areaId: string;
  /** Nominal flow at normal load, m3/h at line conditions. */
  nominalFlowM3h: number;
  /** Operating pressure at the line's inlet, kPa gauge. */
  inletPressureKpa: number;
  /** Operating temperature, degC. */
  operatingTempC: number;
}

export type NodeKind = 'terminal' | 'junction' | 'equipment' | 'valve';

export interface PlantNode {
  id: string;
  companyId: string;
  kind: NodeKind;
  position: Vec3;
}

export interface Segment {
  id: string;
  companyId: string;
  lineId: string;
  /** Index of this segment along its line, from the inlet (0-based). */
  order: number;
  fromNodeId: string;
  toNodeId: string;
  /** Centreline from the from-node to the to-node, at least two points, site metres. */
  path: Vec3[];
  lengthM: number;
  /** Outside diameter, mm. */
  diameterMm: number;
  /** Nominal wall thickness, mm. */
  wallMm: number;
  /** Corrosion allowance, mm. */
  corrosionAllowanceMm: number;
  material: Material;
  installYear: number;
  substanceId: SubstanceId;
  /** Design pressure, kPa gauge. */
  designPressureKpa: number;
  /** Design temperature, degC. */
  designTempC: number;
  pipingClass: 1 | 2 | 3 | 4;
  placement: Placement;
  areaId: string;
}

export type EquipmentKind = 'pump' | 'compressor' | 'valve' | 'tank';

export interface Equipment {
  id: string;
  companyId: string;
  kind: EquipmentKind;
  tag: string;
  name: string;
  position: Vec3;
  areaId: string;
  lineId: string | null;
  /** The node it sits on (valves, pumps, compressors at a line's inlet, tanks at its ends). */
  nodeId: string | null;
  /** Rotating equipment: rated power kW, speed r/min, ISO 10816-3 machine group and foundation. */
  ratedKw?: number;
  speedRpm?: number;
  machineGroup?: 1 | 2;
  foundation?: 'rigid' | 'flexible';
  /** Valves: whether it isolates the line (emergency block valve). */
  isolation?: boolean;
  /** Tanks: capacity, m3. */
  capacityM3?: number;
}

export type DeviceKind = 'rtu' | 'condition_monitor' | 'weather_station' | 'test_rig';

/** A gateway that publishes telemetry for the sensors wired to it. */
export interface Device {
  id: string;
  companyId: string;
  kind: DeviceKind;
  name: string;
  areaId: string;
}

export type Quantity =
  | 'pressure'
  | 'flow'
  | 'temperature'
  | 'vibration_rms'
  | 'vibration_kurtosis'
  | 'bearing_temperature'
  | 'motor_current'
  | 'discharge_pressure'
  | 'wind_speed'
  | 'wind_direction'
  | 'cloud_cover'
  | 'air_temperature'
  | 'level'
  | 'acceleration_rms'
  | 'voltage';

export interface SensorDef {
  /** Instrument tag, unique within the company. */
  tag: string;
  companyId: string;
  deviceId: string;
  quantity: Quantity;
  /** SI-based unit as stored: kPa, m3/h, degC, mm/s, 1, A, m/s, deg, okta, m, g, V, L/min. */
  unit: string;
  segmentId: string | null;
  equipmentId: string | null;
  /** Distance from the segment's start, metres (segment sensors only). */
  positionM: number | null;
}

export type PlantSize = 'small' | 'default' | 'large';

export interface PlantModel {
  meta: {
    /** `generator` for the synthetic complex, `geojson` for an imported network. */
    source: 'generator' | 'geojson';
    /** Seed and size for generated complexes. */
    seed: number | null;
    size: PlantSize | null;
    /** Bumped when the generator's output changes for the same seed. */
    version: number;
  };
  site: Site;
  areas: Area[];
  companies: Company[];
  substances: Substance[];
  lines: Line[];
  nodes: PlantNode[];
  segments: Segment[];
  equipment: Equipment[];
  devices: Device[];
  sensors: SensorDef[];
}
