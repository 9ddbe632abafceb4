import { chmod, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedPostgres } from '@ct/local-servers';
import { freePort } from '@ct/testkit';

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

async function reachable(url: string): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const s = net.connect(Number(u.port || 5432), u.hostname);
    s.setTimeout(1000);
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
    s.once('timeout', () => (s.destroy(), resolve(false)));
  });
}

/**
 * Tests run against a real PostgreSQL: TEST_DATABASE_URL, else the local server on 5432, else
 * (a machine with nothing installed) the embedded PostgreSQL from npm, started for this run.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const url = process.env.TEST_DATABASE_URL ?? DEFAULT_URL;
  if (await reachable(url)) {
    process.env.TEST_DATABASE_URL = url;
    return async () => {};
  }
  const dir = await mkdtemp(join(tmpdir(), 'ct-test-pg-'));
  // as root, PostgreSQL runs as the postgres user, who must be able to enter the folder
  await chmod(dir, 0o755);
  const pg = new EmbeddedPostgres({
    dataDir: join(dir, 'data'),
    port: await freePort(),
    database: 'postgres',
  });
  await pg.start();
  process.env.TEST_DATABASE_URL = pg.url;
  console.warn(`tests use an embedded PostgreSQL at ${pg.url}: nothing answered at ${url}`);
  return async () => {
    await pg.stop();
    await rm(dir, { recursive: true, force: true });
  };
}
