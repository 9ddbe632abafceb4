import { z } from 'zod';

/** Epoch ms, or an ISO 8601 string, or omitted for "now". */
const WhenSchema = z.union([z.number().finite().nonnegative(), z.iso.datetime({ offset: true })]);

export const LeakIncidentSchema = z.strictObject({
  kind: z.literal('leak'),
  segment: z.string().min(1),
  /** Distance of the hole from the segment's start node, metres. */
  distance_m: z.number().finite().nonnegative(),
  /** Leak rate at line conditions, m3/h; or give `rate_pct` of the line flow. */
  rate_m3h: z.number().finite().positive().optional(),
  rate_pct: z.number().finite().positive().max(100).optional(),
  start: WhenSchema.optional(),
  /** Seconds to grow from zero to the full rate (0: abrupt). */
  ramp_s: z.number().finite().nonnegative().default(0),
  duration_s: z.number().finite().positive().optional(),
});

export const BearingWearIncidentSchema = z.strictObject({
  kind: z.literal('bearing_wear'),
  equipment: z.string().min(1),
  start: WhenSchema.optional(),
  /** Hours from onset until vibration reaches ISO zone D. */
  hours_to_failure: z.number().finite().positive().default(24),
  duration_s: z.number().finite().positive().optional(),
});

export const SensorFaultIncidentSchema = z.strictObject({
  kind: z.literal('sensor_fault'),
  sensor: z.string().min(1),
  mode: z.enum(['stuck', 'spike', 'drift', 'dropout']),
  start: WhenSchema.optional(),
  duration_s: z.number().finite().positive().default(600),
  /** Spike height or drift per hour, in multiples of the sensor's normal noise (default 10). */
  magnitude: z.number().finite().positive().default(10),
});

/**
 * A planned flow change on a line: a pump starting or stopping at its inlet, or a valve moving.
 * It sends a pressure wave through the line like a leak does, so the simulator announces it on
 * the operation topic (unless `announce` is false) as a plant's control system would.
 */
export const OperationIncidentSchema = z.strictObject({
  kind: z.literal('operation'),
  action: z.enum(['pump_start', 'pump_stop', 'valve_move']),
  /** Line id or tag. */
  line: z.string().min(1),
  /** valve_move: the valve (id or tag) on the line; default the isolation valve nearest mid-line. */
  equipment: z.string().min(1).optional(),
  /** Flow after the change over flow before (defaults: pump_stop 0.6, pump_start 1.4, valve_move 0.7). */
  flow_factor: z.number().finite().positive().max(3).optional(),
  start: WhenSchema.optional(),
  /** Seconds until the change is undone (the pump stops again, the valve returns). */
  duration_s: z.number().finite().positive().optional(),
  announce: z.boolean().default(true),
});

export const IncidentRequestSchema = z
  .discriminatedUnion('kind', [
    LeakIncidentSchema,
    BearingWearIncidentSchema,
    SensorFaultIncidentSchema,
    OperationIncidentSchema,
  ])
  .refine((i) => i.kind !== 'leak' || (i.rate_m3h === undefined) !== (i.rate_pct === undefined), {
    message: 'a leak needs exactly one of rate_m3h or rate_pct',
    path: ['rate_m3h'],
  });
export type IncidentRequest = z.infer<typeof IncidentRequestSchema>;
export type IncidentRequestInput = z.input<typeof IncidentRequestSchema>;

/** One incident as the simulator runs it, and as it is written to the ground-truth log. */
export const GroundTruthEntrySchema = z.object({
  id: z.string(),
  kind: z.enum(['leak', 'bearing_wear', 'sensor_fault', 'operation', 'replay']),
  /** Epoch ms. */
  start: z.number(),
  end: z.number().nullable(),
  created_at: z.number(),
  company: z.string().nullable(),
  target: z.string(),
  params: z.record(z.string(), z.unknown()),
});
export type GroundTruthEntry = z.infer<typeof GroundTruthEntrySchema>;

export const ScenarioFileSchema = z.strictObject({
  /** Offsets in `start` may be given in seconds from the simulator's start as `at_s`. */
  incidents: z.array(
    z.union([
      IncidentRequestSchema,
      z.object({ at_s: z.number().nonnegative(), incident: IncidentRequestSchema }),
    ]),
  ),
});
export type ScenarioFile = z.infer<typeof ScenarioFileSchema>;
