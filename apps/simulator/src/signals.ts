import {
  dropAt,
  leakEffect,
  operationEffectAt,
  type FaultRun,
  type IncidentBook,
  type LeakEffect,
  type LeakRun,
  type OperationRun,
  type WearRun,
} from './incidents';
import { STEEL_E_PA } from './physics';
import { gaussian, hashString, smoothNoise, uniform } from './noise';
import {
  SKAB_NORMAL,
  SKAB_PRESSURE_OFFSET_BAR,
  SKAB_PRESSURE_STEP_BAR,
  RIG_UNIT_FACTOR,
  accelerationG,
  type SimLine,
  type SimMachine,
  type SimPlant,
  type SimSensor,
} from './plant-index';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const MIN_MS = 60_000;

// Salts for the noise streams, so two signals of one asset never share random numbers.
const S_LOAD = hashString('load');
const S_LOAD2 = hashString('load2');
const S_PIN = hashString('pin');
const S_TEMP = hashString('temp');
const S_VIB = hashString('vib');
const S_KURT = hashString('kurt');
const S_TBRG = hashString('tbrg');
const S_VOLT = hashString('volt');
const S_WX = hashString('weather');
const S_RIG = hashString('rig');
const S_SPIKE = hashString('spike');
const S_SPIKE_SIGN = hashString('spike-sign');
const S_OTHER = hashString('other');

/** Edge of a pressure wave as a transducer sees it: a logistic front about 40 ms wide. */
const WAVE_EDGE_S = 0.01;
/** Share of readings a `spike` fault turns into outliers. */
export const SPIKE_PROBABILITY = 0.03;

function edge(tauS: number): number {
  if (tauS <= -0.25) return 0;
  if (tauS >= 0.25) return 1;
  return 1 / (1 + Math.exp(-tauS / WAVE_EDGE_S));
}

/**
 * The value of every sensor at any time, from the plant, the seed and the incidents: a pure
 * function of its inputs (no clock, no state besides per-timestamp caches).
 */
export class SignalModel {
  private readonly seedKey: number;
  private readonly utcOffsetMs: number;
  private loadCacheT = new Float64Array(0);
  private loadCacheV = new Float64Array(0);

  /** Per line: where its flow meters sit and what each stretch between them packs per pascal. */
  private readonly meterLayout = new Map<number, { positions: number[]; m3PerPa: number[] }>();
  private readonly packCache = new Map<number, { t: number; cum: Float64Array }>();
  /** While a capture is sampled: the instant whose line pack its fast flow samples carry. */
  private packAtMs: number | null = null;

  constructor(
    readonly sim: SimPlant,
    readonly noiseScale = 1,
    /** Flow meters report the mean flow over this interval (the RTU's), ms. */
    readonly flowIntervalMs = 5000,
  ) {
    this.seedKey = sim.seedKey;
    this.utcOffsetMs = sim.utcOffsetH * HOUR_MS;
    this.loadCacheT = new Float64Array(sim.lines.length).fill(NaN);
    this.loadCacheV = new Float64Array(sim.lines.length);
  }

  /** Local hour of day at the site, 0-24. */
  localHour(tMs: number): number {
    const h = ((tMs + this.utcOffsetMs) % DAY_MS) / HOUR_MS;
    return h < 0 ? h + 24 : h;
  }

  /**
   * Load of a line as a fraction of its nominal flow: a daily swing peaking at 15:00 local time
   * (demand follows the working day) plus slow random variation of a few percent.
   */
  lineLoad(line: SimLine, tMs: number): number {
    if (this.loadCacheT[line.index] === tMs) return this.loadCacheV[line.index]!;
    const h = this.localHour(tMs);
    const v =
      1 +
      line.swing * Math.cos((2 * Math.PI * (h - 15)) / 24) +
      0.03 * smoothNoise(this.seedKey ^ line.key, S_LOAD, tMs, 40 * MIN_MS) +
      0.012 * smoothNoise(this.seedKey ^ line.key, S_LOAD2, tMs, 6 * MIN_MS);
    this.loadCacheT[line.index] = tMs;
    this.loadCacheV[line.index] = v;
    return v;
  }

