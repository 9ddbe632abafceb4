import {
  GroundTruthEntrySchema,
  MAX_READINGS_PER_MESSAGE,
  operationTopic,
  telemetryTopic,
  type GroundTruthEntry,
  type IncidentRequestInput,
  type LineOperation,
  type Reading,
  type TelemetryMessage,
} from '@ct/contracts';
import type { DeviceKind, PlantModel } from '@ct/plant';
import { IncidentBook, groundTruthOf, type IncidentRun } from './incidents';
import { indexPlant, type SimDevice, type SimPlant } from './plant-index';
import { SignalModel } from './signals';

/** Sampling intervals, seconds. */
export interface SimIntervals {
  /** Pressure, flow and temperature on lines (RTUs). */
  line: number;
  /** Pumps and compressors (condition monitors). */
  rotating: number;
  weather: number;
  /** The SKAB test rig. */
  rig: number;
}

export const DEFAULT_INTERVALS: SimIntervals = { line: 5, rotating: 1, weather: 10, rig: 1 };

/**
 * High-rate capture around a wave's arrival at a line's pressure transmitters and flow meters:
 * 100 Hz from 1 s before to 0.5 s after, sent the moment it is complete (an edge report), not
 * with the next regular sample.
 */
export const BURST = { periodMs: 10, beforeMs: 1000, afterMs: 500 } as const;

/** A device that falls further behind than this skips ahead instead of catching up. */
const MAX_CATCH_UP_MS = 60_000;

export interface SimulatorOptions {
  plant: PlantModel;
  seed: number;
  intervals?: Partial<SimIntervals>;
  /** Epoch ms the simulator starts at: the first samples are due from here. */
  startMs: number;
  /** Called with every ground-truth line (creation, and again when the incident ends). */
  onGroundTruth?: (entry: GroundTruthEntry) => void;
  /** Prefix of incident ids. */
  idPrefix?: string;
  /** Multiplies every sensor's measurement noise (default 1). */
  noiseScale?: number;
}

/** A plant control system announces an operation this long before it starts. */
export const ANNOUNCE_LEAD_MS = 2000;

/** An operation's announcement, for `twin/v1/<company>/<device>/operation`. */
export interface Announcement {
  topic: string;
  payload: LineOperation;
}

/** One telemetry message as it will be published. */
export interface OutgoingMessage {
  topic: string;
  company: string;
  device: string;
  message: TelemetryMessage;
}

/** An incident as the control API shows it. */
export interface IncidentView extends GroundTruthEntry {
  state: 'scheduled' | 'active' | 'ended';
}

interface DeviceState {
  sim: SimDevice;
  company: string;
  deviceId: string;
  topic: string;
  intervalMs: number;
  phaseMs: number;
  nextDueMs: number;
  seq: number;
  /** Burst windows waiting for their capture to end: sensor index and [from, to] ms. */
  bursts: { sensor: number; fromMs: number; toMs: number }[];
}

export interface Simulator {
  readonly sim: SimPlant;
  readonly model: SignalModel;
  readonly book: IncidentBook;
  readonly intervals: SimIntervals;
  /** Devices that publish, with their sensor counts. */
  readonly deviceCount: number;
  readonly sensorCount: number;
  /** Regular readings per second at the configured intervals (bursts not included). */
  readonly readingsPerSecond: number;
  /** The messages due up to `nowMs` (inclusive) since the last call, in time order per device. */
  tick(nowMs: number): OutgoingMessage[];
  /** Earliest time another message is due. */
  nextDueMs(): number;
  /** Announcements of operations due within ANNOUNCE_LEAD_MS, each returned once. */
  takeAnnouncements(nowMs: number): Announcement[];
  /** Adds an incident (404-coded SimulatorError on an unknown target); writes its ground truth. */
  addIncident(req: IncidentRequestInput, nowMs: number, startOverrideMs?: number): IncidentView;
  /** Ends an incident now (or at its start, if that is later). */
  endIncident(id: string, nowMs: number): IncidentView;
  incidents(nowMs: number): IncidentView[];
  /** Company and device of each device id, for status topics. */
  devices(): { company: string; device: string; kind: DeviceKind }[];
}

function intervalFor(kind: DeviceKind, iv: SimIntervals): number {
  switch (kind) {
    case 'rtu':
      return iv.line;
    case 'condition_monitor':
      return iv.rotating;
    case 'weather_station':
      return iv.weather;
    case 'test_rig':
      return iv.rig;
  }
}

/**
 * Builds the simulator without any timer or I/O: `tick(now)` returns what it would publish, so
 * a test can step time by hand. Each device samples on its own grid `k * interval + phase`, the
 * phases spread evenly over the interval so the broker sees a steady stream.
 */
