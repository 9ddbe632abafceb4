import type { StatusResponse } from '@ct/contracts';
import { apiFetch } from '../session/session';

type Listener = () => void;

export interface StatusState {
  status: StatusResponse | null;
  /** Message of the last failed poll; null after a good one. */
  error: string | null;
}

const POLL_MS = 5000;

/** Polls /api/status every 5 s while someone listens. */
class StatusStore {
  private state: StatusState = { status: null, error: null };
  private readonly listeners = new Set<Listener>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  readonly getState = (): StatusState => this.state;

  readonly subscribe = (fn: Listener): (() => void) => {
    this.listeners.add(fn);
    if (this.listeners.size === 1) void this.poll();
    return () => {
      this.listeners.delete(fn);
      if (this.listeners.size === 0 && this.timer) {
        clearTimeout(this.timer);
        this.timer = null;
      }
    };
  };

  private async poll(): Promise<void> {
    try {
      const res = await apiFetch('/api/status');
      if (!res.ok) throw new Error(`status ${res.status}`);
      this.set({ status: (await res.json()) as StatusResponse, error: null });
    } catch (err) {
      this.set({ status: this.state.status, error: (err as Error).message });
    }
    if (this.listeners.size > 0) this.timer = setTimeout(() => void this.poll(), POLL_MS);
  }

  private set(s: StatusState): void {
    this.state = s;
    for (const fn of this.listeners) fn();
  }
}

export const statusStore = new StatusStore();
