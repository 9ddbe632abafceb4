// Raises a leak alert the way the leak detector does (apps/detector/src/leak/leak-service.ts): a
// row on the line through the db package, with a detail that parses as LeakAlertDetailSchema,
// announced on twin/events/v1/alerts/<company>. An alert on a line carrying a toxic or flammable
// substance is an incident (migration 0012): the control room, the safety office and wall
// displays see it whoever owns the line. The console's end-to-end tests and the screenshot script
// use it, so they need no detector to run and the leak is where the test wants it.
import mqtt from 'mqtt';
import { computeThreatZones, exposedAssets, toThreatZonesDetail } from '@ct/analytics';
import {
  LeakAlertDetailSchema,
  alertEventTopic,
  type Alert,
  type AlertEvent,
  type LeakAlertDetail,
} from '@ct/contracts';
import { raiseAlert, toAlert, type RaiseInput, type Sql } from '@ct/db';
import type { PlantModel, Segment } from '@ct/plant';

export interface LeakOptions {
  /** The leaking segment; default: the longest segment of a chlorine or ammonia line with isolation valves. */
  segmentId?: string;
  /** From the segment's start, metres (default: the middle). */
  distanceM?: number;
  rateM3h?: number;
  windFromDeg?: number;
  windSpeedMs?: number;
  severity?: 'critical' | 'high' | 'medium' | 'low';
  /** Onset, epoch ms (default: two minutes ago). */
  onsetMs?: number;
}

const len = (a: readonly number[], b: readonly number[]) =>
  Math.hypot(b[0]! - a[0]!, b[1]! - a[1]!, (b[2] ?? 0) - (a[2] ?? 0));

function pathLength(s: Segment): number {
  let l = 0;
  for (let i = 1; i < s.path.length; i++) l += len(s.path[i - 1]!, s.path[i]!);
  return l;
}

/** The point `d` metres along a segment's centreline. */
function pointAlong(s: Segment, d: number): [number, number, number] {
  let left = d;
  for (let i = 1; i < s.path.length; i++) {
    const a = s.path[i - 1]!;
    const b = s.path[i]!;
    const l = len(a, b);
    if (left <= l || i === s.path.length - 1) {
      const t = l > 0 ? Math.min(1, left / l) : 0;
      return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
    }
    left -= l;
  }
  const p = s.path[0]!;
  return [p[0], p[1], p[2]];
}

/** A segment worth drilling on: toxic line, isolation valves on it, long enough. */
export function pickLeakSegment(plant: PlantModel): Segment {
  const valved = new Set(
    plant.equipment
      .filter((e) => e.kind === 'valve' && e.isolation && e.lineId)
      .map((e) => e.lineId),
  );
  for (const substance of ['chlorine', 'ammonia', 'hydrogen_sulfide', 'sour_gas', 'benzene']) {
    const lines = new Set(
      plant.lines.filter((l) => l.substanceId === substance && valved.has(l.id)).map((l) => l.id),
    );
    const segs = plant.segments.filter((s) => lines.has(s.lineId));
    if (segs.length > 0) return segs.sort((a, b) => b.lengthM - a.lengthM)[0]!;
  }
  return [...plant.segments].sort((a, b) => b.lengthM - a.lengthM)[0]!;
}

