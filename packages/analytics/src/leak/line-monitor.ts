/**
 * The leak detector of one line: volume balance between consecutive healthy flow meters over
 * many windows, negative-pressure-wave timing between the pressure stations, and pressure rate
 * of change, fused into at most one leak finding with a position, a rate and a confidence.
 * Pure and causal: readings and the current time come in, findings go out. docs/leak-detection.md.
 */
import { StretchBalance, BALANCE_DEFAULTS, type BalanceOptions } from './balance';
import { fitPressureFront, largestStep, type PressureFront } from './front';
import { locateFromFronts, type NpwLocation, type Station, type StationFront } from './locate';
import { effectiveBulkModulusPa, leakRateFromWaveM3s, waveSpeedMs } from './physics';

export interface LineSegmentSpec {
  id: string;
  /** From the line's inlet, m. */
  startM: number;
  lengthM: number;
  innerDiameterM: number;
  wallM: number;
}

export interface LineSensorSpec {
  /** The caller's key for the sensor (its id or tag). */
  key: string;
  /** Name used in messages (the tag). */
  tag: string;
  quantity: 'pressure' | 'flow';
  /** From the line's inlet, m. */
  positionM: number;
}

export interface LineSpec {
  id: string;
  /** Nominal flow, m3/h at line conditions. */
  nominalFlowM3h: number;
  densityKgM3: number;
  bulkModulusPa: number;
  /** In order from the inlet. */
  segments: LineSegmentSpec[];
  sensors: LineSensorSpec[];
}

export interface LineMonitorOptions {
  balance?: BalanceOptions;
  /** Pressure drop between regular samples that counts as a sudden drop, in its sigmas (6). */
  rocZ?: number;
  /** Significance a capture's step needs to count as a wave front (6). */
  frontZ?: number;
  /**
   * Significance the flow wave needs: the rise of a stretch's upstream meter minus that of its
   * downstream meter, in their standard errors, from the meters' own captures (6).
   */
  flowWaveZ?: number;
  /** Samples either side of a split when looking for a flow meter's step in a capture (30). */
  flowSearchWindow?: number;
  /** Identical consecutive readings that mark a sensor as stuck (4). */
  stuckRepeats?: number;
  /** A sensor silent for this many of its sampling intervals is missing (3.5). */
  missingIntervals?: number;
  /** Default settling time after an announced operation when it gives none, s (120). */
  operationSettleS?: number;
  /** Wall-clock wait for more fronts after the first of a wave, ms (300). */
  frontGatherMs?: number;
  /** Off-delay: the balance must stay calm this long before a leak is called over, ms (60 s). */
  clearAfterMs?: number;
  /** A wave-only finding not confirmed by the balance within this time is withdrawn, ms (240 s). */
  confirmWithinMs?: number;
}

export type LeakMethodName = 'mass_balance' | 'npw' | 'flow_wave' | 'pressure_roc';

export interface LeakEvidenceItem {
  method: LeakMethodName;
  t: number;
  summary: string;
  figures: Record<string, number | string | null>;
}

export interface LeakFinding {
  lineId: string;
  segmentId: string;
  /** From the line's inlet, m. */
  positionM: number;
  /** From the segment's start, m. */
  segmentDistanceM: number;
  uncertaintyM: number;
  positionMethod: 'npw' | 'flow_wave' | 'mass_balance';
  rateM3h: number;
  rateUncertaintyM3h: number;
  /** Leak rate over the line's current flow, percent. */
  pctOfFlow: number;
  confidence: number;
  onsetMs: number;
  detectedMs: number;
  evidence: LeakEvidenceItem[];
  degraded: string[];
}

export type LeakChange =
  | { kind: 'raise'; finding: LeakFinding }
  | { kind: 'update'; finding: LeakFinding }
  | { kind: 'clear'; finding: LeakFinding; reason: string };

interface SensorState {
  spec: LineSensorSpec;
  index: number;
  lastT: number;
  lastV: number;
  repeats: number;
  stuckSince: number | null;
  intervalMs: number;
  noiseVar: number;
  noiseN: number;
  /** Pressure: variance of the change between regular samples. */
  deltaVar: number;
  suspectSince: number | null;
  suspectReason: string | null;
}

interface Stretch {
  key: string;
  from: number;
  to: number;
  fromM: number;
  toM: number;
  balance: StretchBalance;
  volumeM3: number;
  kEffPa: number;
  lastT: number;
  packP: number | null;
  alarmSince: number | null;
}

/** A flow meter's step in its capture (positive `riseM3h`: the flow went up). */
interface FlowFront {
  meter: number;
  atMs: number;
  riseM3h: number;
  seM3h: number;
  z: number;
  /** Sub-sample arrival and its sigma from the front fit, when the step is clear. */
  arrivalMs: number | null;
  sigmaMs: number | null;
  receivedMs: number;
}

/**
 * A leak seen by the flow meters the moment its wave passed them: the stretch's upstream meter
 * stepped up and its downstream meter down (an operation moves both the same way).
 */
