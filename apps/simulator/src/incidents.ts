import {
  IncidentRequestSchema,
  type GroundTruthEntry,
  type IncidentRequest,
  type IncidentRequestInput,
} from '@ct/contracts';
import { SimulatorError, issueViews } from './errors';
import { joukowskyPa } from './physics';
import type { SimLine, SimMachine, SimPlant, SimSegment, SimSensor } from './plant-index';

/** How a leak shows at one sensor. */
export interface LeakEffect {
  /** Wave travel time from the hole to the sensor, s. */
  arrivalS: number;
  /** Change of this flow sensor's reading per m3/h leaked: +(1 - xi) upstream, -xi downstream. */
  flowFactor: number;
  /** Lasting pressure sag per m3/h leaked, kPa (friction of the changed flows). */
  sagKpaPerM3h: number;
}

interface IncidentBase {
  id: string;
  startMs: number;
  /** Known end (from duration_s or DELETE); null while open-ended. */
  endMs: number | null;
  createdAtMs: number;
  company: string | null;
  target: string;
  params: Record<string, unknown>;
  /** Whether the end line has been written to the ground-truth log. */
  endLogged: boolean;
}

export interface LeakRun extends IncidentBase {
  kind: 'leak';
  line: SimLine;
  segment: SimSegment;
  /** Hole position from the line's inlet, m. */
  holeM: number;
  rateM3h: number;
  rampS: number;
  /** Relaxation time of the transient, s. */
  relaxS: number;
  waveSpeedMs: number;
  /** Joukowsky step per m3/h leaked, kPa. */
  stepKpaPerM3h: number;
  /** By sensor index; pressure and flow sensors of the line. */
  effects: Map<number, LeakEffect>;
  /** The line's pumps and compressors see it at the inlet (discharge pressure). */
  inletEffect: LeakEffect;
}

export interface WearRun extends IncidentBase {
  kind: 'bearing_wear';
  machine: SimMachine;
  hoursToFailure: number;
  /** Growth rate of the vibration r.m.s., 1/h. */
  betaPerH: number;
  /** Growth factor reached at hours_to_failure. */
  growthAtFailure: number;
}

export interface FaultRun extends IncidentBase {
  kind: 'sensor_fault';
  sensor: SimSensor;
  mode: 'stuck' | 'spike' | 'drift' | 'dropout';
  magnitude: number;
  /** The value a stuck sensor repeats (its reading at the fault's start), set on first use. */
  stuckValue: number | null;
}

/** How an operation's pressure wave shows at one line sensor. */
export interface OperationEffect {
  arrivalS: number;
  /** +1 downstream of the source (pressure follows the flow), -1 upstream (it moves against it). */
  side: 1 | -1;
  /** Joukowsky step per unit of relative flow change at nominal load, kPa. */
  stepKpa: number;
}

export interface OperationRun extends IncidentBase {
  kind: 'operation';
  action: 'pump_start' | 'pump_stop' | 'valve_move';
  line: SimLine;
  /** Where the change happens, m from the line's inlet. */
  sourceM: number;
  /** Flow after over flow before. */
  factor: number;
  relaxS: number;
  effects: Map<number, OperationEffect>;
  announce: boolean;
  /** The announcement has gone out (the service sends it once). */
  announced: boolean;
  /** So has the one of its undoing at `endMs`. */
  endAnnounced: boolean;
}

export type IncidentRun = LeakRun | WearRun | FaultRun | OperationRun;

/** Default flow factor of each operation. */
export const OPERATION_FACTORS = { pump_stop: 0.6, pump_start: 1.4, valve_move: 0.7 } as const;

/** Vibration at hours_to_failure, as a multiple of the C/D boundary: well into zone D. */
export const WEAR_TARGET_OF_CD = 1.25;

function toEpochMs(start: IncidentRequest['start'], nowMs: number): number {
  if (start === undefined) return nowMs;
  if (typeof start === 'number') return start;
  return Date.parse(start);
}

