import type { ColourMode } from '../scene/colour-modes';

type Listener = () => void;

export interface SceneState {
  /** What the pipes are coloured by. */
  colourMode: ColourMode;
  /** The alert whose zones, leak band and valves are drawn (wall: the one shown; incident: the one open). */
  focusAlertId: number | null;
  /** Company names over their plots (off on the wall: too small to read from the room). */
  companyLabels: boolean;
}

/** What the shared scene shows; each mode sets it. Changes on clicks, never per frame. */
class SceneStore {
  private state: SceneState = { colourMode: 'plain', focusAlertId: null, companyLabels: true };
  private readonly listeners = new Set<Listener>();

  readonly getState = (): SceneState => this.state;

  readonly subscribe = (fn: Listener): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  update(patch: Partial<SceneState>): void {
    const next = { ...this.state, ...patch };
    if (
      next.colourMode === this.state.colourMode &&
      next.focusAlertId === this.state.focusAlertId &&
      next.companyLabels === this.state.companyLabels
    )
      return;
    this.state = next;
    for (const fn of this.listeners) fn();
  }
}

export const sceneStore = new SceneStore();