export interface FlowWave {
  stretchKey: string;
  fromM: number;
  toM: number;
  positionM: number;
  /** About 95 % half-width, m. */
  uncertaintyM: number;
  /** Upstream rise plus downstream fall, m3/h: the leak rate. */
  rateM3h: number;
  rateSeM3h: number;
  z: number;
  onsetMs: number;
  /** Whether the arrival times placed it (otherwise the stretch's middle). */
  timed: boolean;
  upRiseM3h: number;
  downFallM3h: number;
}

interface LeakState {
  finding: LeakFinding;
  stretchKey: string | null;
  npw: NpwLocation | null;
  fw: FlowWave | null;
  mbSince: number | null;
  /** The balance window (samples) that first alarmed: clearing looks at one as long. */
  mbWindow: number;
  rocT: number | null;
  calmSince: number | null;
  lastEmitMs: number;
  lastEmitted: string;
}

const SEC = 1000;
const fmt = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '-');

/** Watches one line for leaks. Feed readings with `addReadings`, then call `evaluate(now)`. */
export class LineLeakMonitor {
  readonly spec: LineSpec;
  private readonly o: Required<Omit<LineMonitorOptions, 'balance'>> & { balance: BalanceOptions };
  private readonly sensors = new Map<string, SensorState>();
  /** Flow meters and pressure stations, ordered from the inlet. */
  private readonly meters: SensorState[];
  private readonly stations: SensorState[];
  private readonly stationGeo: Station[];
  private readonly transitS: number;
  private stretches = new Map<string, Stretch>();
  private operationsUntil = 0;
  private operationNote: string | null = null;
  private fronts: (StationFront & { receivedMs: number; z: number })[] = [];
  private flowFronts: FlowFront[] = [];
  private firstFrontAt: number | null = null;
  private rocEvents: { t: number; station: number; dropKpa: number }[] = [];
  private leak: LeakState | null = null;
  private lastNpwReject: string | null = null;

  constructor(spec: LineSpec, opts: LineMonitorOptions = {}) {
    this.spec = spec;
    this.o = {
      rocZ: 6,
      frontZ: 6,
      flowWaveZ: 6,
      flowSearchWindow: 30,
      stuckRepeats: 4,
      missingIntervals: 3.5,
      operationSettleS: 120,
      frontGatherMs: 300,
      clearAfterMs: 60_000,
      confirmWithinMs: 240_000,
      ...opts,
      balance: { ...BALANCE_DEFAULTS, ...opts.balance },
    };
    const states = [...spec.sensors]
      .sort((a, b) => a.positionM - b.positionM)
      .map((s, index): SensorState => ({
        spec: s,
        index,
        lastT: -Infinity,
        lastV: Number.NaN,
        repeats: 0,
        stuckSince: null,
        intervalMs: 5000,
        noiseVar: 0,
        noiseN: 0,
        deltaVar: 0,
        suspectSince: null,
        suspectReason: null,
      }));
    for (const s of states) this.sensors.set(s.spec.key, s);
    this.meters = states.filter((s) => s.spec.quantity === 'flow');
    this.stations = states.filter((s) => s.spec.quantity === 'pressure');
    this.meters.forEach((m, i) => (m.index = i));
    this.stations.forEach((s, i) => (s.index = i));
    this.stationGeo = this.stations.map((s) => ({
      positionM: s.spec.positionM,
      tauS: this.travelS(s.spec.positionM),
    }));
    const len = spec.segments.reduce((a, s) => a + s.lengthM, 0);
    this.transitS = this.travelS(len);
  }

  private waveMs(seg: LineSegmentSpec): number {
    return waveSpeedMs(
      this.spec.bulkModulusPa,
      this.spec.densityKgM3,
      seg.innerDiameterM,
      seg.wallM,
    );
  }

  /** Wave travel time from the inlet to `positionM` at the computed speeds, s. */
  travelS(positionM: number): number {
    let t = 0;
    for (const seg of this.spec.segments) {
      const along = Math.min(Math.max(positionM - seg.startM, 0), seg.lengthM);
      if (along > 0) t += along / this.waveMs(seg);
      if (positionM <= seg.startM + seg.lengthM) break;
    }
    return t;
  }

  private segmentAt(positionM: number): LineSegmentSpec {
    const segs = this.spec.segments;
    for (const s of segs) if (positionM < s.startM + s.lengthM) return s;
    return segs[segs.length - 1]!;
  }

  /** Announced operation (pump start or stop, valve move): holds the pressure methods. */
  announceOperation(tMs: number, what: string, settleS?: number): void {
    const until = tMs + (settleS ?? this.o.operationSettleS) * SEC;
    if (until > this.operationsUntil) {
      this.operationsUntil = until;
      this.operationNote = what;
    }
  }

  private suppressed(tMs: number): boolean {
    return tMs <= this.operationsUntil && tMs >= this.operationsUntil - 3600 * SEC;
  }

