import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AlertSchema } from '@ct/contracts';
import { getAlert, listAlertEvents, listAlerts, toAlert } from '@ct/db';
import type { AppContext } from '../../context';
import { notFound } from '../../errors';

/** Alerts and their audit trail (read side; the lifecycle actions come with the leak issue). */
export const alertRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/alerts',
    {
      schema: {
        tags: ['alerts'],
        summary: 'Alerts, newest first; `open=true` for those not back to normal (ISA state A)',
        querystring: z
          .object({
            kind: z.string().max(64).optional(),
            source: z.string().max(100).optional(),
            open: z.enum(['true', 'false']).optional(),
            limit: z.coerce.number().int().min(1).max(1000).default(100),
          })
          .strict(),
        response: { 200: z.object({ items: z.array(AlertSchema) }) },
      },
    },
    async (req) => ({
      items: (
        await listAlerts(ctx.sql, {
          kind: req.query.kind,
          sourceId: req.query.source,
          open: req.query.open === 'true',
          limit: req.query.limit,
        })
      ).map(toAlert),
    }),
  );

  r.get(
    '/api/alerts/:id',
    {
      schema: {
        tags: ['alerts'],
        summary: 'One alert with its audit trail',
        params: z.object({ id: z.coerce.number().int().positive() }).strict(),
        response: {
          200: AlertSchema.extend({
            events: z.array(
              z.object({
                time: z.number(),
                actor: z.string(),
                action: z.string(),
                from_state: z.string().nullable(),
                to_state: z.string(),
                note: z.string().nullable(),
              }),
            ),
          }),
        },
      },
    },
    async (req) => {
      const a = await getAlert(ctx.sql, req.params.id);
      if (!a) throw notFound(`alert ${req.params.id}`);
      const events = await listAlertEvents(ctx.sql, a.id);
      return {
        ...toAlert(a),
        events: events.map((e) => ({
          time: e.time.getTime(),
          actor: e.actor,
          action: e.action,
          from_state: e.from_state,
          to_state: e.to_state,
          note: e.note,
        })),
      };
    },
  );
};
