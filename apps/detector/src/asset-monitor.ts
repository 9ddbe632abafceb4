import {
  EquipmentHealthTracker,
  createDetector,
  formatRul,
  groupBoundaries,
  type DetectorOutput,
  type StreamingDetector,
} from '@ct/analytics';
import type { EquipmentHealth, Rul } from '@ct/contracts';
import type { AnomalyScoreRow, RotatingEquipment } from '@ct/db';

/** A value older than this is not carried into the next sample (the sensor is missing). */
const HOLD_MS = 5_000;

export interface MonitorOptions {
  detector: string;
  /** Seconds of normal operation to learn from before scoring starts. */
  baselineS: number;
  /** Fewest samples a baseline needs. */
  minBaselineSamples: number;
  /** The anomaly decision must hold this long before an alert is raised (on-delay). */
  alertOnDelayS: number;
  /** ... and be gone this long before the alert clears (off-delay, against chattering). */
  alertOffDelayS: number;
}

export const DEFAULT_MONITOR_OPTIONS: MonitorOptions = {
  detector: 'default',
  baselineS: 600,
  minBaselineSamples: 120,
  alertOnDelayS: 30,
  alertOffDelayS: 120,
};

export type AlertChange =
  | { kind: 'raise'; atMs: number; severity: 'low' | 'medium' | 'high' }
  | { kind: 'clear'; atMs: number };

/**
 * One pump or compressor: assembles samples from its sensors' readings, learns its normal
 * behaviour, scores every sample with the streaming detector, tracks its ISO zone, health index
 * and remaining life, and decides when an equipment alert should be raised or cleared.
 * No I/O: the service feeds it readings and takes its outputs.
 */
export class AssetMonitor {
  readonly sensorIndex = new Map<number, number>();
  private readonly detector: StreamingDetector;
  /** Made when the baseline is fitted: the healthy vibration level is the baseline's mean. */
  private tracker: EquipmentHealthTracker | null = null;
  private readonly vibrationIndex: number;
  private readonly values: Float64Array;
  private readonly times: Float64Array;
  private baselineTimes: number[] = [];
  private baselineRows: Float64Array[] = [];
  state: 'learning' | 'scoring' = 'learning';
  baselineWindow: { fromMs: number; toMs: number; samples: number } | null = null;
  last: DetectorOutput | null = null;
  lastT = 0;
  /** Incremented on every scored sample; the service publishes when it moved. */
  version = 0;
  // the interval aggregate the service writes to the database
  private worst: { t: number; out: DetectorOutput } | null = null;
  private anyChangepoint = false;
  // alert on/off delay
  private aboveSince: number | null = null;
  private belowSince: number | null = null;
  alerting = false;
  alert: { id: number; isaState: string } | null = null;

  constructor(
    readonly asset: RotatingEquipment,
    private readonly opts: MonitorOptions,
  ) {
    asset.sensors.forEach((s, i) => this.sensorIndex.set(s.id, i));
    const names = asset.sensors.map((s) => s.quantity);
    this.detector = createDetector(opts.detector, names);
    this.values = new Float64Array(asset.sensors.length).fill(NaN);
    this.times = new Float64Array(asset.sensors.length).fill(-Infinity);
    this.vibrationIndex = asset.sensors.findIndex((s) => s.quantity === 'vibration_rms');
  }

  get detectorName(): string {
    return this.detector.name;
  }

  /** Learns from a stored baseline window instead of waiting for live data (restart). */
  fitFrom(times: number[], rows: Float64Array[]): void {
    if (rows.length < 2) return;
    this.detector.fit([{ times, rows }]);
    this.baselineWindow = {
      fromMs: times[0]!,
      toMs: times[times.length - 1]!,
      samples: rows.length,
    };
    this.state = 'scoring';
    this.tracker = this.makeTracker(rows);
  }

  /** History for the remaining-life trend (e.g. minute averages of vibration, oldest first). */
  seedVibrationHistory(points: { t: number; v: number }[]): void {
    if (!this.tracker) return;
    for (const p of points) this.tracker.update(p.t, p.v);
  }

  /** Holds the latest value of one sensor (its time says how fresh it is). */
  setReading(sensorId: number, t: number, v: number): void {
    const i = this.sensorIndex.get(sensorId);
    if (i === undefined || t < this.times[i]!) return;
    this.values[i] = v;
    this.times[i] = t;
  }

  /**
   * Closes the sample at time `t` (the scan whose readings were just set) and scores it. A
   * sample older than the last one scored is ignored: the detector is causal. Returns whether
   * a sample was scored.
   */
  score(t: number): boolean {
    if (t <= this.lastT) return false;
    this.lastT = t;
    const x = new Float64Array(this.values.length);
    for (let i = 0; i < x.length; i++) x[i] = t - this.times[i]! <= HOLD_MS ? this.values[i]! : NaN;
    if (this.state === 'learning') {
      this.baselineTimes.push(t);
      this.baselineRows.push(x);
      const span = (t - this.baselineTimes[0]!) / 1000;
      if (span >= this.opts.baselineS && this.baselineRows.length >= this.opts.minBaselineSamples) {
        this.fitFrom(this.baselineTimes, this.baselineRows);
        this.baselineTimes = [];
        this.baselineRows = [];
      }
      return false;
    }
    const out = this.detector.update(t, x);
    this.last = out;
    this.version++;
    if (this.tracker && this.vibrationIndex >= 0 && Number.isFinite(x[this.vibrationIndex]!)) {
      this.tracker.update(t, x[this.vibrationIndex]!);
    }
    if (!this.worst || out.score > this.worst.out.score) this.worst = { t, out };
    if (out.changepoint) this.anyChangepoint = true;
    return true;
  }