  /**
   * All readings of one sensor from one message, in time order. A dense run (a high-rate
   * capture around a pressure wave) is fitted for a front; the regular samples feed the balance
   * and the rate-of-change check.
   */
  addReadings(key: string, t: ArrayLike<number>, v: ArrayLike<number>, nowMs: number): void {
    const s = this.sensors.get(key);
    if (!s || t.length === 0) return;
    if (t.length >= 40) {
      const spanMs = t[t.length - 1]! - t[0]!;
      // an edge report: its points are for the front, not for the slow statistics
      if (spanMs / (t.length - 1) <= 50)
        return s.spec.quantity === 'pressure'
          ? this.addCapture(s, t, v, nowMs)
          : this.addFlowCapture(s, t, v, nowMs);
    }
    for (let i = 0; i < t.length; i++) {
      const ti = t[i]!;
      const vi = v[i]!;
      // regular samples only: a capture's 10 ms points would swamp the slow statistics
      if (ti - s.lastT < 500 || !Number.isFinite(vi)) continue;
      this.regular(s, ti, vi);
    }
  }

  private regular(s: SensorState, t: number, v: number): void {
    const dt = t - s.lastT;
    if (Number.isFinite(s.lastV) && dt < 120_000) {
      s.intervalMs += (dt - s.intervalMs) * 0.1;
      const d = v - s.lastV;
      // noise of one reading from the change between readings (the process moves far slower)
      const sd = Math.sqrt(s.noiseVar / 2);
      if (s.noiseN < 30 || Math.abs(d) < 8 * Math.SQRT2 * sd + 1e-9) {
        s.noiseN++;
        const w = Math.max(1 / s.noiseN, 1 / 500);
        s.noiseVar += (d * d - s.noiseVar) * w;
      }
      if (s.spec.quantity === 'pressure') this.rateOfChange(s, t, d);
    }
    if (v === s.lastV) {
      s.repeats++;
      if (s.repeats + 1 >= this.o.stuckRepeats && s.stuckSince === null) s.stuckSince = t;
    } else {
      s.repeats = 0;
      s.stuckSince = null;
    }
    s.lastT = t;
    s.lastV = v;
    if (s.spec.quantity === 'flow') this.balanceSamples(s);
  }

  private rateOfChange(s: SensorState, t: number, d: number): void {
    const sd = Math.sqrt(s.deltaVar);
    if (s.noiseN > 30 && sd > 0 && d < -this.o.rocZ * sd && s.stuckSince === null) {
      if (!this.suppressed(t)) this.rocEvents.push({ t, station: s.index, dropKpa: -d });
      return;
    }
    if (s.noiseN <= 30 || Math.abs(d) < 4 * sd) {
      const w = Math.max(1 / Math.max(s.noiseN, 1), 1 / 500);
      s.deltaVar += (d * d - s.deltaVar) * w;
    }
  }

  private healthy(s: SensorState, nowMs: number): boolean {
    return (
      s.stuckSince === null &&
      s.suspectSince === null &&
      nowMs - s.lastT <= this.o.missingIntervals * Math.max(s.intervalMs, 1000)
    );
  }

  /** Rebuilds the stretches between consecutive healthy meters (new ones learn afresh). */
  private restructure(nowMs: number): void {
    // a meter joins a balance once its own noise is known (it sets the balance's starting sigma)
    const ok = this.meters.filter((m) => this.healthy(m, nowMs) && m.noiseN >= 24);
    const keep = new Map<string, Stretch>();
    for (let i = 0; i + 1 < ok.length; i++) {
      const a = ok[i]!;
      const b = ok[i + 1]!;
      const key = `${a.index}-${b.index}`;
      const existing = this.stretches.get(key);
      if (existing) {
        keep.set(key, existing);
        continue;
      }
      let volume = 0;
      let inv = 0;
      for (const seg of this.spec.segments) {
        const lo = Math.max(seg.startM, a.spec.positionM);
        const hi = Math.min(seg.startM + seg.lengthM, b.spec.positionM);
        if (hi <= lo) continue;
        const v = (Math.PI / 4) * seg.innerDiameterM ** 2 * (hi - lo);
        volume += v;
        inv += v / effectiveBulkModulusPa(this.spec.bulkModulusPa, seg.innerDiameterM, seg.wallM);
      }
      const hint = Math.sqrt((a.noiseVar + b.noiseVar) / 2);
      keep.set(key, {
        key,
        from: a.index,
        to: b.index,
        fromM: a.spec.positionM,
        toM: b.spec.positionM,
        balance: new StretchBalance(hint, this.o.balance),
        volumeM3: volume,
        kEffPa: inv > 0 ? volume / inv : this.spec.bulkModulusPa,
        lastT: -Infinity,
        packP: null,
        alarmSince: null,
      });
    }
    this.stretches = keep;
  }

  /** Mean pressure of the stations inside [fromM, toM], or NaN. */
  private meanPressure(fromM: number, toM: number): number {
    let s = 0;
    let n = 0;
    for (const st of this.stations) {
      if (st.spec.positionM < fromM - 5 || st.spec.positionM > toM + 5) continue;
      if (st.stuckSince !== null || !Number.isFinite(st.lastV)) continue;
      s += st.lastV;
      n++;
    }
    return n > 0 ? s / n : Number.NaN;
  }

