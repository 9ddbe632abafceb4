import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Permission } from '@ct/contracts';
import {
  actorField,
  apiFetch,
  can,
  canSwitchModes,
  checkSession,
  defaultModeFor,
  loadSession,
  rememberActor,
  resolveMode,
  signInUrl,
  toSignin,
  type Session,
  type SessionUser,
} from './session';

const loc = (search = '', pathname = '/') => ({
  pathname,
  search,
  hash: '',
  assign: vi.fn<(url: string) => void>(),
});
const answer = (status: number, body: unknown = {}) =>
  vi.fn(async () => new Response(JSON.stringify(body), { status })) as unknown as typeof fetch;
const user = (role: SessionUser['role']): SessionUser => ({
  id: 1,
  username: 'sam',
  display_name: 'Sam Officer',
  role,
  company_id: null,
});
const signedIn = (role: SessionUser['role'], permissions: Permission[] = []): Session => ({
  status: 'signed-in',
  user: user(role),
  permissions,
});

describe('starting the console with or without sign-in', () => {
  it('runs open and lets the person choose when the api has no /api/me (404)', async () => {
    const s = await loadSession(answer(404), loc());
    expect(s).toEqual({ status: 'open' });
    expect(resolveMode('', s)).toBeNull();
    expect(resolveMode('?mode=wall', s)).toBe('wall');
    expect(canSwitchModes(s)).toBe(true);
    expect(can(s, 'alerts:act')).toBe(true);
  });

  it('sends a person who is not signed in to the sign-in page, coming back to where they were', async () => {
    const l = loc('?mode=incident');
    const s = await loadSession(answer(401), l);
    expect(s.status).toBe('redirecting');
    expect(l.assign).toHaveBeenCalledWith('/signin?next=%2F%3Fmode%3Dincident');
    expect(signInUrl('/?mode=wall')).toBe('/signin?next=%2F%3Fmode%3Dwall');
    const onSignin = loc('?next=%2F', '/signin');
    expect((await loadSession(answer(401), onSignin)).status).toBe('error');
    expect(onSignin.assign).not.toHaveBeenCalled();
    expect(toSignin(onSignin)).toBe(false);
  });

  it('opens the mode of the signed-in role and still honours ?mode=', async () => {
    const me = { user: user('safety_officer'), permissions: ['alerts:act'], expires_at: 1 };
    const s = await loadSession(answer(200, me), loc());
    expect(s).toEqual({ status: 'signed-in', user: me.user, permissions: ['alerts:act'] });
    expect(resolveMode('', s)).toBe('incident');
    expect(resolveMode('?mode=condition', s)).toBe('condition');
    expect(resolveMode('?mode=nonsense', s)).toBe('incident');
    expect(canSwitchModes(s)).toBe(false);
    expect(can(s, 'alerts:act')).toBe(true);
    expect(can(s, 'condition:read')).toBe(false);
  });

  it('maps every role of the sign-in contract to its mode', () => {
    expect(defaultModeFor('operator')).toBe('wall');
    expect(defaultModeFor('display')).toBe('wall');
    expect(defaultModeFor('safety_officer')).toBe('incident');
    expect(defaultModeFor('plant_engineer')).toBe('condition');
    expect(defaultModeFor('company_admin')).toBe('condition');
    expect(defaultModeFor('complex_admin')).toBe('incident');
    expect(defaultModeFor('regulator')).toBe('incident');
    expect(defaultModeFor('someone_else')).toBeNull();
    expect(canSwitchModes(signedIn('complex_admin'))).toBe(true);
    expect(canSwitchModes(signedIn('regulator'))).toBe(true);
    expect(canSwitchModes(signedIn('operator'))).toBe(false);
  });

  it('says why when the api cannot be reached', async () => {
    const failing = vi.fn(async () => {
      throw new Error('connection refused');
    }) as unknown as typeof fetch;
    expect(await loadSession(failing, loc())).toEqual({
      status: 'error',
      message: 'connection refused',
    });
    // nothing may be done while the session is unknown
    expect(can({ status: 'loading' }, 'alerts:read')).toBe(false);
  });
});

describe('a session that ends while the page is open', () => {
  it('any api call answered 401 sends the browser to sign in, with the cookie sent each time', async () => {
    const l = loc('?mode=wall');
    const f = answer(401);
    const res = await apiFetch('/api/status', { method: 'GET' }, f, l);
    expect(res.status).toBe(401);
    expect(f).toHaveBeenCalledWith('/api/status', { method: 'GET', credentials: 'same-origin' });
    expect(l.assign).toHaveBeenCalledWith('/signin?next=%2F%3Fmode%3Dwall');
    const ok = loc();
    await apiFetch('/api/status', undefined, answer(403), ok);
    expect(ok.assign).not.toHaveBeenCalled();
  });

  it('after the live socket could not open, asks /api/me: 401 signs in again, an api that is down does not', async () => {
    const ended = loc('?mode=incident');
    await checkSession(answer(401), ended);
    expect(ended.assign).toHaveBeenCalledWith('/signin?next=%2F%3Fmode%3Dincident');
    const down = loc();
    await checkSession(
      vi.fn(async () => {
        throw new Error('connection refused');
      }) as unknown as typeof fetch,
      down,
    );
    expect(down.assign).not.toHaveBeenCalled();
  });
});

describe('who acts on an alert', () => {
  afterEach(() => rememberActor(null));

  it('signed in, the body names nobody: the api takes the actor from the session', () => {
    rememberActor('Someone Typed');
    expect(actorField(signedIn('safety_officer'))).toEqual({});
  });

  it('without sign-in, the name typed once on this browser', () => {
    expect(actorField({ status: 'open' })).toBeNull();
    rememberActor('  Ana Officer ');
    expect(actorField({ status: 'open' })).toEqual({ actor: 'Ana Officer' });
  });
});
