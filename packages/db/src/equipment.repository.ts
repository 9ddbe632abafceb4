import type { Queryable } from './client';
import { doing } from './errors';

export interface RotatingSensor {
  id: number;
  tag: string;
  quantity: string;
  unit: string;
  deviceId: string;
}

export interface RotatingEquipment {
  id: string;
  companyId: string;
  areaId: string;
  kind: 'pump' | 'compressor';
  tag: string;
  name: string;
  ratedKw: number | null;
  speedRpm: number | null;
  machineGroup: 1 | 2 | null;
  foundation: 'rigid' | 'flexible' | null;
  sensors: RotatingSensor[];
}

/** Pumps and compressors (of the given areas, or all) with their sensors. */
export async function listRotatingEquipment(
  sql: Queryable,
  areas: string[] | null,
): Promise<RotatingEquipment[]> {
  return doing('listing rotating equipment', async () => {
    const rows = await sql<
      {
        id: string;
        company_id: string;
        area_id: string;
        kind: 'pump' | 'compressor';
        tag: string;
        name: string;
        rated_kw: number | null;
        speed_rpm: number | null;
        machine_group: number | null;
        foundation: string | null;
        sensors: { id: number; tag: string; quantity: string; unit: string; device_id: string }[];
      }[]
    >`
      select e.id, e.company_id, e.area_id, e.kind, e.tag, e.name, e.rated_kw, e.speed_rpm,
        e.machine_group, e.foundation,
        coalesce(json_agg(json_build_object('id', s.id, 'tag', s.tag, 'quantity', s.quantity,
          'unit', s.unit, 'device_id', s.device_id) order by s.id)
          filter (where s.id is not null), '[]') as sensors
      from equipment e left join sensor s on s.equipment_id = e.id
      where e.kind in ('pump', 'compressor')
        and (${areas}::text[] is null or e.area_id = any(${areas}::text[]))
      group by e.id order by e.id`;
    return rows.map((r) => ({
      id: r.id,
      companyId: r.company_id,
      areaId: r.area_id,
      kind: r.kind,
      tag: r.tag,
      name: r.name,
      ratedKw: r.rated_kw,
      speedRpm: r.speed_rpm,
      machineGroup: r.machine_group === 1 || r.machine_group === 2 ? r.machine_group : null,
      foundation: r.foundation === 'rigid' || r.foundation === 'flexible' ? r.foundation : null,
      sensors: r.sensors.map((s) => ({
        id: s.id,
        tag: s.tag,
        quantity: s.quantity,
        unit: s.unit,
        deviceId: s.device_id,
      })),
    }));
  });
}

export interface SensorHistory {
  sensorId: number;
  /** Epoch ms, increasing. */
  t: number[];
  v: number[];
}

/** Raw readings of several sensors in [fromMs, toMs), by sensor, in time order. */
export async function querySensorHistory(
  sql: Queryable,
  sensorIds: number[],
  fromMs: number,
  toMs: number,
): Promise<Map<number, SensorHistory>> {
  return doing('reading sensor history', async () => {
    const out = new Map<number, SensorHistory>();
    for (const id of sensorIds) out.set(id, { sensorId: id, t: [], v: [] });
    if (sensorIds.length === 0) return out;
    const rows = await sql<{ sensor_id: number; t: number; v: number }[]>`
      select sensor_id, extract(epoch from time) * 1000 as t, value as v from readings
      where sensor_id = any(${sensorIds}::int[])
        and time >= ${new Date(fromMs)} and time < ${new Date(toMs)}
      order by time, sensor_id`;
    for (const r of rows) {
      const h = out.get(r.sensor_id)!;
      h.t.push(Number(r.t));
      h.v.push(r.v);
    }
    return out;
  });
}

export interface AnomalyScoreRow {
  time: number;
  companyId: string;
  equipmentId: string;
  detector: string;
  score: number;
  anomaly: boolean;
  changepoint: boolean;
  confidence: number;
  contributions: { sensor: string; name: string; sigma: number }[];
  zone: string | null;
  healthIndex: number | null;
  rulStatus: string | null;
  rulS: number | null;
  rulLowS: number | null;
  rulHighS: number | null;
}

/** Stores score rows; a row already stored for the same asset, detector and time is replaced. */
export async function insertAnomalyScores(sql: Queryable, rows: AnomalyScoreRow[]): Promise<void> {
  if (rows.length === 0) return;
  await doing('storing anomaly scores', async () => {
    for (let i = 0; i < rows.length; i += 1000) {
      const chunk = rows.slice(i, i + 1000).map((r) => ({
        time: new Date(r.time),
        company_id: r.companyId,
        equipment_id: r.equipmentId,
        detector: r.detector,
        score: r.score,
        anomaly: r.anomaly,
        changepoint: r.changepoint,
        confidence: r.confidence,
        contributions: sql.json(r.contributions),
        zone: r.zone,
        health_index: r.healthIndex,
        rul_status: r.rulStatus,
        rul_s: r.rulS,
        rul_low_s: r.rulLowS,
        rul_high_s: r.rulHighS,
      }));
      await sql`insert into anomaly_score ${sql(chunk)}
        on conflict (equipment_id, detector, time) do update set
          score = excluded.score, anomaly = excluded.anomaly, changepoint = excluded.changepoint,
          confidence = excluded.confidence, contributions = excluded.contributions,
          zone = excluded.zone, health_index = excluded.health_index,
          rul_status = excluded.rul_status, rul_s = excluded.rul_s,
          rul_low_s = excluded.rul_low_s, rul_high_s = excluded.rul_high_s`;
    }
  });
}

