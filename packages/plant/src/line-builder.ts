import type {
  Device,
  Equipment,
  Line,
  Material,
  NodeKind,
  Placement,
  PlantNode,
  Segment,
  SensorDef,
  SubstanceId,
  Vec3,
} from './model';
import { pointAlong, polylineLength, roundVec, slicePolyline } from './geometry';
import { instrumentLine, instrumentMachine } from './instrumentation';
import { sizeForFlow, wallForDesign } from './pipe-sizes';
import type { Rng } from './random';
import type { Service } from './company-roles';
import { substanceById } from './substances';

/** A required node along a line: a plot boundary (battery limit) or the shore. */
export interface Cut {
  atM: number;
  kind: 'boundary' | 'shore';
}

/** Everything the builder needs to lay one line. */
export interface LinePlan {
  companyId: string;
  shortName: string;
  lineNo: number;
  areaId: string;
  substanceId: SubstanceId;
  service: Service;
  name: string;
  path: Vec3[];
  cuts: Cut[];
  /** Node spacing range, metres. */
  spacingM: readonly [number, number];
  placement: Placement;
  flowM3h: number;
  installYear: number;
  /** Capacity of a tank at the inlet / outlet, m3; null for none. */
  inletTankM3: number | null;
  outletTankM3: number | null;
}

// source: domain knowledge [M]: IEC standard motor ratings, kW
const MOTOR_KW = [
  18.5, 22, 30, 37, 45, 55, 75, 90, 110, 132, 160, 200, 250, 315, 355, 400, 450, 500, 560, 630, 710,
  800, 900, 1000, 1250, 1600, 2000, 2500, 3150, 4000, 5000, 6300, 8000, 10000, 12500, 16000, 20000,
  25000,
];

/** The synthetic complex is described as it stands in this year. */
export const PRESENT_YEAR = 2025;

const MIN_SEGMENT_M = 51;
const MAX_SEGMENT_M = 590;

/** Accumulates the network of a generated complex, one line at a time. */
export class NetworkBuilder {
  readonly lines: Line[] = [];
  readonly nodes: PlantNode[] = [];
  readonly segments: Segment[] = [];
  readonly equipment: Equipment[] = [];
  readonly devices: Device[] = [];
  readonly sensors: SensorDef[] = [];

  constructor(private readonly rng: Rng) {}

