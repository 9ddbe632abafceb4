import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { waitFor, freePort } from '@ct/testkit';

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
