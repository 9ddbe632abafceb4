/** A camera move: look at `target` (three coordinates) from `distance` metres. */
export interface FlyRequest {
  x: number;
  y: number;
  z: number;
  distance: number;
  /** Degrees from looking straight down; absent: keep the current direction of view. */
  tilt?: number;
  /** Seconds; 0 jumps. */
  seconds?: number;
  /** Metres around the target that must be in view: moves farther back if need be. */
  radius?: number;
}
type FlyListener = (r: FlyRequest) => void;

const overviewListeners = new Set<(seconds: number) => void>();
const flyListeners = new Set<FlyListener>();

/** Asks the camera to go back to the overview of the whole site (flying, unless 0 s). */
export function requestOverview(seconds = 1.2): void {
  for (const fn of overviewListeners) fn(seconds);
}

export function onOverviewRequest(fn: (seconds: number) => void): () => void {
  overviewListeners.add(fn);
  return () => overviewListeners.delete(fn);
}

/** Asks the camera to fly to a point (three coordinates). */
export function requestFly(r: FlyRequest): void {
  for (const fn of flyListeners) fn(r);
}

/** Jumps the camera to look at a point from `distance` metres, keeping the direction of view. */
export function requestFocus(x: number, y: number, z: number, distance: number): void {
  requestFly({ x, y, z, distance, seconds: 0 });
}

export function onFlyRequest(fn: FlyListener): () => void {
  flyListeners.add(fn);
  return () => flyListeners.delete(fn);
}