interface ScoreDbRow {
  t: number;
  company_id: string;
  equipment_id: string;
  detector: string;
  score: number;
  anomaly: boolean;
  changepoint: boolean;
  confidence: number;
  contributions: AnomalyScoreRow['contributions'];
  zone: string | null;
  health_index: number | null;
  rul_status: string | null;
  rul_s: number | null;
  rul_low_s: number | null;
  rul_high_s: number | null;
}

function fromDb(r: ScoreDbRow): AnomalyScoreRow {
  return {
    time: Number(r.t),
    companyId: r.company_id,
    equipmentId: r.equipment_id,
    detector: r.detector,
    score: r.score,
    anomaly: r.anomaly,
    changepoint: r.changepoint,
    confidence: r.confidence,
    contributions: r.contributions,
    zone: r.zone,
    healthIndex: r.health_index,
    rulStatus: r.rul_status,
    rulS: r.rul_s,
    rulLowS: r.rul_low_s,
    rulHighS: r.rul_high_s,
  };
}

/** The newest score row of every asset written since `sinceMs`. */
export async function latestAnomalyScores(
  sql: Queryable,
  sinceMs: number,
): Promise<AnomalyScoreRow[]> {
  return doing('reading the latest anomaly scores', async () => {
    const rows = await sql<ScoreDbRow[]>`
      select distinct on (equipment_id) extract(epoch from time) * 1000 as t, company_id,
        equipment_id, detector, score, anomaly, changepoint, confidence, contributions, zone,
        health_index, rul_status, rul_s, rul_low_s, rul_high_s
      from anomaly_score where time >= ${new Date(sinceMs)}
      order by equipment_id, time desc`;
    return rows.map(fromDb);
  });
}

/** Score rows of one asset in [fromMs, toMs), at most `limit`, oldest first. */
export async function queryAnomalyScores(
  sql: Queryable,
  equipmentId: string,
  fromMs: number,
  toMs: number,
  limit: number,
): Promise<{ rows: AnomalyScoreRow[]; truncated: boolean }> {
  return doing(`reading anomaly scores of ${equipmentId}`, async () => {
    const rows = await sql<ScoreDbRow[]>`
      select extract(epoch from time) * 1000 as t, company_id, equipment_id, detector, score,
        anomaly, changepoint, confidence, contributions, zone, health_index, rul_status, rul_s,
        rul_low_s, rul_high_s
      from anomaly_score
      where equipment_id = ${equipmentId} and time >= ${new Date(fromMs)} and time < ${new Date(toMs)}
      order by time limit ${limit + 1}`;
    const truncated = rows.length > limit;
    return { rows: (truncated ? rows.slice(0, limit) : rows).map(fromDb), truncated };
  });
}

export interface Baseline {
  fromMs: number;
  toMs: number;
  samples: number;
}

/** The baseline window a detector of this asset learned from, or null. */
export async function getBaseline(
  sql: Queryable,
  equipmentId: string,
  detector: string,
): Promise<Baseline | null> {
  const [r] = await doing(
    `reading the baseline of ${equipmentId}`,
    () => sql<{ f: number; t: number; samples: number }[]>`
      select extract(epoch from from_time) * 1000 as f, extract(epoch from to_time) * 1000 as t,
        samples from detector_baseline
      where equipment_id = ${equipmentId} and detector = ${detector}`,
  );
  return r ? { fromMs: Number(r.f), toMs: Number(r.t), samples: r.samples } : null;
}

/** Records (or replaces) the baseline window of a detector. */
export async function saveBaseline(
  sql: Queryable,
  equipmentId: string,
  companyId: string,
  detector: string,
  b: Baseline,
): Promise<void> {
  await doing(
    `saving the baseline of ${equipmentId}`,
    () => sql`
      insert into detector_baseline (equipment_id, company_id, detector, from_time, to_time, samples)
      values (${equipmentId}, ${companyId}, ${detector}, ${new Date(b.fromMs)}, ${new Date(b.toMs)}, ${b.samples})
      on conflict (equipment_id, detector) do update set
        from_time = excluded.from_time, to_time = excluded.to_time, samples = excluded.samples,
        fitted_at = now()`,
  );
}

/** Minute averages of several sensors in [fromMs, toMs) from the 1 min rollup, by sensor. */
export async function queryMinuteHistory(
  sql: Queryable,
  sensorIds: number[],
  fromMs: number,
  toMs: number,
): Promise<Map<number, SensorHistory>> {
  return doing('reading minute history', async () => {
    const out = new Map<number, SensorHistory>();
    for (const id of sensorIds) out.set(id, { sensorId: id, t: [], v: [] });
    if (sensorIds.length === 0) return out;
    const rows = await sql<{ sensor_id: number; t: number; v: number }[]>`
      select sensor_id, extract(epoch from bucket) * 1000 as t, avg_value as v from readings_1m
      where sensor_id = any(${sensorIds}::int[])
        and bucket >= ${new Date(fromMs)} and bucket < ${new Date(toMs)}
      order by bucket, sensor_id`;
    for (const r of rows) {
      const h = out.get(r.sensor_id)!;
      h.t.push(Number(r.t));
      h.v.push(r.v);
    }
    return out;
  });
}
