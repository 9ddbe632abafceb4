import { z } from 'zod';
import { ThreatZonesDetailSchema } from './alerts';

const XYZ = z.tuple([z.number(), z.number(), z.number()]);

/** The leak detection methods of `@ct/analytics` (docs/leak-detection.md). */
export const LEAK_METHODS = ['mass_balance', 'npw', 'flow_wave', 'pressure_roc'] as const;
export type LeakMethod = (typeof LEAK_METHODS)[number];

/** What one method saw, as a leak alert carries it. */
export const LeakEvidenceSchema = z.object({
  method: z.enum(LEAK_METHODS),
  /** When this method first fired, epoch ms. */
  t: z.number(),
  /** One line a safety officer can read, e.g. "imbalance 21.4 m3/h over 60 s (7.9 sigma)". */
  summary: z.string(),
  /** Method-specific figures (window_s, imbalance_m3h, sigma, arrival times, ...). */
  figures: z.record(z.string(), z.union([z.number(), z.string(), z.null()])),
});
export type LeakEvidence = z.infer<typeof LeakEvidenceSchema>;

/** An isolation valve that bounds the leaking stretch, nearest first on each side. */
export const IsolationValveSchema = z.object({
  equipment_id: z.string(),
  tag: z.string(),
  /** Upstream valves stop the feed; downstream ones stop back-flow. */
  side: z.enum(['upstream', 'downstream']),
  /** Along the line from the leak's estimated position, metres. */
  distance_m: z.number(),
  position: XYZ,
});
export type IsolationValve = z.infer<typeof IsolationValveSchema>;

/** Assets inside one threat zone (zones nest: red assets are also in orange and yellow). */
export const ExposedZoneSchema = z.object({
  level: z.enum(['red', 'orange', 'yellow']),
  /** Other segments whose centreline enters the zone (the leaking line's own left out). */
  segment_count: z.number().int(),
  /** Up to 50 of them, nearest first. */
  segment_ids: z.array(z.string()),
  /** Companies whose plot overlaps the zone, with names, owner first when inside. */
  companies: z.array(z.object({ id: z.string(), name: z.string() })),
});
export type ExposedZone = z.infer<typeof ExposedZoneSchema>;

/**
 * `detail` of an alert of kind `leak` (source_type `line`, source_id the line id): one alert per
 * leak, updated as the estimate improves.
 */
export const LeakAlertDetailSchema = z.object({
  line_id: z.string(),
  line_tag: z.string(),
  company_id: z.string(),
  company_name: z.string(),
  /** Emergency contact of the owner (control room phone), when the plant model has one. */
  owner_contact: z.string().nullable(),
  substance_id: z.string(),
  substance_name: z.string(),
  /** The segment the leak is on. */
  segment_id: z.string(),
  position: z.object({
    /** From the segment's start node, metres. */
    segment_distance_m: z.number(),
    /** From the line's inlet, metres. */
    line_position_m: z.number(),
    /** Half-width of the band the leak lies in (about 95 %), metres. */
    uncertainty_m: z.number(),
    /** The point in site metres (x east, y north, z up). */
    xyz: XYZ,
    /**
     * Which method placed it: `npw` (pressure-wave timing), `flow_wave` (the stretch between
     * two flow meters whose steps bracket it, timed where both steps are clear) or
     * `mass_balance` (which stretch only).
     */
    method: z.enum(['npw', 'flow_wave', 'mass_balance']),
  }),
  rate: z.object({
    /** Estimated leak rate at line conditions, m3/h. */
    m3h: z.number(),
    /** About 95 % half-width of the estimate, m3/h. */
    uncertainty_m3h: z.number(),
    /** Share of the line's current flow, percent. */
    pct_of_flow: z.number(),
    /** Mass rate, kg/s (what the dispersion model takes). */
    kg_s: z.number(),
  }),
  /** 0-1: how sure the system is that this is a leak (methods agreeing raise it). */
  confidence: z.number().min(0).max(1),
  /** Estimated onset, epoch ms. */
  onset_t: z.number(),
  /** First alarm, epoch ms. */
  detected_t: z.number(),
  evidence: z.array(LeakEvidenceSchema),
  /** Methods that could not run on this segment and why (missing or stuck sensors, ...). */
  degraded: z.array(z.string()),
  /** The weather the zones were computed for; null when no station reports. */
  weather: z
    .object({
      t: z.number(),
      wind_speed_ms: z.number(),
      wind_from_deg: z.number(),
      cloud_okta: z.number(),
      air_temp_c: z.number().nullable(),
    })
    .nullable(),
  threat_zones: ThreatZonesDetailSchema.nullable(),
  isolation_valves: z.array(IsolationValveSchema),
  exposed: z.array(ExposedZoneSchema),
});
export type LeakAlertDetail = z.infer<typeof LeakAlertDetailSchema>;

/**
 * An announced operation on a line (a pump start or stop, a valve move): the leak detector holds
 * its pressure-based methods on that line for `settle_s`, since the operation sends a pressure
 * wave through it. Published by a plant's control system (or the simulator) on
 * `twin/v1/<company>/<device>/operation`, and by an operator through the api.
 */
export const LineOperationSchema = z.strictObject({
  /** Epoch ms when the operation starts. */
  t: z.number().finite().nonnegative(),
  kind: z.enum(['pump_start', 'pump_stop', 'valve_move']),
  line: z.string().min(1).max(120),
  /** The pump or valve (equipment id or tag), when known. */
  equipment: z.string().min(1).max(120).optional(),
  /** Seconds the line takes to settle; the detector's default applies when absent. */
  settle_s: z.number().finite().positive().max(3600).optional(),
  /** Who announced it (a system or a person). */
  source: z.string().min(1).max(100).optional(),
  note: z.string().max(500).optional(),
});
export type LineOperation = z.infer<typeof LineOperationSchema>;

/** `twin/v1/<company>/<device>/operation` (QoS 1). */
export function operationTopic(company: string, device: string): string {
  return `twin/v1/${company}/${device}/operation`;
}
export const OPERATION_FILTER = 'twin/v1/+/+/operation';