  private balanceSamples(changed: SensorState): void {
    for (const st of this.stretches.values()) {
      if (st.from !== changed.index && st.to !== changed.index) continue;
      const a = this.meters[st.from]!;
      const b = this.meters[st.to]!;
      // both meters sampled at (nearly) the same instant, and not used yet
      if (Math.abs(a.lastT - b.lastT) > 1000 || Math.max(a.lastT, b.lastT) <= st.lastT) continue;
      const when = Math.max(a.lastT, b.lastT);
      // line pack: the stretch stores V/K_eff more fluid per pascal of mean pressure
      let pack = 0;
      const p = this.meanPressure(st.fromM, st.toM);
      if (Number.isFinite(p)) {
        // meters report the mean flow over their interval, so the pressure change over the same
        // interval is what the stretch packed meanwhile (its noise cancels over longer windows)
        const dtS = (when - st.lastT) / SEC;
        if (st.packP !== null && dtS > 0 && dtS < 60)
          pack = ((st.volumeM3 / st.kEffPa) * (p - st.packP) * 1000 * 3600) / dtS;
        st.packP = p;
      }
      const d = a.lastV - b.lastV - pack;
      const learn = st.alarmSince === null && !(this.leak && this.leak.stretchKey === st.key);
      const z = st.balance.state().z;
      st.balance.push(when, d, !learn ? 'forget' : z > 3 ? 'hold' : 'learn');
      st.lastT = when;
    }
  }

  private addCapture(
    s: SensorState,
    t: ArrayLike<number>,
    v: ArrayLike<number>,
    nowMs: number,
  ): void {
    if (s.stuckSince !== null) return;
    const f: PressureFront | null = fitPressureFront(t, v, { minZ: this.o.frontZ });
    if (!f) return;
    if (this.suppressed(f.arrivalMs)) {
      this.lastNpwReject = `pressure wave during ${this.operationNote ?? 'an announced operation'}`;
      return;
    }
    // a new wave starts a new gathering when the previous one is long past
    const windowMs = (this.transitS + 2) * SEC;
    this.fronts = this.fronts.filter((x) => Math.abs(x.arrivalMs - f.arrivalMs) < windowMs);
    if (this.fronts.length === 0) this.firstFrontAt = nowMs;
    this.fronts.push({
      station: s.index,
      arrivalMs: f.arrivalMs,
      sigmaMs: f.sigmaMs,
      dropKpa: f.dropKpa,
      receivedMs: nowMs,
      z: f.z,
    });
  }

  /**
   * A flow meter's capture: its step, kept whether or not it is significant on its own (the
   * wave is judged on the difference between the two meters of a stretch).
   */
  private addFlowCapture(
    s: SensorState,
    t: ArrayLike<number>,
    v: ArrayLike<number>,
    nowMs: number,
  ): void {
    if (s.stuckSince !== null) return;
    const W = this.o.flowSearchWindow;
    const step = largestStep(t, v, W);
    if (!step) return;
    let arrivalMs: number | null = null;
    let sigmaMs: number | null = null;
    if (step.z >= 8) {
      const f = fitPressureFront(t, v, { minZ: 0, searchWindow: W });
      if (f && Math.abs(f.arrivalMs - step.atMs) < 100) {
        arrivalMs = f.arrivalMs;
        sigmaMs = f.sigmaMs;
      }
    }
    const windowMs = (this.transitS + 2) * SEC;
    this.flowFronts = this.flowFronts.filter(
      (x) => Math.abs(x.atMs - step.atMs) < windowMs && x.meter !== s.index,
    );
    this.flowFronts.push({
      meter: s.index,
      atMs: step.atMs,
      riseM3h: -step.dropKpa,
      seM3h: step.se,
      z: step.z,
      arrivalMs,
      sigmaMs,
      receivedMs: nowMs,
    });
  }

