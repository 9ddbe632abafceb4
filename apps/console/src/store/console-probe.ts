import type { PerspectiveCamera } from 'three';
import { Vector3 } from 'three';
import type { NetworkData } from './network-store';
import { liveStore } from './live-store';
import type { ConsoleStats, ScreenPoint } from '../console-api';
import { requestFocus } from './view-store';
import { segmentPaint } from '../scene/segment-paint';

const stats: ConsoleStats = {
  segments: 0,
  pieces: 0,
  instancedMeshes: 0,
  drawCalls: 0,
  triangles: 0,
  liveValues: 0,
  lastLiveAt: 0,
  firstFrameMs: null,
  frames: 0,
  recolours: 0,
  highlighted: 0,
  mode: null,
  focusAlertId: null,
  cameraTarget: [0, 0, 0],
  cameraPosition: [0, 0, 0],
};

const view: {
  camera: PerspectiveCamera | null;
  canvas: HTMLCanvasElement | null;
  data: NetworkData | null;
} = {
  camera: null,
  canvas: null,
  data: null,
};
let drawn = false;
/** The alert feed answered once (for a role without live values there is no snapshot). */
let fed = false;
const _p = new Vector3();
const FRAME_RING = 2000;
const frameMs = new Float32Array(FRAME_RING);
let frameCount = 0;
let frameStart = 0;

function checkReady(): void {
  if (drawn && (liveStore.snapshotReceived || fed) && !window.__consoleReady) {
    window.__consoleReady = true;
  }
}

/** The polled alert feed answered (`__consoleReady` waits for the first feed of either kind). */
export function markFed(): void {
  fed = true;
  checkReady();
}

/** Installs the window hooks; called once at start-up. */
export function installConsoleProbe(): void {
  window.__consoleStats = stats;
  window.__consoleLive = (id) =>
    liveStore.has(id) ? { v: liveStore.value[id]!, t: liveStore.time[id]! } : null;
  window.__consoleProject = (segmentIndex) => projectSegment(segmentIndex);
  window.__consoleProjectSite = (x, y, z) => {
    _p.set(x, z, -y);
    return projectP();
  };
  window.__consoleFocus = (segmentIndex, distance = 150) => {
    if (!pieceCentre(segmentIndex)) return false;
    requestFocus(_p.x, _p.y, _p.z, distance);
    return true;
  };
  window.__consoleFrameTimes = () => {
    const n = Math.min(frameCount, FRAME_RING);
    const out: number[] = [];
    for (let i = frameCount - n; i < frameCount; i++) out.push(frameMs[i % FRAME_RING]!);
    return out;
  };
  window.__consoleRecolour = (count) => {
    const n = segmentPaint.segments;
    if (n === 0) return;
    for (let i = 0; i < count; i++) {
      const s = (Math.random() * n) | 0;
      const v = Math.random();
      segmentPaint.setBase(s, 0.2 + 0.5 * v, 0.25 + 0.4 * v, 0.3 + 0.3 * v);
    }
  };
  liveStore.subscribe(() => {
    stats.liveValues = liveStore.count;
    stats.lastLiveAt = liveStore.lastLiveAt;
    checkReady();
  });
}

/** The scene tells the probe what it draws with (once per change, not per frame). */
export function attachView(
  camera: PerspectiveCamera,
  canvas: HTMLCanvasElement,
  data: NetworkData,
): void {
  view.camera = camera;
  view.canvas = canvas;
  view.data = data;
  stats.segments = data.segmentCount;
  stats.pieces = data.pieceCount;
  stats.instancedMeshes = 1 + data.equipmentKinds.length;
}

export function setProbeMode(mode: string | null, focusAlertId: number | null): void {
  stats.mode = mode;
  stats.focusAlertId = focusAlertId;
}

/** Where the camera looks (called when it moves, not per frame). */
export function cameraProbe(target: Vector3, position: Vector3): void {
  const t = stats.cameraTarget;
  t[0] = target.x;
  t[1] = target.y;
  t[2] = target.z;
  const p = stats.cameraPosition;
  p[0] = position.x;
  p[1] = position.y;
  p[2] = position.z;
}

/** Before each frame's callbacks (JS time per frame is measured from here). */
export function frameBegins(): void {
  frameStart = performance.now();
}

/** After each rendered frame: renderer figures, and readiness once the network is on screen. */
export function recordFrame(drawCalls: number, triangles: number): void {
  frameMs[frameCount % FRAME_RING] = performance.now() - frameStart;
  frameCount++;
  stats.drawCalls = drawCalls;
  stats.triangles = triangles;
  stats.frames++;
  stats.recolours = segmentPaint.applied;
  stats.highlighted = segmentPaint.filtering ? segmentPaint.matchCount : 0;
  if (!drawn && view.data && drawCalls > 0) {
    drawn = true;
    stats.firstFrameMs = Math.round(performance.now());
    checkReady();
  }
}

/** Puts the middle of a segment's longest piece, in three coordinates, into `_p`. */
function pieceCentre(segmentIndex: number): boolean {
  const data = view.data;
  const piece = data?.longestPiece[segmentIndex];
  if (!data || piece === undefined || piece < 0) return false;
  const p = data.geometry.pieces;
  const o = piece * 6;
  // site (x, y, z) -> three (x, z, -y)
  _p.set((p[o]! + p[o + 3]!) / 2, (p[o + 2]! + p[o + 5]!) / 2, -(p[o + 1]! + p[o + 4]!) / 2);
  return true;
}

function projectP(): ScreenPoint | null {
  const { camera, canvas } = view;
  if (!camera || !canvas) return null;
  camera.updateMatrixWorld();
  _p.project(camera);
  const r = canvas.getBoundingClientRect();
  const x = r.left + ((_p.x + 1) / 2) * r.width;
  const y = r.top + ((1 - _p.y) / 2) * r.height;
  const visible = _p.z < 1 && Math.abs(_p.x) <= 1 && Math.abs(_p.y) <= 1;
  return { x, y, visible };
}

/** Screen position (CSS px, page) of the middle of a segment's longest piece. */
export function projectSegment(segmentIndex: number): ScreenPoint | null {
  if (!pieceCentre(segmentIndex)) return null;
  return projectP();
}
