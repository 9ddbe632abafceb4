import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { LineOperationSchema, operationTopic } from '@ct/contracts';
import { getLine, listLineOperations } from '@ct/db';
import type { AppContext } from '../../context';
import { ApiError, notFound } from '../../errors';

const IdParams = z.object({ id: z.string().min(1).max(120) }).strict();

export const AnnounceOperationBodySchema = z.strictObject({
  /** Ignored in favour of the signed-in user (kept for clients written before sign-in). */
  actor: z.string().trim().min(1).max(100).optional(),
  kind: LineOperationSchema.shape.kind,
  /** When it starts, epoch ms; default now. */
  t: z.number().finite().nonnegative().optional(),
  equipment: z.string().min(1).max(120).optional(),
  settle_s: z.number().finite().positive().max(3600).optional(),
  note: z.string().max(500).optional(),
});

const OperationItemSchema = z.object({
  id: z.number(),
  line_id: z.string(),
  company_id: z.string(),
  t: z.number(),
  kind: z.string(),
  equipment: z.string().nullable(),
  settle_s: z.number().nullable(),
  source: z.string(),
  note: z.string().nullable(),
});

/** Operations on a line: an operator announces a pump start or a valve move to the leak detectors. */
export const lineRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/api/lines/:id/operations',
    {
      // those who act on alerts: the control room and safety office on any line, a company's
      // engineers and admins on their own (the register's policies decide which lines they see)
      config: { access: 'alerts:act' },
      schema: {
        tags: ['leaks'],
        summary:
          'Announce an operation (pump start or stop, valve move): the leak detectors hold their pressure methods on the line while it settles',
        params: IdParams,
        body: AnnounceOperationBodySchema,
        response: { 202: LineOperationSchema },
      },
    },
    async (req, reply) => {
      const line = await req.db((tx) => getLine(tx, req.params.id));
      if (!line) throw notFound(`line ${req.params.id}`);
      const b = req.body;
      const op = LineOperationSchema.parse({
        t: b.t ?? Date.now(),
        kind: b.kind,
        line: line.id,
        ...(b.equipment ? { equipment: b.equipment } : {}),
        ...(b.settle_s ? { settle_s: b.settle_s } : {}),
        source: req.principal?.displayName ?? req.principal?.username ?? b.actor ?? 'operator',
        ...(b.note ? { note: b.note } : {}),
      });
      if (!ctx.live.publishOperation(operationTopic(line.company_id, 'operator-console'), op))
        throw new ApiError('CT_ERR_API_BROKER_UNAVAILABLE');
      return reply.code(202).send(op);
    },
  );

  r.get(
    '/api/lines/:id/operations',
    {
      config: { access: 'alerts:read' },
      schema: {
        tags: ['leaks'],
        summary:
          'Operations announced on a line, newest first (as the leak detectors received them)',
        params: IdParams,
        querystring: z
          .object({ limit: z.coerce.number().int().min(1).max(500).default(50) })
          .strict(),
        response: { 200: z.object({ items: z.array(OperationItemSchema) }) },
      },
    },
    async (req) => {
      const { line, rows } = await req.db(async (tx) => {
        const l = await getLine(tx, req.params.id);
        return { line: l, rows: l ? await listLineOperations(tx, l.id, req.query.limit) : [] };
      });
      if (!line) throw notFound(`line ${req.params.id}`);
      return {
        items: rows.map((o) => ({
          id: Number(o.id),
          line_id: o.line_id,
          company_id: o.company_id,
          t: o.time.getTime(),
          kind: o.kind,
          equipment: o.equipment,
          settle_s: o.settle_s,
          source: o.source,
          note: o.note,
        })),
      };
    },
  );
};