export function createSimulator(opts: SimulatorOptions): Simulator {
  const intervals: SimIntervals = { ...DEFAULT_INTERVALS, ...opts.intervals };
  const sim = indexPlant(opts.plant, opts.seed);
  const model = new SignalModel(sim, opts.noiseScale ?? 1, intervals.line * 1000);
  const book = new IncidentBook(sim, opts.idPrefix);
  const emit = (run: IncidentRun) =>
    opts.onGroundTruth?.(GroundTruthEntrySchema.parse(groundTruthOf(run)));

  const groups = new Map<number, SimDevice[]>();
  for (const d of sim.devices) {
    const ms = Math.max(1, Math.round(intervalFor(d.device.kind, intervals) * 1000));
    const g = groups.get(ms);
    if (g) g.push(d);
    else groups.set(ms, [d]);
  }
  const states: DeviceState[] = [];
  const stateByDevice = new Map<string, DeviceState>();
  for (const [intervalMs, list] of groups) {
    list.forEach((d, i) => {
      const phaseMs = Math.floor((i * intervalMs) / list.length);
      const st: DeviceState = {
        sim: d,
        company: d.device.companyId,
        deviceId: d.device.id,
        topic: telemetryTopic(d.device.companyId, d.device.id),
        intervalMs,
        phaseMs,
        nextDueMs: firstDue(opts.startMs, intervalMs, phaseMs),
        seq: 0,
        bursts: [],
      };
      states.push(st);
      stateByDevice.set(d.device.id, st);
    });
  }
  let readingsPerSecond = 0;
  for (const st of states)
    readingsPerSecond += (st.sim.sensorIndexes.length * 1000) / st.intervalMs;

  const scheduleBursts = (run: IncidentRun, waveAtSourceMs: number) => {
    if (run.kind !== 'leak' && run.kind !== 'operation') return;
    for (const [idx, eff] of run.effects as Map<number, { arrivalS: number }>) {
      const s = sim.sensors[idx]!;
      // pressure transmitters and flow meters both keep a ring buffer and send it on an edge
      if (s.quantity !== 'pressure' && s.quantity !== 'flow') continue;
      const st = stateByDevice.get(s.def.deviceId);
      if (!st) continue;
      const arrival = waveAtSourceMs + eff.arrivalS * 1000;
      const fromMs = Math.ceil((arrival - BURST.beforeMs) / BURST.periodMs) * BURST.periodMs;
      const toMs = Math.floor((arrival + BURST.afterMs) / BURST.periodMs) * BURST.periodMs;
      // Merge with an overlapping capture of the same sensor, so no timestamp is sent twice.
      const overlap = st.bursts.find(
        (b) => b.sensor === idx && b.fromMs <= toMs && fromMs <= b.toMs,
      );
      if (overlap) {
        overlap.fromMs = Math.min(overlap.fromMs, fromMs);
        overlap.toMs = Math.max(overlap.toMs, toMs);
      } else {
        st.bursts.push({ sensor: idx, fromMs, toMs });
      }
    }
  };

  const view = (run: IncidentRun, nowMs: number): IncidentView => ({
    ...groundTruthOf(run),
    state:
      nowMs < run.startMs
        ? 'scheduled'
        : run.endMs !== null && nowMs >= run.endMs
          ? 'ended'
          : 'active',
  });

  const sample = (st: DeviceState, tMs: number, out: Reading[]) => {
    for (const idx of st.sim.sensorIndexes) {
      const s = sim.sensors[idx]!;
      const v = model.reading(s, tMs, book);
      if (v !== null && Number.isFinite(v)) out.push({ sensor: s.tag, t: tMs, v });
    }
  };

  const flush = (st: DeviceState, readings: Reading[], out: OutgoingMessage[]) => {
    for (let i = 0; i < readings.length; i += MAX_READINGS_PER_MESSAGE) {
      out.push({
        topic: st.topic,
        company: st.company,
        device: st.deviceId,
        message: { seq: st.seq++, readings: readings.slice(i, i + MAX_READINGS_PER_MESSAGE) },
      });
    }
  };

  const logEnds = (nowMs: number) => {
    for (const run of book.all()) {
      if (!run.endLogged && run.endMs !== null && run.endMs <= nowMs) {
        run.endLogged = true;
        emit(run);
      }
    }
    book.prune(nowMs);
  };

  return {
    sim,
    model,
    book,
    intervals,
    deviceCount: states.length,
    sensorCount: sim.sensors.length,
    readingsPerSecond,

    tick(nowMs) {
      logEnds(nowMs);
      const out: OutgoingMessage[] = [];
      for (const st of states) {
        if (st.nextDueMs > nowMs) continue;
        if (nowMs - st.nextDueMs > MAX_CATCH_UP_MS) {
          st.nextDueMs = firstDue(nowMs - MAX_CATCH_UP_MS, st.intervalMs, st.phaseMs);
        }
        while (st.nextDueMs <= nowMs) {
          const readings: Reading[] = [];
          sample(st, st.nextDueMs, readings);
          st.nextDueMs += st.intervalMs;
          if (readings.length > 0) flush(st, readings, out);
        }
      }
      // Edge reports: captures whose window has closed go out at once, in messages of their own.
      for (const st of states) {
        if (st.bursts.length === 0) continue;
        const ready = st.bursts.filter((b) => b.toMs <= nowMs);
        if (ready.length === 0) continue;
        st.bursts = st.bursts.filter((b) => b.toMs > nowMs);
        const readings: Reading[] = [];
        for (const b of ready) {
          const s = sim.sensors[b.sensor]!;
          for (let t = b.fromMs; t <= b.toMs; t += BURST.periodMs) {
            // A regular sample already carries this timestamp.
            if ((t - st.phaseMs) % st.intervalMs === 0) continue;
            const v = model.captureReading(s, t, b.fromMs, book);
            if (v !== null && Number.isFinite(v)) readings.push({ sensor: s.tag, t, v });
          }
        }
        if (readings.length > 0) flush(st, readings, out);
      }
      return out;
    },

    nextDueMs() {
      let next = Infinity;
      for (const st of states) {
        if (st.nextDueMs < next) next = st.nextDueMs;
        for (const b of st.bursts) if (b.toMs < next) next = b.toMs;
      }
      return next;
    },

    takeAnnouncements(nowMs) {
      const out: Announcement[] = [];
      const UNDO = {
        pump_stop: 'pump_start',
        pump_start: 'pump_stop',
        valve_move: 'valve_move',
      } as const;
      for (const run of book.all()) {
        if (run.kind !== 'operation' || !run.announce) continue;
        // the start, and the undoing at the end (the pump restarts, the valve returns)
        const due: { t: number; kind: LineOperation['kind'] }[] = [];
        if (!run.announced && nowMs >= run.startMs - ANNOUNCE_LEAD_MS) {
          run.announced = true;
          due.push({ t: run.startMs, kind: run.action });
        }
        if (run.endMs !== null && !run.endAnnounced && nowMs >= run.endMs - ANNOUNCE_LEAD_MS) {
          run.endAnnounced = true;
          due.push({ t: run.endMs, kind: UNDO[run.action] });
        }
        // the line's own RTU speaks for its control system
        const first = run.line.sensorIndexes[0];
        const company = run.line.line.companyId;
        const deviceId =
          first !== undefined ? sim.sensors[first]!.def.deviceId : `${run.line.line.id}-control`;
        const settle = Math.max(60, Math.ceil(4 * run.relaxS));
        for (const d of due)
          out.push({
            topic: operationTopic(company, deviceId),
            payload: {
              t: d.t,
              kind: d.kind,
              line: run.line.line.id,
              ...(typeof run.params['equipment'] === 'string'
                ? { equipment: run.params['equipment'] }
                : {}),
              settle_s: settle,
              source: 'simulator',
            },
          });
      }
      return out;
    },

    addIncident(req, nowMs, startOverrideMs) {
      const run = book.add(req, nowMs, startOverrideMs);
      emit(run);
      scheduleBursts(run, run.startMs);
      if (run.endMs !== null) scheduleBursts(run, run.endMs);
      logEnds(nowMs);
      return view(run, nowMs);
    },

    endIncident(id, nowMs) {
      const before = book.get(id)?.endMs ?? null;
      const run = book.end(id, nowMs);
      if (run.endMs !== before && (run.kind === 'leak' || run.kind === 'operation')) {
        // The earlier planned closure will not happen; drop its captures if not yet sent.
        if (before !== null) {
          const plannedFrom = before - BURST.beforeMs - BURST.periodMs;
          for (const st of states) {
            st.bursts = st.bursts.filter(
              (b) => !(run.effects.has(b.sensor) && b.fromMs >= plannedFrom),
            );
          }
        }
        scheduleBursts(run, run.endMs!);
      }
      logEnds(nowMs);
      return view(run, nowMs);
    },

    incidents(nowMs) {
      return book.all().map((r) => view(r, nowMs));
    },

    devices() {
      return states.map((s) => ({
        company: s.company,
        device: s.deviceId,
        kind: s.sim.device.kind,
      }));
    },
  };
}

/** First time on the grid `k * interval + phase` at or after `fromMs`. */
function firstDue(fromMs: number, intervalMs: number, phaseMs: number): number {
  const k = Math.ceil((fromMs - phaseMs) / intervalMs);
  return k * intervalMs + phaseMs;
}
