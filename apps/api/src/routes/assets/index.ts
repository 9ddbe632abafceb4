import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CompanySchema, EquipmentDetailSchema, SegmentDetailSchema } from '@ct/contracts';
import { getEquipment, getSegment, listSensors, type SensorRow } from '@ct/db';
import type { AppContext } from '../../context';
import { notFound } from '../../errors';

const IdParams = z.object({ id: z.string().min(1).max(100) }).strict();

/** Companies, and one segment or piece of equipment with its sensors and their live values. */
export const assetRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();

  const withLatest = (sensors: SensorRow[]) =>
    sensors.map((s) => ({
      ...s,
      latest: ctx.live.time[s.id]
        ? { t: ctx.live.time[s.id]!, v: ctx.live.value[s.id]!, q: 0 }
        : null,
    }));

  r.get(
    '/api/companies',
    {
      schema: {
        tags: ['assets'],
        summary: 'The companies of the complex',
        response: { 200: z.object({ items: z.array(CompanySchema) }) },
      },
    },
    async () => {
      const snap = await ctx.network.get();
      return { items: snap?.json.companies ?? [] };
    },
  );

  r.get(
    '/api/segments/:id',
    {
      schema: {
        tags: ['assets'],
        summary: 'One pipe segment: design data, owner, sensors with live values',
        params: IdParams,
        response: { 200: SegmentDetailSchema },
      },
    },
    async (req) => {
      const s = await getSegment(ctx.sql, req.params.id);
      if (!s) throw notFound(`segment ${req.params.id}`);
      const sensors = await listSensors(ctx.sql, { segment: s.id, limit: 1000, offset: 0 });
      const path: [number, number, number][] = [];
      for (let i = 0; i + 2 < s.path_m.length; i += 3) {
        path.push([s.path_m[i]!, s.path_m[i + 1]!, s.path_m[i + 2]!]);
      }
      const { path_m: _path, ...rest } = s;
      return { ...rest, path, sensors: withLatest(sensors) };
    },
  );

  r.get(
    '/api/equipment/:id',
    {
      schema: {
        tags: ['assets'],
        summary: 'One pump, compressor, valve or tank with its sensors and live values',
        params: IdParams,
        response: { 200: EquipmentDetailSchema },
      },
    },
    async (req) => {
      const e = await getEquipment(ctx.sql, req.params.id);
      if (!e) throw notFound(`equipment ${req.params.id}`);
      const sensors = await listSensors(ctx.sql, { equipment: e.id, limit: 1000, offset: 0 });
      const { x_m, y_m, z_m, ...rest } = e;
      return {
        ...rest,
        position: [x_m, y_m, z_m] as [number, number, number],
        sensors: withLatest(sensors),
      };
    },
  );
};
