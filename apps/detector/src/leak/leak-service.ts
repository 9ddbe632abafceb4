/**
 * The live leak detector: one `LineLeakMonitor` per line of the detector's areas, fed from the
 * lines' telemetry (regular samples and edge reports), told about announced operations, and
 * turning findings into one `leak` alert per line with its full detail.
 */
import { LineLeakMonitor, type LeakChange } from '@ct/analytics';
import {
  LineOperationSchema,
  OPERATION_FILTER,
  alertEventTopic,
  telemetryTopic,
  type TelemetryMessage,
} from '@ct/contracts';
import {
  clearAlert,
  listAlerts,
  listAllSensors,
  querySensorHistory,
  raiseAlert,
  recordLineOperation,
  toAlert,
  updateAlertDetail,
  type AlertRow,
  type Sql,
} from '@ct/db';
import type { PlantModel } from '@ct/plant';
import type { Logger } from 'pino';
import {
  buildLeakDetail,
  exposureContext,
  leakSeverity,
  leakTitle,
  type ExposureContext,
  type Weather,
} from './leak-detail';
import { plantLines, type PlantLine, type PlantLines } from './plant-lines';

export interface LeakServiceOptions {
  sql: Sql;
  plant: PlantModel;
  areas: string[] | null;
  instance: string;
  log: Logger;
  publish: (topic: string, payload: string) => void;
  /** Minutes of history read at start to warm the balances (default 5). */
  warmupS?: number;
  /** An alert left active by an earlier run is cleared when its line stays quiet this long. */
  orphanClearS?: number;
  /** Off-delay of a leak's condition, s (default 60). */
  clearAfterS?: number;
}

interface LineState {
  pl: PlantLine;
  monitor: LineLeakMonitor;
  alertId: number | null;
  queue: Promise<void>;
  /** Wind the open alert's zones were drawn for. */
  zonesFor: Weather | null;
  /** Methods behind the last written estimate: a change is noted in the audit trail. */
  methods: string;
  /** A write that failed (database away): retried from the tick until it lands. */
  retryAt: number | null;
}

const WEATHER_KEYS: Record<string, keyof Omit<Weather, 't'>> = {
  wind_speed: 'windSpeedMs',
  wind_direction: 'windFromDeg',
  cloud_cover: 'cloudOkta',
  air_temperature: 'airTempC',
};

export class LeakService {
  readonly lines: PlantLines;
  private readonly states = new Map<string, LineState>();
  private readonly ctx: ExposureContext;
  private weather: Partial<Weather> = {};
  private readonly o: LeakServiceOptions;
  private readonly startedAt = Date.now();
  private orphans = new Map<string, number>();
  changes = 0;

  constructor(o: LeakServiceOptions) {
    this.o = o;
    this.lines = plantLines(o.plant, o.areas);
    this.ctx = exposureContext(o.plant);
    for (const pl of this.lines.lines)
      this.states.set(pl.line.id, {
        pl,
        monitor: new LineLeakMonitor(pl.spec, {
          clearAfterMs: (o.clearAfterS ?? 60) * 1000,
        }),
        alertId: null,
        queue: Promise.resolve(),
        zonesFor: null,
        methods: '',
        retryAt: null,
      });
  }

  /** Topics to subscribe to: the lines' devices, the weather station, and operations. */
  topics(): string[] {
    const t = new Set<string>([OPERATION_FILTER]);
    for (const pl of this.lines.lines)
      for (const d of pl.devices) t.add(telemetryTopic(d.company, d.device));
    for (const d of this.lines.weatherDevices) t.add(telemetryTopic(d.company, d.device));
    return [...t];
  }

  monitor(lineId: string): LineLeakMonitor | undefined {
    return this.states.get(lineId)?.monitor;
  }

  currentWeather(): Weather | null {
    const w = this.weather;
    if (w.t === undefined || w.windSpeedMs === undefined || w.windFromDeg === undefined)
      return null;
    return {
      t: w.t,
      windSpeedMs: w.windSpeedMs,
      windFromDeg: w.windFromDeg,
      cloudOkta: w.cloudOkta ?? 4,
      airTempC: w.airTempC ?? null,
    };
  }

