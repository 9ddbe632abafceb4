import type { Vec2, Vec3 } from './model';
import type { Rng } from './random';

/** An axis-aligned rectangle, site metres. */
export interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface Block {
  col: number;
  row: number;
  /** The plot inside the block, set back from the roads. */
  plot: Rect;
}

export interface LayoutSpec {
  cols: number;
  rows: number;
  blockW: number;
  blockH: number;
}

/**
 * The street plan: roads on a grid (x east, y north), sea along the south. Pipe racks run on the
 * north side of every east-west road and on the east side of every north-south road.
 */
export interface Layout {
  width: number;
  height: number;
  /** Centrelines of the north-south roads, west to east (cols + 1). */
  xs: number[];
  /** Centrelines of the east-west roads, south to north (rows + 1); ys[0] is the coast road. */
  ys: number[];
  coastline: Vec2[];
  blocks: Block[];
}

/** Pipe-rack corridor: first slot this far from the road centreline, metres. */
export const RACK_SETBACK_M = 18;
/** Plots start this far from road centrelines, beyond the widest rack. */
const PLOT_SETBACK_M = 35;
/** Lateral slots in a rack corridor, 1 m apart. */
export const RACK_SLOTS = 10;
/** Jetty heads lie this far north of the site's south edge. */
export const JETTY_HEAD_Y = 70;
/** Height of a pipe nozzle on a unit or tank, metres. */
export const NOZZLE_Z = 1;

const SEA_STRIP_M = 460;
const EDGE_M = 40;

/** Roads, blocks and coastline for a size, in site metres, jittered by the seed. */
export function buildLayout(spec: LayoutSpec, rng: Rng): Layout {
  const xs = [EDGE_M];
  for (let i = 0; i < spec.cols; i++) {
    xs.push(xs[i]! + Math.round((spec.blockW * rng.range(0.88, 1.12)) / 10) * 10);
  }
  const ys = [SEA_STRIP_M];
  for (let j = 0; j < spec.rows; j++) {
    ys.push(ys[j]! + Math.round((spec.blockH * rng.range(0.9, 1.1)) / 10) * 10);
  }
  const width = xs[spec.cols]! + EDGE_M;
  const height = ys[spec.rows]! + EDGE_M;
  const coastline: Vec2[] = [];
  const phase = rng.range(0, 2 * Math.PI);
  const steps = Math.ceil(width / 250);
  for (let k = 0; k <= steps; k++) {
    const x = (width * k) / steps;
    const y = 300 + 55 * Math.sin(x / 900 + phase) + rng.range(-15, 15);
    coastline.push([Math.round(x * 10) / 10, Math.round(y * 10) / 10]);
  }
  const blocks: Block[] = [];
  for (let row = 0; row < spec.rows; row++) {
    for (let col = 0; col < spec.cols; col++) {
      blocks.push({
        col,
        row,
        plot: {
          x0: xs[col]! + PLOT_SETBACK_M,
          y0: ys[row]! + PLOT_SETBACK_M,
          x1: xs[col + 1]! - PLOT_SETBACK_M,
          y1: ys[row + 1]! - PLOT_SETBACK_M,
        },
      });
    }
  }
  return { width, height, xs, ys, coastline, blocks };
}

/** The coastline's y at `x` (linear between its points), site metres. */
export function coastYAt(coastline: readonly Vec2[], x: number): number {
  for (let i = 1; i < coastline.length; i++) {
    const a = coastline[i - 1]!;
    const b = coastline[i]!;
    if (x <= b[0]) return a[1] + ((b[1] - a[1]) * (x - a[0])) / (b[0] - a[0] || 1);
  }
  return coastline[coastline.length - 1]?.[1] ?? 0;
}

/** The four corners of a rectangle, counter-clockwise from the south-west, site metres. */
export function rectCorners(r: Rect): Vec2[] {
  return [
    [r.x0, r.y0],
    [r.x1, r.y0],
    [r.x1, r.y1],
    [r.x0, r.y1],
  ];
}

/** Unit locations on a jittered grid inside a plot, at least 70 m from its edges. */
export function unitGrid(plot: Rect, rng: Rng): Vec2[] {
  const margin = 70;
  const w = plot.x1 - plot.x0 - 2 * margin;
  const h = plot.y1 - plot.y0 - 2 * margin;
  const nx = Math.max(2, Math.floor(w / 150) + 1);
  const ny = Math.max(2, Math.floor(h / 150) + 1);
  const units: Vec2[] = [];
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const x = plot.x0 + margin + (w * i) / (nx - 1) + rng.range(-12, 12);
      const y = plot.y0 + margin + (h * j) / (ny - 1) + rng.range(-12, 12);
      units.push([
        Math.round(clamp(x, plot.x0 + margin, plot.x1 - margin)),
        Math.round(clamp(y, plot.y0 + margin, plot.y1 - margin)),
      ]);
    }
  }
  return units;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/**
 * A 3D Manhattan path through 2D waypoints at corridor height `z`, with a vertical riser from
 * the nozzle at each end. Repeated and collinear points are dropped.
 */