  /** Inlet pressure of a line, kPa: held by its pump or upstream unit, wandering 0.4 %. */
  inletPressureKpa(line: SimLine, tMs: number): number {
    return (
      line.line.inletPressureKpa *
      (1 + 0.004 * smoothNoise(this.seedKey ^ line.key, S_PIN, tMs, 15 * MIN_MS))
    );
  }

  /** Cloud cover, okta (0-8). */
  cloudOkta(tMs: number): number {
    const c =
      4 +
      5 * smoothNoise(this.seedKey, S_WX + 1, tMs, 3 * HOUR_MS) +
      1.5 * smoothNoise(this.seedKey, S_WX + 2, tMs, 40 * MIN_MS);
    return Math.min(8, Math.max(0, Math.round(c)));
  }

  /** Air temperature, degC: seasonal cycle (warmest early August), daily cycle damped by cloud. */
  airTempC(tMs: number): number {
    const doy = (tMs / DAY_MS) % 365.2425;
    const h = this.localHour(tMs);
    const cloud = this.cloudOkta(tMs);
    return (
      14.5 +
      10 * Math.cos((2 * Math.PI * (doy - 212)) / 365.2425) +
      4 * (1 - (0.6 * cloud) / 8) * Math.cos((2 * Math.PI * (h - 14.5)) / 24) +
      1.2 * smoothNoise(this.seedKey, S_WX + 3, tMs, 6 * HOUR_MS) +
      0.4 * smoothNoise(this.seedKey, S_WX + 4, tMs, 45 * MIN_MS)
    );
  }

  /** Strength of the sea breeze, 0-1: it sets in mid-morning, peaks at 14:00 and dies at dusk. */
  seaBreeze(tMs: number): number {
    const h = this.localHour(tMs);
    return h > 9 && h < 19 ? Math.sin((Math.PI * (h - 9)) / 10) : 0;
  }

  /** Wind speed, m/s (10 m). */
  windSpeedMs(tMs: number): number {
    const v =
      2.8 +
      3.2 * this.seaBreeze(tMs) +
      1.6 * smoothNoise(this.seedKey, S_WX + 5, tMs, 2 * HOUR_MS) +
      0.8 * smoothNoise(this.seedKey, S_WX + 6, tMs, 15 * MIN_MS);
    return Math.max(0.2, v);
  }

  /**
   * Wind direction (where it blows from), degrees: the sea breeze blows from the sea (south of
   * the site); otherwise the north-westerly that prevails on Korea's south coast, wandering.
   */
  windFromDeg(tMs: number): number {
    const w = 0.9 * this.seaBreeze(tMs);
    const synoptic = 320 + 50 * smoothNoise(this.seedKey, S_WX + 7, tMs, 8 * HOUR_MS);
    const rad = Math.PI / 180;
    const x = w * Math.sin(180 * rad) + (1 - w) * Math.sin(synoptic * rad);
    const y = w * Math.cos(180 * rad) + (1 - w) * Math.cos(synoptic * rad);
    const d = Math.atan2(x, y) / rad;
    return d < 0 ? d + 360 : d;
  }

  /** Value without measurement noise and without sensor faults (incidents included). */
  trueValue(s: SimSensor, tMs: number, book: IncidentBook | null): number {
    const r = s.role;
    switch (r.kind) {
      case 'line':
        return this.lineValue(s, r.line, r.positionM, tMs, book);
      case 'machine':
        return this.machineValue(s, r.machine, tMs, book);
      case 'weather':
        switch (s.quantity) {
          case 'wind_speed':
            return this.windSpeedMs(tMs);
          case 'wind_direction':
            return this.windFromDeg(tMs);
          case 'cloud_cover':
            return this.cloudOkta(tMs);
          default:
            return this.airTempC(tMs);
        }
      case 'rig': {
        const n = SKAB_NORMAL[r.channel];
        const slow =
          n.slow > 0 ? 2 * n.slow * smoothNoise(this.seedKey ^ s.key, S_RIG, tMs, 20 * MIN_MS) : 0;
        return (n.mean + slow) * RIG_UNIT_FACTOR[r.channel];
      }
      case 'other':
        return (
          s.nominal * (1 + 0.01 * smoothNoise(this.seedKey ^ s.key, S_OTHER, tMs, 30 * MIN_MS))
        );
    }
  }

