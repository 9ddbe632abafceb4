import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DeadLetterSchema } from '@ct/contracts';
import { countDeadLetters, listDeadLetters } from '@ct/db';
import type { AppContext } from '../../context';

const PREVIEW_BYTES = 512;

/** What ingest refused and why, newest first, for whoever runs the gateways. */
export const deadLetterRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app) => {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/dead-letters',
    {
      config: { access: 'dead-letters:read' },
      schema: {
        tags: ['status'],
        summary: 'Refused messages with their reason (payload preview as text)',
        querystring: z
          .object({
            limit: z.coerce.number().int().min(1).max(1000).default(100),
            reason: z.string().max(64).optional(),
          })
          .strict(),
        response: {
          200: z.object({
            total: z.number().int(),
            by_reason: z.record(z.string(), z.number().int()),
            items: z.array(DeadLetterSchema),
          }),
        },
      },
    },
    async (req) => {
      const [rows, counts] = await req.db(
        async (tx) =>
          [
            await listDeadLetters(tx, req.query.limit, req.query.reason),
            await countDeadLetters(tx),
          ] as const,
      );
      return {
        total: counts.total,
        by_reason: counts.byReason,
        items: rows.map((d) => ({
          id: d.id,
          received_at: d.received_at.getTime(),
          topic: d.topic,
          reason: d.reason,
          detail: d.detail,
          payload_preview: d.payload.subarray(0, PREVIEW_BYTES).toString('utf8'),
          payload_bytes: d.payload_bytes,
        })),
      };
    },
  );
};
