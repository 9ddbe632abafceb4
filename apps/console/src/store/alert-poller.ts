import type { Alert, FloodStatus } from '@ct/contracts';
import { apiFetch } from '../session/session';
import { alertStore } from './alert-store';
import { connectionStore } from './connection-store';
import { markFed } from './console-probe';

const POLL_MS = 5000;

/**
 * The alert feed of a role that may read alerts but not live values (complex admin, regulator:
 * the api refuses them `/api/live`): the open alerts and the flood status read every 5 s. Alerts
 * that appear or change between two reads are announced to the alert store's change listeners as
 * the live feed would (a new one takes the wall). Returns a function that stops it.
 */
export function startAlertPoller(): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let first = true;
  let lastGood = 0;
  let failures = 0;

  const poll = async () => {
    timer = null;
    try {
      const [alertsRes, floodRes] = await Promise.all([
        apiFetch('/api/alerts?open=true&limit=1000'),
        apiFetch('/api/alerts/flood'),
      ]);
      if (!alertsRes.ok) throw new Error(`alerts: ${alertsRes.status}`);
      const { items } = (await alertsRes.json()) as { items: Alert[] };
      const floods = floodRes.ok ? ((await floodRes.json()) as FloodStatus).areas : null;
      if (stopped) return;
      if (floods) alertStore.setFloods(floods);
      if (first) alertStore.replaceOpen(items);
      else alertStore.sync(items);
      first = false;
      lastGood = Date.now();
      failures = 0;
      if (connectionStore.getState().phase !== 'live') {
        connectionStore.set({ phase: 'live', staleSince: null, attempts: 0, alertsOnly: true });
      }
      markFed();
    } catch {
      if (stopped) return;
      failures++;
      const prev = connectionStore.getState();
      connectionStore.set({
        phase: 'stale',
        staleSince: prev.staleSince ?? (lastGood || Date.now()),
        attempts: failures,
        alertsOnly: true,
      });
    }
    if (!stopped) timer = setTimeout(() => void poll(), POLL_MS);
  };

  connectionStore.set({ phase: 'connecting', staleSince: null, attempts: 0, alertsOnly: true });
  void poll();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
