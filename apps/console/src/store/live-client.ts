import type { LiveClientMessage, LiveServerMessage } from '@ct/contracts';
import { alertStore } from './alert-store';
import { connectionStore } from './connection-store';
import { equipmentHealthStore } from './equipment-health-store';
import { liveStore } from './live-store';
import { SESSION_ENDED_CLOSE_CODE, checkSession, toSignin } from '../session/session';

const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 15_000;
const PING_EVERY_MS = 10_000;
// The api answers a ping at once; a socket silent for this long is dead even if not closed.
const SILENCE_LIMIT_MS = 25_000;

export function liveUrl(loc: Location = window.location): string {
  return `${loc.protocol === 'https:' ? 'wss:' : 'ws:'}//${loc.host}/api/live`;
}

/**
 * Keeps a WebSocket to /api/live open: subscribes to every sensor at 1 Hz, writes the values
 * into the live store, alerts and floods into the alert store, machine health into its store,
 * and reconnects with exponential backoff (with jitter) when the socket drops.
 * Returns a function that stops it.
 */
export function startLiveClient(url = liveUrl()): () => void {
  let ws: WebSocket | null = null;
  let stopped = false;
  let attempts = 0;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let pingTimer: ReturnType<typeof setInterval> | null = null;
  let lastHeard = 0;

  const send = (m: LiveClientMessage) =>
    ws?.readyState === WebSocket.OPEN && ws.send(JSON.stringify(m));

  const dropped = () => {
    if (pingTimer) clearInterval(pingTimer);
    pingTimer = null;
    ws = null;
    if (stopped) return;
    const prev = connectionStore.getState();
    connectionStore.set({
      phase: 'stale',
      // stale since the last thing heard, not since the drop was noticed
      staleSince: prev.staleSince ?? (lastHeard || Date.now()),
      attempts: attempts + 1,
    });
    const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** attempts);
    attempts++;
    retryTimer = setTimeout(open, delay * (0.75 + Math.random() * 0.5));
  };

  function open(): void {
    retryTimer = null;
    if (stopped) return;
    const socket = new WebSocket(url);
    ws = socket;
    let opened = false;
    socket.onopen = () => {
      opened = true;
      lastHeard = Date.now();
      send({ type: 'subscribe', sensors: 'all', max_rate_hz: 1 });
      pingTimer = setInterval(() => {
        if (Date.now() - lastHeard > SILENCE_LIMIT_MS) socket.close();
        else send({ type: 'ping' });
      }, PING_EVERY_MS);
    };
    socket.onmessage = (ev: MessageEvent<string>) => {
      lastHeard = Date.now();
      let m: LiveServerMessage;
      try {
        m = JSON.parse(ev.data) as LiveServerMessage;
      } catch {
        return;
      }
      if (m.type === 'snapshot' || m.type === 'delta') {
        liveStore.apply(m);
        if (m.type === 'snapshot') {
          attempts = 0;
          if (connectionStore.getState().phase !== 'live') {
            connectionStore.set({ phase: 'live', staleSince: null, attempts: 0 });
          }
        }
      } else if (m.type === 'alerts') {
        alertStore.replaceOpen(m.items);
      } else if (m.type === 'alert') {
        alertStore.apply(m);
      } else if (m.type === 'flood') {
        alertStore.setFloods(m.areas);
      } else if (m.type === 'equipment') {
        equipmentHealthStore.apply(m.items);
      } else if (m.type === 'error') {
        console.warn(`live: the api refused a message: ${m.message}`);
      }
    };
    socket.onclose = (ev: CloseEvent) => {
      // the session ended while the socket was open: sign in again
      if (ev.code === SESSION_ENDED_CLOSE_CODE) {
        toSignin();
        return;
      }
      // refused before it opened: perhaps the session ended (the api answers the upgrade with
      // 401, which the browser does not show); /api/me says, and a 401 goes to sign in
      if (!opened && !stopped) void checkSession();
      if (ws === socket) dropped();
    };
    socket.onerror = () => {
      // onclose follows and schedules the reconnect
    };
  }

  open();
  return () => {
    stopped = true;
    if (retryTimer) clearTimeout(retryTimer);
    if (pingTimer) clearInterval(pingTimer);
    ws?.close();
  };
}
