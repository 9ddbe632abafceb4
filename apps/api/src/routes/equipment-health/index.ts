import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { EquipmentHealthSchema } from '@ct/contracts';
import { getEquipment, queryAnomalyScores } from '@ct/db';
import type { AppContext } from '../../context';
import { ApiError, notFound } from '../../errors';
import { networkViewOf } from '../../network/network-cache';

const IdParams = z.object({ id: z.string().min(1).max(100) }).strict();
const When = z.union([z.coerce.number().int().nonnegative(), z.iso.datetime({ offset: true })]);
const ms = (v: number | string | undefined, fallback: number) =>
  v === undefined ? fallback : typeof v === 'number' ? v : Date.parse(v);

const ScorePointSchema = z.object({
  t: z.number(),
  score: z.number(),
  anomaly: z.boolean(),
  changepoint: z.boolean(),
  confidence: z.number(),
  zone: z.string().nullable(),
  health_index: z.number().nullable(),
  rul_s: z.number().nullable(),
  rul_low_s: z.number().nullable(),
  rul_high_s: z.number().nullable(),
  contributions: z.array(z.object({ sensor: z.string(), name: z.string(), sigma: z.number() })),
});

/** Anomaly scores, health and remaining life of pumps and compressors. */
export const equipmentHealthRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (
  app,
  { ctx },
) => {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/equipment-health',
    {
      config: { access: 'equipment:read' },
      schema: {
        tags: ['equipment'],
        summary: 'Pumps and compressors ranked by anomaly score, highest first (live)',
        querystring: z
          .object({
            limit: z.coerce.number().int().min(1).max(5000).default(100),
            kind: z.enum(['pump', 'compressor']).optional(),
            company: z.string().optional(),
          })
          .strict(),
        response: { 200: z.object({ items: z.array(EquipmentHealthSchema) }) },
      },
    },
    async (req) => {
      // the detector's live view, limited to the equipment the request's view of the register holds
      const visible = (await ctx.network.get(networkViewOf(req.principal!)))?.equipmentIds;
      const items = [...ctx.live.equipment.values()]
        .map((e) => e.health)
        .filter(
          (h) =>
            !!visible?.has(h.equipment_id) &&
            (!req.query.kind || h.kind === req.query.kind) &&
            (!req.query.company || h.company_id === req.query.company),
        )
        .sort((a, b) => b.score - a.score || a.equipment_id.localeCompare(b.equipment_id))
        .slice(0, req.query.limit);
      return { items };
    },
  );

  r.get(
    '/api/equipment/:id/health',
    {
      config: { access: 'equipment:read' },
      schema: {
        tags: ['equipment'],
        summary: 'Live anomaly score, contributing sensors, ISO 10816 zone, health index and RUL',
        params: IdParams,
        response: { 200: EquipmentHealthSchema },
      },
    },
    async (req) => {
      // visible to this request first (another company's pump is not found), then live
      const e = await req.db((tx) => getEquipment(tx, req.params.id));
      if (!e) throw notFound(`equipment ${req.params.id}`);
      const live = ctx.live.equipment.get(e.id);
      if (live) return live.health;
      throw notFound(`health of ${e.tag} (${e.kind}): no detector has reported it yet`);
    },
  );

  r.get(
    '/api/equipment/:id/scores',
    {
      config: { access: 'equipment:read' },
      schema: {
        tags: ['equipment'],
        summary: 'Stored anomaly scores of one asset over a time range',
        params: IdParams,
        querystring: z
          .object({
            from: When.optional(),
            to: When.optional(),
            limit: z.coerce.number().int().min(1).max(20000).default(5000),
          })
          .strict(),
        response: {
          200: z.object({
            equipment_id: z.string(),
            from: z.number(),
            to: z.number(),
            points: z.array(ScorePointSchema),
            truncated: z.boolean(),
          }),
        },
      },
    },
    async (req) => {
      const to = ms(req.query.to, Date.now());
      const from = ms(req.query.from, to - 6 * 3_600_000);
      if (!(from < to))
        throw new ApiError('CT_ERR_API_BAD_REQUEST', '`from` must be earlier than `to`');
      const { e, rows, truncated } = await req.db(async (tx) => {
        const eq = await getEquipment(tx, req.params.id);
        if (!eq) throw notFound(`equipment ${req.params.id}`);
        return { e: eq, ...(await queryAnomalyScores(tx, eq.id, from, to, req.query.limit)) };
      });
      return {
        equipment_id: e.id,
        from,
        to,
        truncated,
        points: rows.map((p) => ({
          t: p.time,
          score: p.score,
          anomaly: p.anomaly,
          changepoint: p.changepoint,
          confidence: p.confidence,
          zone: p.zone,
          health_index: p.healthIndex,
          rul_s: p.rulS,
          rul_low_s: p.rulLowS,
          rul_high_s: p.rulHighS,
          contributions: p.contributions,
        })),
      };
    },
  );
};
