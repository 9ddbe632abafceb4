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
import { DbError, type Sql, type StorageMode } from '@ct/db';
import { authPlugin, toSignin } from './auth/auth-plugin';
import { AuthService } from './auth/auth-service';
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
import { adminRoutes } from './routes/admin';
import { authRoutes } from './routes/auth';
import { statsRoutes } from './routes/stats';
import { hardeningPlugin, safeLoggerOptions } from './security/hardening';
import { DEFAULT_SECURITY, type SecurityOptions } from './security/options';

export interface BuildAppOptions {
  sql: Sql;
  live: LiveHub;
  storage: StorageMode | null;
  brokerUrl: string;
  instance?: string;
  /** The built console to serve at `/`; absent or missing: a page that says how to build it. */
  consoleDir?: string;
  logger?: boolean | object;
  /** Sign-in, sessions, rate limits, CORS, statistics rules (docs/security.md). */
  security?: Partial<SecurityOptions>;
  /** Behind a reverse proxy: take the client address and scheme from X-Forwarded-*. */
  trustProxy?: boolean;
}

// PostgreSQL errors that mean the request was wrong, not the server: a value out of range, a
// broken check or reference, a duplicate.
const PG_CLIENT_CODES: Record<string, { status: number; code: keyof typeof API_ERRORS }> = {
  '22001': { status: 400, code: 'CT_ERR_API_BAD_REQUEST' },
  '22003': { status: 400, code: 'CT_ERR_API_BAD_REQUEST' },
  '22007': { status: 400, code: 'CT_ERR_API_BAD_REQUEST' },
  '22008': { status: 400, code: 'CT_ERR_API_BAD_REQUEST' },
  '22P02': { status: 400, code: 'CT_ERR_API_BAD_REQUEST' },
  // a NUL byte or invalid UTF-8 in a text value
  '22021': { status: 400, code: 'CT_ERR_API_BAD_REQUEST' },
  '22P05': { status: 400, code: 'CT_ERR_API_BAD_REQUEST' },
  '23502': { status: 400, code: 'CT_ERR_API_BAD_REQUEST' },
  '23503': { status: 400, code: 'CT_ERR_API_BAD_REQUEST' },
  '23514': { status: 400, code: 'CT_ERR_API_BAD_REQUEST' },
  '23505': { status: 409, code: 'CT_ERR_API_CONFLICT' },
  // row-level security refused a write: the row belongs to another company
  '42501': { status: 403, code: 'CT_ERR_API_FORBIDDEN' },
};

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

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  409: 'Conflict',
};

/** Builds the api (not listening): tests call `inject`, main.ts calls `listen`. */
export async function buildApp(opts: BuildAppOptions): Promise<FastifyInstance> {
  const security: SecurityOptions = { ...DEFAULT_SECURITY, ...opts.security };
  const app = Fastify({
    logger: safeLoggerOptions(opts.logger),
    bodyLimit: 1024 * 1024,
    trustProxy: opts.trustProxy ?? false,
    // Query strings like ?sensors=1,2 stay strings; zod coerces where a number is wanted.
    // A path parameter longer than 500 characters is no route of ours (404).
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
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
    auth: new AuthService(opts.sql, security.session),
    security,
  };

  // the sign-in page's form
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 16 * 1024 },
    (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );

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
    // a database error, wrapped by the repositories (DbError) or as the driver threw it
    const pgErrCode =
      err instanceof DbError
        ? err.code
        : (err as { name?: string }).name === 'PostgresError'
          ? String(err.code)
          : undefined;
    const pg = pgErrCode ? PG_CLIENT_CODES[pgErrCode] : undefined;
    if (pg) {
      return reply.code(pg.status).send({
        statusCode: pg.status,
        code: pg.code,
        error: STATUS_TEXT[pg.status] ?? 'Error',
        message: `${API_ERRORS[pg.code].message} (${err.message.split(': ').at(-1)})`,
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

  app.setNotFoundHandler(async (req, reply) => {
    // a stranger learns nothing about which paths exist
    if (!req.principal) {
      if (!req.url.startsWith('/api/') && (req.method === 'GET' || req.method === 'HEAD'))
        return toSignin(req, reply);
      throw new ApiError('CT_ERR_API_UNAUTHENTICATED');
    }
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

  // before any route: every route registered from here on must declare its access
  await app.register(hardeningPlugin, { security });
  await app.register(authPlugin, { sql: opts.sql, auth: ctx.auth, security });

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
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { validatorUrl: null } });
  await app.register(compress, { global: true, threshold: 1024 });
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });

  const consoleAvailable = !!opts.consoleDir && existsSync(`${opts.consoleDir}/index.html`);
  if (consoleAvailable) {
    await app.register(fastifyStatic, { root: opts.consoleDir!, prefix: '/', wildcard: true });
  } else {
    app.get('/', { config: { access: 'console' }, schema: { hide: true } }, async (_req, reply) =>
      reply
        .type('text/html')
        .send(
          '<!doctype html><title>ComplexTwin</title><p>The console is not built. Run ' +
            '<code>pnpm --filter @ct/console build</code> and reload. The API is at ' +
            '<a href="/docs">/docs</a>.</p>',
        ),
    );
  }

  await app.register(authRoutes, { ctx, auth: ctx.auth, security });
  await app.register(adminRoutes, { ctx, auth: ctx.auth });
  await app.register(statsRoutes, { ctx, security });
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
