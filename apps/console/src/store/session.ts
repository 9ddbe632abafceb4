/**
 * The console has no sign-in of its own: the api's session cookie comes with every request
 * (same origin). When the api answers 401 the session has ended, and the page goes to the api's
 * sign-in page, which brings the browser back here afterwards.
 */
export function toSignin(): void {
  const next = `${location.pathname}${location.search}`;
  location.assign(`/signin?next=${encodeURIComponent(next)}`);
}

/** `fetch` that sends the browser to sign in on a 401. */
export async function apiFetch(url: string, init?: RequestInit): Promise<Response> {
  const res = await fetch(url, { ...init, credentials: 'same-origin' });
  if (res.status === 401) toSignin();
  return res;
}

/** The close code the api's WebSocket uses when the session behind it ends. */
export const SESSION_ENDED_CLOSE_CODE = 4401;