  /** Lays a line; returns its number of segments (0 when the path is too short to split). */
  addLine(plan: LinePlan): number {
    const { rng } = this;
    const total = polylineLength(plan.path);
    if (total < MIN_SEGMENT_M) return 0;
    const num = String(plan.lineNo).padStart(4, '0');
    const sn = plan.shortName;
    const lineId = `${sn.toLowerCase()}-l${num}`;
    const svc = plan.service;
    const inletPressureKpa =
      Math.round(rng.range(svc.pressureKpa[0], svc.pressureKpa[1]) / 10) * 10;
    const operatingTempC = Math.round(rng.range(svc.tempC[0], svc.tempC[1]));
    const line: Line = {
      id: lineId,
      companyId: plan.companyId,
      tag: `${sn}-L-${num}`,
      name: plan.name,
      substanceId: plan.substanceId,
      areaId: plan.areaId,
      nominalFlowM3h: Math.round(plan.flowM3h * 10) / 10,
      inletPressureKpa,
      operatingTempC,
    };
    this.lines.push(line);

    // source: domain knowledge [M]: design >= 110 % of operating and >= operating + 170 kPa
    const designPressureKpa =
      Math.ceil(Math.max(inletPressureKpa * 1.1, inletPressureKpa + 170) / 50) * 50;
    // source: domain knowledge [M]: 25 °C margin above operating, 15 °C below for cold service
    const designTempC =
      operatingTempC < 0 ? operatingTempC - 15 : Math.ceil((operatingTempC + 25) / 5) * 5;
    const material: Material = svc.material;
    const stainless = material === 'stainless_304' || material === 'stainless_316';
    // source: pipe-integrity.md §1.2 (CS 1/16 in = 1.6 mm typical; stainless often 0)
    const corrosionAllowanceMm = stainless ? 0 : svc.corrosionAllowanceMm;
    const diameterMm = sizeForFlow(plan.flowM3h, svc.velocityMs);
    const wallMm = wallForDesign(
      diameterMm,
      material,
      designPressureKpa,
      designTempC,
      corrosionAllowanceMm,
    );
    const substance = substanceById(plan.substanceId);

    const { stations, required } = this.stations(plan, total);
    const nodeIds: string[] = [];
    stations.forEach((atM, k) => {
      const id = `${lineId}-n${String(k).padStart(2, '0')}`;
      nodeIds.push(id);
      this.nodes.push({
        id,
        companyId: plan.companyId,
        kind: 'junction',
        position: roundVec(pointAlong(plan.path, atM)),
      });
    });
    const firstNode = this.nodes.length - stations.length;

    const segs: Segment[] = [];
    // Older lines have had more of their pipe replaced.
    const replaceChance = Math.min(
      0.3,
      Math.max(0, (PRESENT_YEAR - plan.installYear - 10) * 0.007),
    );
    for (let k = 0; k + 1 < stations.length; k++) {
      const path = slicePolyline(plan.path, stations[k]!, stations[k + 1]!);
      const replaced = plan.installYear + 8 <= PRESENT_YEAR && rng.chance(replaceChance);
      segs.push({
        id: `${lineId}-s${String(k).padStart(2, '0')}`,
        companyId: plan.companyId,
        lineId,
        order: k,
        fromNodeId: nodeIds[k]!,
        toNodeId: nodeIds[k + 1]!,
        path,
        lengthM: polylineLength(path),
        diameterMm,
        wallMm,
        corrosionAllowanceMm,
        material,
        installYear: replaced
          ? rng.int(Math.max(plan.installYear + 8, 1990), PRESENT_YEAR)
          : plan.installYear,
        substanceId: plan.substanceId,
        designPressureKpa,
        designTempC,
        pipingClass: substance.pipingClass,
        placement: plan.placement,
        areaId: plan.areaId,
      });
    }
    this.segments.push(...segs);

    // Equipment is tagged after the line number: P-0042, K-0042, XV-0042-01, TK-0042A.
    const nodeAt = (k: number): PlantNode => this.nodes[firstNode + k]!;
    const kinds: NodeKind[] = stations.map(() => 'junction');
    const base = (kind: Equipment['kind'], tag: string, name: string, k: number): Equipment => {
      const node = nodeAt(k);
      return {
        id: tag.toLowerCase(),
        companyId: plan.companyId,
        kind,
        tag,
        name,
        position: [node.position[0], node.position[1], kind === 'valve' ? node.position[2] : 0],
        areaId: plan.areaId,
        lineId,
        nodeId: node.id,
      };
    };
    const last = stations.length - 1;
    if (plan.inletTankM3 !== null) {
      this.equipment.push(
        this.tank(base('tank', `${sn}-TK-${num}A`, `Tank ${num}A`, 0), plan.inletTankM3),
      );
      kinds[0] = 'equipment';
    }
    if (svc.driver !== null) {
      const pump = svc.driver === 'pump';
      const tag = `${sn}-${pump ? 'P' : 'K'}-${num}`;
      const machine = base(
        pump ? 'pump' : 'compressor',
        tag,
        `${pump ? 'Pump' : 'Compressor'} ${tag.slice(sn.length + 1)}`,
        0,
      );
      this.rotating(machine, pump, plan.flowM3h, inletPressureKpa);
      this.equipment.push(machine);
      const cm = instrumentMachine(machine, `${machine.id}-cm`);
      this.devices.push(...cm.devices);
      this.sensors.push(...cm.sensors);
      kinds[0] = 'equipment';
    }
    if (plan.outletTankM3 !== null) {
      this.equipment.push(
        this.tank(base('tank', `${sn}-TK-${num}B`, `Tank ${num}B`, last), plan.outletTankM3),
      );
      kinds[last] = 'equipment';
    }
    let valveNo = 0;
    let sinceIsolation = 0;
    const isolateEvery = rng.int(5, 9);
    for (let k = 0; k <= last; k++) {
      sinceIsolation++;
      const isolation = k === 0 || k === last || required.has(k) || sinceIsolation >= isolateEvery;
      const other = !isolation && rng.chance(0.08);
      if (!isolation && !other) continue;
      if (isolation) sinceIsolation = 0;
      valveNo++;
      const code = isolation ? 'XV' : 'HV';
      const tag = `${sn}-${code}-${num}-${String(valveNo).padStart(2, '0')}`;
      const what = isolation ? 'Isolation valve' : 'Hand valve';
      const valve = base('valve', tag, `${what} ${tag.slice(sn.length + 1)}`, k);
      valve.isolation = isolation;
      this.equipment.push(valve);
      if (kinds[k] !== 'equipment') kinds[k] = 'valve';
    }
    kinds.forEach((kind, k) => {
      nodeAt(k).kind = kind;
    });

    const inst = instrumentLine(line, segs, `${sn}-L${num}`, lineId);
    this.devices.push(...inst.devices);
    this.sensors.push(...inst.sensors);
    return segs.length;
  }

