/**
 * What the leak detector needs to know about each line, read once from the plant model: the
 * monitor's line description (segments, stations), where its isolation valves sit along it,
 * its geometry (to place a leak in site coordinates) and who owns it.
 */
import type { LineSpec } from '@ct/analytics';
import type { Company, Equipment, Line, PlantModel, Segment, Substance, Vec3 } from '@ct/plant';

export interface LineValve {
  equipment: Equipment;
  /** Along the line from its inlet, m. */
  atM: number;
}

export interface PlantLine {
  line: Line;
  company: Company;
  substance: Substance;
  spec: LineSpec;
  segments: Segment[];
  /** Start of each segment along the line, m. */
  startsM: number[];
  lengthM: number;
  /** Isolation valves on the line, ordered from the inlet. */
  valves: LineValve[];
  /** Devices publishing its sensors (for the subscriptions). */
  devices: { company: string; device: string }[];
}

export interface PlantLines {
  lines: PlantLine[];
  byId: Map<string, PlantLine>;
  /** `<company>/<tag>` of a line sensor -> its line and the monitor's key (the tag). */
  bySensor: Map<string, PlantLine>;
  /** The weather station's sensors, `<company>/<tag>` -> quantity. */
  weather: Map<string, string>;
  weatherDevices: { company: string; device: string }[];
}

/** Builds the lines of the given areas (all when null). */
export function plantLines(plant: PlantModel, areas: string[] | null): PlantLines {
  const companies = new Map(plant.companies.map((c) => [c.id, c]));
  const substances = new Map(plant.substances.map((s) => [s.id, s]));
  const segsByLine = new Map<string, Segment[]>();
  for (const s of plant.segments) {
    const list = segsByLine.get(s.lineId);
    if (list) list.push(s);
    else segsByLine.set(s.lineId, [s]);
  }
  const sensorsBySegment = new Map<string, PlantModel['sensors']>();
  for (const s of plant.sensors) {
    if (!s.segmentId) continue;
    const list = sensorsBySegment.get(s.segmentId);
    if (list) list.push(s);
    else sensorsBySegment.set(s.segmentId, [s]);
  }
  const lines: PlantLine[] = [];
  const bySensor = new Map<string, PlantLine>();
  for (const line of plant.lines) {
    if (areas && !areas.includes(line.areaId)) continue;
    const segments = (segsByLine.get(line.id) ?? []).sort((a, b) => a.order - b.order);
    const substance = substances.get(line.substanceId);
    const company = companies.get(line.companyId);
    if (segments.length === 0 || !substance || !company) continue;
    const startsM: number[] = [];
    let at = 0;
    for (const s of segments) {
      startsM.push(at);
      at += s.lengthM;
    }
    const sensors: LineSpec['sensors'] = [];
    const devices = new Map<string, { company: string; device: string }>();
    segments.forEach((seg, i) => {
      for (const s of sensorsBySegment.get(seg.id) ?? []) {
        if (s.quantity !== 'pressure' && s.quantity !== 'flow') continue;
        sensors.push({
          key: s.tag,
          tag: s.tag,
          quantity: s.quantity,
          positionM: startsM[i]! + (s.positionM ?? 0),
        });
        devices.set(`${s.companyId}/${s.deviceId}`, { company: s.companyId, device: s.deviceId });
      }
    });
    const nodeAt = new Map<string, number>();
    segments.forEach((s, i) => {
      if (!nodeAt.has(s.fromNodeId)) nodeAt.set(s.fromNodeId, startsM[i]!);
      nodeAt.set(s.toNodeId, startsM[i]! + s.lengthM);
    });
    const valves = plant.equipment
      .filter((e) => e.kind === 'valve' && e.isolation && e.nodeId && nodeAt.has(e.nodeId))
      .map((e) => ({ equipment: e, atM: nodeAt.get(e.nodeId!)! }))
      .sort((a, b) => a.atM - b.atM);
    const pl: PlantLine = {
      line,
      company,
      substance,
      segments,
      startsM,
      lengthM: at,
      valves,
      devices: [...devices.values()],
      spec: {
        id: line.id,
        nominalFlowM3h: line.nominalFlowM3h,
        densityKgM3: substance.densityKgM3,
        bulkModulusPa: substance.bulkModulusPa,
        segments: segments.map((s, i) => ({
          id: s.id,
          startM: startsM[i]!,
          lengthM: s.lengthM,
          innerDiameterM: Math.max((s.diameterMm - 2 * s.wallMm) / 1000, 0.01),
          wallM: s.wallMm / 1000,
        })),
        sensors,
      },
    };
    lines.push(pl);
    for (const s of sensors) bySensor.set(`${line.companyId}/${s.tag}`, pl);
  }
  const weather = new Map<string, string>();
  const weatherDevices = new Map<string, { company: string; device: string }>();
  const stations = new Set(
    plant.devices.filter((d) => d.kind === 'weather_station').map((d) => `${d.companyId}/${d.id}`),
  );
  for (const s of plant.sensors) {
    if (!stations.has(`${s.companyId}/${s.deviceId}`)) continue;
    weather.set(`${s.companyId}/${s.tag}`, s.quantity);
    weatherDevices.set(`${s.companyId}/${s.deviceId}`, {
      company: s.companyId,
      device: s.deviceId,
    });
  }
  return {
    lines,
    byId: new Map(lines.map((l) => [l.line.id, l])),
    bySensor,
    weather,
    weatherDevices: [...weatherDevices.values()],
  };
}

/** The point `positionM` along the line, in site metres. */
export function pointAlong(pl: PlantLine, positionM: number): Vec3 {
  let i = pl.startsM.length - 1;
  while (i > 0 && pl.startsM[i]! > positionM) i--;
  const seg = pl.segments[i]!;
  let left = Math.min(Math.max(positionM - pl.startsM[i]!, 0), seg.lengthM);
  const path = seg.path;
  for (let k = 1; k < path.length; k++) {
    const a = path[k - 1]!;
    const b = path[k]!;
    const d = Math.hypot(b[0] - a[0], b[1] - a[1], b[2] - a[2]);
    if (left <= d || k === path.length - 1) {
      const f = d > 0 ? Math.min(left / d, 1) : 0;
      return [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2])];
    }
    left -= d;
  }
  return path[0]!;
}
