import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError } from '../errors';
import type { SecurityOptions } from './options';

/** Whether the request's Origin is the api's own (scheme and host as the browser sent them). */
function sameOrigin(req: FastifyRequest, origin: string): boolean {
  const host = req.headers.host;
  return !!host && (origin === `http://${host}` || origin === `https://${host}`);
}

/** The Content-Security-Policy of a response: strict for the console, looser for /docs. */
function csp(req: FastifyRequest): string {
  const host = req.headers.host ?? '';
  const docs = req.url === '/docs' || req.url.startsWith('/docs/');
  return [
    "default-src 'self'",
    // Swagger UI's page starts itself with an inline script
    docs ? "script-src 'self' 'unsafe-inline'" : "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    // the live feed is a WebSocket to this host
    `connect-src 'self' ws://${host} wss://${host}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * Security headers on every answer, CORS closed unless origins are configured, and no
 * cross-origin writes: a browser on another site can neither read our answers nor post to us
 * (the session cookie is SameSite=Strict as well).
 */
const plugin: FastifyPluginAsync<{ security: SecurityOptions }> = async (app, { security }) => {
  const allowed = new Set(security.corsOrigins);

  app.addHook('onRequest', async (req, reply) => {
    const origin = typeof req.headers.origin === 'string' ? req.headers.origin : null;
    const own = origin !== null && sameOrigin(req, origin);
    const listed = origin !== null && allowed.has(origin);
    if (listed) void reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
    if (req.method === 'OPTIONS') {
      if (!listed) throw new ApiError('CT_ERR_API_CORS');
      return reply
        .code(204)
        .header('access-control-allow-methods', 'GET, POST, PATCH, DELETE')
        .header('access-control-allow-headers', 'authorization, content-type')
        .header('access-control-max-age', '600')
        .send();
    }
    // a write from a page of another origin (forms post without CORS preflight)
    if (
      origin !== null &&
      origin !== 'null' &&
      !own &&
      !listed &&
      req.method !== 'GET' &&
      req.method !== 'HEAD'
    )
      throw new ApiError('CT_ERR_API_CORS');
    if (origin === 'null' && req.method !== 'GET' && req.method !== 'HEAD')
      throw new ApiError('CT_ERR_API_CORS');
  });

  app.addHook('onSend', async (req, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    // same-origin, not no-referrer: with no-referrer a browser sends `Origin: null` on our own
    // form posts, and a null origin is what a cross-site write looks like
    reply.header('referrer-policy', 'same-origin');
    reply.header('cross-origin-opener-policy', 'same-origin');
    if (!reply.hasHeader('access-control-allow-origin'))
      reply.header('cross-origin-resource-policy', 'same-origin');
    reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=(), payment=()');
    if (!reply.hasHeader('content-security-policy'))
      reply.header('content-security-policy', csp(req));
    if (req.protocol === 'https')
      reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    // answers carry one company's data: no shared cache may keep them
    if (req.url.startsWith('/api/') && !reply.hasHeader('cache-control'))
      reply.header('cache-control', 'no-store');
    return payload;
  });
};

export const hardeningPlugin = fp(plugin, { name: 'ct-hardening' });

/** A URL with the secrets some paths carry (display tokens, sign-in links) blanked, for logs. */
export function redactUrl(url: string): string {
  return url
    .replace(/\/(display|signin\/once)\/[^/?#]+/g, '/$1/[redacted]')
    .replace(/([?&](?:token|access_token|password)=)[^&#]*/gi, '$1[redacted]');
}

/**
 * Logger options that keep secrets out of logs: requests are logged by method and redacted
 * URL only (no headers, so no cookie or bearer token), and pino blanks any password or token
 * field that an error or a message might carry.
 */
export function safeLoggerOptions(logger: boolean | object | undefined): boolean | object {
  if (!logger) return false;
  return {
    ...(typeof logger === 'object' ? logger : {}),
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
        '*.password',
        '*.current_password',
        '*.new_password',
        '*.token',
        '*.access_token',
        'err.parameters',
        'err.query',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req: (r: { method: string; url: string; ip?: string }) => ({
        method: r.method,
        url: redactUrl(r.url),
        remoteAddress: r.ip,
      }),
    },
  };
}