  private lineValue(
    s: SimSensor,
    line: SimLine,
    positionM: number,
    tMs: number,
    book: IncidentBook | null,
  ): number {
    const base = this.lineLoad(line, tMs);
    let load = base;
    // the friction profile follows an operation's flow change as its front relaxes, not at once
    let frictionLoad = base;
    const ops = book?.operationsOnLine(line.index);
    let wave = 0;
    if (ops) {
      for (const op of ops) {
        const eff = op.effects.get(s.index);
        if (!eff) continue;
        const o = operationState(op, eff.arrivalS, tMs);
        // the transient: a Joukowsky front of the flow change, relaxing into the new steady state
        wave += eff.side * eff.stepKpa * base * o.hp;
        load *= o.factor;
        frictionLoad *= o.factor - o.hp;
      }
    }
    let v: number;
    if (s.quantity === 'flow') {
      v =
        line.line.nominalFlowM3h * load -
        this.packAbove(line, positionM, this.packAtMs ?? tMs, book);
    } else if (s.quantity === 'pressure') {
      // Darcy-Weisbach: the friction drop grows with the flow squared
      const drop = line.line.inletPressureKpa - s.nominal;
      v = this.inletPressureKpa(line, tMs) - drop * frictionLoad * frictionLoad + wave;
    } else {
      // Insulated line: a small share of the ambient swing reaches the fluid; it cools slowly along the way.
      const t0 = line.line.operatingTempC;
      const air = this.airTempC(tMs);
      v =
        t0 +
        0.04 * (air - 15) -
        (t0 - 15) * (1 - Math.exp(-positionM / 50_000)) +
        0.3 * smoothNoise(this.seedKey ^ line.key, S_TEMP, tMs, HOUR_MS);
      return v;
    }
    const leaks = book?.leaksOnLine(line.index);
    if (leaks) {
      for (const leak of leaks) {
        const eff = leak.effects.get(s.index);
        if (eff) v += leakDelta(leak, eff, s.quantity === 'flow', tMs);
      }
    }
    return v;
  }

  /** True pressure at any point of a line, kPa: the model of a pressure sensor placed there. */
  pressureAt(line: SimLine, positionM: number, tMs: number, book: IncidentBook | null): number {
    const base = this.lineLoad(line, tMs);
    let frictionLoad = base;
    let wave = 0;
    const ops = book?.operationsOnLine(line.index);
    if (ops) {
      for (const op of ops) {
        const eff = operationEffectAt(op, positionM);
        const o = operationState(op, eff.arrivalS, tMs);
        wave += eff.side * eff.stepKpa * base * o.hp;
        frictionLoad *= o.factor - o.hp;
      }
    }
    let v =
      this.inletPressureKpa(line, tMs) -
      dropAt(line, positionM) * frictionLoad * frictionLoad +
      wave;
    const leaks = book?.leaksOnLine(line.index);
    if (leaks) {
      for (const leak of leaks)
        v += leakDelta(
          leak,
          leakEffect(line, leak.holeM, positionM, leak.stepKpaPerM3h),
          false,
          tMs,
        );
    }
    return v;
  }

  private layout(line: SimLine): { positions: number[]; m3PerPa: number[] } {
    let l = this.meterLayout.get(line.index);
    if (l) return l;
    const positions = line.sensorIndexes
      .map((i) => this.sim.sensors[i]!)
      .filter((s) => s.quantity === 'flow' && s.role.kind === 'line')
      .map((s) => (s.role as { positionM: number }).positionM)
      .sort((a, b) => a - b);
    const m3PerPa: number[] = [];
    for (let j = 0; j + 1 < positions.length; j++) {
      let sum = 0;
      for (const seg of line.segments) {
        const lo = Math.max(seg.startM, positions[j]!);
        const hi = Math.min(seg.startM + seg.lengthM, positions[j + 1]!);
        if (hi <= lo) continue;
        const wall = seg.segment.wallMm / 1000;
        // what a stretch packs: V / K_eff, 1/K_eff = 1/K + D/(E e) (fluid and elastic wall)
        const kEff =
          1 / (1 / line.substance.bulkModulusPa + seg.innerDiameterM / (STEEL_E_PA * wall));
        sum += (seg.areaM2 * (hi - lo)) / kEff;
      }
      m3PerPa.push(sum);
    }
    l = { positions, m3PerPa };
    this.meterLayout.set(line.index, l);
    return l;
  }

