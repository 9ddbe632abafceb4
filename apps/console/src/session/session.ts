import type { Me, Permission, Role } from '@ct/contracts';

/**
 * Who is signed in, what they may do, which mode opens, and how the page talks to the api about
 * it. Sign-in itself is the api's (docs/security.md): the session cookie `ct_session` is
 * HttpOnly and goes with every same-origin request; whenever the api answers 401 (or the live
 * WebSocket closes with 4401) the session has ended and the page goes to the api's
 * `/signin?next=<this address>`, which brings the browser back afterwards.
 *
 * Everything that touches `fetch` or `location` takes them as parameters (defaulting to the
 * page's), so the decisions are tested without a page (`session.test.ts`).
 */

/** The three ways of using the console. */
export const MODES = ['wall', 'incident', 'condition'] as const;
export type Mode = (typeof MODES)[number];

export const MODE_LABELS: Record<Mode, string> = {
  wall: 'Wall display',
  incident: 'Incident response',
  condition: 'Condition browser',
};

export type SessionUser = Me['user'];

export type Session =
  | { status: 'loading' }
  /** The api has no sign-in (GET /api/me answers 404): anyone may pick a mode, do anything. */
  | { status: 'open' }
  | { status: 'signed-in'; user: SessionUser; permissions: readonly Permission[] }
  /** Not signed in: the page is on its way to the sign-in page. */
  | { status: 'redirecting' }
  /** The api could not be asked (down, or answering an error); the store asks again. */
  | { status: 'error'; message: string };

/** The close code the api's WebSocket uses when the session behind it ends. */
export const SESSION_ENDED_CLOSE_CODE = 4401;

type Loc = Pick<Location, 'pathname' | 'search' | 'hash' | 'assign'>;

/** The mode a role opens in; null: the person chooses. */
export function defaultModeFor(role: Role | string): Mode | null {
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

/**
 * Whether the session may do something: without sign-in (an api with no `/api/me`) everything is
 * tried and the api decides; signed in, the role's permissions from `/api/me`.
 */
export function can(s: Session, permission: Permission): boolean {
  if (s.status === 'open') return true;
  return s.status === 'signed-in' && s.permissions.includes(permission);
}

/** Whether the header offers the modes as tabs (others keep their role's; `?mode=` still works). */
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
 * Sends the browser to sign in, and back to where it is afterwards. Never from the sign-in
 * page itself (a page served in its place would loop); returns whether it went.
 */
export function toSignin(loc: Loc = window.location): boolean {
  if (loc.pathname.startsWith('/signin')) return false;
  loc.assign(signInUrl(`${loc.pathname}${loc.search}${loc.hash}`));
  return true;
}

/**
 * `fetch` for every api call of the console: the session cookie goes with it, and a 401 (the
 * session ended or never was) sends the browser to sign in. The response is returned either way.
 */
export async function apiFetch(
  url: string,
  init?: RequestInit,
  fetchImpl: typeof fetch = fetch,
  loc: Loc = window.location,
): Promise<Response> {
  const res = await fetchImpl(url, { ...init, credentials: 'same-origin' });
  if (res.status === 401) toSignin(loc);
  return res;
}

/**
 * GET /api/me: a user, or 404 (the api has no sign-in: run open), or 401 (sign in first: the
 * page goes to the sign-in page).
 */
export async function loadSession(
  fetchImpl: typeof fetch = fetch,
  loc: Loc = window.location,
): Promise<Session> {
  let res: Response;
  try {
    res = await apiFetch('/api/me', undefined, fetchImpl, loc);
  } catch (err) {
    return { status: 'error', message: (err as Error).message };
  }
  if (res.status === 404) return { status: 'open' };
  if (res.status === 401) {
    return loc.pathname.startsWith('/signin')
      ? { status: 'error', message: 'not signed in' }
      : { status: 'redirecting' };
  }
  if (!res.ok) return { status: 'error', message: `GET /api/me: ${res.status}` };
  const body = (await res.json()) as Me;
  return { status: 'signed-in', user: body.user, permissions: body.permissions ?? [] };
}

/**
 * Asks whether the session still holds (after the live socket could not open: the api refuses
 * the upgrade of an ended session with 401, which a browser's WebSocket does not show). A 401
 * sends the browser to sign in; an unreachable api is left to the reconnects.
 */
export async function checkSession(
  fetchImpl: typeof fetch = fetch,
  loc: Loc = window.location,
): Promise<void> {
  try {
    await apiFetch('/api/me', undefined, fetchImpl, loc);
  } catch {
    // the api is down: the socket keeps trying
  }
}

/** Signs out (POST /api/auth/signout) and goes to the sign-in page. */
export async function signOut(
  fetchImpl: typeof fetch = fetch,
  loc: Loc = window.location,
): Promise<void> {
  try {
    await fetchImpl('/api/auth/signout', { method: 'POST', credentials: 'same-origin' });
  } finally {
    loc.assign(signInUrl('/'));
  }
}

const ACTOR_KEY = 'ct.console.actor';
/** The typed name when the browser keeps nothing (private mode). */
let typedActor: string | null = null;

/**
 * The `actor` field of alert actions. Signed in: none, the api takes the actor from the session
 * (and refuses a body naming someone else). Without sign-in: the name typed once on this browser
 * (null until it has been typed).
 */
export function actorField(s: Session): { actor?: string } | null {
  if (s.status === 'signed-in') return {};
  let name = typedActor;
  try {
    name ??= localStorage.getItem(ACTOR_KEY);
  } catch {
    // private mode
  }
  return name ? { actor: name } : null;
}

/** Without sign-in: keeps the name typed for alert actions on this browser (null forgets it). */
export function rememberActor(name: string | null): void {
  typedActor = name?.trim() || null;
  try {
    if (typedActor) localStorage.setItem(ACTOR_KEY, typedActor);
    else localStorage.removeItem(ACTOR_KEY);
  } catch {
    // private mode: the name lasts for this page only
  }
}