/**
 * The incidents the simulator knows about, active, future and recently ended, indexed by what
 * they touch so the signal model finds them in O(1).
 */
export class IncidentBook {
  private readonly runs = new Map<string, IncidentRun>();
  private readonly byLine = new Map<number, LeakRun[]>();
  private readonly byMachine = new Map<number, WearRun[]>();
  private readonly bySensor = new Map<number, FaultRun[]>();
  private readonly opsByLine = new Map<number, OperationRun[]>();
  private counter = 0;

  constructor(
    private readonly sim: SimPlant,
    private readonly idPrefix = 'inc',
  ) {}

  leaksOnLine(lineIndex: number): readonly LeakRun[] | undefined {
    return this.byLine.get(lineIndex);
  }
  operationsOnLine(lineIndex: number): readonly OperationRun[] | undefined {
    return this.opsByLine.get(lineIndex);
  }
  wearOn(machineIndex: number): readonly WearRun[] | undefined {
    return this.byMachine.get(machineIndex);
  }
  faultsOn(sensorIndex: number): readonly FaultRun[] | undefined {
    return this.bySensor.get(sensorIndex);
  }
  get(id: string): IncidentRun | undefined {
    return this.runs.get(id);
  }
  all(): IncidentRun[] {
    return [...this.runs.values()];
  }

  /**
   * Resolves a request against the plant and adds it. Throws SimulatorError (404 codes) when the
   * target does not exist or the distance is beyond the segment.
   */
  add(input: IncidentRequestInput, nowMs: number, startOverrideMs?: number): IncidentRun {
    const parsed = IncidentRequestSchema.safeParse(input);
    if (!parsed.success) {
      throw new SimulatorError(
        'CT_ERR_SIM_BAD_REQUEST',
        undefined,
        issueViews(parsed.error.issues),
      );
    }
    const req = parsed.data;
    const startMs = startOverrideMs ?? toEpochMs(req.start, nowMs);
    const id = `${this.idPrefix}-${Math.floor(nowMs).toString(36)}-${++this.counter}`;
    const base = (company: string | null, target: string, params: Record<string, unknown>) => ({
      id,
      startMs,
      endMs: req.duration_s !== undefined ? startMs + req.duration_s * 1000 : null,
      createdAtMs: nowMs,
      company,
      target,
      params,
      endLogged: false,
    });
    let run: IncidentRun;
    switch (req.kind) {
      case 'leak':
        run = this.resolveLeak(req, base);
        push(this.byLine, run.line.index, run);
        break;
      case 'bearing_wear': {
        const machine = this.sim.machineByRef.get(req.equipment);
        if (!machine) {
          const e = this.sim.equipmentByRef.get(req.equipment);
          throw new SimulatorError(
            'CT_ERR_SIM_UNKNOWN_TARGET',
            e
              ? `equipment ${req.equipment} is a ${e.kind}, not a pump or compressor`
              : `no equipment ${req.equipment} in the plant`,
          );
        }
        const H = req.hours_to_failure;
        const growth = (WEAR_TARGET_OF_CD * machine.zones.cd) / machine.baselineVibMmS;
        run = {
          ...base(machine.equipment.companyId, machine.equipment.id, {
            equipment_tag: machine.equipment.tag,
            hours_to_failure: H,
            baseline_vibration_mm_s: round(machine.baselineVibMmS, 3),
            zone_boundaries_mm_s: machine.zones,
            duration_s: req.duration_s ?? null,
          }),
          kind: 'bearing_wear',
          machine,
          hoursToFailure: H,
          betaPerH: Math.log(growth) / H,
          growthAtFailure: growth,
        };
        push(this.byMachine, machine.index, run);
        break;
      }
      case 'sensor_fault': {
        const sensor = this.sim.sensorByTag.get(req.sensor);
        if (!sensor)
          throw new SimulatorError(
            'CT_ERR_SIM_UNKNOWN_TARGET',
            `no sensor ${req.sensor} in the plant`,
          );
        run = {
          ...base(sensor.def.companyId, sensor.tag, {
            mode: req.mode,
            magnitude: req.magnitude,
            duration_s: req.duration_s,
            device: sensor.def.deviceId,
            noise_sigma: round(sensor.sigma, 6),
          }),
          endMs: startMs + req.duration_s * 1000,
          kind: 'sensor_fault',
          sensor,
          mode: req.mode,
          magnitude: req.magnitude,
          stuckValue: null,
        };
        push(this.bySensor, sensor.index, run);
        break;
      }
      case 'operation':
        run = this.resolveOperation(req, base);
        push(this.opsByLine, run.line.index, run);
        break;
    }
    this.runs.set(run.id, run);
    return run;
  }

