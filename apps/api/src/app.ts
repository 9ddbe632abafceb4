import { existsSync } from 'node:fs';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import compress from '@fastify/compress';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import websocket from '@fastify/websocket';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import type { Sql, StorageMode } from '@ct/db';
import type { AppContext } from './context';
import { API_ERRORS, ApiError } from './errors';
import type { LiveHub } from './live/live-hub';
import { NetworkCache } from './network/network-cache';
import { alertRoutes } from './routes/alerts';
import { conditionRoutes } from './routes/condition';
import { assetRoutes } from './routes/assets';
import { deadLetterRoutes } from './routes/dead-letters';
import { equipmentHealthRoutes } from './routes/equipment-health';
import { healthRoutes } from './routes/health';
import { liveRoutes } from './routes/live';
import { lineRoutes } from './routes/lines';
import { networkRoutes } from './routes/network';
import { sensorRoutes } from './routes/sensors';
import { statusRoutes } from './routes/status';

export interface BuildAppOptions {
  sql: Sql;
  live: LiveHub;
  storage: StorageMode | null;
  brokerUrl: string;
  instance?: string;
  /** The built console to serve at `/`; absent or missing: a page that says how to build it. */
  consoleDir?: string;
  logger?: boolean | object;
}

const PG_CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'CONNECTION_CLOSED',
  'CONNECT_TIMEOUT',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  '57P01',
  '57P03',
]);

/** Builds the api (not listening): tests call `inject`, main.ts calls `listen`. */
export async function buildApp(opts: BuildAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: 1024 * 1024,
    // Query strings like ?sensors=1,2 stay strings; zod coerces where a number is wanted.
    routerOptions: { ignoreTrailingSlash: true },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const ctx: AppContext = {
    sql: opts.sql,
    live: opts.live,
    network: new NetworkCache(opts.sql),
    storage: opts.storage,
    brokerUrl: opts.brokerUrl,
    instance: opts.instance ?? 'api-1',
    requests: new Map(),
  };

  app.addHook('onResponse', async (req, reply) => {
    const key = `${req.method} ${req.routeOptions.url ?? 'unmatched'} ${reply.statusCode}`;
    ctx.requests.set(key, (ctx.requests.get(key) ?? 0) + 1);
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      return reply.code(400).send({
        statusCode: 400,
        code: 'CT_ERR_API_BAD_REQUEST',
        error: 'Bad Request',
        message: `invalid ${err.validationContext ?? 'request'}: ${err.validation
          .map((v) => `${v.instancePath || '(root)'} ${v.message}`)
          .join('; ')}`,
        issues: err.validation.map((v) => ({
          path: v.instancePath.split('/').filter(Boolean),
          message: v.message ?? 'invalid',
        })),
      });
    }
    if (err instanceof ApiError) {
      return reply.code(err.statusCode).send({
        statusCode: err.statusCode,
        code: err.code,
        error: err.title,
        message: err.message,
      });
    }
    if (err.statusCode === 413 || err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.code(413).send({
        statusCode: 413,
        code: 'CT_ERR_API_PAYLOAD_TOO_LARGE',
        error: 'Payload Too Large',
        message: API_ERRORS.CT_ERR_API_PAYLOAD_TOO_LARGE.message,
      });
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      return reply.code(err.statusCode).send({
        statusCode: err.statusCode,
        code: 'CT_ERR_API_BAD_REQUEST',
        error: 'Bad Request',
        message: err.message,
      });
    }
    const cause = (err as { cause?: { code?: string } }).cause;
    if (PG_CONNECTION_CODES.has(String(err.code ?? cause?.code ?? ''))) {
      return reply.code(503).send({
        statusCode: 503,
        code: 'CT_ERR_API_DB_UNAVAILABLE',
        error: 'Service Unavailable',
        message: API_ERRORS.CT_ERR_API_DB_UNAVAILABLE.message,
      });
    }
    req.log.error({ err }, 'unexpected error');
    return reply.code(500).send({
      statusCode: 500,
      code: 'CT_ERR_API_INTERNAL',
      error: 'Internal Server Error',
      message: API_ERRORS.CT_ERR_API_INTERNAL.message,
    });
  });

  app.setNotFoundHandler((req, reply) => {
    if (req.url.startsWith('/api/') || !consoleAvailable) {
      return reply.code(404).send({
        statusCode: 404,
        code: 'CT_ERR_API_NOT_FOUND',
        error: 'Not Found',
        message: `no route ${req.method} ${req.url.split('?')[0]}`,
      });
    }
    return reply.sendFile('index.html');
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'ComplexTwin API',
        version: '0.1.0',
        description:
          'Live digital twin of a petrochemical complex. Errors share one body (ApiError) with a ' +
          'CT_ERR_API_* code; see docs/errors.md.',
      },
      components: {},
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(compress, { global: true, threshold: 1024 });
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });

  const consoleAvailable = !!opts.consoleDir && existsSync(`${opts.consoleDir}/index.html`);
  if (consoleAvailable) {
    await app.register(fastifyStatic, { root: opts.consoleDir!, prefix: '/', wildcard: true });
  } else {
    app.get('/', { schema: { hide: true } }, async (_req, reply) =>
      reply
        .type('text/html')
        .send(
          '<!doctype html><title>ComplexTwin</title><p>The console is not built. Run ' +
            '<code>pnpm --filter @ct/console build</code> and reload. The API is at ' +
            '<a href="/docs">/docs</a>.</p>',
        ),
    );
  }

  await app.register(healthRoutes, { ctx });
  await app.register(statusRoutes, { ctx });
  await app.register(networkRoutes, { ctx });
  await app.register(sensorRoutes, { ctx });
  await app.register(assetRoutes, { ctx });
  await app.register(deadLetterRoutes, { ctx });
  await app.register(equipmentHealthRoutes, { ctx });
  await app.register(alertRoutes, { ctx });
  await app.register(conditionRoutes, { ctx });
  await app.register(lineRoutes, { ctx });
  await app.register(liveRoutes, { ctx });
  return app;
}
