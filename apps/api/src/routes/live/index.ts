import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import {
  COMPANY_ROLES,
  LiveClientMessageSchema,
  hasPermission,
  type Alert,
  type AlertEvent,
  type LiveServerMessage,
  type LiveValues,
} from '@ct/contracts';
import { listAlerts, toAlert } from '@ct/db';
import { readCookie, SESSION_COOKIE } from '../../auth/auth-plugin';
import type { Principal } from '../../auth/auth-service';
import type { AppContext } from '../../context';
import { networkViewOf } from '../../network/network-cache';
import { SUMMARISED_IN_FLOOD, toAreaFlood } from '../alerts';

/** A client that has not drained this much is skipped until it does (it gets all later). */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/** How often an open socket's session is checked again (a revoked session closes it). */
const RECHECK_MS = 30_000;

/** Whose alerts a principal sees live: its company's, or the complex's incidents. */
export function audienceOf(p: Principal): string {
  return COMPANY_ROLES.includes(p.role) ? `company:${p.companyId}` : 'incidents';
}

/** The rule of the database's alert policy, for alerts that arrive from the broker. */
export function seesAlert(p: Principal, a: Pick<Alert, 'company_id' | 'incident'>): boolean {
  return COMPANY_ROLES.includes(p.role) ? a.company_id === p.companyId : a.incident;
}

/**
 * Live values over a WebSocket: a snapshot on connect, then at most `max_rate_hz` deltas per
 * second (default 1) with only the sensors that changed. A slow client is not queued up:
 * pushes are skipped while its socket is backed up and the next one carries every change since.
 * Alerts: the open ones on connect, then every change as it comes from the broker (not held for
 * the next push); new low and medium alerts of an area in flood come as its flood summary.
 */
export const liveRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const live = ctx.live;

  app.get(
    '/api/live',
    {
      websocket: true,
      config: { access: 'live:read' },
      schema: {
        tags: ['live'],
        summary: 'WebSocket: live sensor values (messages described in docs/api.md)',
      },
    },
    (socket: WebSocket, req: FastifyRequest) => {
      const principal = req.principal!;
      const audience = audienceOf(principal);
      const token =
        typeof req.headers.authorization === 'string'
          ? req.headers.authorization.replace(/^Bearer\s+/i, '')
          : readCookie(req.headers.cookie, SESSION_COOKIE);
      const equipmentToo = hasPermission(principal.role, 'equipment:read');
      // the sensors and equipment of this principal's view of the register
      let visible: { sensors: Set<number>; equipment: Set<string> } | null = null;
      const view = ctx.network.get(networkViewOf(principal)).then((snap) => {
        visible = {
          sensors: snap?.sensorIds ?? new Set(),
          equipment: snap?.equipmentIds ?? new Set(),
        };
      });
      let selected: Set<number> | null = null;
      let rate = 1;
      let seen = 0;
      let floodSeen = -1;
      let timer: NodeJS.Timeout | null = null;
      const send = (m: LiveServerMessage) => socket.send(JSON.stringify(m));
      const sendFlood = () => {
        floodSeen = live.floodVersion;
        send({
          type: 'flood',
          t: Date.now(),
          areas: live.floodStatus(Date.now(), audience).map(toAreaFlood),
        });
      };

      // Alert changes that arrive before the open alerts are read wait behind them.
      let pending: AlertEvent[] | null = [];
      const onAlert = (e: AlertEvent) => {
        if (pending) {
          pending.push(e);
          return;
        }
        const { alert } = e;
        if (!seesAlert(principal, alert)) return;
        const collapsed =
          (e.action === 'raise' || e.action === 'activate') &&
          alert.area_id !== null &&
          SUMMARISED_IN_FLOOD.has(alert.severity) &&
          live.inFlood(alert.area_id, audience);
        // the next push carries the area's flood summary instead
        if (collapsed) return;
        send({
          type: 'alert',
          t: e.t,
          action: e.action,
          actor: e.actor,
          note: e.note ?? null,
          alert,
        });
      };
      const stopAlerts = live.onAlert(onAlert);
      // the open alerts this principal's scope sees (the database's policies decide)
      req
        .db((tx) => listAlerts(tx, { open: true, limit: 1000 }))
        .then((rows) => send({ type: 'alerts', t: Date.now(), items: rows.map(toAlert) }))
        .catch((err: Error) =>
          send({ type: 'error', message: `open alerts unavailable: ${err.message}` }),
        )
        .finally(() => {
          if (socket.readyState !== socket.OPEN) return;
          sendFlood();
          const queued = pending ?? [];
          pending = null;
          for (const e of queued) onAlert(e);
        });

      const push = (type: LiveValues['type']) => {
        if (socket.bufferedAmount > MAX_BUFFERED_BYTES || visible === null) return;
        const { sensors, equipment: assets } = visible;
        const since = type === 'snapshot' ? 0 : seen;
        const ids: number[] = [];
        const values: number[] = [];
        const times: number[] = [];
        const take = (id: number) => {
          if (live.version[id]! > since && sensors.has(id)) {
            ids.push(id);
            values.push(live.value[id]!);
            times.push(live.time[id]!);
          }
        };
        if (selected) for (const id of selected) take(id);
        else for (let id = 1; id <= live.maxSensorId; id++) take(id);
        const equipment = [];
        if (equipmentToo)
          for (const e of live.equipment.values())
            if (e.version > since && assets.has(e.health.equipment_id)) equipment.push(e.health);
        seen = live.counter;
        if (equipment.length > 0) send({ type: 'equipment', t: Date.now(), items: equipment });
        if (pending === null && live.floodVersion !== floodSeen) sendFlood();
        if (type === 'delta' && ids.length === 0) return;
        send({ type, t: Date.now(), sensor_id: ids, value: values, time: times });
      };
      const start = (hz: number) => {
        if (timer) clearInterval(timer);
        timer = setInterval(() => push('delta'), 1000 / hz);
      };

      socket.on('message', (raw) => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(raw.toString());
        } catch {
          send({ type: 'error', message: 'messages must be JSON' });
          return;
        }
        const m = LiveClientMessageSchema.safeParse(parsed);
        if (!m.success) {
          send({
            type: 'error',
            message: m.error.issues
              .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
              .join('; '),
          });
          return;
        }
        if (m.data.type === 'ping') {
          send({ type: 'pong', t: Date.now() });
          return;
        }
        selected = m.data.sensors === 'all' ? null : new Set(m.data.sensors);
        rate = m.data.max_rate_hz ?? 1;
        push('snapshot');
        start(rate);
      });
      // a session revoked or expired while the socket is open closes it
      const recheck = setInterval(() => {
        void (token ? ctx.auth.authenticate(token) : Promise.resolve(null)).then(
          (p) => {
            if (!p) socket.close(4401, 'session ended');
          },
          () => {},
        );
      }, RECHECK_MS);
      socket.on('close', () => {
        if (timer) clearInterval(timer);
        clearInterval(recheck);
        stopAlerts();
      });
      void view.then(() => {
        if (socket.readyState !== socket.OPEN) return;
        push('snapshot');
        start(rate);
      });
    },
  );
};
