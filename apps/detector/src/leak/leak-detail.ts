/**
 * Turns a leak finding into what the safety officer reads: the alert's title, severity and
 * detail (`LeakAlertDetailSchema`): where, what, how fast, how sure, the wind, the threat zones,
 * the valves to close and what lies inside the zones.
 */
import {
  computeThreatZones,
  exposedAssets,
  toThreatZonesDetail,
  type ExposurePlot,
  type ExposureSegment,
  type LeakFinding,
} from '@ct/analytics';
import type { LeakAlertDetail } from '@ct/contracts';
import type { PlantModel } from '@ct/plant';
import { pointAlong, type PlantLine } from './plant-lines';

export interface Weather {
  t: number;
  windSpeedMs: number;
  windFromDeg: number;
  cloudOkta: number;
  airTempC: number | null;
}

/** Everything of the plant the detail needs beyond the line itself, prepared once. */
export interface ExposureContext {
  segments: (ExposureSegment & { lineId: string; mid: [number, number] })[];
  plots: ExposurePlot[];
  companyNames: Map<string, string>;
  /** Hours to add to UTC for the site's local time. */
  utcOffsetH: number;
}

export function exposureContext(plant: PlantModel): ExposureContext {
  return {
    segments: plant.segments.map((s) => {
      const m = s.path[Math.floor(s.path.length / 2)]!;
      return {
        id: s.id,
        companyId: s.companyId,
        lineId: s.lineId,
        path: s.path,
        mid: [m[0], m[1]],
      };
    }),
    plots: plant.companies.map((c) => ({ companyId: c.id, polygon: c.plot })),
    companyNames: new Map(plant.companies.map((c) => [c.id, c.name])),
    utcOffsetH: Math.round(plant.site.origin.lon / 15),
  };
}

export type Severity = 'low' | 'medium' | 'high' | 'critical';

/** Toxic releases are critical, flammable ones high, the rest (steam, water) lower. */
export function leakSeverity(pl: PlantLine): Severity {
  const s = pl.substance;
  if (s.toxic || s.toxicComponent) return 'critical';
  if (s.flammable) return 'high';
  return s.id === 'water' ? 'low' : 'medium';
}

const r1 = (x: number) => Math.round(x * 10) / 10;

export function leakTitle(pl: PlantLine, f: LeakFinding): string {
  return `Leak on ${pl.line.tag} (${pl.substance.name}): about ${r1(f.rateM3h)} m3/h at ${Math.round(f.positionM)} m +- ${Math.round(f.uncertaintyM)} m, ${pl.company.name}`;
}

export function buildLeakDetail(
  pl: PlantLine,
  f: LeakFinding,
  weather: Weather | null,
  ctx: ExposureContext,
): LeakAlertDetail {
  const xyz = pointAlong(pl, f.positionM);
  const kgS = (f.rateM3h * pl.substance.densityKgM3) / 3600;
  let zones: LeakAlertDetail['threat_zones'] = null;
  const exposed: LeakAlertDetail['exposed'] = [];
  if (weather && kgS > 0) {
    const hour = (((weather.t / 3_600_000 + ctx.utcOffsetH) % 24) + 24) % 24;
    const input = {
      substanceId: pl.substance.id,
      releaseKgS: kgS,
      windSpeedMs: weather.windSpeedMs,
      windFromDeg: weather.windFromDeg,
      cloudOktas: weather.cloudOkta,
      isDaytime: hour >= 6 && hour < 18,
      ...(weather.airTempC !== null ? { temperatureC: weather.airTempC } : {}),
    };
    const z = computeThreatZones(input);
    const rec = toThreatZonesDetail([xyz[0], xyz[1]], input, z);
    zones = rec;
    const others = ctx.segments.filter((s) => s.lineId !== pl.line.id);
    const inZones = exposedAssets([xyz[0], xyz[1]], rec.zones, others, ctx.plots);
    const mid = new Map(others.map((s) => [s.id, s.mid]));
    for (const e of inZones) {
      const ids = [...e.segmentIds].sort((a, b) => {
        const pa = mid.get(a)!;
        const pb = mid.get(b)!;
        return (
          Math.hypot(pa[0] - xyz[0], pa[1] - xyz[1]) - Math.hypot(pb[0] - xyz[0], pb[1] - xyz[1])
        );
      });
      const companies = [...e.companyIds].sort((a, b) =>
        a === pl.company.id ? -1 : b === pl.company.id ? 1 : 0,
      );
      exposed.push({
        level: e.level,
        segment_count: ids.length,
        segment_ids: ids.slice(0, 50),
        companies: companies.map((id) => ({ id, name: ctx.companyNames.get(id) ?? id })),
      });
    }
  }
  const up = pl.valves
    .filter((v) => v.atM <= f.positionM)
    .reverse()
    .slice(0, 2);
  const down = pl.valves.filter((v) => v.atM > f.positionM).slice(0, 2);
  const valves: LeakAlertDetail['isolation_valves'] = [
    ...up.map((v) => ({ v, side: 'upstream' as const })),
    ...down.map((v) => ({ v, side: 'downstream' as const })),
  ].map(({ v, side }) => ({
    equipment_id: v.equipment.id,
    tag: v.equipment.tag,
    side,
    distance_m: r1(Math.abs(f.positionM - v.atM)),
    position: v.equipment.position,
  }));
  return {
    line_id: pl.line.id,
    line_tag: pl.line.tag,
    company_id: pl.company.id,
    company_name: pl.company.name,
    owner_contact: null,
    substance_id: pl.substance.id,
    substance_name: pl.substance.name,
    segment_id: f.segmentId,
    position: {
      segment_distance_m: r1(f.segmentDistanceM),
      line_position_m: r1(f.positionM),
      uncertainty_m: r1(f.uncertaintyM),
      xyz: [r1(xyz[0]), r1(xyz[1]), r1(xyz[2])],
      method: f.positionMethod,
    },
    rate: {
      m3h: Math.round(f.rateM3h * 100) / 100,
      uncertainty_m3h: Math.round(f.rateUncertaintyM3h * 100) / 100,
      pct_of_flow: Math.round(f.pctOfFlow * 100) / 100,
      kg_s: Math.round(kgS * 1000) / 1000,
    },
    confidence: Math.round(f.confidence * 100) / 100,
    onset_t: Math.round(f.onsetMs),
    detected_t: f.detectedMs,
    evidence: f.evidence,
    degraded: f.degraded,
    weather: weather
      ? {
          t: weather.t,
          wind_speed_ms: weather.windSpeedMs,
          wind_from_deg: weather.windFromDeg,
          cloud_okta: weather.cloudOkta,
          air_temp_c: weather.airTempC,
        }
      : null,
    threat_zones: zones,
    isolation_valves: valves,
    exposed,
  };
}