  private resolveLeak(
    req: Extract<IncidentRequest, { kind: 'leak' }>,
    base: (company: string | null, target: string, params: Record<string, unknown>) => IncidentBase,
  ): LeakRun {
    const hit = this.sim.segmentById.get(req.segment);
    if (!hit)
      throw new SimulatorError(
        'CT_ERR_SIM_UNKNOWN_TARGET',
        `no segment ${req.segment} in the plant`,
      );
    const { line, segment } = hit;
    if (req.distance_m > segment.lengthM) {
      throw new SimulatorError(
        'CT_ERR_SIM_DISTANCE_OUT_OF_RANGE',
        `distance ${req.distance_m} m is beyond the end of segment ${req.segment} (${segment.lengthM.toFixed(1)} m long)`,
      );
    }
    const holeM = segment.startM + req.distance_m;
    const qn = line.line.nominalFlowM3h;
    const rateM3h = req.rate_m3h ?? (qn * (req.rate_pct ?? 0)) / 100;
    const rho = line.substance.densityKgM3;
    const a = segment.waveSpeedMs;
    // Joukowsky step for the leaked flow: dp = rho a dv, the withdrawal q feeding the two waves
    // that leave the hole, dv = q / (2 A) each (per m3/h, in kPa)
    const stepKpaPerM3h = joukowskyPa(rho, a, 1 / 3600 / (2 * segment.areaM2)) / 1000;
    const effects = new Map<number, LeakEffect>();
    const effect = (positionM: number): LeakEffect =>
      leakEffect(line, holeM, positionM, stepKpaPerM3h);
    for (const idx of line.sensorIndexes) {
      const s = this.sim.sensors[idx]!;
      if (s.role.kind !== 'line' || s.quantity === 'temperature') continue;
      effects.set(idx, effect(s.role.positionM));
    }
    const relaxS = line.relaxMs / 1000;
    const run: LeakRun = {
      ...base(line.line.companyId, segment.segment.id, {
        line: line.line.id,
        line_tag: line.line.tag,
        substance: line.substance.id,
        distance_m: req.distance_m,
        line_position_m: round(holeM, 3),
        segment_length_m: round(segment.lengthM, 3),
        rate_m3h: round(rateM3h, 4),
        rate_pct: round((100 * rateM3h) / qn, 4),
        ramp_s: req.ramp_s,
        duration_s: req.duration_s ?? null,
        wave_speed_m_s: round(a, 2),
        joukowsky_dp_kpa: round(stepKpaPerM3h * rateM3h, 3),
      }),
      kind: 'leak',
      line,
      segment,
      holeM,
      rateM3h,
      rampS: req.ramp_s,
      relaxS,
      waveSpeedMs: a,
      stepKpaPerM3h,
      effects,
      inletEffect: effect(0),
    };
    return run;
  }