  /**
   * The flow wave of a leak: for each stretch whose two meters both sent a capture of this
   * wave, the upstream rise minus the downstream rise. A leak between them draws more in and
   * lets less out (together, the leak rate), while a pump or valve anywhere moves both meters the same way and cancels.
   */
  private flowWave(nowMs: number): FlowWave | null {
    // a wave's captures all arrive within its transit of the line; older ones are spent (they
    // were judged when they came and must not join a later stretch or cost every tick)
    const keepMs = (this.transitS + 5) * SEC;
    if (this.flowFronts.length > 0)
      this.flowFronts = this.flowFronts.filter((f) => nowMs - f.receivedMs <= keepMs);
    if (this.flowFronts.length < 2) return null;
    const byMeter = new Map(this.flowFronts.map((f) => [f.meter, f]));
    let best: FlowWave | null = null;
    for (const st of this.stretches.values()) {
      const A = byMeter.get(st.from);
      const B = byMeter.get(st.to);
      if (!A || !B) continue;
      const d = A.riseM3h - B.riseM3h;
      const se = Math.hypot(A.seM3h, B.seM3h);
      const z = d / se;
      if (z < this.o.flowWaveZ) continue;
      // a leak never makes the upstream meter fall or the downstream one rise
      if (A.riseM3h < -3 * A.seM3h || B.riseM3h > 3 * B.seM3h) continue;
      const Ls = st.toM - st.fromM;
      const a = this.waveMs(this.segmentAt((st.fromM + st.toM) / 2));
      let positionM = (st.fromM + st.toM) / 2;
      let uncertaintyM = Ls / 2;
      let onsetMs = Math.min(A.atMs, B.atMs);
      let timed = false;
      if (
        A.arrivalMs !== null &&
        B.arrivalMs !== null &&
        A.sigmaMs !== null &&
        B.sigmaMs !== null
      ) {
        const dt = (A.arrivalMs - B.arrivalMs) / SEC;
        // arrivals further apart than the stretch allows: the wave came from outside it
        if (Math.abs(dt) > (1.25 * Ls) / a + 0.05) continue;
        const x = Math.min(Ls, Math.max(0, (Ls + a * dt) / 2));
        // the wave speed is known to about 5 %, the arrivals to their fitted sigmas
        const sdM = Math.hypot(
          (a / 2) * (Math.hypot(A.sigmaMs, B.sigmaMs) / SEC),
          0.05 * Math.abs(x - Ls / 2),
        );
        const u = Math.min(Ls / 2, 1.96 * sdM + 1);
        positionM = st.fromM + x;
        uncertaintyM = u;
        onsetMs = (A.arrivalMs + B.arrivalMs) / 2 - (Ls / 2 / a) * SEC;
        timed = true;
      }
      if (!best || z > best.z)
        best = {
          stretchKey: st.key,
          fromM: st.fromM,
          toM: st.toM,
          positionM,
          uncertaintyM,
          rateM3h: d,
          rateSeM3h: se,
          z,
          onsetMs,
          timed,
          upRiseM3h: A.riseM3h,
          downFallM3h: -B.riseM3h,
        };
    }
    if (best && this.suppressed(best.onsetMs)) {
      this.lastNpwReject = `flow wave during ${this.operationNote ?? 'an announced operation'}`;
      return null;
    }
    return best;
  }

  /** Line flow now: mean of the healthy meters' latest readings, m3/h. */
  private lineFlow(nowMs: number): number {
    let s = 0;
    let n = 0;
    for (const m of this.meters) {
      if (!this.healthy(m, nowMs)) continue;
      s += m.lastV;
      n++;
    }
    return n > 0 ? s / n : this.spec.nominalFlowM3h;
  }

  /** What is degraded on this line now, in words. */
  degraded(nowMs: number): string[] {
    const out: string[] = [];
    for (const s of [...this.meters, ...this.stations]) {
      const what = s.spec.quantity === 'flow' ? 'volume balance' : 'wave timing';
      if (s.stuckSince !== null)
        out.push(
          `${s.spec.tag} stuck since ${new Date(s.stuckSince).toISOString()}: ${what} works around it`,
        );
      else if (s.suspectSince !== null)
        out.push(`${s.spec.tag} ${s.suspectReason ?? 'suspect'}: ${what} works around it`);
      else if (Number.isFinite(s.lastT) && nowMs - s.lastT > this.o.missingIntervals * s.intervalMs)
        out.push(
          `${s.spec.tag} silent since ${new Date(s.lastT).toISOString()}: ${what} works around it`,
        );
      else if (!Number.isFinite(s.lastT))
        out.push(`${s.spec.tag} has not reported: ${what} works around it`);
    }
    if (this.meters.filter((m) => this.healthy(m, nowMs)).length < 2)
      out.push('fewer than two flow meters report: no volume balance on this line');
    if (this.suppressed(nowMs))
      out.push(
        `pressure methods held until ${new Date(this.operationsUntil).toISOString()} (${this.operationNote})`,
      );
    return out;
  }

  private stretchOf(positionM: number): Stretch | null {
    for (const st of this.stretches.values())
      if (positionM >= st.fromM && positionM <= st.toM) return st;
    return null;
  }

