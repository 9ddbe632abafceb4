import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SYSTEM_SCOPE, countDeadLetters, withScope } from '@ct/db';
import type { AppContext } from '../../context';

const escapeLabel = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');

/** Liveness, readiness and Prometheus metrics. */
export const healthRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/healthz',
    {
      config: { access: 'public' },
      schema: {
        tags: ['health'],
        summary: 'The process is alive',
        response: { 200: z.object({ ok: z.literal(true) }) },
      },
    },
    async () => ({ ok: true as const }),
  );

  r.get(
    '/readyz',
    {
      config: { access: 'public' },
      schema: {
        tags: ['health'],
        summary: 'Ready to serve: the database answers (the broker only degrades live views)',
        response: {
          200: z.object({ ready: z.boolean(), database: z.boolean(), broker: z.boolean() }),
          503: z.object({ ready: z.boolean(), database: z.boolean(), broker: z.boolean() }),
        },
      },
    },
    async (_req, reply) => {
      const database = await ctx.sql`select 1`.then(
        () => true,
        () => false,
      );
      const body = { ready: database, database, broker: ctx.live.connected };
      return reply.code(database ? 200 : 503).send(body);
    },
  );

  app.get(
    '/metrics',
    {
      // a Prometheus scraper has no session; API_METRICS_PUBLIC=0 makes it need status:read
      config: { access: ctx.security.metricsPublic ? 'public' : 'status:read' },
      schema: { tags: ['health'], summary: 'Prometheus metrics (text exposition format)' },
    },
    async (_req, reply) => {
      const lines: string[] = [];
      const metric = (name: string, help: string, type: 'counter' | 'gauge') => {
        lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      };
      metric('ct_api_requests_total', 'HTTP requests answered, by route and status', 'counter');
      for (const [key, n] of ctx.requests) {
        const [method, route, status] = key.split(' ');
        lines.push(
          `ct_api_requests_total{method="${method}",route="${escapeLabel(route ?? '')}",status="${status}"} ${n}`,
        );
      }
      metric('ct_live_sensors', 'Sensors with a live value in this api', 'gauge');
      lines.push(`ct_live_sensors ${ctx.live.liveSensors}`);
      metric('ct_broker_connected', 'Whether this api is connected to the broker', 'gauge');
      lines.push(`ct_broker_connected ${ctx.live.connected ? 1 : 0}`);
      const ingest: [
        string,
        string,
        'counter' | 'gauge',
        (m: import('@ct/contracts').IngestMetrics) => number | null,
      ][] = [
        [
          'ct_ingest_stored_readings_total',
          'Readings stored',
          'counter',
          (m) => m.stored_readings_total,
        ],
        [
          'ct_ingest_received_messages_total',
          'Messages received',
          'counter',
          (m) => m.received_messages_total,
        ],
        [
          'ct_ingest_rejected_readings_total',
          'Readings refused',
          'counter',
          (m) => m.rejected_readings_total,
        ],
        [
          'ct_ingest_duplicate_readings_total',
          'Redelivered readings skipped',
          'counter',
          (m) => m.duplicate_readings_total,
        ],
        [
          'ct_ingest_dead_letters_total',
          'Dead letters written',
          'counter',
          (m) => m.dead_letters_total,
        ],
        [
          'ct_ingest_readings_per_second',
          'Readings stored per second',
          'gauge',
          (m) => m.readings_per_s,
        ],
        ['ct_ingest_lag_p50_seconds', 'Median reading-to-commit lag', 'gauge', (m) => m.lag_p50_s],
        [
          'ct_ingest_unacked_messages',
          'Messages held unacknowledged',
          'gauge',
          (m) => m.unacked_messages,
        ],
        [
          'ct_ingest_db_ok',
          'Whether the last database write succeeded',
          'gauge',
          (m) => (m.db_ok ? 1 : 0),
        ],
      ];
      for (const [name, help, type, get] of ingest) {
        metric(name, help, type);
        for (const m of ctx.live.ingest.values()) {
          const v = get(m);
          if (v !== null) lines.push(`${name}{instance="${escapeLabel(m.instance)}"} ${v}`);
        }
      }
      metric('ct_component_up', 'Component heartbeat state (1 online)', 'gauge');
      for (const c of ctx.live.components.values()) {
        lines.push(
          `ct_component_up{component="${c.component}",instance="${escapeLabel(c.instance)}"} ${c.state === 'online' ? 1 : 0}`,
        );
      }
      // counts by reason only, over every company: the api's own (system) reading
      const dl = await withScope(ctx.sql, SYSTEM_SCOPE, (tx) => countDeadLetters(tx)).catch(
        () => null,
      );
      if (dl) {
        metric('ct_dead_letter_rows', 'Rows in the dead_letter table, by reason', 'gauge');
        for (const [reason, n] of Object.entries(dl.byReason)) {
          lines.push(`ct_dead_letter_rows{reason="${escapeLabel(reason)}"} ${n}`);
        }
      }
      return reply.type('text/plain; version=0.0.4').send(lines.join('\n') + '\n');
    },
  );
};
