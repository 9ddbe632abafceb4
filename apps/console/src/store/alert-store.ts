import {
  LeakAlertDetailSchema,
  type Alert,
  type AreaFlood,
  type LeakAlertDetail,
} from '@ct/contracts';

type Listener = () => void;

/** One change of one alert as the WebSocket announces it. */
export interface AlertChange {
  t: number;
  action: string;
  actor: string;
  note: string | null;
  alert: Alert;
}
type ChangeListener = (c: AlertChange) => void;

export interface AlertState {
  /** Bumped on every change; React compares it. */
  version: number;
  /** Open alerts (not back in A) by id. */
  open: ReadonlyMap<number, Alert>;
  /** Flood status per operator area, as last pushed. */
  floods: readonly AreaFlood[];
  /** Whether the open alerts have been received since the page opened. */
  received: boolean;
}

export const SEVERITY_RANK: Record<Alert['severity'], number> = {
  critical: 4,
  high: 3,
  medium: 2,
  low: 1,
};

const leakCache = new WeakMap<Alert, LeakAlertDetail | null>();

/** The leak detail of an alert of kind `leak`, or null (another kind, or a detail that does not parse). */
export function leakOf(a: Alert): LeakAlertDetail | null {
  if (a.kind !== 'leak') return null;
  let d = leakCache.get(a);
  if (d === undefined) {
    const r = LeakAlertDetailSchema.safeParse(a.detail);
    d = r.success ? r.data : null;
    leakCache.set(a, d);
  }
  return d;
}

/** Queue order: most severe first, then oldest first (the longest-waiting incident on top). */
export function compareAlerts(a: Alert, b: Alert): number {
  return SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || a.raised_at - b.raised_at;
}

/**
 * The open alerts and flood status, fed by the live WebSocket (`alerts` on connect, then one
 * `alert` per change, `flood` when a flood begins, grows or ends). Alerts change a few times a
 * minute at most, so React may re-render on them; live values never come through here.
 */
class AlertStore {
  private state: AlertState = { version: 0, open: new Map(), floods: [], received: false };
  private readonly listeners = new Set<Listener>();
  private readonly changeListeners = new Set<ChangeListener>();

  readonly getState = (): AlertState => this.state;

  readonly subscribe = (fn: Listener): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  /** Every change as it comes (the wall display's director, the open incident's audit trail). */
  onChange(fn: ChangeListener): () => void {
    this.changeListeners.add(fn);
    return () => this.changeListeners.delete(fn);
  }

  /** The open alerts on (re)connect: closed ones drop out, newer versions already seen stay. */
  replaceOpen(items: readonly Alert[]): void {
    const next = new Map<number, Alert>();
    for (const a of items) {
      const seen = this.state.open.get(a.id);
      next.set(a.id, seen && seen.version > a.version ? seen : a);
    }
    this.set({ ...this.state, open: next, received: true });
  }

  /**
   * The open alerts as read again (a role without the live feed polls them): an alert that is
   * new or has a higher version is announced as a change, as the live feed would; the rest is
   * `replaceOpen`.
   */
  sync(items: readonly Alert[]): void {
    for (const a of items) {
      const seen = this.state.open.get(a.id);
      if (!seen) {
        const action = a.isa_state === 'B' ? 'raise' : 'update';
        this.apply({ t: Date.now(), action, actor: '', note: null, alert: a });
      } else if (a.version > seen.version) {
        this.apply({ t: Date.now(), action: 'update', actor: '', note: null, alert: a });
      }
    }
    this.replaceOpen(items);
  }

  /** One change: the highest version of an alert wins (a comment keeps its version). */
  apply(c: AlertChange): void {
    const seen = this.state.open.get(c.alert.id);
    if (!seen || c.alert.version >= seen.version) {
      const next = new Map(this.state.open);
      if (c.alert.isa_state === 'A') next.delete(c.alert.id);
      else next.set(c.alert.id, c.alert);
      this.set({ ...this.state, open: next });
    }
    for (const fn of this.changeListeners) fn(c);
  }

  /** An alert as an action answered it (before its live echo arrives). */
  upsert(a: Alert): void {
    this.apply({ t: Date.now(), action: 'local', actor: '', note: null, alert: a });
  }

  setFloods(areas: readonly AreaFlood[]): void {
    this.set({ ...this.state, floods: areas });
  }

  private set(s: Omit<AlertState, 'version'>): void {
    this.state = { ...s, version: this.state.version + 1 };
    for (const fn of this.listeners) fn();
  }
}

export const alertStore = new AlertStore();