  /** Re-checks sensors, balances and wave fronts; returns the change of the line's leak, if any. */
  evaluate(nowMs: number): LeakChange | null {
    const before = [...this.stretches.keys()].join(',');
    this.restructure(nowMs);
    // an interior meter that reads off against both neighbours is the meter, not a leak
    const ordered = [...this.stretches.values()].sort((a, b) => a.fromM - b.fromM);
    const Z = this.o.balance.alarmZ ?? BALANCE_DEFAULTS.alarmZ;
    let changed = false;
    for (let i = 0; i + 1 < ordered.length; i++) {
      const left = ordered[i]!;
      const right = ordered[i + 1]!;
      if (left.to !== right.from) continue;
      const s = left.balance.state();
      if (!s.warm || s.window === 0) continue;
      // the shared meter's error moves the two balances by the same amount in opposite
      // directions; their difference has variance 3 (the shared meter's noise enters both)
      for (const w of [s.window, right.balance.state().window]) {
        const L = left.balance.meanSe(w);
        const R = right.balance.meanSe(w);
        if (!L || !R) continue;
        const zl = L.mean / L.se;
        const zr = R.mean / R.se;
        if (Math.sign(zl) === Math.sign(zr)) continue;
        // ... and by about the same amount: zl + zr has variance 1 under that explanation, while
        // a leak beside the meter moves one balance only
        const alike =
          Math.abs(zr - zl) / Math.sqrt(3) >= Z &&
          Math.min(Math.abs(zl), Math.abs(zr)) >= Z / 2 &&
          Math.abs(zl + zr) <= 3;
        // stretches of unlike noise (a long gas stretch packs far more than a short one): the
        // same error in m3/h is a smaller z in the noisier one, so compare the means: one side
        // near its alarm, the other clearly the opposite way, the two means cancelling
        const mirrored =
          Math.max(zl, zr) >= Z - 0.5 &&
          Math.min(zl, zr) <= -3 &&
          Math.abs(L.mean + R.mean) <= 3 * Math.hypot(L.se, R.se);
        if (!alike && !mirrored) continue;
        const m = this.meters[left.to]!;
        m.suspectSince = nowMs;
        m.suspectReason = `reads ${zr > 0 ? 'high' : 'low'} against both neighbouring meters`;
        changed = true;
        break;
      }
    }
    // suspects get another chance after an hour
    for (const m of this.meters)
      if (m.suspectSince !== null && nowMs - m.suspectSince > 3600 * SEC) {
        m.suspectSince = null;
        m.suspectReason = null;
        changed = true;
      }
    if (changed) this.restructure(nowMs);
    if (
      [...this.stretches.keys()].join(',') !== before &&
      this.leak?.stretchKey &&
      !this.stretches.has(this.leak.stretchKey)
    )
      this.leak.stretchKey = null;

    // volume balance alarms
    let mbBest: { st: Stretch; z: number; window: number } | null = null;
    for (const st of this.stretches.values()) {
      const s = st.balance.state();
      if (s.warm && s.z >= Z) {
        st.alarmSince ??= nowMs;
        if (!mbBest || s.z > mbBest.z) mbBest = { st, z: s.z, window: s.window };
      } else if (s.warm && s.z < 3) {
        st.alarmSince = null;
      }
    }
    // wave fronts: locate once the first has had time to gather its neighbours
    let npw: NpwLocation | null = null;
    if (
      this.fronts.length >= 2 &&
      this.firstFrontAt !== null &&
      nowMs - this.firstFrontAt >= this.o.frontGatherMs
    ) {
      const r = locateFromFronts(this.stationGeo, this.fronts);
      if (r.ok) npw = r.location;
      else this.lastNpwReject = r.reason;
    }
    // rate-of-change: two or more stations dropping together
    this.rocEvents = this.rocEvents.filter((e) => nowMs - e.t < 600 * SEC);
    let roc: { t: number; stations: number; dropKpa: number } | null = null;
    if (this.rocEvents.length >= 2) {
      const first = this.rocEvents.reduce((a, b) => (a.t <= b.t ? a : b));
      const group = this.rocEvents.filter((e) => e.t - first.t <= 10 * SEC);
      if (new Set(group.map((e) => e.station)).size >= 2) {
        const drops = group.map((e) => e.dropKpa).sort((a, b) => a - b);
        roc = { t: first.t, stations: group.length, dropKpa: drops[drops.length >> 1]! };
      }
    }
    // a flow wave waits for pressure fronts of the same wave still gathering (one alert placed
    // by the better method rather than two in a row)
    let fw = this.flowWave(nowMs);
    if (
      fw &&
      !this.leak &&
      this.firstFrontAt !== null &&
      this.fronts.length > 0 &&
      nowMs - this.firstFrontAt < this.o.frontGatherMs
    )
      fw = null;
    return this.fuse(nowMs, mbBest, npw, fw, roc);
  }

