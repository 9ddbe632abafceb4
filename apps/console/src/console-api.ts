// What the page exposes on `window` for end-to-end tests and benchmarks (types only, so the
// node-side tests can share them).

/** Figures of the page, updated on each rendered frame and each live message. */
export interface ConsoleStats {
  segments: number;
  pieces: number;
  /** InstancedMeshes of the network: pipes, and one per equipment kind (not the overlays). */
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
  /** Segment colour changes applied by the frame loop so far. */
  recolours: number;
  /** Segments drawn as matching the condition filter (0 without a filter). */
  highlighted: number;
  /** The mode shown (`wall`, `incident`, `condition`), null while the person chooses. */
  mode: string | null;
  /** The alert whose zones and leak band are drawn. */
  focusAlertId: number | null;
  /** Camera target and position, three coordinates (site x, z, -y). */
  cameraTarget: [number, number, number];
  cameraPosition: [number, number, number];
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
    /** Screen position of a site point (x east, y north, z up, metres). */
    __consoleProjectSite?: (x: number, y: number, z: number) => ScreenPoint | null;
    /** Moves the camera to look at a segment's longest piece from `distance` metres. */
    __consoleFocus?: (segmentIndex: number, distance?: number) => boolean;
    /** JS milliseconds of each of the last rendered frames (up to 2,000), oldest first. */
    __consoleFrameTimes?: () => number[];
    /**
     * Benchmark hook: writes `count` random segment colours into the paint store, the way live
     * updates do; the frame loop applies them.
     */
    __consoleRecolour?: (count: number) => void;
  }
}