  /**
   * Fluid stored in the line between its first flow meter and the meter at `positionM` over the
   * meters' averaging interval before `tMs`, as a rate, m3/h: what that meter reads less than the
   * first one when the pressure rises (line pack; mass is conserved in transients).
   */
  packAbove(line: SimLine, positionM: number, tMs: number, book: IncidentBook | null): number {
    const l = this.layout(line);
    let cached = this.packCache.get(line.index);
    if (!cached || cached.t !== tMs) {
      const cum = new Float64Array(l.positions.length);
      const dt = this.flowIntervalMs;
      const pNow = l.positions.map((p) => this.pressureAt(line, p, tMs, book));
      const pBefore = l.positions.map((p) => this.pressureAt(line, p, tMs - dt, book));
      for (let j = 0; j + 1 < l.positions.length; j++) {
        const dp = (pNow[j]! + pNow[j + 1]! - pBefore[j]! - pBefore[j + 1]!) / 2;
        // kPa over the interval -> m3/h
        cum[j + 1] = cum[j]! + (l.m3PerPa[j]! * dp * 1000 * 3_600_000) / dt;
      }
      cached = { t: tMs, cum };
      this.packCache.set(line.index, cached);
    }
    let k = 0;
    while (k + 1 < l.positions.length && l.positions[k + 1]! <= positionM + 1e-6) k++;
    return cached.cum[k]!;
  }

  private machineValue(
    s: SimSensor,
    m: SimMachine,
    tMs: number,
    book: IncidentBook | null,
  ): number {
    const load = m.line
      ? this.lineLoad(m.line, tMs)
      : 1 + 0.1 * Math.cos((2 * Math.PI * (this.localHour(tMs) - 15)) / 24);
    const wear = wearState(book?.wearOn(m.index), tMs);
    const k = this.seedKey ^ m.key;
    switch (s.quantity) {
      case 'vibration_rms':
      case 'acceleration_rms': {
        const vib =
          m.baselineVibMmS *
          (0.85 + 0.15 * load) *
          (1 + 0.04 * smoothNoise(k, S_VIB, tMs, 10 * MIN_MS)) *
          wear.growth;
        return s.quantity === 'vibration_rms' ? vib : accelerationG(vib, m.speedRpm);
      }
      case 'vibration_kurtosis':
        return (
          3 + 0.1 * smoothNoise(k, S_KURT, tMs, 10 * MIN_MS) + 5.5 * Math.min(wear.progress, 2)
        );
      case 'bearing_temperature':
        return (
          m.baselineBearingC +
          8 * (load - 1) +
          0.15 * (this.airTempC(tMs) - 15) +
          0.4 * smoothNoise(k, S_TBRG, tMs, 20 * MIN_MS) +
          20 * Math.min(wear.progress, 1.5)
        );
      case 'motor_current':
        // Current follows the shaft power: proportional to load, plus the worn bearing's friction.
        return m.nominalCurrentA * load * (1 + 0.02 * Math.min(wear.progress, 1.5));
      case 'voltage':
        return m.voltageV * (1 + 0.005 * smoothNoise(k, S_VOLT, tMs, 30 * MIN_MS));
      default: {
        // Discharge pressure: the line's inlet pressure plus the nozzle and check-valve losses.
        if (!m.line) return s.nominal;
        const line = m.line;
        let v = this.inletPressureKpa(line, tMs) * 1.02;
        const leaks = book?.leaksOnLine(line.index);
        if (leaks) for (const leak of leaks) v += leakDelta(leak, leak.inletEffect, false, tMs);
        return v;
      }
    }
  }

