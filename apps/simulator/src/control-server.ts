import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IncidentRequestSchema } from '@ct/contracts';
import { SIM_ERRORS, SimulatorError, issueViews, type SimErrorCode } from './errors';
import type { Simulator } from './simulator';

const MAX_BODY_BYTES = 64 * 1024;

export interface ControlServerOptions {
  sim: Simulator;
  now?: () => number;
  /** Extra fields for GET /healthz (connection state, counters). */
  health?: () => Record<string, unknown>;
  onError?: (err: unknown) => void;
}

/**
 * The control API: POST/GET /incidents, DELETE /incidents/:id, GET /healthz. Plain node:http;
 * four routes do not need a framework. Errors answer `{statusCode, code, error, message, issues?}`.
 */
export function createControlServer(opts: ControlServerOptions): Server {
  const now = opts.now ?? Date.now;
  return createServer((req, res) => {
    handle(req, res, opts, now).catch((err: unknown) => {
      if (err instanceof SimulatorError && err.status > 0)
        return sendError(res, err.code, err.message, err.issues);
      opts.onError?.(err);
      sendError(res, 'CT_ERR_SIM_INTERNAL', (err as Error).message);
    });
  });
}

/** Listens and returns the base URL (`port` 0 picks a free port). */
export async function listen(server: Server, host: string, port: number): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const h = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return `http://${h}:${addr.port}`;
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  opts: ControlServerOptions,
  now: () => number,
) {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const method = req.method ?? 'GET';

  if (path === '/healthz') {
    if (method !== 'GET') return sendError(res, 'CT_ERR_SIM_METHOD_NOT_ALLOWED');
    return send(res, 200, { ok: true, ...opts.health?.() });
  }
  if (path === '/incidents') {
    if (method === 'GET') return send(res, 200, { incidents: opts.sim.incidents(now()) });
    if (method !== 'POST') return sendError(res, 'CT_ERR_SIM_METHOD_NOT_ALLOWED');
    const text = await readBody(req);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (err) {
      return sendError(
        res,
        'CT_ERR_SIM_BAD_JSON',
        `the request body is not valid JSON: ${(err as Error).message}`,
      );
    }
    const parsed = IncidentRequestSchema.safeParse(body);
    if (!parsed.success) {
      return sendError(res, 'CT_ERR_SIM_BAD_REQUEST', undefined, issueViews(parsed.error.issues));
    }
    const incident = opts.sim.addIncident(parsed.data, now());
    return send(res, 201, incident);
  }
  const m = /^\/incidents\/([^/]+)$/.exec(path);
  if (m) {
    if (method !== 'DELETE' && method !== 'GET')
      return sendError(res, 'CT_ERR_SIM_METHOD_NOT_ALLOWED');
    const id = decodeURIComponent(m[1]!);
    if (method === 'GET') {
      const found = opts.sim.incidents(now()).find((i) => i.id === id);
      if (!found) return sendError(res, 'CT_ERR_SIM_INCIDENT_NOT_FOUND', `no incident ${id}`);
      return send(res, 200, found);
    }
    return send(res, 200, opts.sim.endIncident(id, now()));
  }
  return sendError(res, 'CT_ERR_SIM_NOT_FOUND', `no route ${method} ${path}`);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      // Keep draining an oversized body so the 413 answer reaches the client.
      if (size <= MAX_BODY_BYTES) chunks.push(c);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) reject(new SimulatorError('CT_ERR_SIM_PAYLOAD_TOO_LARGE'));
      else resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Payload Too Large',
  500: 'Internal Server Error',
};

function sendError(
  res: ServerResponse,
  code: SimErrorCode,
  message?: string,
  issues?: { path: (string | number)[]; message: string }[],
): void {
  const status = SIM_ERRORS[code].status || 500;
  if (res.headersSent) return;
  send(res, status, {
    statusCode: status,
    code,
    error: REASONS[status] ?? 'Error',
    message: message ?? SIM_ERRORS[code].message,
    ...(issues ? { issues } : {}),
  });
}
