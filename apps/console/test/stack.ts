import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import type { UserRole } from '@ct/contracts';
import { createSigninLink, createUser, findUserByUsername, type Sql } from '@ct/db';
import { freePort, signedInCookie, waitFor } from '@ct/testkit';

export const consoleDir = resolve(import.meta.dirname, '..');
export const repoRoot = resolve(consoleDir, '..', '..');
export const dist = join(consoleDir, 'dist');

function newestMtime(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return readdirSync(path).reduce((m, e) => Math.max(m, newestMtime(join(path, e))), s.mtimeMs);
}

/** Builds the console with Vite's JS API when dist is missing or older than its sources. */
export async function ensureBuilt(force = false): Promise<void> {
  const built = join(dist, 'index.html');
  const sources = ['src', 'index.html', 'vite.config.ts', 'package.json'].map((p) =>
    join(consoleDir, p),
  );
  const newest = Math.max(...sources.filter((p) => existsSync(p)).map(newestMtime));
  if (!force && existsSync(built) && statSync(built).mtimeMs >= newest) return;
  const { build } = await import('vite');
  await build({
    configFile: join(consoleDir, 'vite.config.ts'),
    root: consoleDir,
    logLevel: 'warn',
  });
}

export interface ApiProcess {
  url: string;
  child: ChildProcess;
  log: () => string;
  stop: () => Promise<void>;
}

/** Starts the api as its own process (apps do not import each other), like the launcher does. */
export async function startApi(
  env: Record<string, string>,
  readyMs = 30_000,
  port?: number,
): Promise<ApiProcess> {
  port ??= await freePort();
  let output = '';
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join('apps', 'api', 'src', 'main.ts')],
    {
      cwd: repoRoot,
      env: {
        ...process.env,
        ...env,
        API_PORT: String(port),
        API_HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`api exited (${child.exitCode}):\n${output}`);
      const res = await fetch(`${url}/readyz`);
      return res.ok && ((await res.json()) as { broker: boolean }).broker;
    },
    readyMs,
    'the api to be ready with the broker connected',
    100,
  );
  return {
    url,
    child,
    log: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

// ---------------------------------------------------------------- signing in (docs/security.md)

export const SESSION_COOKIE = 'ct_session';

export interface TestUser {
  username: string;
  displayName: string;
  role: UserRole;
  /** The company of a company role (plant engineer, company admin). */
  companyId?: string | null;
}

export interface TestSession extends TestUser {
  /** The session's secret, the value of the cookie `ct_session`. */
  secret: string;
  /** `ct_session=<secret>`: the Cookie header of the test's own requests as this user. */
  cookie: string;
}

/**
 * A one-time sign-in link for a user of the test database (created without a password when
 * missing), as the launcher and `POST /api/users` make them: the path `/signin/once/<token>`,
 * for a browser to open.
 */
export async function signinLink(sql: Sql, u: TestUser): Promise<string> {
  const user =
    (await createUser(sql, {
      username: u.username,
      displayName: u.displayName,
      role: u.role,
      companyId: u.companyId ?? null,
      passwordHash: null,
      createdBy: null,
    })) ?? (await findUserByUsername(sql, u.username));
  if (!user) throw new Error(`user ${u.username} could not be made`);
  const token = randomBytes(32).toString('base64url');
  // the api finds a link by the SHA-256 of its secret (apps/api/src/auth/tokens.ts)
  await createSigninLink(sql, {
    tokenHash: createHash('sha256').update(token).digest(),
    userId: user.id,
    expiresAt: new Date(Date.now() + 10 * 60_000),
  });
  return `/signin/once/${token}`;
}

/** A new user signed in through a one-time link (`signedInCookie` of @ct/testkit). */
export async function signIn(sql: Sql, apiUrl: string, u: TestUser): Promise<TestSession> {
  const cookie = await signedInCookie(sql, apiUrl, {
    username: u.username,
    displayName: u.displayName,
    role: u.role,
    ...(u.companyId ? { companyId: u.companyId } : {}),
  });
  const secret = cookie.slice(cookie.indexOf('=') + 1);
  if (!cookie.startsWith(`${SESSION_COOKIE}=`) || !secret)
    throw new Error(`not a session: ${cookie}`);
  return { ...u, secret, cookie };
}

/**
 * A wall display's link: a complex admin creates a display token (`POST /api/display-tokens`);
 * the display opens `/display/<token>` once and is signed in, read-only, as the role `display`.
 */
export async function displayLink(
  apiUrl: string,
  admin: TestSession,
  name: string,
): Promise<string> {
  const made = await fetch(`${apiUrl}/api/display-tokens`, {
    method: 'POST',
    headers: { cookie: admin.cookie, 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  if (made.status !== 201) throw new Error(`display token refused: ${made.status}`);
  return ((await made.json()) as { url: string }).url;
}

/** Gives a browser context a session, as signing in in it would (HttpOnly, SameSite=Strict). */
export async function addSession(
  context: BrowserContext,
  apiUrl: string,
  session: { secret: string },
): Promise<void> {
  await context.addCookies([
    {
      name: SESSION_COOKIE,
      value: session.secret,
      url: apiUrl,
      httpOnly: true,
      sameSite: 'Strict',
    },
  ]);
}

/** GET from the api as a signed-in user (cookie), the answer parsed as JSON; throws on an error. */
export async function getAs<T>(
  apiUrl: string,
  session: { cookie: string },
  path: string,
): Promise<T> {
  const res = await fetch(`${apiUrl}${path}`, { headers: { cookie: session.cookie } });
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}