  /** Whether the alert decision changed with the samples scored so far (on/off delays applied). */
  alertChange(nowT = this.lastT): AlertChange | null {
    const out = this.last;
    if (!out || this.state !== 'scoring') return null;
    if (out.anomaly) {
      this.belowSince = null;
      this.aboveSince ??= nowT;
      if (!this.alerting && nowT - this.aboveSince >= this.opts.alertOnDelayS * 1000) {
        this.alerting = true;
        const zone = this.tracker?.zone ?? null;
        const severity =
          zone === 'D' ? 'high' : zone === 'C' || out.score >= 0.95 ? 'medium' : 'low';
        return { kind: 'raise', atMs: nowT, severity };
      }
    } else {
      this.aboveSince = null;
      this.belowSince ??= nowT;
      if (this.alerting && nowT - this.belowSince >= this.opts.alertOffDelayS * 1000) {
        this.alerting = false;
        return { kind: 'clear', atMs: nowT };
      }
    }
    return null;
  }

  /** The interval's row for the database (its worst sample), and starts a new interval. */
  takeRow(): AnomalyScoreRow | null {
    const w = this.worst;
    if (!w) return null;
    this.worst = null;
    const changepoint = this.anyChangepoint;
    this.anyChangepoint = false;
    const snap = this.tracker?.snapshot();
    const rul = snap?.rul;
    return {
      time: w.t,
      companyId: this.asset.companyId,
      equipmentId: this.asset.id,
      detector: this.detector.name,
      score: w.out.score,
      anomaly: w.out.anomaly,
      changepoint,
      confidence: w.out.confidence,
      contributions: this.contributions(w.out),
      zone: snap?.zone ?? null,
      healthIndex: snap?.healthIndex ?? null,
      rulStatus: rul?.status ?? null,
      rulS: rul?.status === 'estimate' ? rul.rulS : null,
      rulLowS: rul?.status === 'estimate' ? rul.lowS : null,
      rulHighS: rul?.status === 'estimate' ? rul.highS : null,
    };
  }

  /** The live view of this asset, as the api serves it. */
  health(): EquipmentHealth {
    const out = this.last;
    const snap = this.tracker?.snapshot() ?? null;
    const r = snap?.rul;
    const rul: Rul | null = !r
      ? null
      : r.status === 'estimate'
        ? {
            status: 'estimate',
            rul_s: r.rulS,
            low_s: r.lowS,
            high_s: r.highS,
            model: r.model,
            r2: r.r2,
            text: formatRul(r),
          }
        : { status: 'no_trend', reason: r.detail };
    return {
      equipment_id: this.asset.id,
      company_id: this.asset.companyId,
      tag: this.asset.tag,
      kind: this.asset.kind,
      t: this.lastT,
      detector: this.detector.name,
      state: this.state,
      score: out ? Math.min(1, Math.max(0, out.score)) : 0,
      anomaly: out?.anomaly ?? false,
      confidence: out ? Math.min(1, Math.max(0, out.confidence)) : 0,
      contributions: out ? this.contributions(out) : [],
      zone: snap?.zone ?? null,
      vibration_mm_s: snap?.velocityRmsMmS ?? null,
      health_index: snap?.healthIndex ?? null,
      rul,
      alert: this.alert ? { id: this.alert.id, isa_state: this.alert.isaState } : null,
    };
  }

  private contributions(out: DetectorOutput) {
    return out.contributions.map((c) => ({
      sensor: this.asset.sensors[c.sensor]?.tag ?? c.name,
      name: c.name,
      sigma: Math.round(c.sigma * 10) / 10,
    }));
  }

  private makeTracker(rows: Float64Array[]): EquipmentHealthTracker {
    let sum = 0;
    let n = 0;
    if (this.vibrationIndex >= 0) {
      for (const r of rows) {
        const v = r[this.vibrationIndex]!;
        if (Number.isFinite(v)) {
          sum += v;
          n++;
        }
      }
    }
    const a = this.asset;
    return new EquipmentHealthTracker({
      boundaries: groupBoundaries({
        // ISO 10816-3: group 1 above 300 kW, group 2 from 15 to 300 kW
        group: a.machineGroup ?? (a.ratedKw !== null && a.ratedKw > 300 ? 1 : 2),
        foundation: a.foundation ?? 'rigid',
      }),
      ...(n > 0 ? { baselineMmS: sum / n } : {}),
    });
  }
}
