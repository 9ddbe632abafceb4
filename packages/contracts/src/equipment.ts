import { z } from 'zod';

/** `twin/events/v1/equipment/<company>/<equipment>`: the detector's latest view of one asset. */
export function equipmentEventTopic(company: string, equipment: string): string {
  return `twin/events/v1/equipment/${company}/${equipment}`;
}
export const EQUIPMENT_EVENT_FILTER = 'twin/events/v1/equipment/+/+';

export const ContributionSchema = z.object({
  /** Sensor tag. */
  sensor: z.string(),
  /** What it measures, e.g. "vibration_rms". */
  name: z.string(),
  /** Signed deviation from normal, in standard deviations of the baseline. */
  sigma: z.number(),
});
export type Contribution = z.infer<typeof ContributionSchema>;

export const RulSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('estimate'),
    /** Seconds until the health index reaches 1 at the current trend, and its band. */
    rul_s: z.number(),
    low_s: z.number(),
    high_s: z.number(),
    model: z.enum(['linear', 'exponential']),
    r2: z.number(),
    /** "12-19 days at the current trend" */
    text: z.string(),
  }),
  z.object({ status: z.literal('no_trend'), reason: z.string() }),
]);
export type Rul = z.infer<typeof RulSchema>;

export const EquipmentHealthSchema = z.object({
  equipment_id: z.string(),
  company_id: z.string(),
  tag: z.string(),
  kind: z.enum(['pump', 'compressor']),
  /** Epoch ms of the last sample scored. */
  t: z.number(),
  detector: z.string(),
  /** `learning` until the baseline of normal behaviour is fitted. */
  state: z.enum(['learning', 'scoring']),
  /** Calibrated anomaly score, 0 (normal) to 1. */
  score: z.number().min(0).max(1),
  anomaly: z.boolean(),
  /** 0-1: how much of the input was usable (missing, stuck sensors lower it). */
  confidence: z.number().min(0).max(1),
  contributions: z.array(ContributionSchema),
  /** ISO 10816-3 zone of the vibration RMS, or null without a vibration sensor. */
  zone: z.enum(['A', 'B', 'C', 'D']).nullable(),
  vibration_mm_s: z.number().nullable(),
  health_index: z.number().nullable(),
  rul: RulSchema.nullable(),
  alert: z.object({ id: z.number().int(), isa_state: z.string() }).nullable(),
});
export type EquipmentHealth = z.infer<typeof EquipmentHealthSchema>;
