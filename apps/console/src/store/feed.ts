import { startAlertPoller } from './alert-poller';
import { startLiveClient } from './live-client';
import { sessionStore } from './session-store';

/**
 * Starts the page's feed once the session is known: the live WebSocket for roles that may read
 * live values (and without sign-in), else the polled alerts (complex admin, regulator), else
 * nothing. Returns a function that stops it.
 */
export function startFeed(): () => void {
  const { session } = sessionStore.getState();
  if (session.status !== 'signed-in' && session.status !== 'open') return () => {};
  if (sessionStore.can('live:read')) return startLiveClient();
  if (sessionStore.can('alerts:read')) return startAlertPoller();
  return () => {};
}
