import type { FastifyPluginAsync } from 'fastify';
import type { WebSocket } from 'ws';
import {
  LiveClientMessageSchema,
  type AlertEvent,
  type LiveServerMessage,
  type LiveValues,
} from '@ct/contracts';
import { listAlerts, toAlert } from '@ct/db';
import type { AppContext } from '../../context';
import { SUMMARISED_IN_FLOOD, toAreaFlood } from '../alerts';

/** A client that has not drained this much is skipped until it does (it gets all later). */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

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
      schema: {
        tags: ['live'],
        summary: 'WebSocket: live sensor values (messages described in docs/api.md)',
      },
    },
    (socket: WebSocket) => {
      let selected: Set<number> | null = null;
      let seen = 0;
      let floodSeen = -1;
      let timer: NodeJS.Timeout | null = null;
      const send = (m: LiveServerMessage) => socket.send(JSON.stringify(m));
      const sendFlood = () => {
        floodSeen = live.floodVersion;
        send({
          type: 'flood',
          t: Date.now(),
          areas: live.floodStatus(Date.now()).map(toAreaFlood),
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
        const collapsed =
          (e.action === 'raise' || e.action === 'activate') &&
          alert.area_id !== null &&
          SUMMARISED_IN_FLOOD.has(alert.severity) &&
          live.floods.inFlood(alert.area_id);
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
      listAlerts(ctx.sql, { open: true, limit: 1000 })
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
        if (socket.bufferedAmount > MAX_BUFFERED_BYTES) return;
        const since = type === 'snapshot' ? 0 : seen;
        const ids: number[] = [];
        const values: number[] = [];
        const times: number[] = [];
        const take = (id: number) => {
          if (live.version[id]! > since) {
            ids.push(id);
            values.push(live.value[id]!);
            times.push(live.time[id]!);
          }
        };
        if (selected) for (const id of selected) take(id);
        else for (let id = 1; id <= live.maxSensorId; id++) take(id);
        const equipment = [];
        for (const e of live.equipment.values()) if (e.version > since) equipment.push(e.health);
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
        push('snapshot');
        start(m.data.max_rate_hz ?? 1);
      });
      socket.on('close', () => {
        if (timer) clearInterval(timer);
        stopAlerts();
      });
      push('snapshot');
      start(1);
    },
  );
};