/** The detail a leak detector would write for a leak on `segment` (zones from @ct/analytics). */
export function leakDetail(plant: PlantModel, opts: LeakOptions = {}): LeakAlertDetail {
  const seg = opts.segmentId
    ? plant.segments.find((s) => s.id === opts.segmentId)
    : pickLeakSegment(plant);
  if (!seg) throw new Error(`no segment ${opts.segmentId}`);
  const line = plant.lines.find((l) => l.id === seg.lineId)!;
  const company = plant.companies.find((c) => c.id === seg.companyId)!;
  const substance = plant.substances.find((s) => s.id === line.substanceId)!;
  const segLen = pathLength(seg);
  const d = Math.min(segLen, opts.distanceM ?? segLen / 2);
  const xyz = pointAlong(seg, d);
  const lineSegs = plant.segments
    .filter((s) => s.lineId === line.id)
    .sort((a, b) => a.order - b.order);
  const startOf = new Map<string, number>();
  let along = 0;
  for (const s of lineSegs) {
    startOf.set(s.fromNodeId, along);
    along += pathLength(s);
    startOf.set(s.toNodeId, along);
  }
  const linePos = (startOf.get(seg.fromNodeId) ?? 0) + d;
  const rateM3h = opts.rateM3h ?? Math.max(1, line.nominalFlowM3h * 0.05);
  const kgS = (rateM3h * substance.densityKgM3) / 3600;
  const onset = opts.onsetMs ?? Date.now() - 120_000;
  const weather = {
    t: onset,
    wind_speed_ms: opts.windSpeedMs ?? 3,
    wind_from_deg: opts.windFromDeg ?? 200,
    cloud_okta: 4,
    air_temp_c: 18,
  };
  const zoneInput = {
    substanceId: substance.id,
    releaseKgS: kgS,
    windSpeedMs: weather.wind_speed_ms,
    windFromDeg: weather.wind_from_deg,
    cloudOktas: weather.cloud_okta,
    isDaytime: true,
    temperatureC: weather.air_temp_c,
  };
  const zones = computeThreatZones(zoneInput);
  const threat = toThreatZonesDetail([xyz[0], xyz[1]], zoneInput, zones);
  const exposed = exposedAssets(
    [xyz[0], xyz[1]],
    threat.zones,
    plant.segments
      .filter((s) => s.lineId !== line.id)
      .map((s) => ({ id: s.id, companyId: s.companyId, path: s.path })),
    plant.companies.map((c) => ({ companyId: c.id, polygon: c.plot })),
  );
  const names = new Map(plant.companies.map((c) => [c.id, c.name]));
  const valves = plant.equipment
    .filter((e) => e.kind === 'valve' && e.isolation && e.lineId === line.id)
    .map((e) => {
      const at = e.nodeId !== null ? startOf.get(e.nodeId) : undefined;
      const pos = at ?? linePos + len(e.position, xyz);
      return { e, pos };
    })
    .sort((a, b) => Math.abs(a.pos - linePos) - Math.abs(b.pos - linePos));
  const detail: LeakAlertDetail = {
    line_id: line.id,
    line_tag: line.tag,
    company_id: company.id,
    company_name: company.name,
    owner_contact: `${company.shortName} control room, ext. 2${company.id.length}00`,
    substance_id: substance.id,
    substance_name: substance.name,
    segment_id: seg.id,
    position: {
      segment_distance_m: d,
      line_position_m: linePos,
      uncertainty_m: 40,
      xyz,
      method: 'npw',
    },
    rate: {
      m3h: rateM3h,
      uncertainty_m3h: rateM3h * 0.2,
      pct_of_flow: (rateM3h / line.nominalFlowM3h) * 100,
      kg_s: kgS,
    },
    confidence: 0.9,
    onset_t: onset,
    detected_t: onset + 45_000,
    evidence: [
      {
        method: 'mass_balance',
        t: onset + 45_000,
        summary: `imbalance ${rateM3h.toFixed(1)} m3/h over 60 s (6.2 sigma)`,
        figures: { window_s: 60, imbalance_m3h: rateM3h, sigma: 6.2 },
      },
      {
        method: 'npw',
        t: onset + 2_000,
        summary: `pressure wave at both ends; ${d.toFixed(0)} m from the segment start ± 40 m`,
        figures: { dt_ms: 412 },
      },
    ],
    degraded: [],
    weather,
    threat_zones: threat,
    isolation_valves: valves.slice(0, 4).map(({ e, pos }) => ({
      equipment_id: e.id,
      tag: e.tag,
      side: pos <= linePos ? 'upstream' : 'downstream',
      distance_m: Math.abs(pos - linePos),
      position: [e.position[0], e.position[1], e.position[2]],
    })),
    exposed: exposed.map((z) => ({
      level: z.level,
      segment_count: z.segmentIds.length,
      segment_ids: z.segmentIds.slice(0, 50),
      companies: z.companyIds.map((id) => ({ id, name: names.get(id) ?? id })),
    })),
  };
  return LeakAlertDetailSchema.parse(detail);
}

/**
 * Raises a leak alert on the segment's line in the database and announces it on the broker, as
 * the detector does; the api pushes it to every console that may see it. Returns the alert as
 * announced.
 */
export async function raiseLeakAlert(
  sql: Sql,
  brokerUrl: string,
  plant: PlantModel,
  opts: LeakOptions = {},
): Promise<{ alert: Alert; detail: LeakAlertDetail }> {
  const detail = leakDetail(plant, opts);
  const seg = plant.segments.find((s) => s.id === detail.segment_id)!;
  const line = plant.lines.find((l) => l.id === seg.lineId)!;
  const alert = await raiseAndAnnounce(sql, brokerUrl, {
    companyId: detail.company_id,
    areaId: line.areaId,
    kind: 'leak',
    // the detector raises on the line; the detail says which segment and where on it
    sourceType: 'line',
    sourceId: line.id,
    severity: opts.severity ?? 'critical',
    title: `Leak on ${detail.line_tag}: ${detail.substance_name}, ${detail.rate.m3h.toFixed(1)} m3/h at ${Math.round(detail.position.line_position_m)} m ± ${detail.position.uncertainty_m} m`,
    detail: detail as unknown as Record<string, unknown>,
    atMs: detail.detected_t,
    actor: 'leak-detector-test',
    latching: true,
  });
  return { alert, detail };
}

/**
 * Raises (or re-raises) an alert through the db package and announces it on
 * `twin/events/v1/alerts/<company>`, as every detector does.
 */
export async function raiseAndAnnounce(
  sql: Sql,
  brokerUrl: string,
  input: RaiseInput,
): Promise<Alert> {
  const alert = toAlert(await raiseAlert(sql, input));
  const event: AlertEvent = { action: 'raise', actor: input.actor, t: Date.now(), alert };
  const client = await mqtt.connectAsync(brokerUrl, {
    clientId: `alert-test-${process.pid}-${Date.now()}`,
  });
  try {
    await client.publishAsync(alertEventTopic(alert.company_id), JSON.stringify(event), {
      qos: 1,
    });
  } finally {
    await client.endAsync();
  }
  return alert;
}
