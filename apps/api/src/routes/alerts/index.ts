import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { FLOOD_DEFAULTS, FloodDetector, type AreaFloodStatus } from '@ct/analytics';
import {
  AlertAckBodySchema,
  AlertAssignBodySchema,
  AlertCommentBodySchema,
  AlertResolveBodySchema,
  AlertSchema,
  AlertShelveBodySchema,
  AlertUnshelveBodySchema,
  AlertWithEventsSchema,
  AreaFloodSchema,
  FloodStatusSchema,
  ISA_STATES,
  MAX_SHELVE_S,
  ThreatZonesDetailSchema,
  ThreatZonesGeoJsonSchema,
  type AreaFlood,
  type FloodStatus,
  type ThreatZonesGeoJson,
} from '@ct/contracts';
import {
  SYSTEM_SCOPE,
  actOnAlert,
  expireShelves,
  withScope,
  getAlert,
  listAlertAreas,
  listAlertEvents,
  listAlerts,
  listAnnunciations,
  toAlert,
  type AlertActionInput,
  type AlertEventRow,
  type AlertRow,
  type Queryable,
} from '@ct/db';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../context';
import { ApiError, notFound } from '../../errors';

/** Floods are reconstructed from this much history (a flood that began earlier starts here). */
export const FLOOD_LOOKBACK_MS = 24 * 3_600_000;
const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
/**
 * During a flood new alerts of these severities are summarised rather than listed one by one
 * (`flood_view=summary`, and on the WebSocket).
 */
export const SUMMARISED_IN_FLOOD = new Set<string>(['low', 'medium']);

const Time = z.union([z.coerce.number().int().nonnegative(), z.iso.datetime({ offset: true })]);
const toMs = (v: number | string | undefined) =>
  v === undefined ? undefined : typeof v === 'number' ? v : Date.parse(v);
/** A comma-separated list of allowed values, e.g. `state=B,C`. */
const listOf = <T extends string>(values: readonly T[]) =>
  z
    .string()
    .max(200)
    .transform((s, c) => {
      const parts = s.split(',').map((p) => p.trim());
      const bad = parts.filter((p) => !(values as readonly string[]).includes(p));
      if (bad.length > 0) {
        c.addIssue({
          code: 'custom',
          message: `unknown ${bad.join(', ')}; one of ${values.join(', ')}`,
        });
        return z.NEVER;
      }
      return parts as T[];
    });

const Params = z.object({ id: z.coerce.number().int().positive() }).strict();

/**
 * Flood status of every area, from the annunciations stored over the look-back period that the
 * scope of `q` sees (a company its own alerts, the control room the incidents).
 */
export async function floodStatus(q: Queryable, nowMs: number): Promise<FloodStatus> {
  const areas = await listAlertAreas(q);
  const annunciations = await listAnnunciations(q, nowMs - FLOOD_LOOKBACK_MS);
  const detector = new FloodDetector();
  for (const a of annunciations) if (a.area_id) detector.add(a.area_id, a.time.getTime());
  return {
    t: nowMs,
    window_s: FLOOD_DEFAULTS.windowMs / 1000,
    begin_above: FLOOD_DEFAULTS.beginAbove,
    end_below: FLOOD_DEFAULTS.endBelow,
    areas: areas.map((a) => toAreaFlood(detector.areaStatus(a.id, nowMs))),
  };
}

/** The contract's snake_case form of an area's flood status. */
export function toAreaFlood(s: AreaFloodStatus): AreaFlood {
  return {
    area_id: s.area,
    in_flood: s.inFlood,
    window_count: s.windowCount,
    flood: s.flood && {
      since: s.flood.since,
      ended_at: s.flood.endedAt,
      count: s.flood.count,
      peak: s.flood.peak,
    },
  };
}

/**
 * Ends the timed shelves that are due, announcing each change; returns how many ended. The
 * plugin runs it every few seconds; every replica may, the database hands each alert to one.
 */
export async function sweepShelves(
  ctx: Pick<AppContext, 'sql' | 'live'>,
  nowMs: number,
): Promise<number> {
  // the api's own work: every company's shelves end on time
  const ended = await withScope(ctx.sql, SYSTEM_SCOPE, (tx) => expireShelves(tx, nowMs));
  for (const { alert, event } of ended) announce(ctx, alert, event);
  return ended.length;
}

function announce(ctx: Pick<AppContext, 'live'>, alert: AlertRow, event: AlertEventRow): void {
  ctx.live.publishAlertEvent({
    action: event.action,
    actor: event.actor,
    t: event.time.getTime(),
    note: event.note,
    event_id: event.id,
    alert: toAlert(alert),
  });
}

