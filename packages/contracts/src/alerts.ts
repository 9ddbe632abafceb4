import { z } from 'zod';

/** ISA-18.2 state letters (shared/domain/alarms-hmi.md 5.1), derived from the flags. */
export const ISA_STATES = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'] as const;

/** An alert as the api serves it and as `twin/events/v1/alerts/<company>` carries it. */
export const AlertSchema = z.object({
  id: z.number().int(),
  company_id: z.string(),
  area_id: z.string().nullable(),
  /** `equipment_anomaly`, `leak`, ... */
  kind: z.string(),
  source_type: z.string(),
  source_id: z.string(),
  severity: z.enum(['low', 'medium', 'high', 'critical']),
  title: z.string(),
  /** Kind-specific detail (for a leak: position, rate, substance, zones, valves, ...). */
  detail: z.record(z.string(), z.unknown()),
  isa_state: z.enum(ISA_STATES),
  active: z.boolean(),
  acked: z.boolean(),
  shelving: z.enum(['unshelved', 'timed', 'one_shot']),
  shelved_until: z.number().nullable(),
  suppressed: z.boolean(),
  out_of_service: z.boolean(),
  assignee: z.string().nullable(),
  raised_at: z.number(),
  cleared_at: z.number().nullable(),
  updated_at: z.number(),
  /** Optimistic concurrency: send it back with an action; a stale one gets 409. */
  version: z.number().int(),
  /** A latching alert whose condition has cleared, waiting for a reset or resolve (state E). */
  latched: z.boolean().default(false),
  /** Configured to latch: clearing goes to E instead of A or D. */
  latching: z.boolean().default(false),
  /**
   * On a segment of a line carrying a toxic or flammable substance: the complex's safety roles
   * see it whoever owns the pipe (docs/security.md).
   */
  incident: z.boolean().default(false),
});
export type Alert = z.infer<typeof AlertSchema>;

/** `twin/events/v1/alerts/<company>`: every change of an alert, for live views (QoS 1). */
export function alertEventTopic(company: string): string {
  return `twin/events/v1/alerts/${company}`;
}
export const ALERT_EVENT_FILTER = 'twin/events/v1/alerts/+';

export const AlertEventSchema = z.object({
  /** What happened: `raise`, `activate`, `clear`, `ack`, `assign`, `comment`, `shelve`, ... */
  action: z.string(),
  actor: z.string(),
  t: z.number(),
  alert: AlertSchema,
  /** The comment, shelve reason or resolution that came with the action. */
  note: z.string().nullable().optional(),
  /** Id of the audit event (`GET /api/alerts/{id}` lists them). */
  event_id: z.number().int().optional(),
});
export type AlertEvent = z.infer<typeof AlertEventSchema>;

/** One entry of an alert's audit trail (append-only). */
export const AlertAuditEventSchema = z.object({
  id: z.number().int(),
  time: z.number(),
  actor: z.string(),
  action: z.string(),
  from_state: z.string().nullable(),
  to_state: z.string(),
  note: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()).nullable(),
});
export type AlertAuditEvent = z.infer<typeof AlertAuditEventSchema>;

export const AlertWithEventsSchema = AlertSchema.extend({ events: z.array(AlertAuditEventSchema) });
export type AlertWithEvents = z.infer<typeof AlertWithEventsSchema>;

/** The longest a timed shelve may last, seconds (8 h: one shift). */
export const MAX_SHELVE_S = 8 * 3600;

// Who acts comes from the session. An `actor` in the body is optional and refused (400) when it
// is not the signed-in user's name (docs/alerts.md).
const Actor = z.string().trim().min(1).max(100).optional();
const Version = z.number().int().positive();
const Note = z.string().trim().min(1).max(2000);