  private fuse(
    nowMs: number,
    mb: { st: Stretch; z: number; window: number } | null,
    npw: NpwLocation | null,
    fw: FlowWave | null,
    roc: { t: number; stations: number; dropKpa: number } | null,
  ): LeakChange | null {
    const flow = this.lineFlow(nowMs);
    if (!this.leak) {
      if (!mb && !npw && !fw) return null;
      const st =
        mb?.st ??
        (fw ? this.stretches.get(fw.stretchKey) : undefined) ??
        (npw ? this.stretchOf(npw.positionM) : null);
      this.leak = {
        finding: null as unknown as LeakFinding,
        stretchKey: st?.key ?? null,
        npw,
        fw,
        mbSince: mb ? nowMs : null,
        mbWindow: mb?.window ?? 0,
        rocT: roc?.t ?? null,
        calmSince: null,
        lastEmitMs: nowMs,
        lastEmitted: '',
      };
      const f = this.buildFinding(nowMs, flow, mb, roc);
      this.leak.finding = f;
      this.leak.lastEmitted = signature(f);
      return { kind: 'raise', finding: f };
    }
    const L = this.leak;
    if (
      npw &&
      (!L.npw ||
        npw.stationsUsed > L.npw.stationsUsed ||
        npw.uncertaintyM < L.npw.uncertaintyM * 0.8)
    )
      L.npw = npw;
    if (fw && (!L.fw || fw.z > L.fw.z)) {
      L.fw = fw;
      if (L.stretchKey === null && this.stretches.has(fw.stretchKey)) L.stretchKey = fw.stretchKey;
    }
    // the balance pins the stretch: it takes over a stretch guessed from the wave alone
    if (
      mb &&
      (L.stretchKey === null ||
        L.stretchKey === mb.st.key ||
        !this.stretches.has(L.stretchKey) ||
        L.mbSince === null)
    ) {
      L.stretchKey = mb.st.key;
      if (L.mbSince === null) {
        L.mbSince = nowMs;
        L.mbWindow = mb.window;
      }
    }
    if (roc && L.rocT === null) L.rocT = roc.t;
    const st = L.stretchKey ? this.stretches.get(L.stretchKey) : undefined;
    // over when the stretch is calm over a window at least as long as the one that alarmed
    let calm = true;
    if (st) {
      const n = st.balance.count;
      const cw = Math.min(Math.max(12, L.mbWindow), n);
      if (cw >= 2 && st.balance.zOf(cw) > 2) calm = false;
      for (const w of [2, 3, 4, 6, 8, 12]) if (st.balance.zOf(w) > 3) calm = false;
    }
    const f = this.buildFinding(nowMs, flow, mb, roc);
    const unconfirmed = L.mbSince === null && nowMs - f.detectedMs > this.o.confirmWithinMs;
    if (calm && (L.mbSince !== null || unconfirmed)) {
      L.calmSince ??= nowMs;
      if (nowMs - L.calmSince >= this.o.clearAfterMs || unconfirmed) {
        const reason = unconfirmed
          ? 'the volume balance did not confirm the pressure wave'
          : 'the volume balance is back to normal';
        this.leak = null;
        this.fronts = [];
        this.flowFronts = [];
        this.firstFrontAt = null;
        this.rocEvents = [];
        if (st) {
          st.balance.restartWindows();
          st.alarmSince = null;
        }
        return { kind: 'clear', finding: f, reason };
      }
    } else {
      L.calmSince = null;
    }
    L.finding = f;
    const sig = signature(f);
    // where and how it was found is news at once; a refined figure at most every 10 s
    const major =
      sig.split('|').slice(0, 2).join('|') !== L.lastEmitted.split('|').slice(0, 2).join('|');
    if (sig !== L.lastEmitted && nowMs - L.lastEmitMs >= (major ? 1000 : 10_000)) {
      L.lastEmitted = sig;
      L.lastEmitMs = nowMs;
      return { kind: 'update', finding: f };
    }
    return null;
  }

