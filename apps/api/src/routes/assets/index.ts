import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  CompanySchema,
  EquipmentDetailSchema,
  SegmentDetailSchema,
  hasPermission,
} from '@ct/contracts';
import { getEquipment, getSegment, listSensors, type SensorRow } from '@ct/db';
import type { AppContext } from '../../context';
import { notFound } from '../../errors';
import { networkViewOf } from '../../network/network-cache';

const IdParams = z.object({ id: z.string().min(1).max(100) }).strict();

/** Companies, and one segment or piece of equipment with its sensors and their live values. */
export const assetRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();

  // live values only for roles that read them (the regulator sees the register, not the values)
  const withLatest = (sensors: SensorRow[], live: boolean) =>
    sensors.map((s) => ({
      ...s,
      latest:
        live && ctx.live.time[s.id]
          ? { t: ctx.live.time[s.id]!, v: ctx.live.value[s.id]!, q: 0 }
          : null,
    }));

  r.get(
    '/api/companies',
    {
      config: { access: 'network:read' },
      schema: {
        tags: ['assets'],
        summary: 'The companies of the complex',
        response: { 200: z.object({ items: z.array(CompanySchema) }) },
      },
    },
    async (req) => {
      const snap = await ctx.network.get(networkViewOf(req.principal!));
      return { items: snap?.json.companies ?? [] };
    },
  );

  r.get(
    '/api/segments/:id',
    {
      config: { access: 'network:read' },
      schema: {
        tags: ['assets'],
        summary: 'One pipe segment: design data, owner, sensors with live values',
        params: IdParams,
        response: { 200: SegmentDetailSchema },
      },
    },
    async (req) => {
      const { s, sensors } = await req.db(async (tx) => {
        const seg = await getSegment(tx, req.params.id);
        if (!seg) throw notFound(`segment ${req.params.id}`);
        return {
          s: seg,
          sensors: await listSensors(tx, { segment: seg.id, limit: 1000, offset: 0 }),
        };
      });
      const path: [number, number, number][] = [];
      for (let i = 0; i + 2 < s.path_m.length; i += 3) {
        path.push([s.path_m[i]!, s.path_m[i + 1]!, s.path_m[i + 2]!]);
      }
      const { path_m: _path, ...rest } = s;
      return {
        ...rest,
        path,
        sensors: withLatest(sensors, hasPermission(req.principal!.role, 'live:read')),
      };
    },
  );

  r.get(
    '/api/equipment/:id',
    {
      config: { access: 'network:read' },
      schema: {
        tags: ['assets'],
        summary: 'One pump, compressor, valve or tank with its sensors and live values',
        params: IdParams,
        response: { 200: EquipmentDetailSchema },
      },
    },
    async (req) => {
      const { e, sensors } = await req.db(async (tx) => {
        const eq = await getEquipment(tx, req.params.id);
        if (!eq) throw notFound(`equipment ${req.params.id}`);
        return {
          e: eq,
          sensors: await listSensors(tx, { equipment: eq.id, limit: 1000, offset: 0 }),
        };
      });
      const { x_m, y_m, z_m, ...rest } = e;
      return {
        ...rest,
        position: [x_m, y_m, z_m] as [number, number, number],
        sensors: withLatest(sensors, hasPermission(req.principal!.role, 'live:read')),
      };
    },
  );
};
