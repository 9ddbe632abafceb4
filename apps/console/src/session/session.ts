/** The three ways of using the console (issue 7). */
export const MODES = ['wall', 'incident', 'condition'] as const;
export type Mode = (typeof MODES)[number];

export const MODE_LABELS: Record<Mode, string> = {
  wall: 'Wall display',
  incident: 'Incident response',
  condition: 'Condition browser',
};

/** Roles of the sign-in contract (issue 6). */
export type Role =
  | 'operator'
  | 'safety_officer'
  | 'plant_engineer'
  | 'company_admin'
  | 'complex_admin'
  | 'regulator'
  | 'display';

export interface SessionUser {
  id: string | number;
  username: string;
  display_name: string;
  role: Role | string;
  company_id: string | null;
}

export type Session =
  | { status: 'loading' }
  /** The api has no sign-in (GET /api/me answers 404): anyone may pick a mode. */
  | { status: 'open' }
  | { status: 'signed-in'; user: SessionUser; permissions: string[] }
  | { status: 'redirecting' }
  | { status: 'error'; message: string };

/** The mode a role opens in; null: the person chooses. */
export function defaultModeFor(role: string): Mode | null {
  switch (role) {
    case 'operator':
    case 'display':
      return 'wall';
    case 'safety_officer':
      return 'incident';
    case 'plant_engineer':
    case 'company_admin':
      return 'condition';
    case 'complex_admin':
    case 'regulator':
      return 'incident';
    default:
      return null;
  }
}

/** Whether a session may switch modes from the page (others keep theirs; `?mode=` still works). */
export function canSwitchModes(s: Session): boolean {
  if (s.status !== 'signed-in') return true;
  return s.user.role === 'complex_admin' || s.user.role === 'regulator';
}

export function modeFromUrl(search: string): Mode | null {
  const m = new URLSearchParams(search).get('mode');
  return (MODES as readonly string[]).includes(m ?? '') ? (m as Mode) : null;
}

/** `?mode=` first, then the role's mode, else none (the page asks). */
export function resolveMode(search: string, s: Session): Mode | null {
  const fromUrl = modeFromUrl(search);
  if (fromUrl) return fromUrl;
  if (s.status === 'signed-in') return defaultModeFor(s.user.role);
  return null;
}

/** Where to send a person who is not signed in, coming back to `current` afterwards. */
export function signInUrl(current: string): string {
  return `/signin?next=${encodeURIComponent(current)}`;
}

/**
 * GET /api/me: 404 means the api has no sign-in yet (run open), 401 means sign in first.
 * `fetchImpl` and `location` are parameters so the decision can be tested without a page.
 */
export async function loadSession(
  fetchImpl: typeof fetch = fetch,
  loc: Pick<Location, 'pathname' | 'search' | 'hash' | 'assign'> = window.location,
): Promise<Session> {
  let res: Response;
  try {
    res = await fetchImpl('/api/me', { credentials: 'same-origin' });
  } catch (err) {
    return { status: 'error', message: (err as Error).message };
  }
  if (res.status === 404) return { status: 'open' };
  if (res.status === 401) {
    // never from the sign-in page itself (a page served in its place would loop)
    if (loc.pathname.startsWith('/signin')) return { status: 'error', message: 'not signed in' };
    loc.assign(signInUrl(`${loc.pathname}${loc.search}${loc.hash}`));
    return { status: 'redirecting' };
  }
  if (!res.ok) return { status: 'error', message: `GET /api/me: ${res.status}` };
  const body = (await res.json()) as { user: SessionUser; permissions?: string[] };
  return { status: 'signed-in', user: body.user, permissions: body.permissions ?? [] };
}

const ACTOR_KEY = 'ct.console.actor';

/** Who acts: the signed-in person's name, else the name typed once on this browser. */
export function actorName(s: Session): string | null {
  if (s.status === 'signed-in') return s.user.display_name || s.user.username;
  try {
    return localStorage.getItem(ACTOR_KEY);
  } catch {
    return null;
  }
}

export function rememberActor(name: string): void {
  try {
    localStorage.setItem(ACTOR_KEY, name.trim());
  } catch {
    // private mode: the name lasts for this page only
  }
}