  private buildFinding(
    nowMs: number,
    flow: number,
    mb: { st: Stretch; z: number; window: number } | null,
    roc: { t: number; stations: number; dropKpa: number } | null,
  ): LeakFinding {
    const L = this.leak!;
    const st = L.stretchKey ? this.stretches.get(L.stretchKey) : undefined;
    const evidence: LeakEvidenceItem[] = [];
    let rate = Number.NaN;
    let rateSe = Number.NaN;
    let onset = Number.NaN;
    if (st && (L.mbSince !== null || mb)) {
      const step = st.balance.stepSince();
      const s = st.balance.state();
      if (step && step.meanM3h > 0) {
        rate = step.meanM3h;
        rateSe = step.seM3h;
        onset = step.onsetMs;
      }
      evidence.push({
        method: 'mass_balance',
        t: L.mbSince ?? nowMs,
        summary: `in minus out ${fmt(s.meanM3h)} m3/h over ${fmt((s.window * this.meters[st.from]!.intervalMs) / SEC, 0)} s (${fmt(s.z)} sigma) between ${this.meters[st.from]!.spec.tag} and ${this.meters[st.to]!.spec.tag}`,
        figures: {
          window_samples: s.window,
          imbalance_m3h: round(s.meanM3h, 3),
          z: round(s.z, 2),
          sigma_m3h: round(s.sigmaM3h, 3),
          from_meter: this.meters[st.from]!.spec.tag,
          to_meter: this.meters[st.to]!.spec.tag,
        },
      });
    }
    const fw = L.fw;
    if (fw) {
      if (!Number.isFinite(rate)) {
        rate = fw.rateM3h;
        rateSe = fw.rateSeM3h;
      }
      if (!Number.isFinite(onset)) onset = fw.onsetMs;
      evidence.push({
        method: 'flow_wave',
        t: fw.onsetMs,
        summary: `flow stepped up ${fmt(fw.upRiseM3h)} m3/h upstream and down ${fmt(fw.downFallM3h)} m3/h downstream as the wave passed (${fmt(fw.z)} sigma), between ${fmt(fw.fromM, 0)} and ${fmt(fw.toM, 0)} m`,
        figures: {
          rate_m3h: round(fw.rateM3h, 2),
          z: round(fw.z, 2),
          upstream_rise_m3h: round(fw.upRiseM3h, 2),
          downstream_fall_m3h: round(fw.downFallM3h, 2),
          position_m: round(fw.positionM, 1),
          uncertainty_m: round(fw.uncertaintyM, 1),
          timed: fw.timed ? 'yes' : 'no',
        },
      });
    }
    const npw = L.npw;
    if (npw) {
      const seg = this.segmentAt(npw.positionM);
      const a = this.waveMs(seg) / npw.slowness;
      const area = (Math.PI / 4) * seg.innerDiameterM ** 2;
      const waveRate =
        leakRateFromWaveM3s(npw.dropKpa * 1000, this.spec.densityKgM3, a, area) * 3600;
      if (!Number.isFinite(rate)) {
        rate = waveRate;
        // the wave's height gives the rate only roughly (relaxation, reflections): +-50 %
        rateSe = waveRate / 4;
      }
      onset = npw.onsetMs;
      evidence.push({
        method: 'npw',
        t: npw.onsetMs,
        summary: `pressure wave from ${fmt(npw.positionM)} m +- ${fmt(npw.uncertaintyM)} m, seen by ${npw.stationsUsed} stations (drop ${fmt(npw.dropKpa)} kPa)`,
        figures: {
          position_m: round(npw.positionM, 2),
          uncertainty_m: round(npw.uncertaintyM, 2),
          stations: npw.stationsUsed,
          drop_kpa: round(npw.dropKpa, 2),
          wave_speed_m_s: round(a, 1),
          residual_ms: round(npw.rmsResidualMs, 2),
          rate_from_wave_m3h: round(waveRate, 2),
        },
      });
    }
    if (L.rocT !== null || roc) {
      evidence.push({
        method: 'pressure_roc',
        t: L.rocT ?? roc!.t,
        summary: roc
          ? `${roc.stations} pressure readings fell by about ${fmt(roc.dropKpa)} kPa at once`
          : 'pressure fell at several stations at once',
        figures: { stations: roc?.stations ?? null, drop_kpa: roc ? round(roc.dropKpa, 2) : null },
      });
    }
    let positionM: number;
    let uncertaintyM: number;
    let method: 'npw' | 'flow_wave' | 'mass_balance';
    if (
      npw &&
      (!st ||
        (npw.positionM >= st.fromM - npw.uncertaintyM &&
          npw.positionM <= st.toM + npw.uncertaintyM))
    ) {
      positionM = npw.positionM;
      uncertaintyM = npw.uncertaintyM;
      method = 'npw';
    } else if (fw && (!st || st.key === fw.stretchKey)) {
      positionM = fw.positionM;
      uncertaintyM = fw.uncertaintyM;
      method = 'flow_wave';
    } else if (st) {
      positionM = (st.fromM + st.toM) / 2;
      uncertaintyM = (st.toM - st.fromM) / 2;
      method = 'mass_balance';
    } else if (npw) {
      positionM = npw.positionM;
      uncertaintyM = npw.uncertaintyM;
      method = 'npw';
    } else {
      // the stretch that alarmed was rebuilt (a meter dropped out): keep the last estimate
      const prev = L.finding as LeakFinding | null;
      positionM = prev?.positionM ?? 0;
      uncertaintyM = prev?.uncertaintyM ?? 0;
      method = prev?.positionMethod ?? 'mass_balance';
    }
    const mbOn = L.mbSince !== null;
    const z = mb?.z ?? st?.balance.state().z ?? 0;
    let confidence: number;
    if (mbOn && npw && method === 'npw') confidence = 0.97;
    else if (mbOn && fw && method === 'flow_wave') confidence = 0.95;
    else if (mbOn) confidence = 0.55 + 0.35 * Math.min(1, Math.max(0, (z - 6.5) / 6.5));
    else if (fw) confidence = 0.7 + 0.1 * Math.min(1, (fw.z - 6) / 6) + (npw ? 0.1 : 0);
    else confidence = 0.6 + 0.2 * Math.min(1, (npw?.stationsUsed ?? 2) / 6);
    if (L.rocT !== null && confidence < 0.97) confidence += 0.05;
    const seg = this.segmentAt(positionM);
    const prev = (L as { finding: LeakFinding | null }).finding;
    return {
      lineId: this.spec.id,
      segmentId: seg.id,
      positionM,
      segmentDistanceM: positionM - seg.startM,
      uncertaintyM,
      positionMethod: method,
      rateM3h: Number.isFinite(rate) ? Math.max(0, rate) : 0,
      rateUncertaintyM3h: Number.isFinite(rateSe) ? 1.96 * rateSe : 0,
      pctOfFlow: flow > 0 && Number.isFinite(rate) ? (100 * rate) / flow : 0,
      confidence: Math.min(0.99, confidence),
      onsetMs: Number.isFinite(onset) ? onset : (prev?.onsetMs ?? nowMs),
      detectedMs: prev?.detectedMs ?? nowMs,
      evidence,
      degraded: this.degraded(nowMs),
    };
  }

  /** The open finding, if any (for views and tests). */
  current(): LeakFinding | null {
    return this.leak?.finding ?? null;
  }

  /** Why the last pressure wave was not taken for a leak, if one was refused. */
  lastRefusal(): string | null {
    return this.lastNpwReject;
  }
}

function round(x: number, d: number): number {
  const f = 10 ** d;
  return Math.round(x * f) / f;
}

/** What, when changed, is worth telling the people watching. */
function signature(f: LeakFinding): string {
  return [
    `${f.segmentId}:${f.positionMethod}:${f.evidence.map((e) => e.method).join('+')}`,
    Math.round(f.positionM / Math.max(f.uncertaintyM / 2, 0.5)),
    Math.round(Math.log(Math.max(f.rateM3h, 1e-3)) * 10),
    Math.round(f.confidence * 20),
    f.degraded.length,
  ].join('|');
}
