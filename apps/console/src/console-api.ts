// What the page exposes on `window` for end-to-end tests and benchmarks (types only, so the
// node-side tests can share them).

/** Figures of the page, updated on each rendered frame and each live message. */
export interface ConsoleStats {
  segments: number;
  pieces: number;
  /** InstancedMeshes of the network: pipes, and one per equipment kind (not the two overlays). */
  instancedMeshes: number;
  /** Draw calls of the last rendered frame (renderer.info.render.calls). */
  drawCalls: number;
  triangles: number;
  /** Sensors with a live value in the page's store. */
  liveValues: number;
  /** Epoch ms of the last live message applied. */
  lastLiveAt: number;
  /** ms from navigation start to the first frame with the network drawn. */
  firstFrameMs: number | null;
  /** Frames rendered so far (render on demand: idle means no new frames). */
  frames: number;
}

export interface ScreenPoint {
  /** Viewport CSS pixels. */
  x: number;
  y: number;
  /** Inside the canvas and in front of the camera. */
  visible: boolean;
}

declare global {
  interface Window {
    __consoleReady?: boolean;
    __consoleStats?: ConsoleStats;
    __consoleLive?: (sensorId: number) => { v: number; t: number } | null;
    __consoleProject?: (segmentIndex: number) => ScreenPoint | null;
    /** Moves the camera to look at a segment's longest piece from `distance` metres. */
    __consoleFocus?: (segmentIndex: number, distance?: number) => boolean;
  }
}
