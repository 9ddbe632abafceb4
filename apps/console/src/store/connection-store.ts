type Listener = () => void;

export type ConnectionPhase = 'connecting' | 'live' | 'stale';

export interface ConnectionState {
  phase: ConnectionPhase;
  /** Epoch ms since when live values have not arrived (the socket dropped); null while live. */
  staleSince: number | null;
  /** Reconnect attempts since the last drop. */
  attempts: number;
  /**
   * The role reads alerts but no live values (complex admin, regulator): alerts are polled, and
   * live means the last poll answered.
   */
  alertsOnly?: boolean;
}

/** The state of the live WebSocket; changes only on connect and drop, so React may hold it. */
class ConnectionStore {
  private state: ConnectionState = { phase: 'connecting', staleSince: null, attempts: 0 };
  private readonly listeners = new Set<Listener>();

  readonly getState = (): ConnectionState => this.state;

  readonly subscribe = (fn: Listener): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  set(next: ConnectionState): void {
    this.state = next;
    for (const fn of this.listeners) fn();
  }
}

export const connectionStore = new ConnectionStore();