  private resolveOperation(
    req: Extract<IncidentRequest, { kind: 'operation' }>,
    base: (company: string | null, target: string, params: Record<string, unknown>) => IncidentBase,
  ): OperationRun {
    const line = this.sim.lines.find((l) => l.line.id === req.line || l.line.tag === req.line);
    if (!line)
      throw new SimulatorError('CT_ERR_SIM_UNKNOWN_TARGET', `no line ${req.line} in the plant`);
    let sourceM = 0;
    let equipment: string | null = null;
    if (req.action === 'valve_move') {
      const valves = this.sim.plant.equipment.filter(
        (e) => e.kind === 'valve' && e.lineId === line.line.id && e.nodeId !== null,
      );
      const along = (nodeId: string): number | null => {
        for (const sg of line.segments) {
          if (sg.segment.fromNodeId === nodeId) return sg.startM;
          if (sg.segment.toNodeId === nodeId) return sg.startM + sg.lengthM;
        }
        return null;
      };
      const placed = valves
        .map((v) => ({ v, m: along(v.nodeId!) }))
        .filter((x): x is { v: (typeof valves)[number]; m: number } => x.m !== null);
      let pick = req.equipment
        ? placed.find((x) => x.v.id === req.equipment || x.v.tag === req.equipment)
        : [...placed]
            .filter((x) => x.v.isolation)
            .sort((a, b) => Math.abs(a.m - line.lengthM / 2) - Math.abs(b.m - line.lengthM / 2))[0];
      if (!pick && !req.equipment) pick = placed[0];
      if (!pick)
        throw new SimulatorError(
          'CT_ERR_SIM_UNKNOWN_TARGET',
          req.equipment
            ? `no valve ${req.equipment} on line ${line.line.id}`
            : `line ${line.line.id} has no valve`,
        );
      sourceM = pick.m;
      equipment = pick.v.id;
    } else if (line.machineIndexes.length > 0) {
      equipment = this.sim.machines[line.machineIndexes[0]!]!.equipment.id;
    }
    const factor = req.flow_factor ?? OPERATION_FACTORS[req.action];
    const effects = new Map<number, OperationEffect>();
    const srcTravel = travelS(line, sourceM);
    for (const idx of line.sensorIndexes) {
      const s = this.sim.sensors[idx]!;
      if (s.role.kind !== 'line' || s.quantity === 'temperature') continue;
      const pos = s.role.positionM;
      const seg = s.role.segment;
      // Joukowsky: dp = rho a dv with dv the change of the line's velocity at nominal flow
      const v = line.line.nominalFlowM3h / 3600 / seg.areaM2;
      effects.set(idx, {
        arrivalS: Math.abs(travelS(line, pos) - srcTravel),
        side: pos >= sourceM ? 1 : -1,
        stepKpa:
          s.quantity === 'pressure'
            ? joukowskyPa(line.substance.densityKgM3, seg.waveSpeedMs, v) / 1000
            : 0,
      });
    }
    return {
      ...base(line.line.companyId, line.line.id, {
        action: req.action,
        line_tag: line.line.tag,
        equipment,
        source_m: round(sourceM, 2),
        flow_factor: factor,
        duration_s: req.duration_s ?? null,
        announced: req.announce,
      }),
      kind: 'operation',
      action: req.action,
      line,
      sourceM,
      factor,
      relaxS: line.relaxMs / 1000,
      effects,
      announce: req.announce,
      announced: false,
      endAnnounced: false,
    };
  }

  /** Ends an incident at `atMs` (no earlier than its start); returns it. */
  end(id: string, atMs: number): IncidentRun {
    const run = this.runs.get(id);
    if (!run) throw new SimulatorError('CT_ERR_SIM_INCIDENT_NOT_FOUND', `no incident ${id}`);
    if (run.endMs === null || run.endMs > atMs) run.endMs = Math.max(run.startMs, atMs);
    return run;
  }