  /** Standard deviation of the measurement noise at this value. */
  noiseSigma(s: SimSensor, trueValue: number): number {
    // Vibration transmitters have a relative error; everything else a fixed one.
    if (s.quantity === 'vibration_rms' || s.quantity === 'acceleration_rms')
      return 0.03 * Math.abs(trueValue) * this.noiseScale;
    return s.sigma * this.noiseScale;
  }

  /** The measured value without faults: true value plus noise, rounded as published. */
  measured(s: SimSensor, tMs: number, book: IncidentBook | null): number {
    const truth = this.trueValue(s, tMs, book);
    let v: number;
    if (s.role.kind === 'rig' && s.role.channel === 'PRS') {
      // SKAB's pressure transducer reads in coarse steps; keep that texture.
      const bar = truth / 100 + SKAB_NORMAL.PRS.white * gaussian(this.seedKey ^ s.key, 0, tMs);
      const k = Math.round((bar - SKAB_PRESSURE_OFFSET_BAR) / SKAB_PRESSURE_STEP_BAR);
      v = (SKAB_PRESSURE_OFFSET_BAR + k * SKAB_PRESSURE_STEP_BAR) * 100;
    } else {
      const sigma = this.noiseSigma(s, truth);
      v = sigma > 0 ? truth + sigma * gaussian(this.seedKey ^ s.key, 0, tMs) : truth;
    }
    return this.clampAndRound(s, v);
  }

  private clampAndRound(s: SimSensor, v: number): number {
    switch (s.quantity) {
      case 'wind_direction':
        v = ((v % 360) + 360) % 360;
        break;
      case 'wind_speed':
      case 'vibration_rms':
      case 'acceleration_rms':
      case 'flow':
      case 'motor_current':
      case 'level':
        v = Math.max(0, v);
        break;
      case 'cloud_cover':
        v = Math.min(8, Math.max(0, Math.round(v)));
        break;
      default:
        break;
    }
    const f = 10 ** s.decimals;
    return Math.round(v * f) / f;
  }

  /** The published value at `tMs`, or null when a dropout fault silences the sensor. */
  /**
   * A fast sample of a capture that started at `fromMs`. A flow meter's fast samples carry the
   * line pack of the capture's start: the pack term is the RTU interval's mean (what the
   * regular readings report), while within a capture the wave itself carries the flow change
   * (`leakDelta`, `operationState`); taking the interval's mean at 100 Hz would add a
   * second, smeared copy of it.
   */
  captureReading(
    s: SimSensor,
    tMs: number,
    fromMs: number,
    book: IncidentBook | null,
  ): number | null {
    this.packAtMs = fromMs;
    try {
      return this.reading(s, tMs, book);
    } finally {
      this.packAtMs = null;
    }
  }

  reading(s: SimSensor, tMs: number, book: IncidentBook | null): number | null {
    const faults = book?.faultsOn(s.index);
    if (!faults) return this.measured(s, tMs, book);
    let active: FaultRun | undefined;
    for (const f of faults) {
      if (tMs >= f.startMs && (f.endMs === null || tMs < f.endMs)) active = f;
    }
    if (!active) return this.measured(s, tMs, book);
    const sigma = s.sigma > 0 ? s.sigma : 1;
    switch (active.mode) {
      case 'dropout':
        return null;
      case 'stuck':
        active.stuckValue ??= this.measured(s, active.startMs, book);
        return active.stuckValue;
      case 'drift': {
        const hours = (tMs - active.startMs) / HOUR_MS;
        return this.clampAndRound(
          s,
          this.measured(s, tMs, book) + active.magnitude * sigma * hours,
        );
      }
      case 'spike': {
        const v = this.measured(s, tMs, book);
        if (uniform(this.seedKey ^ s.key, S_SPIKE, tMs) >= SPIKE_PROBABILITY) return v;
        const sign = uniform(this.seedKey ^ s.key, S_SPIKE_SIGN, tMs) < 0.5 ? -1 : 1;
        return this.clampAndRound(s, v + sign * active.magnitude * sigma);
      }
    }
  }
}

