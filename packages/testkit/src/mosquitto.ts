import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from './ports';

const MOSQUITTO_BIN = process.env.MOSQUITTO_BIN ?? '/usr/sbin/mosquitto';

/** Whether a Mosquitto binary is installed (tests that need one say so when it is not). */
export const MOSQUITTO_AVAILABLE = existsSync(MOSQUITTO_BIN);
if (!MOSQUITTO_AVAILABLE) {
  console.warn(
    `SKIPPED: tests that need Mosquitto: no binary at ${MOSQUITTO_BIN} (apt-get install mosquitto, or set MOSQUITTO_BIN)`,
  );
}

export interface MosquittoHandle {
  url: string;
  port: number;
  /** What Mosquitto wrote to stderr (with `log_dest stderr`, its log). */
  log(): string;
  stop(): Promise<void>;
}

/**
 * The queue settings of infra/mosquitto/mosquitto.conf: a persistent session keeps up to a
 * million unacknowledged QoS 1 messages while its ingest is down or paused.
 */
export const MOSQUITTO_QUEUE_CONFIG = [
  'max_inflight_messages 0',
  'max_queued_messages 1000000',
  'max_queued_bytes 0',
  'persistent_client_expiration 1d',
].join('\n');

/**
 * Starts a private Mosquitto (the machine's binary) on a free port, in memory; anonymous unless
 * `allowAnonymous` is false (then `extraConfig` names the password and ACL files).
 */
export async function startMosquitto(
  extraConfig = '',
  opts: { allowAnonymous?: boolean } = {},
): Promise<MosquittoHandle> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'ct-mosquitto-'));
  const conf = join(dir, 'mosquitto.conf');
  await writeFile(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      `allow_anonymous ${opts.allowAnonymous === false ? 'false' : 'true'}`,
      'persistence false',
      extraConfig.includes('log_dest') ? '' : 'log_dest none',
      MOSQUITTO_QUEUE_CONFIG,
      extraConfig,
    ].join('\n') + '\n',
  );
  const child: ChildProcess = spawn(MOSQUITTO_BIN, ['-c', conf], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  await waitFor(
    () =>
      new Promise<boolean>((resolve) => {
        if (child.exitCode !== null) throw new Error(`mosquitto exited: ${stderr}`);
        const s = net.connect(port, '127.0.0.1');
        s.once('connect', () => (s.destroy(), resolve(true)));
        s.once('error', () => resolve(false));
      }),
    5000,
    `mosquitto on port ${port}`,
  );
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    log: () => stderr,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