export function manhattanPath(waypoints: readonly Vec2[], z: number): Vec3[] {
  const first = waypoints[0]!;
  const last = waypoints[waypoints.length - 1]!;
  const raw: Vec3[] = [[first[0], first[1], NOZZLE_Z]];
  for (const [x, y] of waypoints) raw.push([x, y, z]);
  raw.push([last[0], last[1], NOZZLE_Z]);
  const out: Vec3[] = [];
  for (const p of raw) {
    const prev = out[out.length - 1];
    if (prev && prev[0] === p[0] && prev[1] === p[1] && prev[2] === p[2]) continue;
    const before = out[out.length - 2];
    if (before && prev && collinear(before, prev, p)) out[out.length - 1] = p;
    else out.push(p);
  }
  return out;
}

function collinear(a: Vec3, b: Vec3, c: Vec3): boolean {
  const axis = (p: Vec3, q: Vec3): number =>
    p[0] !== q[0] ? 0 : p[1] !== q[1] ? 1 : p[2] !== q[2] ? 2 : -1;
  const ab = axis(a, b);
  // Same axis and same direction: b is a straight-through point, not a bend.
  return ab >= 0 && ab === axis(b, c) && Math.sign(b[ab]! - a[ab]!) === Math.sign(c[ab]! - b[ab]!);
}

/**
 * Route between two points in different blocks along the road racks: down to the rack of the
 * start block's south road, along it to a north-south rack, along that to the end block's south
 * road, and up into the end block.
 */
export function roadRoute(
  layout: Layout,
  from: { at: Vec2; block: Block },
  to: { at: Vec2; block: Block },
  lateralM: number,
): Vec2[] {
  const [xa] = from.at;
  const [xb, yb] = to.at;
  const yRa = layout.ys[from.block.row]! + RACK_SETBACK_M + lateralM;
  const yRb = layout.ys[to.block.row]! + RACK_SETBACK_M + lateralM;
  if (from.block.row === to.block.row) return [from.at, [xa, yRa], [xb, yRa], to.at];
  const mid = (xa + xb) / 2;
  let best = 0;
  for (let k = 1; k < layout.xs.length - 1; k++) {
    if (Math.abs(layout.xs[k]! - mid) < Math.abs(layout.xs[best]! - mid)) best = k;
  }
  const xR = layout.xs[best]! + RACK_SETBACK_M + lateralM;
  return [from.at, [xa, yRa], [xR, yRa], [xR, yRb], [xb, yRb], [xb, yb]];
}

export type PlotRouteKind = 'spine' | 'ring' | 'ring_side';

/**
 * Route between two units of one plot on its internal racks: the east-west spine, the perimeter
 * ring (south, round the east or west end, north), or one side of the ring.
 */
export function plotRoute(
  plot: Rect,
  a: Vec2,
  b: Vec2,
  lateralM: number,
  kind: PlotRouteKind,
  flip: boolean,
  east: boolean,
): Vec2[] {
  const yS = plot.y0 + 20 + lateralM;
  const yN = plot.y1 - 20 - lateralM;
  const xEnd = east ? plot.x1 - 20 - lateralM : plot.x0 + 20 + lateralM;
  const [ya1, yb1] = flip ? [yN, yS] : [yS, yN];
  if (kind === 'spine') {
    const yM = Math.round((plot.y0 + plot.y1) / 2) - 5 + lateralM;
    return [a, [a[0], yM], [b[0], yM], b];
  }
  if (kind === 'ring_side') return [a, [a[0], ya1], [b[0], ya1], b];
  return [a, [a[0], ya1], [xEnd, ya1], [xEnd, yb1], [b[0], yb1], b];
}

/** Distances along `path` (metres) where it crosses the outline of `rect` in plan. */
export function rectCrossings(path: readonly Vec3[], rect: Rect): number[] {
  const inside = (p: Vec3): boolean =>
    p[0] > rect.x0 && p[0] < rect.x1 && p[1] > rect.y0 && p[1] < rect.y1;
  const out: number[] = [];
  let at = 0;
  for (let i = 1; i < path.length; i++) {
    const a = path[i - 1]!;
    const b = path[i]!;
    const leg = Math.hypot(b[0] - a[0], b[1] - a[1], b[2] - a[2]);
    if (inside(a) !== inside(b)) {
      // Legs are axis-aligned: find where the moving coordinate meets the outline.
      const axis = a[0] !== b[0] ? 0 : 1;
      const lo = axis === 0 ? rect.x0 : rect.y0;
      const hi = axis === 0 ? rect.x1 : rect.y1;
      const between = (v: number): boolean => (v - a[axis]!) * (v - b[axis]!) <= 0;
      const edge = between(lo) ? lo : hi;
      out.push(at + Math.abs(edge - a[axis]!));
    }
    at += leg;
  }
  return out;
}

/** Distance along a path (metres) where a north-south leg crosses the coastline, if it does. */
export function coastCrossing(path: readonly Vec3[], coastline: readonly Vec2[]): number | null {
  let at = 0;
  for (let i = 1; i < path.length; i++) {
    const a = path[i - 1]!;
    const b = path[i]!;
    const leg = Math.hypot(b[0] - a[0], b[1] - a[1], b[2] - a[2]);
    if (a[0] === b[0] && a[1] !== b[1]) {
      const yc = coastYAt(coastline, a[0]);
      if ((yc - a[1]) * (yc - b[1]) < 0) return at + Math.abs(yc - a[1]);
    }
    at += leg;
  }
  return null;
}
