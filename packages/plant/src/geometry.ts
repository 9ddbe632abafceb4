import type {
  Company,
  DeviceKind,
  Equipment,
  EquipmentKind,
  PlantModel,
  PlantNode,
  Segment,
  Vec2,
  Vec3,
} from './model';

/** Length of a polyline, metres (site metres in, metres out). */
export function polylineLength(path: readonly Vec3[]): number {
  let total = 0;
  for (let i = 1; i < path.length; i++) {
    const a = path[i - 1]!;
    const b = path[i]!;
    total += Math.hypot(b[0] - a[0], b[1] - a[1], b[2] - a[2]);
  }
  return total;
}

/**
 * The point `distanceM` metres along a polyline from its first point, clamped to its ends.
 * Site metres in and out.
 */
export function pointAlong(path: readonly Vec3[], distanceM: number): Vec3 {
  const first = path[0];
  if (!first) throw new RangeError('pointAlong: the path has no points');
  if (!(distanceM > 0)) return [first[0], first[1], first[2]];
  let left = distanceM;
  for (let i = 1; i < path.length; i++) {
    const a = path[i - 1]!;
    const b = path[i]!;
    const leg = Math.hypot(b[0] - a[0], b[1] - a[1], b[2] - a[2]);
    if (left <= leg && leg > 0) {
      const t = left / leg;
      return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
    }
    left -= leg;
  }
  const last = path[path.length - 1]!;
  return [last[0], last[1], last[2]];
}

/**
 * The part of a polyline between two distances from its start (metres, 0 <= from < to <= length):
 * the two cut points and every vertex strictly between them. Cut points are rounded to `decimals`.
 */
export function slicePolyline(
  path: readonly Vec3[],
  fromM: number,
  toM: number,
  decimals = 3,
): Vec3[] {
  const out: Vec3[] = [roundVec(pointAlong(path, fromM), decimals)];
  let at = 0;
  for (let i = 1; i < path.length; i++) {
    const a = path[i - 1]!;
    const b = path[i]!;
    at += Math.hypot(b[0] - a[0], b[1] - a[1], b[2] - a[2]);
    // Vertices within a millimetre of a cut would add a zero-length leg.
    if (at > fromM + 1e-3 && at < toM - 1e-3) out.push([b[0], b[1], b[2]]);
  }
  out.push(roundVec(pointAlong(path, toM), decimals));
  return out;
}

/** A point rounded to `decimals` places (millimetres by default), site metres. */
export function roundVec(v: Vec3, decimals = 3): Vec3 {
  const f = 10 ** decimals;
  return [Math.round(v[0] * f) / f, Math.round(v[1] * f) / f, Math.round(v[2] * f) / f];
}

/** Smallest box holding every point of a model, site metres. */
export function boundsOf(points: Iterable<readonly number[]>): { min: Vec3; max: Vec3 } {
  const min: Vec3 = [Infinity, Infinity, Infinity];
  const max: Vec3 = [-Infinity, -Infinity, -Infinity];
  for (const p of points) {
    for (let k = 0; k < 3; k++) {
      const v = p[k] ?? 0;
      if (v < min[k]!) min[k] = v;
      if (v > max[k]!) max[k] = v;
    }
  }
  if (min[0] === Infinity) return { min: [0, 0, 0], max: [0, 0, 0] };
  return { min, max };
}

/** Every point a model places in space: nodes, pipe paths, equipment, plots and coastline. */
export function* modelPoints(parts: {
  nodes: readonly PlantNode[];
  segments: readonly Segment[];
  equipment: readonly Equipment[];
  companies: readonly Company[];
  coastline: readonly Vec2[];
}): Generator<readonly number[]> {
  for (const n of parts.nodes) yield n.position;
  for (const s of parts.segments) yield* s.path;
  for (const e of parts.equipment) yield e.position;
  for (const c of parts.companies) yield* c.plot;
  yield* parts.coastline;
}

export interface PlantSummary {
  areas: number;
  companies: number;
  lines: number;
  nodes: number;
  segments: number;
  sensors: number;
  equipment: Record<EquipmentKind, number>;
  devices: Record<DeviceKind, number>;
  /** Total pipe length, km. */
  totalPipeKm: number;
  /** The year ages are counted to. */
  referenceYear: number;
  /** Share (0-1) of pipe length installed more than 20 years before `referenceYear`. */
  shareOlderThan20y: number;
}

/** Counts per kind, total pipe length (km) and the share of length older than 20 years. */
export function plantSummary(model: PlantModel, referenceYear: number): PlantSummary {
  const equipment: Record<EquipmentKind, number> = { pump: 0, compressor: 0, valve: 0, tank: 0 };
  for (const e of model.equipment) equipment[e.kind]++;
  const devices: Record<DeviceKind, number> = {
    rtu: 0,
    condition_monitor: 0,
    weather_station: 0,
    test_rig: 0,
  };
  for (const d of model.devices) devices[d.kind]++;
  let totalM = 0;
  let oldM = 0;
  for (const s of model.segments) {
    totalM += s.lengthM;
    if (referenceYear - s.installYear > 20) oldM += s.lengthM;
  }
  return {
    areas: model.areas.length,
    companies: model.companies.length,
    lines: model.lines.length,
    nodes: model.nodes.length,
    segments: model.segments.length,
    sensors: model.sensors.length,
    equipment,
    devices,
    totalPipeKm: totalM / 1000,
    referenceYear,
    shareOlderThan20y: totalM > 0 ? oldM / totalM : 0,
  };
}