/**
 * Change of a line sensor's value caused by a leak at `tMs`. The leaked rate r(t) reaches the
 * sensor after the wave's travel time; flow meters follow it at once, pressure falls by the
 * Joukowsky step J r that relaxes (time constant relaxS) into the lasting friction sag S r:
 * dp = -[(J - S) hp(r) + S r], hp the first-order high-pass of r.
 */
export function leakDelta(leak: LeakRun, eff: LeakEffect, isFlow: boolean, tMs: number): number {
  const tau = (tMs - leak.startMs) / 1000 - eff.arrivalS;
  if (tau <= -0.25) return 0;
  const q = leak.rateM3h;
  const R = leak.rampS;
  const T = leak.relaxS;
  const tauEnd = leak.endMs === null ? Infinity : (leak.endMs - leak.startMs) / 1000;
  const rateOpen = (x: number) => (R > 0 ? q * Math.min(1, Math.max(0, x / R)) : q * edge(x));
  const hpOpen = (x: number): number => {
    if (R <= 0) return q * edge(x) * Math.exp(-Math.max(x, 0) / T);
    if (x <= 0) return 0;
    if (x <= R) return ((q * T) / R) * (1 - Math.exp(-x / T));
    return ((q * T) / R) * (1 - Math.exp(-R / T)) * Math.exp(-(x - R) / T);
  };
  let rate: number;
  let hp: number;
  if (tau > tauEnd) {
    rate = rateOpen(tauEnd);
    hp = hpOpen(tauEnd) * Math.exp(-(tau - tauEnd) / T);
  } else {
    rate = rateOpen(tau);
    hp = hpOpen(tau);
  }
  if (tauEnd !== Infinity) {
    // Closing the hole sends the opposite wave: subtract a step of the rate at closure.
    const x = tau - tauEnd;
    const qEnd = rateOpen(tauEnd);
    const e = edge(x);
    rate -= qEnd * e;
    hp -= qEnd * e * Math.exp(-Math.max(x, 0) / T);
  }
  if (isFlow) return eff.flowFactor * rate;
  const J = leak.stepKpaPerM3h;
  const S = eff.sagKpaPerM3h;
  return -((J - S) * hp + S * rate);
}

/**
 * An operation as a sensor sees it at `tMs`: the factor on the line's flow once the wave has
 * passed (back to 1 after the operation's end has passed too) and the relative flow change
 * still travelling as a front, first-order high-passed (the same relaxation as a leak's).
 */
export function operationState(
  op: OperationRun,
  arrivalS: number,
  tMs: number,
): { factor: number; hp: number } {
  const tau = (tMs - op.startMs) / 1000 - arrivalS;
  if (tau <= -0.25) return { factor: 1, hp: 0 };
  const T = op.relaxS;
  const d = op.factor - 1;
  let factor = 1 + d * edge(tau);
  let hp = d * edge(tau) * Math.exp(-Math.max(tau, 0) / T);
  if (op.endMs !== null) {
    const x = (tMs - op.endMs) / 1000 - arrivalS;
    const e = edge(x);
    factor -= d * e;
    hp -= d * e * Math.exp(-Math.max(x, 0) / T);
  }
  return { factor, hp };
}

/** Degradation of a machine's bearing at `tMs`: growth factor of vibration and 0-1+ progress. */
export function wearState(
  runs: readonly WearRun[] | undefined,
  tMs: number,
): { growth: number; progress: number } {
  let growth = 1;
  let progress = 0;
  if (!runs) return { growth, progress };
  for (const w of runs) {
    if (tMs < w.startMs || (w.endMs !== null && tMs >= w.endMs)) continue;
    const hours = (tMs - w.startMs) / HOUR_MS;
    // Exponential degradation model (rotating-equipment.md 4.4): S(t) = phi + theta exp(beta t)
    const g = Math.min(Math.exp(w.betaPerH * hours), 2.5 * w.growthAtFailure);
    growth *= g;
    progress = Math.max(progress, (g - 1) / (w.growthAtFailure - 1));
  }
  return { growth, progress };
}
