import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { StatusResponseSchema, type ComponentHealth, type StatusResponse } from '@ct/contracts';
import { SYSTEM_SCOPE, withScope } from '@ct/db';
import type { AppContext } from '../../context';

// An ingest that has not reported for this long is shown as unknown, whatever it said last.
const STALE_MS = 15_000;

/** Health of every component and the data flow, as an operator needs it. */
export const statusRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  let deadLetters: { at: number; total: number | null } = { at: 0, total: null };

  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/status',
    {
      config: { access: 'status:read' },
      schema: {
        tags: ['status'],
        summary: 'Components and data flow (readings per second, dead letters, ingest lag)',
        response: { 200: StatusResponseSchema },
      },
    },
    async (): Promise<StatusResponse> => {
      const now = Date.now();
      let database: StatusResponse['database'] = {
        ok: false,
        storage: ctx.storage,
        server_version: null,
        error: null,
      };
      try {
        const [v] = await ctx.sql<{ v: string }[]>`select current_setting('server_version') as v`;
        database = { ok: true, storage: ctx.storage, server_version: v?.v ?? null, error: null };
        if (now - deadLetters.at > 5000) {
          // a total over every company, no content: the api's own (system) reading
          const [c] = await withScope(
            ctx.sql,
            SYSTEM_SCOPE,
            (tx) => tx<{ n: number }[]>`select count(*)::int as n from dead_letter`,
          );
          deadLetters = { at: now, total: c?.n ?? 0 };
        }
      } catch (err) {
        database.error = (err as Error).message;
      }

      const components: ComponentHealth[] = [];
      for (const c of ctx.live.components.values()) {
        const m = c.component === 'ingest' ? ctx.live.ingest.get(c.instance) : undefined;
        const seen = Math.max(c.last_seen ?? 0, m?.t ?? 0);
        const stale = c.state === 'online' && c.component === 'ingest' && now - seen > STALE_MS;
        components.push({ ...c, state: stale ? 'unknown' : c.state, last_seen: seen || null });
      }
      components.push({
        component: 'api',
        instance: ctx.instance,
        state: database.ok ? (ctx.live.connected ? 'online' : 'degraded') : 'degraded',
        detail: ctx.live.connected ? null : 'not connected to the broker: live values paused',
        last_seen: now,
      });
      components.sort((a, b) =>
        `${a.component}/${a.instance}`.localeCompare(`${b.component}/${b.instance}`),
      );

      let readings = 0;
      let rate = 0;
      let rejected = 0;
      let dup = 0;
      let lag: number | null = null;
      let unacked = 0;
      let paused = false;
      let instances = 0;
      for (const m of ctx.live.ingest.values()) {
        const fresh = now - m.t <= STALE_MS;
        readings += m.stored_readings_total;
        rejected += m.rejected_readings_total;
        dup += m.duplicate_readings_total;
        if (!fresh) continue;
        instances++;
        rate += m.readings_per_s;
        unacked += m.unacked_messages;
        paused ||= m.paused;
        if (m.lag_p50_s !== null) lag = Math.max(lag ?? 0, m.lag_p50_s);
      }
      return {
        t: now,
        database,
        broker: { ok: ctx.live.connected, url: ctx.brokerUrl },
        components,
        flow: {
          readings_total: readings,
          readings_per_s: Math.round(rate * 10) / 10,
          dead_letters_total: deadLetters.total,
          rejected_readings_total: rejected,
          duplicate_readings_total: dup,
          ingest_lag_s: lag === null ? null : Math.round(lag * 1000) / 1000,
          unacked_messages: unacked,
          ingest_paused: paused,
          ingest_instances: instances,
          live_sensors: ctx.live.liveSensors,
        },
      };
    },
  );
};