  /** Warms the balances from recent history and adopts the open leak alerts of an earlier run. */
  async prepare(nowMs: number): Promise<void> {
    const open = await listAlerts(this.o.sql, { kind: 'leak', open: true, limit: 10_000 });
    for (const a of open) {
      const st = this.states.get(a.source_id);
      if (!st) continue;
      st.alertId = a.id;
      if (a.active) this.orphans.set(a.source_id, a.id);
    }
    const warmMs = (this.o.warmupS ?? 300) * 1000;
    const all = await listAllSensors(this.o.sql);
    const idToKey = new Map<number, { st: LineState; tag: string }>();
    for (const s of all) {
      const pl = this.lines.bySensor.get(`${s.company_id}/${s.tag}`);
      if (pl) idToKey.set(s.id, { st: this.states.get(pl.line.id)!, tag: s.tag });
    }
    const ids = [...idToKey.keys()];
    for (let i = 0; i < ids.length; i += 2000) {
      const hist = await querySensorHistory(
        this.o.sql,
        ids.slice(i, i + 2000),
        nowMs - warmMs,
        nowMs,
      );
      for (const [id, h] of hist) {
        const k = idToKey.get(id)!;
        if (h.t.length > 0) k.st.monitor.addReadings(k.tag, h.t, h.v, nowMs);
      }
    }
  }

  onTelemetry(company: string, msg: TelemetryMessage, nowMs: number): void {
    // group by sensor, keeping time order, so a capture arrives as one run
    const groups = new Map<string, { pl: PlantLine; t: number[]; v: number[] }>();
    for (const r of msg.readings) {
      const key = `${company}/${r.sensor}`;
      const wq = this.lines.weather.get(key);
      if (wq) {
        const field = WEATHER_KEYS[wq];
        if (field) {
          this.weather[field] = r.v;
          this.weather.t = Math.max(this.weather.t ?? 0, r.t);
        }
        continue;
      }
      const pl = this.lines.bySensor.get(key);
      if (!pl) continue;
      let g = groups.get(r.sensor);
      if (!g) groups.set(r.sensor, (g = { pl, t: [], v: [] }));
      g.t.push(r.t);
      g.v.push(r.v);
    }
    const touched = new Set<LineState>();
    for (const [tag, g] of groups) {
      const st = this.states.get(g.pl.line.id)!;
      if (g.t.some((t, i) => i > 0 && t < g.t[i - 1]!)) {
        const order = g.t.map((_, i) => i).sort((a, b) => g.t[a]! - g.t[b]!);
        g.t = order.map((i) => g.t[i]!);
        g.v = order.map((i) => g.v[i]!);
      }
      st.monitor.addReadings(tag, g.t, g.v, nowMs);
      touched.add(st);
    }
    for (const st of touched) this.evaluate(st, nowMs);
  }

  onOperation(payload: Buffer, nowMs: number): void {
    let parsed;
    try {
      parsed = LineOperationSchema.safeParse(JSON.parse(payload.toString('utf8')));
    } catch {
      this.o.log.warn('an operation announcement that is not JSON was ignored');
      return;
    }
    if (!parsed.success) {
      this.o.log.warn(
        { issues: parsed.error.issues.slice(0, 3) },
        'an invalid operation announcement was ignored',
      );
      return;
    }
    const op = parsed.data;
    const st =
      this.states.get(op.line) ?? [...this.states.values()].find((s) => s.pl.line.tag === op.line);
    if (!st) return;
    st.monitor.announceOperation(op.t, op.kind.replace('_', ' '), op.settle_s);
    this.o.log.info({ line: st.pl.line.id, kind: op.kind, t: op.t }, 'operation announced');
    recordLineOperation(this.o.sql, { ...op, line: st.pl.line.id }, op.source ?? 'mqtt').catch(
      (err) => this.o.log.warn({ err: (err as Error).message }, 'could not record an operation'),
    );
    void nowMs;
  }

