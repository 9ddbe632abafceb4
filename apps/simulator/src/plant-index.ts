import type {
  Device,
  Equipment,
  Line,
  PlantModel,
  Quantity,
  Segment,
  SensorDef,
  Substance,
} from '@ct/plant';
import { hashString } from './noise';
import {
  darcyGradientPaPerM,
  iso10816Zones,
  kortewegWaveSpeed,
  motorCurrentA,
  motorVoltage,
  pipeArea,
  type VibrationZones,
} from './physics';

/** Share of the inlet pressure that friction may take at nominal flow (keeps every outlet > 0). */
const MAX_FRICTION_SHARE = 0.35;

/** One segment with what the signals need, positions in metres from the line's inlet. */
export interface SimSegment {
  segment: Segment;
  startM: number;
  lengthM: number;
  innerDiameterM: number;
  areaM2: number;
  waveSpeedMs: number;
  /** Wave travel time from the line's inlet to this segment's start, s. */
  travelStartS: number;
  /** Friction drop from the inlet to this segment's start at nominal flow, kPa. */
  dropStartKpa: number;
  /** Friction gradient at nominal flow, kPa/m. */
  dropGradKpaPerM: number;
}

export interface SimLine {
  index: number;
  line: Line;
  key: number;
  substance: Substance;
  segments: SimSegment[];
  lengthM: number;
  /** Friction drop over the whole line at nominal flow, kPa. */
  dropTotalKpa: number;
  /** Amplitude of the daily load swing (0.1-0.2). */
  swing: number;
  /** Time for a leak's pressure transient to settle, ms (two wave transits, at least 5 s). */
  relaxMs: number;
  /** Sensors on the line's segments (indexes into SimPlant.sensors). */
  sensorIndexes: number[];
  /** Rotating machines on this line. */
  machineIndexes: number[];
}

export interface SimMachine {
  index: number;
  equipment: Equipment;
  key: number;
  line: SimLine | null;
  zones: VibrationZones;
  /** Healthy vibration r.m.s. at nominal load, mm/s. */
  baselineVibMmS: number;
  baselineBearingC: number;
  nominalCurrentA: number;
  voltageV: number;
  ratedKw: number;
  speedRpm: number;
}

export type RigChannel = 'ACC1' | 'ACC2' | 'CUR' | 'PRS' | 'TMP' | 'THC' | 'VLT' | 'FLW';
export const RIG_CHANNELS: readonly RigChannel[] = [
  'ACC1',
  'ACC2',
  'CUR',
  'PRS',
  'TMP',
  'THC',
  'VLT',
  'FLW',
];

/** How a sensor's value is made. */
export type SensorRole =
  | { kind: 'line'; line: SimLine; segment: SimSegment; positionM: number }
  | { kind: 'machine'; machine: SimMachine }
  | { kind: 'weather' }
  | { kind: 'rig'; channel: RigChannel }
  | { kind: 'other' };

export interface SimSensor {
  index: number;
  def: SensorDef;
  tag: string;
  quantity: Quantity;
  key: number;
  role: SensorRole;
  /** Nominal (noise-free, no-incident, nominal-load) value, in the sensor's unit. */
  nominal: number;
  /** Standard deviation of the measurement noise, in the sensor's unit. */
  sigma: number;
  /** Decimals published. */
  decimals: number;
}

export interface SimDevice {
  index: number;
  device: Device;
  sensorIndexes: number[];
}

/** The plant, indexed and with every static number the signals need computed once. */
export interface SimPlant {
  plant: PlantModel;
  seed: number;
  seedKey: number;
  lines: SimLine[];
  machines: SimMachine[];
  sensors: SimSensor[];
  devices: SimDevice[];
  sensorByTag: Map<string, SimSensor>;
  segmentById: Map<string, { line: SimLine; segment: SimSegment }>;
  /** By equipment id and by tag. */
  machineByRef: Map<string, SimMachine>;
  equipmentByRef: Map<string, Equipment>;
  /** Local time offset of the site, hours (Korea: UTC+9). */
  utcOffsetH: number;
}