  /** Forgets incidents that ended more than `keepMs` ago (their after-effects have settled). */
  prune(nowMs: number, keepMs = 3_600_000): void {
    for (const run of this.runs.values()) {
      if (run.endMs === null || run.endMs + keepMs > nowMs || !run.endLogged) continue;
      this.runs.delete(run.id);
      const remove = <T extends IncidentRun>(map: Map<number, T[]>, key: number) => {
        const list = map.get(key)?.filter((r) => r.id !== run.id);
        if (list && list.length > 0) map.set(key, list);
        else map.delete(key);
      };
      if (run.kind === 'leak') remove(this.byLine, run.line.index);
      else if (run.kind === 'bearing_wear') remove(this.byMachine, run.machine.index);
      else if (run.kind === 'operation') remove(this.opsByLine, run.line.index);
      else remove(this.bySensor, run.sensor.index);
    }
  }
}

/**
 * Hole at `holeM` on a line whose ends hold their pressures: the extra outflow q is fed from both
 * ends in inverse proportion to the friction between the hole and each end, so the upstream flow
 * rises by q (1 - xi) and the downstream flow falls by q xi, xi = R(x) / R(L) (R: friction drop
 * from the inlet). Linearising dp = R Q^2 gives the lasting sag 2 Q q R(s) (1 - xi) upstream and
 * 2 Q q xi (R(L) - R(s)) downstream of the hole.
 */
export function leakEffect(
  line: SimLine,
  holeM: number,
  positionM: number,
  stepKpaPerM3h: number,
): LeakEffect {
  const total = line.dropTotalKpa;
  const rx = dropAt(line, holeM);
  const rs = dropAt(line, positionM);
  const xi = total > 0 ? rx / total : holeM / Math.max(line.lengthM, 1);
  const qn = line.line.nominalFlowM3h;
  const upstream = positionM < holeM;
  const sag =
    total > 0 && qn > 0 ? (upstream ? (2 * rs * (1 - xi)) / qn : (2 * xi * (total - rs)) / qn) : 0;
  return {
    arrivalS: Math.abs(travelS(line, positionM) - travelS(line, holeM)),
    flowFactor: upstream ? 1 - xi : -xi,
    // Keep the lasting sag below the wave step (it is the step that relaxes into the sag).
    sagKpaPerM3h: Math.min(sag, 0.6 * stepKpaPerM3h),
  };
}

/** How an operation shows at any point of its line (not only at a sensor). */
export function operationEffectAt(op: OperationRun, positionM: number): OperationEffect {
  const line = op.line;
  const seg = segmentAt(line, positionM) ?? line.segments[0]!;
  const v = line.line.nominalFlowM3h / 3600 / seg.areaM2;
  return {
    arrivalS: Math.abs(travelS(line, positionM) - travelS(line, op.sourceM)),
    side: positionM >= op.sourceM ? 1 : -1,
    stepKpa: joukowskyPa(line.substance.densityKgM3, seg.waveSpeedMs, v) / 1000,
  };
}

function segmentAt(line: SimLine, positionM: number): SimSegment | undefined {
  const segs = line.segments;
  let lo = 0;
  let hi = segs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (segs[mid]!.startM <= positionM) lo = mid;
    else hi = mid - 1;
  }
  return segs[lo];
}

/** Friction drop from the inlet to `positionM` at nominal flow, kPa. */
export function dropAt(line: SimLine, positionM: number): number {
  const s = segmentAt(line, positionM);
  return s ? s.dropStartKpa + s.dropGradKpaPerM * (positionM - s.startM) : 0;
}

/** Pressure-wave travel time from the inlet to `positionM`, s. */
export function travelS(line: SimLine, positionM: number): number {
  const s = segmentAt(line, positionM);
  return s ? s.travelStartS + (positionM - s.startM) / s.waveSpeedMs : 0;
}

function push<T>(map: Map<number, T[]>, key: number, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function round(x: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(x * f) / f;
}

/** The ground-truth line of an incident as it stands now. */
export function groundTruthOf(run: IncidentRun): GroundTruthEntry {
  return {
    id: run.id,
    kind: run.kind,
    start: run.startMs,
    end: run.endMs,
    created_at: run.createdAtMs,
    company: run.company,
    target: run.target,
    params: run.params,
  };
}