/**
 * Alerts: the list with its filters and flood summary, one alert with its audit trail, the
 * operator actions (ISA-18.2 rules, optimistic concurrency), threat zones as GeoJSON, and the
 * flood status per area (docs/alerts.md).
 */
export const alertRoutes: FastifyPluginAsync<{ ctx: AppContext; shelveSweepMs?: number }> = async (
  app,
  { ctx, shelveSweepMs = 5000 },
) => {
  const r = app.withTypeProvider<ZodTypeProvider>();

  const sweep = setInterval(() => {
    sweepShelves(ctx, Date.now()).catch((err: Error) =>
      app.log.warn({ err: err.message }, 'shelve sweep failed; retrying'),
    );
  }, shelveSweepMs);
  sweep.unref();
  app.addHook('onClose', async () => clearInterval(sweep));

  // The live flood view starts from what the database remembers.
  try {
    const now = Date.now();
    const [open, annunciations] = await withScope(
      ctx.sql,
      SYSTEM_SCOPE,
      async (tx) =>
        [
          await listAlerts(tx, { open: true, limit: 10_000 }),
          await listAnnunciations(tx, now - FLOOD_LOOKBACK_MS),
        ] as const,
    );
    ctx.live.seedAlerts(open, annunciations, now);
  } catch (err) {
    app.log.warn(
      { err: (err as Error).message },
      'alert history not read; live floods start empty',
    );
  }

  r.get(
    '/api/alerts',
    {
      config: { access: 'alerts:read' },
      schema: {
        tags: ['alerts'],
        summary:
          'Alerts, newest first, filtered; `floods` lists the areas in flood now, and ' +
          '`flood_view=summary` leaves out their low and medium alerts',
        querystring: z
          .object({
            state: listOf(ISA_STATES).optional(),
            kind: z.string().max(64).optional(),
            severity: listOf(SEVERITIES).optional(),
            company: z.string().max(64).optional(),
            area: z.string().max(64).optional(),
            source: z.string().max(100).optional(),
            /** Raised at or after (epoch ms or ISO 8601). */
            from: Time.optional(),
            /** Raised before (epoch ms or ISO 8601). */
            to: Time.optional(),
            open: z.enum(['true', 'false']).optional(),
            flood_view: z.enum(['all', 'summary']).default('all'),
            limit: z.coerce.number().int().min(1).max(1000).default(100),
            offset: z.coerce.number().int().min(0).default(0),
          })
          .strict(),
        response: {
          200: z.object({
            items: z.array(AlertSchema),
            floods: z.array(
              AreaFloodSchema.extend({
                /** Alerts of this area this page left out (`flood_view=summary`). */
                left_out: z.number().int(),
              }),
            ),
          }),
        },
      },
    },
    async (req) => {
      const q = req.query;
      const fromMs = toMs(q.from);
      const toMsValue = toMs(q.to);
      if (fromMs !== undefined && toMsValue !== undefined && !(fromMs < toMsValue))
        throw new ApiError('CT_ERR_API_BAD_REQUEST', '`from` must be earlier than `to`');
      const [rows, floods] = await req.db(
        async (tx) =>
          [
            await listAlerts(tx, {
              kind: q.kind,
              sourceId: q.source,
              open: q.open === 'true',
              states: q.state,
              severities: q.severity,
              companyId: q.company,
              areaId: q.area,
              fromMs,
              toMs: toMsValue,
              limit: q.limit,
              offset: q.offset,
            }),
            await floodStatus(tx, Date.now()),
          ] as const,
      );
      const flooded = new Map(
        floods.areas
          .filter((a) => a.in_flood && (q.area === undefined || a.area_id === q.area))
          .map((a) => [a.area_id, { ...a, left_out: 0 }]),
      );
      const items = rows.filter((a) => {
        const f = a.area_id === null ? undefined : flooded.get(a.area_id);
        if (q.flood_view === 'all' || !f || !SUMMARISED_IN_FLOOD.has(a.severity)) return true;
        f.left_out++;
        return false;
      });
      return { items: items.map(toAlert), floods: [...flooded.values()] };
    },
  );

  r.get(
    '/api/alerts/flood',
    {
      config: { access: 'alerts:read' },
      schema: {
        tags: ['alerts'],
        summary:
          'Alarm flood status per operator area: more than 10 new alerts in 10 minutes begins ' +
          'a flood, fewer than 5 ends it; count, since and peak of the current or last flood',
        response: { 200: FloodStatusSchema },
      },
    },
    async (req) => req.db((tx) => floodStatus(tx, Date.now())),
  );

  r.get(
    '/api/alerts/:id',
    {
      config: { access: 'alerts:read' },
      schema: {
        tags: ['alerts'],
        summary:
          'One alert with its full detail and audit trail (who did what, when, from which state to which)',
        params: Params,
        response: { 200: AlertWithEventsSchema },
      },
    },
    async (req) => {
      const { a, events } = await req.db(async (tx) => {
        const alert = await getAlert(tx, req.params.id);
        if (!alert) throw notFound(`alert ${req.params.id}`);
        return { a: alert, events: await listAlertEvents(tx, alert.id) };
      });
      return {
        ...toAlert(a),
        events: events.map((e) => ({
          id: e.id,
          time: e.time.getTime(),
          actor: e.actor,
          action: e.action,
          from_state: e.from_state,
          to_state: e.to_state,
          note: e.note,
          detail: e.detail,
        })),
      };
    },
  );

  r.get(
    '/api/alerts/:id/threat-zones',
    {
      config: { access: 'alerts:read' },
      schema: {
        tags: ['alerts'],
        summary:
          'Threat zones of a leak alert as a GeoJSON FeatureCollection of polygons in site metres ' +
          '(x east, y north), red/orange/yellow for the levels of concern',
        params: Params,
        response: { 200: ThreatZonesGeoJsonSchema },
      },
    },
    async (req, reply) => {
      const a = await req.db((tx) => getAlert(tx, req.params.id));
      if (!a) throw notFound(`alert ${req.params.id}`);
      // a leak alert stores them in detail.threat_zones (LeakAlertDetailSchema), null when none
      const stored = a.detail.threat_zones;
      if (stored === undefined || stored === null)
        throw notFound(`threat zones of alert ${a.id} (a ${a.kind} alert without them)`);
      const parsed = ThreatZonesDetailSchema.safeParse(stored);
      if (!parsed.success) {
        req.log.error({ alert: a.id, issues: parsed.error.issues }, 'stored threat zones invalid');
        throw notFound(`valid threat zones of alert ${a.id} (the stored ones break the contract)`);
      }
      const tz = parsed.data;
      const [sx, sy] = tz.source_xy;
      const body: ThreatZonesGeoJson = {
        type: 'FeatureCollection',
        alert_id: a.id,
        source_xy: tz.source_xy,
        substance_id: tz.substance_id,
        stability: tz.stability,
        dense_gas: tz.dense_gas,
        warnings: tz.warnings,
        features: tz.zones.map((z) => ({
          type: 'Feature',
          geometry: {
            type: 'Polygon',
            coordinates: [ring(z.polygon.map(([x, y]) => [x + sx, y + sy] as [number, number]))],
          },
          properties: {
            level: z.level,
            concern: z.concern.name,
            ppm: z.concern.ppm,
            max_distance_m: z.max_distance_m,
          },
        })),
      };
      return reply.type('application/geo+json').send(body);
    },
  );

  /**
   * Runs an action for the signed-in user: the actor is theirs (an `actor` in the body must be
   * their own name), the change and its audit entry commit together, then it is announced.
   */
  const act = async (
    req: FastifyRequest,
    id: number,
    input: Omit<AlertActionInput, 'id' | 'atMs' | 'actor'>,
    bodyActor: string | undefined,
  ): Promise<ReturnType<typeof toAlert>> => {
    const p = req.principal!;
    if (bodyActor !== undefined && bodyActor !== p.displayName && bodyActor !== p.username)
      throw new ApiError(
        'CT_ERR_API_ACTOR_MISMATCH',
        `the actor is the signed-in user (${p.displayName}); leave \`actor\` out or give your own name`,
      );
    const res = await req.db(async (tx) => {
      const r = await actOnAlert(tx, { ...input, actor: p.displayName, id, atMs: Date.now() });
      if (r.ok)
        await req.audit(
          {
            action: `alert_${input.action}`,
            objectType: 'alert',
            objectId: String(id),
            companyId: r.alert.company_id,
            detail: {
              from_state: r.event.from_state,
              to_state: r.event.to_state,
              version: r.alert.version,
              note: r.event.note,
            },
          },
          tx,
        );
      return r;
    });
    if (!res.ok) {
      if (res.reason === 'not_found') throw notFound(`alert ${id}`);
      const cur = res.current;
      if (res.reason === 'version_conflict')
        throw new ApiError(
          'CT_ERR_API_VERSION_CONFLICT',
          `alert ${id} is at version ${cur.version}, not ${input.version}: it changed since you ` +
            `loaded it (now state ${cur.isa_state}${cur.assignee ? `, assigned to ${cur.assignee}` : ''}); ` +
            'reload it and decide again',
        );
      throw new ApiError(
        'CT_ERR_API_ILLEGAL_TRANSITION',
        `cannot ${input.action} alert ${id} in state ${cur.isa_state}: ${res.message}`,
      );
    }
    announce(ctx, res.alert, res.event);
    return toAlert(res.alert);
  };
  const action = (name: string, what: string) => ({
    tags: ['alerts'],
    summary: `${what}; 409 on a stale version or an illegal transition (docs/alerts.md)`,
    params: Params,
    response: { 200: AlertSchema },
    operationId: `alert_${name}`,
  });
  const acting = { access: 'alerts:act' as const };

  r.post(
    '/api/alerts/:id/ack',
    {
      config: acting,
      schema: {
        ...action('ack', 'Acknowledge: B->C, D->A (E stays latched)'),
        body: AlertAckBodySchema,
      },
    },
    async (req) =>
      act(
        req,
        req.params.id,
        {
          action: 'ack',
          version: req.body.version,
          note: req.body.note ?? null,
        },
        req.body.actor,
      ),
  );

  r.post(
    '/api/alerts/:id/assign',
    {
      config: acting,
      schema: {
        ...action('assign', 'Assign to a person (null: nobody); audited, no state change'),
        body: AlertAssignBodySchema,
      },
    },
    async (req) =>
      act(
        req,
        req.params.id,
        {
          action: 'assign',
          version: req.body.version,
          assignee: req.body.assignee,
          note: req.body.note ?? null,
        },
        req.body.actor,
      ),
  );

  r.post(
    '/api/alerts/:id/comment',
    {
      config: acting,
      schema: {
        ...action('comment', 'Comment; audited, changes neither state nor version'),
        body: AlertCommentBodySchema,
      },
    },
    async (req) =>
      act(
        req,
        req.params.id,
        {
          action: 'comment',
          version: req.body.version ?? null,
          note: req.body.note,
        },
        req.body.actor,
      ),
  );

  r.post(
    '/api/alerts/:id/shelve',
    {
      config: acting,
      schema: {
        ...action(
          'shelve',
          `Shelve (F) with a reason: timed for duration_s (at most ${MAX_SHELVE_S / 3600} h) or one-shot until the condition clears`,
        ),
        body: AlertShelveBodySchema,
      },
    },
    async (req) => {
      const b = req.body;
      if (b.kind === 'timed' && b.duration_s === undefined)
        throw new ApiError('CT_ERR_API_BAD_REQUEST', 'a timed shelve needs `duration_s`');
      if (b.kind === 'one_shot' && b.duration_s !== undefined)
        throw new ApiError(
          'CT_ERR_API_BAD_REQUEST',
          'a one-shot shelve lasts until the condition clears: leave out `duration_s`',
        );
      const now = Date.now();
      return act(
        req,
        req.params.id,
        {
          action: 'shelve',
          version: b.version,
          note: b.reason,
          shelve: {
            kind: b.kind,
            untilMs: b.duration_s === undefined ? null : now + b.duration_s * 1000,
            maxMs: MAX_SHELVE_S * 1000,
          },
        },
        b.actor,
      );
    },
  );

  r.post(
    '/api/alerts/:id/unshelve',
    {
      config: acting,
      schema: {
        ...action(
          'unshelve',
          'Unshelve; the condition is re-evaluated: B if abnormal, A if normal',
        ),
        body: AlertUnshelveBodySchema,
      },
    },
    async (req) =>
      act(
        req,
        req.params.id,
        {
          action: 'unshelve',
          version: req.body.version,
          note: req.body.note ?? null,
        },
        req.body.actor,
      ),
  );

  r.post(
    '/api/alerts/:id/resolve',
    {
      config: acting,
      schema: {
        ...action(
          'resolve',
          'Resolve with a resolution note: closes (A) an alert whose condition is normal (D, E, or F over a normal condition)',
        ),
        body: AlertResolveBodySchema,
      },
    },
    async (req) =>
      act(
        req,
        req.params.id,
        {
          action: 'resolve',
          version: req.body.version,
          note: req.body.resolution,
        },
        req.body.actor,
      ),
  );
};

/** A closed ring (GeoJSON repeats the first position last). */
function ring(points: [number, number][]): [number, number][] {
  const first = points[0];
  const last = points.at(-1);
  if (!first || !last || (first[0] === last[0] && first[1] === last[1])) return points;
  return [...points, first];
}
