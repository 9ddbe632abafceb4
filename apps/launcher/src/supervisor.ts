import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface AppSpec {
  name: string;
  /** The app's entry file (TypeScript, run with tsx). */
  entry: string;
  cwd: string;
  env: Record<string, string>;
}

export type Print = (component: string, level: 'info' | 'warn' | 'error', text: string) => void;

const LEVELS: Record<number, 'info' | 'warn' | 'error'> = {
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'error',
};

/**
 * Runs one app as a child process: shows its log lines (pino JSON) in a readable form,
 * resolves `ready` on its first `ready: true` line, restarts it with backoff if it dies, and
 * stops it with SIGTERM (SIGKILL after a grace period). Children are connected over IPC and
 * exit by themselves if the launcher disappears.
 */
export class Supervised {
  private child: ChildProcess | null = null;
  private stopping = false;
  private restarts = 0;
  private resolveReady!: () => void;
  readonly ready: Promise<void>;

  constructor(
    private readonly spec: AppSpec,
    private readonly print: Print,
    private readonly verbose: boolean,
  ) {
    this.ready = new Promise((r) => (this.resolveReady = r));
  }

  start(): void {
    const child = spawn(process.execPath, ['--import', 'tsx', this.spec.entry], {
      cwd: this.spec.cwd,
      env: { ...process.env, ...this.spec.env },
      // own process group: the terminal's Ctrl-C reaches the launcher, which stops apps in order
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.child = child;
    const onLine = (line: string) => this.onLine(line);
    createInterface({ input: child.stdout! }).on('line', onLine);
    createInterface({ input: child.stderr! }).on('line', onLine);
    child.on('exit', (code, signal) => {
      this.child = null;
      if (this.stopping) return;
      this.restarts++;
      const delay = Math.min(30_000, 1000 * 2 ** Math.min(this.restarts - 1, 5));
      this.print(
        this.spec.name,
        'error',
        `exited (${signal ?? `code ${code}`}); restarting in ${Math.round(delay / 1000)} s`,
      );
      setTimeout(() => !this.stopping && this.start(), delay).unref();
    });
  }

  async stop(graceMs = 20_000): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((r) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.once('exit', () => {
        clearTimeout(timer);
        r();
      });
      child.kill('SIGTERM');
    });
  }

  private onLine(line: string): void {
    if (!line.trim()) return;
    let rec: { level?: number; msg?: string; ready?: boolean; [k: string]: unknown } | null = null;
    if (line.startsWith('{')) {
      try {
        rec = JSON.parse(line);
      } catch {
        rec = null;
      }
    }
    if (!rec) {
      this.print(this.spec.name, 'info', line);
      return;
    }
    const level = LEVELS[rec.level ?? 30] ?? 'info';
    const { level: _l, time: _t, pid: _p, hostname: _h, name: _n, msg, ready, ...rest } = rec;
    if (ready === true) {
      // the one line per component that says it is up, whatever the verbosity
      this.print(this.spec.name, 'info', `${msg ?? 'ready'}${describe(rest)}`);
      this.resolveReady();
      return;
    }
    if (level === 'info' && !this.verbose) return;
    this.print(this.spec.name, level, `${msg ?? ''}${describe(rest)}`);
  }

  /** The ready line's fields, kept for the launcher's own summary. */
  get pid(): number | undefined {
    return this.child?.pid;
  }
}

function describe(fields: Record<string, unknown>): string {
  const parts = Object.entries(fields).map(
    ([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`,
  );
  return parts.length ? ` (${parts.join(', ')})` : '';
}
