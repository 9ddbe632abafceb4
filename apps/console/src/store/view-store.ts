type Listener = () => void;
type FocusListener = (x: number, y: number, z: number, distance: number) => void;

const overviewListeners = new Set<Listener>();
const focusListeners = new Set<FocusListener>();

/** Asks the camera to go back to the overview of the whole site. */
export function requestOverview(): void {
  for (const fn of overviewListeners) fn();
}

export function onOverviewRequest(fn: Listener): () => void {
  overviewListeners.add(fn);
  return () => overviewListeners.delete(fn);
}

/** Asks the camera to look at a point (three coordinates) from `distance` metres. */
export function requestFocus(x: number, y: number, z: number, distance: number): void {
  for (const fn of focusListeners) fn(x, y, z, distance);
}

export function onFocusRequest(fn: FocusListener): () => void {
  focusListeners.add(fn);
  return () => focusListeners.delete(fn);
}
