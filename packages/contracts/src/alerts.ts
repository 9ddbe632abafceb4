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
});
export type AlertEvent = z.infer<typeof AlertEventSchema>;
