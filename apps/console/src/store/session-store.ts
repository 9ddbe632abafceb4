import type { Permission } from '@ct/contracts';
import {
  can,
  loadSession,
  modeFromUrl,
  resolveMode,
  type Mode,
  type Session,
} from '../session/session';

type Listener = () => void;

export interface SessionState {
  session: Session;
  /** The mode shown; null while the person has not chosen (no sign-in, no `?mode=`). */
  mode: Mode | null;
}

const RETRY_MIN_MS = 2000;
const RETRY_MAX_MS = 30_000;

/**
 * Who is signed in (GET /api/me, once per page: a changed role or an ended session signs the
 * browser out, and the next page load asks again) and which mode the page shows. While the api
 * cannot be asked, it asks again with backoff (a wall display may start before its api).
 */
class SessionStore {
  private state: SessionState = {
    session: { status: 'loading' },
    mode: modeFromUrl(window.location.search),
  };
  private readonly listeners = new Set<Listener>();
  private loading: Promise<void> | null = null;

  readonly getState = (): SessionState => this.state;

  readonly subscribe = (fn: Listener): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  /** Whether the signed-in role may do this (everything without sign-in; nothing while loading). */
  can(permission: Permission): boolean {
    return can(this.state.session, permission);
  }

  /** Loads the session once (later calls share it); resolves when it is known. */
  load(): Promise<void> {
    this.loading ??= this.attempt(0);
    return this.loading;
  }

  private async attempt(n: number): Promise<void> {
    const session = await loadSession();
    if (session.status === 'error' && !window.location.pathname.startsWith('/signin')) {
      this.set({ ...this.state, session });
      await new Promise((r) => setTimeout(r, Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** n)));
      return this.attempt(n + 1);
    }
    this.set({ session, mode: resolveMode(window.location.search, session) });
  }

  /** Switches mode and writes it into the URL (so a reload or a bookmark keeps it). */
  setMode(mode: Mode): void {
    const url = new URL(window.location.href);
    url.searchParams.set('mode', mode);
    window.history.replaceState(null, '', url);
    this.set({ ...this.state, mode });
  }

  private set(s: SessionState): void {
    this.state = s;
    for (const fn of this.listeners) fn();
  }
}

export const sessionStore = new SessionStore();