  /**
   * Node positions along the line, metres from the inlet (ends, required cuts, then spacing),
   * and the indices of the stations that are required cuts.
   */
  private stations(plan: LinePlan, total: number): { stations: number[]; required: Set<number> } {
    const vertexAt = vertexDistances(plan.path);
    const snap = (d: number): number => {
      // A cut within a few millimetres of a bend goes on the bend (no sliver legs).
      for (const v of vertexAt) if (Math.abs(v - d) < 0.005) return v;
      return d;
    };
    // A cut too close to an end or to the previous cut is dropped: segments stay >= 51 m.
    const fixed = [0];
    for (const cut of [...plan.cuts].sort((a, b) => a.atM - b.atM)) {
      const prev = fixed[fixed.length - 1]!;
      if (cut.atM - prev >= MIN_SEGMENT_M && total - cut.atM >= MIN_SEGMENT_M) {
        fixed.push(snap(cut.atM));
      }
    }
    fixed.push(total);

    const stations: number[] = [0];
    const required = new Set<number>();
    const [lo, hi] = plan.spacingM;
    for (let i = 1; i < fixed.length; i++) {
      const a = fixed[i - 1]!;
      const b = fixed[i]!;
      const span = b - a;
      const target = this.rng.range(lo, hi);
      const n = Math.min(
        Math.max(1, Math.round(span / target), Math.ceil(span / MAX_SEGMENT_M)),
        Math.max(1, Math.floor(span / MIN_SEGMENT_M)),
      );
      const weights = Array.from({ length: n }, () => this.rng.range(0.8, 1.2));
      const sum = weights.reduce((acc, w) => acc + w, 0);
      let pieces = weights.map((w) => (span * w) / sum);
      if (pieces.some((p) => p < MIN_SEGMENT_M || p > MAX_SEGMENT_M)) {
        pieces = weights.map(() => span / n);
      }
      let at = a;
      for (let k = 0; k < n - 1; k++) {
        at += pieces[k]!;
        stations.push(snap(at));
      }
      stations.push(b);
      if (i < fixed.length - 1) required.add(stations.length - 1);
    }
    return { stations, required };
  }

  private tank(tank: Equipment, capacityM3: number): Equipment {
    // A vertical tank about 20 m high: its centre sits one radius behind the nozzle.
    const radius = Math.sqrt(capacityM3 / (Math.PI * 20));
    tank.position = [tank.position[0], Math.round((tank.position[1] + radius + 3) * 10) / 10, 0];
    tank.capacityM3 = capacityM3;
    return tank;
  }

  private rotating(machine: Equipment, pump: boolean, flowM3h: number, pressureKpa: number): void {
    const { rng } = this;
    // Hydraulic power = Q * dp / efficiency (kPa * m3/s = kW); compression taken as a pressure
    // ratio of 3 with isothermal work p * Q * ln(r).
    const kw = pump
      ? ((flowM3h / 3600) * pressureKpa) / 0.7
      : ((flowM3h / 3600) * (pressureKpa + 101) * Math.log(3)) / 0.75;
    const ratedKw = MOTOR_KW.find((m) => m >= kw * 1.15) ?? MOTOR_KW[MOTOR_KW.length - 1]!;
    let speedRpm: number;
    if (pump) {
      // Korea's grid is 60 Hz: two-pole motors run near 3 560 r/min, four-pole near 1 780.
      speedRpm = ratedKw <= 110 ? 3560 : ratedKw <= 1000 ? 1780 : 1190;
    } else if (ratedKw > 1500) {
      speedRpm = rng.pick([7200, 9500, 11000]);
    } else {
      speedRpm = rng.pick([360, 514, 600, 1780]);
    }
    machine.ratedKw = ratedKw;
    machine.speedRpm = speedRpm;
    // source: rotating-equipment.md §4.1 (ISO 10816-3: group 1 above 300 kW, group 2 15-300 kW)
    machine.machineGroup = ratedKw > 300 ? 1 : 2;
    machine.foundation = rng.chance(pump ? 0.15 : 0.45) ? 'flexible' : 'rigid';
  }
}

function vertexDistances(path: readonly Vec3[]): number[] {
  const out: number[] = [];
  let at = 0;
  for (let i = 1; i < path.length; i++) {
    const a = path[i - 1]!;
    const b = path[i]!;
    at += Math.hypot(b[0] - a[0], b[1] - a[1], b[2] - a[2]);
    out.push(at);
  }
  return out;
}
