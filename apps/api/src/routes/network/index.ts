import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NetworkResponseSchema } from '@ct/contracts';
import type { AppContext } from '../../context';
import { networkViewOf } from '../../network/network-cache';
import { notFound } from '../../errors';

/** The whole network, for drawing: JSON metadata and a binary geometry the browser wraps. */
export const networkRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();

  // Plain (untyped) route: the body is sent pre-serialised, the schema is for the docs.
  app.get(
    '/api/network',
    {
      config: { access: 'network:read' },
      schema: {
        tags: ['network'],
        summary: 'Companies, lines, segments, equipment and sensors, columnar',
        description:
          'The i-th entry of every `segments` array is the i-th segment of /api/network/geometry.',
        response: { 200: NetworkResponseSchema },
      },
    },
    async (req, reply) => {
      const snap = await ctx.network.get(networkViewOf(req.principal!));
      if (!snap) throw notFound('no plant is loaded: the network');
      // serialised once and cached: the same large body for every client
      return reply
        .type('application/json; charset=utf-8')
        .header('etag', `"${snap.version}"`)
        .send(snap.jsonText);
    },
  );

  r.get(
    '/api/network/geometry',
    {
      config: { access: 'network:read' },
      schema: {
        tags: ['network'],
        summary: 'Binary geometry (layout in docs/api.md): pieces, radii, equipment positions',
        querystring: z.object({ v: z.string().optional() }).strict(),
      },
    },
    async (req, reply) => {
      const snap = await ctx.network.get(networkViewOf(req.principal!));
      if (!snap) throw notFound('no plant is loaded: the network geometry');
      // private: a view is one company's (or the complex's); no shared cache may keep it
      const cache =
        req.query.v === snap.version ? 'private, max-age=31536000, immutable' : 'no-cache';
      return reply
        .type('application/octet-stream')
        .header('cache-control', cache)
        .header('etag', `"${snap.version}"`)
        .send(snap.geometry);
    },
  );
};