const DECIMALS: Record<Quantity, number> = {
  pressure: 2,
  flow: 3,
  temperature: 2,
  vibration_rms: 3,
  vibration_kurtosis: 3,
  bearing_temperature: 2,
  motor_current: 2,
  discharge_pressure: 2,
  wind_speed: 2,
  wind_direction: 1,
  cloud_cover: 0,
  air_temperature: 2,
  level: 3,
  acceleration_rms: 5,
  voltage: 2,
};

/** A deterministic number in [0, 1) for a key and a salt (static per-asset variety). */
function staticUniform(seedKey: number, key: number, salt: string): number {
  let h = (seedKey ^ key ^ hashString(salt)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/** Site longitude to a whole-hour UTC offset (Korea at 127.7 E gives 9). */
function utcOffsetFor(plant: PlantModel): number {
  const lon = plant.site.origin.lon;
  return Number.isFinite(lon) ? Math.round(lon / 15) : 9;
}

/** Indexes a plant for simulation; all per-asset constants are derived from `seed`. */
export function indexPlant(plant: PlantModel, seed: number): SimPlant {
  const seedKey = hashString(`seed:${seed}`);
  const substances = new Map(plant.substances.map((s) => [s.id, s]));
  const segsByLine = new Map<string, Segment[]>();
  for (const s of plant.segments) {
    const list = segsByLine.get(s.lineId);
    if (list) list.push(s);
    else segsByLine.set(s.lineId, [s]);
  }

  const lines: SimLine[] = [];
  const segmentById = new Map<string, { line: SimLine; segment: SimSegment }>();
  for (const line of plant.lines) {
    const segs = (segsByLine.get(line.id) ?? []).slice().sort((a, b) => a.order - b.order);
    const substance =
      substances.get(line.substanceId) ?? substances.get(segs[0]?.substanceId ?? 'water');
    if (!substance)
      throw new Error(`line ${line.id}: substance ${line.substanceId} is not in the plant`);
    const key = hashString(`line:${line.id}`);
    let startM = 0;
    let travel = 0;
    let drop = 0;
    const simSegs: SimSegment[] = segs.map((segment) => {
      const sub = substances.get(segment.substanceId) ?? substance;
      const innerD = Math.max(0.005, (segment.diameterMm - 2 * segment.wallMm) / 1000);
      const area = pipeArea(innerD);
      const a = kortewegWaveSpeed(
        sub.bulkModulusPa,
        sub.densityKgM3,
        innerD,
        segment.wallMm / 1000,
      );
      const v = line.nominalFlowM3h / 3600 / area;
      const grad = darcyGradientPaPerM(sub.densityKgM3, v, innerD) / 1000;
      const s: SimSegment = {
        segment,
        startM,
        lengthM: segment.lengthM,
        innerDiameterM: innerD,
        areaM2: area,
        waveSpeedMs: a,
        travelStartS: travel,
        dropStartKpa: drop,
        dropGradKpaPerM: grad,
      };
      startM += segment.lengthM;
      travel += segment.lengthM / a;
      drop += grad * segment.lengthM;
      return s;
    });
    // Real lines are sized so friction takes a modest share of the inlet pressure; scale the
    // friction factor down where the synthetic sizing would have it take more.
    const cap = MAX_FRICTION_SHARE * line.inletPressureKpa;
    if (drop > cap && drop > 0) {
      const f = cap / drop;
      for (const s of simSegs) {
        s.dropStartKpa *= f;
        s.dropGradKpaPerM *= f;
      }
      drop = cap;
    }
    const sl: SimLine = {
      index: lines.length,
      line,
      key,
      substance,
      segments: simSegs,
      lengthM: startM,
      dropTotalKpa: drop,
      swing: 0.1 + 0.1 * staticUniform(seedKey, key, 'swing'),
      relaxMs: Math.max(5000, 2000 * travel),
      sensorIndexes: [],
      machineIndexes: [],
    };
    lines.push(sl);
    for (const s of simSegs) segmentById.set(s.segment.id, { line: sl, segment: s });
  }
  const lineById = new Map(lines.map((l) => [l.line.id, l]));

  const machines: SimMachine[] = [];
  const machineByRef = new Map<string, SimMachine>();
  const equipmentByRef = new Map<string, Equipment>();
  for (const e of plant.equipment) {
    equipmentByRef.set(e.id, e);
    if (!equipmentByRef.has(e.tag)) equipmentByRef.set(e.tag, e);
    if (e.kind !== 'pump' && e.kind !== 'compressor') continue;
    const key = hashString(`eq:${e.id}`);
    const ratedKw = e.ratedKw ?? 110;
    const group = e.machineGroup ?? (ratedKw > 300 ? 1 : 2);
    const zones = iso10816Zones(group, e.foundation ?? 'rigid');
    const line = e.lineId ? (lineById.get(e.lineId) ?? null) : null;
    const voltageV = motorVoltage(ratedKw);
    const m: SimMachine = {
      index: machines.length,
      equipment: e,
      key,
      line,
      zones,
      // Healthy machines sit in zone A or low zone B.
      baselineVibMmS: zones.ab * (0.5 + 0.6 * staticUniform(seedKey, key, 'vib')),
      baselineBearingC: 50 + 7 * staticUniform(seedKey, key, 'tbrg'),
      nominalCurrentA: motorCurrentA(0.75 * ratedKw, voltageV),
      voltageV,
      ratedKw,
      speedRpm: e.speedRpm ?? 2980,
    };
    machines.push(m);
    machineByRef.set(e.id, m);
    if (!machineByRef.has(e.tag)) machineByRef.set(e.tag, m);
    if (line) line.machineIndexes.push(m.index);
  }

  const devicesById = new Map(plant.devices.map((d) => [d.id, d]));
  const sensors: SimSensor[] = [];
  const sensorByTag = new Map<string, SimSensor>();
  const rigSeen = new Map<string, number>();
  for (const def of plant.sensors) {
    const device = devicesById.get(def.deviceId);
    const role = roleOf(def, device, segmentById, machineByRef, equipmentByRef, lineById, rigSeen);
    const s: SimSensor = {
      index: sensors.length,
      def,
      tag: def.tag,
      quantity: def.quantity,
      key: hashString(`sensor:${def.companyId}:${def.tag}`),
      role,
      nominal: 0,
      sigma: 0,
      decimals: DECIMALS[def.quantity] ?? 3,
    };
    const { nominal, sigma } = nominalAndSigma(s);
    s.nominal = nominal;
    s.sigma = sigma;
    sensors.push(s);
    if (!sensorByTag.has(def.tag)) sensorByTag.set(def.tag, s);
    if (role.kind === 'line') role.line.sensorIndexes.push(s.index);
  }

  const devices: SimDevice[] = plant.devices.map((device, index) => ({
    index,
    device,
    sensorIndexes: [],
  }));
  const deviceIndex = new Map(devices.map((d) => [d.device.id, d]));
  for (const s of sensors) deviceIndex.get(s.def.deviceId)?.sensorIndexes.push(s.index);

  return {
    plant,
    seed,
    seedKey,
    lines,
    machines,
    sensors,
    devices: devices.filter((d) => d.sensorIndexes.length > 0),
    sensorByTag,
    segmentById,
    machineByRef,
    equipmentByRef,
    utcOffsetH: utcOffsetFor(plant),
  };
}

const WEATHER_QUANTITIES = new Set<Quantity>([
  'wind_speed',
  'wind_direction',
  'cloud_cover',
  'air_temperature',
]);

function roleOf(
  def: SensorDef,
  device: Device | undefined,
  segmentById: Map<string, { line: SimLine; segment: SimSegment }>,
  machineByRef: Map<string, SimMachine>,
  equipmentByRef: Map<string, Equipment>,
  lineById: Map<string, SimLine>,
  rigSeen: Map<string, number>,
): SensorRole {
  const lineQuantity =
    def.quantity === 'pressure' || def.quantity === 'flow' || def.quantity === 'temperature';
  if (device?.kind === 'test_rig') {
    const suffix = RIG_CHANNELS.find((c) => def.tag.toUpperCase().endsWith(`-${c}`));
    if (suffix) return { kind: 'rig', channel: suffix };
    // Without SKAB-style tags, take the rig's channels in SKAB's column order by quantity.
    const byQuantity: Partial<Record<Quantity, RigChannel[]>> = {
      acceleration_rms: ['ACC1', 'ACC2'],
      motor_current: ['CUR'],
      pressure: ['PRS'],
      temperature: ['TMP', 'THC'],
      voltage: ['VLT'],
      flow: ['FLW'],
    };
    const k = `${def.deviceId}:${def.quantity}`;
    const n = rigSeen.get(k) ?? 0;
    rigSeen.set(k, n + 1);
    const channel = byQuantity[def.quantity]?.[n];
    return channel ? { kind: 'rig', channel } : { kind: 'other' };
  }
  if (WEATHER_QUANTITIES.has(def.quantity)) return { kind: 'weather' };
  if (def.segmentId && lineQuantity) {
    const hit = segmentById.get(def.segmentId);
    if (hit) {
      const pos = Math.min(
        Math.max(def.positionM ?? hit.segment.lengthM / 2, 0),
        hit.segment.lengthM,
      );
      return {
        kind: 'line',
        line: hit.line,
        segment: hit.segment,
        positionM: hit.segment.startM + pos,
      };
    }
  }
  if (def.equipmentId) {
    const m = machineByRef.get(def.equipmentId);
    if (m && !lineQuantity) return { kind: 'machine', machine: m };
    if (m && def.quantity === 'pressure') return { kind: 'machine', machine: m };
    const e = equipmentByRef.get(def.equipmentId);
    const line = e?.lineId ? lineById.get(e.lineId) : undefined;
    if (line && lineQuantity && line.segments.length > 0) {
      const first = line.segments[0]!;
      return { kind: 'line', line, segment: first, positionM: 0 };
    }
    if (m) return { kind: 'machine', machine: m };
  }
  return { kind: 'other' };
}

/**
 * SKAB anomaly-free.csv per column, in SKAB's units (g, A, bar, degC, V, L/min): the mean, the
 * slowly wandering part and the sample-to-sample (white) part of its standard deviation, split by
 * comparing the column's standard deviation with that of its first differences.
 */
export const SKAB_NORMAL: Readonly<
  Record<RigChannel, { mean: number; slow: number; white: number }>
> = {
  ACC1: { mean: 0.2126, slow: 0.0043, white: 0.0013 },
  ACC2: { mean: 0.2684, slow: 0.0035, white: 0.0013 },
  CUR: { mean: 2.403, slow: 0, white: 0.486 },
  PRS: { mean: 0.1113, slow: 0, white: 0.2533 },
  TMP: { mean: 89.47, slow: 0.645, white: 0.167 },
  THC: { mean: 28.47, slow: 0.731, white: 0.005 },
  VLT: { mean: 228.65, slow: 0, white: 10.98 },
  FLW: { mean: 125.24, slow: 1.52, white: 0.36 },
};

/** SKAB's pressure transducer reads in steps of this many bar (values 0.054711 + k * step). */
export const SKAB_PRESSURE_STEP_BAR = 0.327927;
export const SKAB_PRESSURE_OFFSET_BAR = 0.054711;

/** SKAB column units to ours: bar to kPa, L/min to m3/h, the rest unchanged. */
export const RIG_UNIT_FACTOR: Readonly<Record<RigChannel, number>> = {
  ACC1: 1,
  ACC2: 1,
  CUR: 1,
  PRS: 100,
  TMP: 1,
  THC: 1,
  VLT: 1,
  FLW: 0.06,
};

/** Nominal value at the line position, kPa (friction at nominal flow). */
export function nominalPressureKpa(line: SimLine, segment: SimSegment, positionM: number): number {
  return (
    line.line.inletPressureKpa -
    (segment.dropStartKpa + segment.dropGradKpaPerM * (positionM - segment.startM))
  );
}

function nominalAndSigma(s: SimSensor): { nominal: number; sigma: number } {
  const r = s.role;
  switch (r.kind) {
    case 'line': {
      if (s.quantity === 'pressure') {
        const p = nominalPressureKpa(r.line, r.segment, r.positionM);
        return { nominal: p, sigma: Math.max(0.02, 0.0015 * p) };
      }
      if (s.quantity === 'flow') {
        const q = r.line.line.nominalFlowM3h;
        return { nominal: q, sigma: 0.005 * q };
      }
      return { nominal: r.line.line.operatingTempC, sigma: 0.1 };
    }
    case 'machine': {
      const m = r.machine;
      switch (s.quantity) {
        case 'vibration_rms':
          return { nominal: m.baselineVibMmS, sigma: 0.03 * m.baselineVibMmS };
        case 'vibration_kurtosis':
          return { nominal: 3, sigma: 0.12 };
        case 'bearing_temperature':
          return { nominal: m.baselineBearingC, sigma: 0.2 };
        case 'motor_current':
          return { nominal: m.nominalCurrentA, sigma: 0.005 * m.nominalCurrentA };
        case 'discharge_pressure':
        case 'pressure': {
          const p = (m.line?.line.inletPressureKpa ?? 500) * 1.02;
          return { nominal: p, sigma: 0.0015 * p };
        }
        case 'acceleration_rms': {
          const g = accelerationG(m.baselineVibMmS, m.speedRpm);
          return { nominal: g, sigma: 0.03 * g };
        }
        case 'voltage':
          return { nominal: m.voltageV, sigma: 0.003 * m.voltageV };
        default:
          return { nominal: 1, sigma: 0.01 };
      }
    }
    case 'weather':
      switch (s.quantity) {
        case 'wind_speed':
          return { nominal: 4, sigma: 0.3 };
        case 'wind_direction':
          return { nominal: 180, sigma: 6 };
        case 'cloud_cover':
          return { nominal: 4, sigma: 0 };
        default:
          return { nominal: 15, sigma: 0.1 };
      }
    case 'rig': {
      const n = SKAB_NORMAL[r.channel];
      const f = RIG_UNIT_FACTOR[r.channel];
      return { nominal: n.mean * f, sigma: n.white * f };
    }
    case 'other':
      return otherNominal(s.quantity);
  }
}

/** Velocity r.m.s. (mm/s) to acceleration r.m.s. (g) at the running speed: a = 2 pi f v. */
export function accelerationG(vibMmS: number, speedRpm: number): number {
  return (2 * Math.PI * (speedRpm / 60) * vibMmS) / 1000 / 9.80665;
}

function otherNominal(q: Quantity): { nominal: number; sigma: number } {
  switch (q) {
    case 'level':
      return { nominal: 8, sigma: 0.01 };
    case 'voltage':
      return { nominal: 400, sigma: 1 };
    case 'pressure':
    case 'discharge_pressure':
      return { nominal: 500, sigma: 0.75 };
    case 'flow':
      return { nominal: 100, sigma: 0.5 };
    case 'temperature':
    case 'bearing_temperature':
      return { nominal: 40, sigma: 0.1 };
    case 'vibration_rms':
      return { nominal: 1.5, sigma: 0.05 };
    case 'vibration_kurtosis':
      return { nominal: 3, sigma: 0.12 };
    case 'motor_current':
      return { nominal: 50, sigma: 0.25 };
    case 'acceleration_rms':
      return { nominal: 0.2, sigma: 0.005 };
    default:
      return { nominal: 1, sigma: 0.01 };
  }
}