  /** Periodic work: gathers of wave fronts, off-delays, zones that follow the wind, orphans. */
  tick(nowMs: number): void {
    for (const st of this.states.values()) this.evaluate(st, nowMs);
    for (const st of this.states.values()) {
      if (st.retryAt === null || nowMs < st.retryAt) continue;
      st.retryAt = null;
      const f = st.monitor.current();
      // an open finding whose alert did not land is raised (or refreshed) again
      if (f) this.write(st, { kind: st.alertId === null ? 'raise' : 'update', finding: f }, nowMs);
    }
    const w = this.currentWeather();
    for (const st of this.states.values()) {
      const f = st.monitor.current();
      if (!f || st.alertId === null || !w) continue;
      const z = st.zonesFor;
      const turned =
        !z ||
        Math.abs(((w.windFromDeg - z.windFromDeg + 540) % 360) - 180) > 10 ||
        Math.abs(w.windSpeedMs - z.windSpeedMs) > 1;
      if (turned && (!z || nowMs - z.t > 30_000))
        this.write(st, { kind: 'update', finding: f }, nowMs, 'wind');
    }
    if (nowMs - this.startedAt > (this.o.orphanClearS ?? 600) * 1000) {
      for (const [lineId, id] of this.orphans) {
        this.orphans.delete(lineId);
        const st = this.states.get(lineId)!;
        if (st.monitor.current() || st.alertId !== id) continue;
        st.queue = st.queue
          .then(async () => {
            const a = await clearAlert(
              this.o.sql,
              'leak',
              'line',
              lineId,
              nowMs,
              this.o.instance,
              'not seen again since the detector restarted',
            );
            if (a) this.announce('clear', a);
          })
          .catch((err) => this.o.log.error({ err: (err as Error).message }, 'alert write failed'));
      }
    }
  }

  private evaluate(st: LineState, nowMs: number): void {
    const change = st.monitor.evaluate(nowMs);
    if (change) this.write(st, change, nowMs);
  }

  private announce(action: string, a: AlertRow): void {
    this.o.publish(
      alertEventTopic(a.company_id),
      JSON.stringify({ action, actor: this.o.instance, t: Date.now(), alert: toAlert(a) }),
    );
  }

  private write(st: LineState, change: LeakChange, nowMs: number, why?: string): void {
    this.changes++;
    const pl = st.pl;
    const weather = this.currentWeather();
    const detail = buildLeakDetail(pl, change.finding, weather, this.ctx);
    if (change.kind !== 'clear') st.zonesFor = weather;
    const log = this.o.log;
    st.queue = st.queue
      .then(async () => {
        if (change.kind === 'raise' || (change.kind === 'update' && st.alertId === null)) {
          this.orphans.delete(pl.line.id);
          const a = await raiseAlert(this.o.sql, {
            companyId: pl.company.id,
            areaId: pl.line.areaId,
            kind: 'leak',
            sourceType: 'line',
            sourceId: pl.line.id,
            severity: leakSeverity(pl),
            title: leakTitle(pl, change.finding),
            detail: detail as unknown as Record<string, unknown>,
            atMs: change.finding.detectedMs,
            actor: this.o.instance,
            latching: true,
          });
          st.alertId = a.id;
          st.methods = change.finding.evidence.map((e) => e.method).join(' + ');
          this.announce('raise', a);
          log.warn(
            {
              line: pl.line.id,
              alert: a.id,
              segment: change.finding.segmentId,
              position_m: detail.position.line_position_m,
              rate_m3h: detail.rate.m3h,
              latency_ms: nowMs - change.finding.onsetMs,
            },
            'leak alert raised',
          );
        } else if (change.kind === 'update') {
          const methods = change.finding.evidence.map((e) => e.method).join(' + ');
          const news = why !== 'wind' && methods !== st.methods;
          st.methods = methods;
          const a = await updateAlertDetail(
            this.o.sql,
            st.alertId!,
            detail as unknown as Record<string, unknown>,
            nowMs,
            this.o.instance,
            news
              ? `estimate now from ${methods}: ${Math.round(change.finding.positionM)} m +- ${Math.round(change.finding.uncertaintyM)} m, ${detail.rate.m3h} m3/h`
              : null,
            leakTitle(pl, change.finding),
          );
          if (a) this.announce('update', a);
        } else {
          const a = await clearAlert(
            this.o.sql,
            'leak',
            'line',
            pl.line.id,
            nowMs,
            this.o.instance,
            change.reason,
          );
          if (a) this.announce('clear', a);
          st.alertId = a && a.isa_state !== 'A' ? a.id : null;
          log.info({ line: pl.line.id, reason: change.reason }, 'leak condition cleared');
        }
      })
      .then(() => {
        st.retryAt = null;
      })
      .catch((err) => {
        // nothing is lost: the finding stays open in the monitor and is written again
        st.retryAt = Date.now() + 5000;
        log.error(
          { err: (err as Error).message, line: pl.line.id },
          'leak alert write failed; retrying',
        );
      });
  }

  async stop(): Promise<void> {
    await Promise.all([...this.states.values()].map((s) => s.queue));
  }
}