export const AlertAckBodySchema = z.strictObject({
  actor: Actor,
  version: Version,
  note: Note.optional(),
});
export const AlertAssignBodySchema = z.strictObject({
  actor: Actor,
  version: Version,
  /** Who takes the alert; null to unassign. */
  assignee: z.string().trim().min(1).max(100).nullable(),
  note: Note.optional(),
});
export const AlertCommentBodySchema = z.strictObject({
  actor: Actor,
  /** Optional: a comment changes no state, so it is checked only when given. */
  version: Version.optional(),
  note: Note,
});
export const AlertShelveBodySchema = z.strictObject({
  actor: Actor,
  version: Version,
  /** `timed`: for `duration_s`; `one_shot`: until the condition next clears. */
  kind: z.enum(['timed', 'one_shot']),
  /** Required for a timed shelve, at most MAX_SHELVE_S. */
  duration_s: z.number().int().min(60).max(MAX_SHELVE_S).optional(),
  /** Why the alert is shelved (kept in the audit trail). */
  reason: Note,
});
export const AlertUnshelveBodySchema = AlertAckBodySchema;
export const AlertResolveBodySchema = z.strictObject({
  actor: Actor,
  version: Version,
  /** What was found and done. */
  resolution: Note,
});
export type AlertAckBody = z.infer<typeof AlertAckBodySchema>;
export type AlertAssignBody = z.infer<typeof AlertAssignBodySchema>;
export type AlertCommentBody = z.infer<typeof AlertCommentBodySchema>;
export type AlertShelveBody = z.infer<typeof AlertShelveBodySchema>;
export type AlertResolveBody = z.infer<typeof AlertResolveBodySchema>;

const XY = z.tuple([z.number(), z.number()]);
export const THREAT_LEVELS = ['red', 'orange', 'yellow'] as const;

/**
 * Threat zones as a leak alert stores them in `detail.threat_zones` (from `computeThreatZones`
 * in @ct/analytics; `toThreatZonesDetail` there writes this shape). Polygons are site metres
 * relative to `source_xy`.
 */
export const ThreatZonesDetailSchema = z.object({
  /** Release point, site metres (x east, y north). */
  source_xy: XY,
  substance_id: z.string(),
  release_kg_s: z.number(),
  wind_speed_ms: z.number(),
  wind_from_deg: z.number(),
  stability: z.enum(['A', 'B', 'C', 'D', 'E', 'F']),
  hazard: z.enum(['toxic', 'flammable']).nullable(),
  dense_gas: z.boolean(),
  warnings: z.array(z.string()),
  zones: z.array(
    z.object({
      level: z.enum(THREAT_LEVELS),
      concern: z.object({ name: z.string(), ppm: z.number() }),
      max_distance_m: z.number(),
      polygon: z.array(XY),
    }),
  ),
});
export type ThreatZonesDetail = z.infer<typeof ThreatZonesDetailSchema>;

/** `GET /api/alerts/{id}/threat-zones`: GeoJSON (RFC 7946 shape) in site metres, not WGS 84. */
export const ThreatZonesGeoJsonSchema = z.object({
  type: z.literal('FeatureCollection'),
  alert_id: z.number().int(),
  source_xy: XY,
  substance_id: z.string(),
  stability: z.enum(['A', 'B', 'C', 'D', 'E', 'F']),
  dense_gas: z.boolean(),
  warnings: z.array(z.string()),
  features: z.array(
    z.object({
      type: z.literal('Feature'),
      geometry: z.object({ type: z.literal('Polygon'), coordinates: z.array(z.array(XY)) }),
      properties: z.object({
        level: z.enum(THREAT_LEVELS),
        concern: z.string(),
        ppm: z.number(),
        max_distance_m: z.number(),
      }),
    }),
  ),
});
export type ThreatZonesGeoJson = z.infer<typeof ThreatZonesGeoJsonSchema>;

/** A flood of one operator area (more than 10 annunciations in 10 min until fewer than 5). */
export const FloodEpisodeSchema = z.object({
  since: z.number(),
  ended_at: z.number().nullable(),
  count: z.number().int(),
  peak: z.number().int(),
});
export const AreaFloodSchema = z.object({
  area_id: z.string(),
  in_flood: z.boolean(),
  /** Annunciations in the last 10 minutes. */
  window_count: z.number().int(),
  /** The flood under way, else the last one within the look-back; null if none. */
  flood: FloodEpisodeSchema.nullable(),
});
export type AreaFlood = z.infer<typeof AreaFloodSchema>;
export const FloodStatusSchema = z.object({
  t: z.number(),
  window_s: z.number(),
  begin_above: z.number().int(),
  end_below: z.number().int(),
  areas: z.array(AreaFloodSchema),
});
export type FloodStatus = z.infer<typeof FloodStatusSchema>;
