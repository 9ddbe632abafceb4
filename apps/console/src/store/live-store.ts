import type { LiveValues } from '@ct/contracts';

type Listener = () => void;

/**
 * The latest value of every sensor, in typed arrays indexed by sensor id. Messages mutate the
 * arrays and then tell listeners once; nothing here goes through React state, so a second's
 * worth of 15,000 values costs one pass over arrays and no re-render.
 */
export class LiveStore {
  value = new Float64Array(1024);
  /** Reading time, epoch ms; 0 where no value has arrived. */
  time = new Float64Array(1024);
  /** Sensors with a value. */
  count = 0;
  /** Epoch ms of the last message applied. */
  lastLiveAt = 0;
  snapshotReceived = false;
  private readonly listeners = new Set<Listener>();

  /** Applies a snapshot or a delta from /api/live. */
  apply(m: LiveValues): void {
    const ids = m.sensor_id;
    let max = 0;
    for (let i = 0; i < ids.length; i++) if (ids[i]! > max) max = ids[i]!;
    this.ensure(max);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      const t = m.time[i]!;
      // a snapshot after a reconnect may carry values older than ones already shown
      if (t < this.time[id]!) continue;
      if (this.time[id] === 0) this.count++;
      this.value[id] = m.value[i]!;
      this.time[id] = t;
    }
    this.lastLiveAt = Date.now();
    if (m.type === 'snapshot') this.snapshotReceived = true;
    for (const fn of this.listeners) fn();
  }

  /** Seeds one value (for example from a detail response) without notifying. */
  seed(id: number, t: number, v: number): void {
    this.ensure(id);
    if (t <= this.time[id]!) return;
    if (this.time[id] === 0) this.count++;
    this.value[id] = v;
    this.time[id] = t;
  }

  has(id: number): boolean {
    return id >= 0 && id < this.time.length && this.time[id]! > 0;
  }

  /** Called after every applied message; returns the unsubscribe function. */
  subscribe(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private ensure(id: number): void {
    if (id < this.value.length) return;
    let n = this.value.length;
    while (n <= id) n *= 2;
    const v = new Float64Array(n);
    v.set(this.value);
    const t = new Float64Array(n);
    t.set(this.time);
    this.value = v;
    this.time = t;
  }
}

export const liveStore = new LiveStore();
