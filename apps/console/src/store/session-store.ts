import { loadSession, modeFromUrl, resolveMode, type Mode, type Session } from '../session/session';

type Listener = () => void;

export interface SessionState {
  session: Session;
  /** The mode shown; null while the person has not chosen (no sign-in, no `?mode=`). */
  mode: Mode | null;
}

/** Who is signed in (GET /api/me) and which mode the page shows. */
class SessionStore {
  private state: SessionState = {
    session: { status: 'loading' },
    mode: modeFromUrl(window.location.search),
  };
  private readonly listeners = new Set<Listener>();

  readonly getState = (): SessionState => this.state;

  readonly subscribe = (fn: Listener): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  async load(): Promise<void> {
    const session = await loadSession();
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
