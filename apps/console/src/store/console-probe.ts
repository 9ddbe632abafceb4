import type { PerspectiveCamera } from 'three';
import { Vector3 } from 'three';
import type { NetworkData } from './network-store';
import { liveStore } from './live-store';
import type { ConsoleStats, ScreenPoint } from '../console-api';
import { requestFocus } from './view-store';

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
const _p = new Vector3();

function checkReady(): void {
  if (drawn && liveStore.snapshotReceived && !window.__consoleReady) window.__consoleReady = true;
}

/** Installs the window hooks; called once at start-up. */
export function installConsoleProbe(): void {
  window.__consoleStats = stats;
  window.__consoleLive = (id) =>
    liveStore.has(id) ? { v: liveStore.value[id]!, t: liveStore.time[id]! } : null;
  window.__consoleProject = (segmentIndex) => projectSegment(segmentIndex);
  window.__consoleFocus = (segmentIndex, distance = 150) => {
    if (!pieceCentre(segmentIndex)) return false;
    requestFocus(_p.x, _p.y, _p.z, distance);
    return true;
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

/** After each rendered frame: renderer figures, and readiness once the network is on screen. */
export function recordFrame(drawCalls: number, triangles: number): void {
  stats.drawCalls = drawCalls;
  stats.triangles = triangles;
  stats.frames++;
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

/** Screen position (CSS px, page) of the middle of a segment's longest piece. */
export function projectSegment(segmentIndex: number): ScreenPoint | null {
  const { camera, canvas } = view;
  if (!camera || !canvas || !pieceCentre(segmentIndex)) return null;
  camera.updateMatrixWorld();
  _p.project(camera);
  const r = canvas.getBoundingClientRect();
  const x = r.left + ((_p.x + 1) / 2) * r.width;
  const y = r.top + ((1 - _p.y) / 2) * r.height;
  const visible = _p.z < 1 && Math.abs(_p.x) <= 1 && Math.abs(_p.y) <= 1;
  return { x, y, visible };
}
