import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  SensorListQuerySchema,
  SensorSchema,
  SensorWithLatestSchema,
  TrendQuerySchema,
  TrendResponseSchema,
} from '@ct/contracts';
import { getSensor, listSensors, queryLatestReading, querySensorTrend } from '@ct/db';
import type { AppContext } from '../../context';
import { ApiError, notFound } from '../../errors';

const IdParams = z.object({ id: z.coerce.number().int().positive() }).strict();

function toMs(v: number | string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  return typeof v === 'number' ? v : Date.parse(v);
}

/** Sensors, their latest values and their trends at an automatic resolution. */
export const sensorRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/sensors',
    {
      schema: {
        tags: ['sensors'],
        summary: 'Sensors, filtered by company, segment, equipment or quantity',
        querystring: SensorListQuerySchema.strict(),
        response: { 200: z.object({ items: z.array(SensorSchema) }) },
      },
    },
    async (req) => ({ items: await listSensors(ctx.sql, req.query) }),
  );

  r.get(
    '/api/sensors/:id',
    {
      schema: {
        tags: ['sensors'],
        summary: 'One sensor with its latest reading',
        params: IdParams,
        response: { 200: SensorWithLatestSchema },
      },
    },
    async (req) => {
      const s = await getSensor(ctx.sql, req.params.id);
      if (!s) throw notFound(`sensor ${req.params.id}`);
      const live = ctx.live.time[s.id]
        ? { t: ctx.live.time[s.id]!, v: ctx.live.value[s.id]!, q: 0 }
        : null;
      return { ...s, latest: live ?? (await queryLatestReading(ctx.sql, s.id)) };
    },
  );

  r.get(
    '/api/sensors/:id/trend',
    {
      schema: {
        tags: ['sensors'],
        summary: 'Readings over a time range: raw, 1 min or 1 h, picked to stay under max_points',
        params: IdParams,
        querystring: TrendQuerySchema,
        response: { 200: TrendResponseSchema },
      },
    },
    async (req) => {
      const s = await getSensor(ctx.sql, req.params.id);
      if (!s) throw notFound(`sensor ${req.params.id}`);
      const to = toMs(req.query.to, Date.now());
      const from = toMs(req.query.from, to - 3_600_000);
      if (!(from < to)) {
        throw new ApiError('CT_ERR_API_BAD_REQUEST', '`from` must be earlier than `to`');
      }
      if (to - from > 400 * 86_400_000) {
        throw new ApiError('CT_ERR_API_BAD_REQUEST', 'the range may span at most 400 days');
      }
      const series = await querySensorTrend(
        ctx.sql,
        s.id,
        from,
        to,
        req.query.resolution,
        req.query.max_points,
      );
      return { sensor_id: s.id, unit: s.unit, from, to, ...series };
    },
  );
};
