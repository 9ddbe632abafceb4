type Listener = () => void;

/** Something in the scene a person can point at. */
export type Target = { kind: 'segment'; index: number } | { kind: 'equipment'; index: number };

export interface SelectionState {
  hover: Target | null;
  selected: Target | null;
}

export const sameTarget = (a: Target | null, b: Target | null): boolean =>
  a === b || (!!a && !!b && a.kind === b.kind && a.index === b.index);

/**
 * What is hovered and what is selected (changes on pointer enter/leave and clicks), plus the
 * pointer position, which changes on every move and is read by the tooltip directly.
 */
class SelectionStore {
  private state: SelectionState = { hover: null, selected: null };
  private readonly listeners = new Set<Listener>();
  private readonly pointerListeners = new Set<Listener>();
  /** Pointer position in viewport CSS pixels. */
  readonly pointer = { x: 0, y: 0 };

  readonly getState = (): SelectionState => this.state;

  readonly subscribe = (fn: Listener): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  setHover(t: Target | null): void {
    if (sameTarget(t, this.state.hover)) return;
    this.set({ ...this.state, hover: t });
  }

  setSelected(t: Target | null): void {
    if (sameTarget(t, this.state.selected)) return;
    this.set({ ...this.state, selected: t });
  }

  movePointer(x: number, y: number): void {
    this.pointer.x = x;
    this.pointer.y = y;
    for (const fn of this.pointerListeners) fn();
  }

  subscribePointer(fn: Listener): () => void {
    this.pointerListeners.add(fn);
    return () => this.pointerListeners.delete(fn);
  }

  private set(s: SelectionState): void {
    this.state = s;
    for (const fn of this.listeners) fn();
  }
}

export const selectionStore = new SelectionStore();
