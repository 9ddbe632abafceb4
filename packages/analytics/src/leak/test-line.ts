/**
 * A small synthetic line for the leak detector's tests: flows and pressures with white noise, a
 * leak that feeds from both ends, its negative pressure wave with 100 Hz captures, sensor faults
 * and announced flow changes. Deliberately simpler than apps/simulator (straight pipe, uniform
 * wave speed), so the tests check the detector against known answers, not against itself.
 */
import type { LineSpec } from './line-monitor';
import { waveSpeedMs } from './physics';

export interface TestLeak {
  positionM: number;
  rateM3h: number;
  startMs: number;
  rampS?: number;
  endMs?: number;
}

export interface TestFault {
  tag: string;
  mode: 'stuck' | 'drift' | 'spike' | 'dropout';
  startMs: number;
  /** Drift per hour or spike height, in the sensor's sigmas. */
  magnitude?: number;
}

export interface TestLineOptions {
  segments?: number;
  segmentM?: number;
  /** Unequal segments (overrides `segments` and `segmentM`), m. */
  segmentLengthsM?: number[];
  /** The fluid (default a light liquid, 700 kg/m3, K 1 GPa). */
  fluid?: { densityKgM3: number; bulkModulusPa: number };
  flowM3h?: number;
  seed?: number;
  leak?: TestLeak;
  faults?: TestFault[];
  /** A flow change (pump stop, valve move) at the inlet: new load factor from startMs. */
  flowChange?: { startMs: number; factor: number };
}

