import { describe, expect, it, vi } from 'vitest';
import { canSwitchModes, defaultModeFor, loadSession, resolveMode, signInUrl } from './session';

const loc = (search = '') => ({
  pathname: '/',
  search,
  hash: '',
  assign: vi.fn<(url: string) => void>(),
});
const answer = (status: number, body: unknown = {}) =>
  vi.fn(async () => new Response(JSON.stringify(body), { status })) as unknown as typeof fetch;

describe('starting the console with or without sign-in', () => {
  it('runs open and lets the person choose when the api has no /api/me (404)', async () => {
    const s = await loadSession(answer(404), loc());
    expect(s).toEqual({ status: 'open' });
    expect(resolveMode('', s)).toBeNull();
    expect(resolveMode('?mode=wall', s)).toBe('wall');
    expect(canSwitchModes(s)).toBe(true);
  });

  it('sends a person who is not signed in to the sign-in page, coming back to where they were', async () => {
    const l = loc('?mode=incident');
    const s = await loadSession(answer(401), l);
    expect(s.status).toBe('redirecting');
    expect(l.assign).toHaveBeenCalledWith('/signin?next=%2F%3Fmode%3Dincident');
    expect(signInUrl('/?mode=wall')).toBe('/signin?next=%2F%3Fmode%3Dwall');
    const onSignin = { ...loc('?next=%2F'), pathname: '/signin' };
    expect((await loadSession(answer(401), onSignin)).status).toBe('error');
    expect(onSignin.assign).not.toHaveBeenCalled();
  });

  it('opens the mode of the signed-in role and still honours ?mode=', async () => {
    const user = {
      id: 1,
      username: 'so',
      display_name: 'Sam',
      role: 'safety_officer',
      company_id: null,
    };
    const s = await loadSession(answer(200, { user, permissions: ['alerts:act'] }), loc());
    expect(s).toEqual({ status: 'signed-in', user, permissions: ['alerts:act'] });
    expect(resolveMode('', s)).toBe('incident');
    expect(resolveMode('?mode=condition', s)).toBe('condition');
    expect(resolveMode('?mode=nonsense', s)).toBe('incident');
    expect(canSwitchModes(s)).toBe(false);
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
    const admin = {
      status: 'signed-in' as const,
      user: { id: 2, username: 'a', display_name: 'A', role: 'complex_admin', company_id: null },
      permissions: [],
    };
    expect(canSwitchModes(admin)).toBe(true);
  });

  it('says why when the api cannot be reached', async () => {
    const failing = vi.fn(async () => {
      throw new Error('connection refused');
    }) as unknown as typeof fetch;
    expect(await loadSession(failing, loc())).toEqual({
      status: 'error',
      message: 'connection refused',
    });
  });
});
