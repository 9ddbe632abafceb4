import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  SensorListQuerySchema,
  SensorSchema,
  SensorWithLatestSchema,
  TrendQuerySchema,
  TrendResponseSchema,
  hasPermission,
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
      config: { access: 'network:read' },
      schema: {
        tags: ['sensors'],
        summary: 'Sensors, filtered by company, segment, equipment or quantity',
        querystring: SensorListQuerySchema.strict(),
        response: { 200: z.object({ items: z.array(SensorSchema) }) },
      },
    },
    async (req) => ({ items: await req.db((tx) => listSensors(tx, req.query)) }),
  );

  r.get(
    '/api/sensors/:id',
    {
      config: { access: 'network:read' },
      schema: {
        tags: ['sensors'],
        summary: 'One sensor with its latest reading',
        params: IdParams,
        response: { 200: SensorWithLatestSchema },
      },
    },
    async (req) => {
      const role = req.principal!.role;
      return req.db(async (tx) => {
        const s = await getSensor(tx, req.params.id);
        if (!s) throw notFound(`sensor ${req.params.id}`);
        const live =
          hasPermission(role, 'live:read') && ctx.live.time[s.id]
            ? { t: ctx.live.time[s.id]!, v: ctx.live.value[s.id]!, q: 0 }
            : null;
        // the stored value is process data: its company's roles only (the database says so too)
        const stored =
          live === null && hasPermission(role, 'history:read')
            ? await queryLatestReading(tx, s.id)
            : null;
        return { ...s, latest: live ?? stored };
      });
    },
  );

  r.get(
    '/api/sensors/:id/trend',
    {
      config: { access: 'history:read' },
      schema: {
        tags: ['sensors'],
        summary: 'Readings over a time range: raw, 1 min or 1 h, picked to stay under max_points',
        params: IdParams,
        querystring: TrendQuerySchema,
        response: { 200: TrendResponseSchema },
      },
    },
    async (req) => {
      const to = toMs(req.query.to, Date.now());
      const from = toMs(req.query.from, to - 3_600_000);
      if (!(from < to)) {
        throw new ApiError('CT_ERR_API_BAD_REQUEST', '`from` must be earlier than `to`');
      }
      if (to - from > 400 * 86_400_000) {
        throw new ApiError('CT_ERR_API_BAD_REQUEST', 'the range may span at most 400 days');
      }
      return req.db(async (tx) => {
        const s = await getSensor(tx, req.params.id);
        if (!s) throw notFound(`sensor ${req.params.id}`);
        const series = await querySensorTrend(
          tx,
          s.id,
          from,
          to,
          req.query.resolution,
          req.query.max_points,
        );
        return { sensor_id: s.id, unit: s.unit, from, to, ...series };
      });
    },
  );
};