/** Deterministic normal deviates (xorshift + Box-Muller). */
export function gaussianSource(seed: number): () => number {
  let x = seed >>> 0 || 1;
  const u = () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return (x + 0.5) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

export class TestLine {
  readonly spec: LineSpec;
  readonly waveMs: number;
  readonly stepKpaPerM3h: number;
  private readonly g: () => number;
  private readonly o: Required<
    Omit<TestLineOptions, 'leak' | 'faults' | 'flowChange' | 'segmentLengthsM' | 'fluid'>
  > &
    TestLineOptions;
  private readonly pIn = 2000;
  private readonly dropPerM = 0.5;
  private readonly stuck = new Map<string, number>();
  private readonly totalM: number;

  constructor(opts: TestLineOptions = {}) {
    this.o = { segments: 6, segmentM: 100, flowM3h: 500, seed: 7, ...opts };
    this.g = gaussianSource(this.o.seed);
    const D = 0.3;
    const wall = 0.008;
    const lengths =
      this.o.segmentLengthsM ?? Array.from({ length: this.o.segments }, () => this.o.segmentM);
    this.o.segments = lengths.length;
    const starts = lengths.map((_, i) => lengths.slice(0, i).reduce((a, b) => a + b, 0));
    this.totalM = lengths.reduce((a, b) => a + b, 0);
    const rho = this.o.fluid?.densityKgM3 ?? 700;
    const K = this.o.fluid?.bulkModulusPa ?? 1e9;
    const segments = lengths.map((len, i) => ({
      id: `seg-${i}`,
      startM: starts[i]!,
      lengthM: len,
      innerDiameterM: D,
      wallM: wall,
    }));
    const sensors: LineSpec['sensors'] = [];
    for (let i = 0; i <= this.o.segments; i++) {
      const pos = i < this.o.segments ? starts[i]! + 1 : this.totalM - 1;
      sensors.push({ key: `PT-${i}`, tag: `PT-${i}`, quantity: 'pressure', positionM: pos });
      sensors.push({ key: `FT-${i}`, tag: `FT-${i}`, quantity: 'flow', positionM: pos + 0.5 });
    }
    this.spec = {
      id: 'line-1',
      nominalFlowM3h: this.o.flowM3h,
      densityKgM3: rho,
      bulkModulusPa: K,
      segments,
      sensors,
    };
    this.waveMs = waveSpeedMs(K, rho, D, wall);
    const area = (Math.PI / 4) * D * D;
    // Joukowsky, shared by the two waves leaving the hole: dp = rho a q / (2 A)
    this.stepKpaPerM3h = (rho * this.waveMs * (1 / 3600)) / (2 * area) / 1000;
  }

  private load(tMs: number): number {
    const c = this.o.flowChange;
    const base = 1 + 0.03 * Math.sin(tMs / 600_000);
    return c && tMs >= c.startMs ? base * c.factor : base;
  }

  private leakRate(tMs: number, arrivalS: number): number {
    const L = this.o.leak;
    if (!L) return 0;
    const tau = (tMs - L.startMs) / 1000 - arrivalS;
    const ramp = L.rampS ?? 0;
    // an abrupt hole opens over a few tens of milliseconds, centred on the arrival
    if (tau < (ramp > 0 ? 0 : -0.25)) return 0;
    if (L.endMs !== undefined && tMs >= L.endMs + arrivalS * 1000) return 0;
    const edge = ramp > 0 ? Math.min(1, tau / ramp) : 1 / (1 + Math.exp(-tau / 0.01));
    return L.rateM3h * edge;
  }

  private hp(tMs: number, arrivalS: number): number {
    const L = this.o.leak;
    if (!L || (L.rampS ?? 0) > 0) return 0;
    const tau = (tMs - L.startMs) / 1000 - arrivalS;
    if (tau < -0.25) return 0;
    return this.leakRate(tMs, arrivalS) * Math.exp(-Math.max(tau, 0) / 5);
  }

  /** True value of a sensor at tMs. */
  truth(key: string, tMs: number): number {
    const s = this.spec.sensors.find((x) => x.key === key)!;
    const load = this.load(tMs);
    const L = this.o.leak;
    const total = this.totalM;
    const arrival = L ? Math.abs(s.positionM - L.positionM) / this.waveMs : 0;
    const xi = L ? L.positionM / total : 0;
    if (s.quantity === 'flow') {
      const q = this.leakRate(tMs, arrival);
      return this.o.flowM3h * load + (L && s.positionM < L.positionM ? q * (1 - xi) : -q * xi);
    }
    return (
      this.pIn -
      this.dropPerM * s.positionM * load * load -
      this.stepKpaPerM3h * this.hp(tMs, arrival)
    );
  }

  sigma(key: string): number {
    return key.startsWith('FT') ? 0.005 * this.o.flowM3h : 0.0015 * this.pIn;
  }

  /** Measured value with noise and faults; null for a dropout. */
  read(key: string, tMs: number): number | null {
    let v = this.truth(key, tMs) + this.sigma(key) * this.g();
    for (const f of this.o.faults ?? []) {
      if (f.tag !== key || tMs < f.startMs) continue;
      if (f.mode === 'dropout') return null;
      if (f.mode === 'stuck') {
        if (!this.stuck.has(key)) this.stuck.set(key, Math.round(v * 1000) / 1000);
        return this.stuck.get(key)!;
      }
      if (f.mode === 'drift')
        v += ((f.magnitude ?? 10) * this.sigma(key) * (tMs - f.startMs)) / 3_600_000;
      if (f.mode === 'spike' && this.g() > 1.88)
        v += (f.magnitude ?? 10) * this.sigma(key) * Math.sign(this.g());
    }
    return Math.round(v * 1000) / 1000;
  }

  /** The regular sample of every sensor at tMs. */
  sample(tMs: number): { key: string; t: number; v: number }[] {
    const out: { key: string; t: number; v: number }[] = [];
    for (const s of this.spec.sensors) {
      const v = this.read(s.key, tMs);
      if (v !== null) out.push({ key: s.key, t: tMs, v });
    }
    return out;
  }

  /**
   * 100 Hz capture of a sensor from 1 s before to 0.5 s after the leak's wave arrives (or, with
   * `atMs`, around that instant: the flow change at the inlet reaches every sensor at once here).
   */
  capture(key: string, atMs?: number): { t: number[]; v: number[] } {
    const s = this.spec.sensors.find((x) => x.key === key)!;
    let arrival: number;
    if (atMs !== undefined) arrival = atMs;
    else {
      const L = this.o.leak!;
      arrival = L.startMs + (Math.abs(s.positionM - L.positionM) / this.waveMs) * 1000;
    }
    const t: number[] = [];
    const v: number[] = [];
    for (let ms = Math.ceil((arrival - 1000) / 10) * 10; ms <= arrival + 500; ms += 10) {
      t.push(ms);
      v.push(this.read(key, ms) ?? Number.NaN);
    }
    return { t, v };
  }
}
