import type { Ray } from 'three';
import { pixelScale } from './pixel-scale';

export interface Hit {
  index: number;
  /** Along the ray, metres. */
  distance: number;
  x: number;
  y: number;
  z: number;
}

/**
 * The straight piece nearest to the ray, in three coordinates (`ends`: x0 y0 z0 x1 y1 z1 per
 * piece), within each piece's radius or `minRadiusPx` on screen, whichever is larger. Among
 * several, the one nearest the ray relative to its tolerance wins: at the overview that is the
 * pipe closest to the pointer on screen. Plain arithmetic over the typed arrays: no allocation.
 */
export function pickPiece(
  ray: Ray,
  ends: Float32Array,
  radius: Float32Array,
  minRadiusPx: number,
  out: Hit,
): boolean {
  const ox = ray.origin.x;
  const oy = ray.origin.y;
  const oz = ray.origin.z;
  const dx = ray.direction.x;
  const dy = ray.direction.y;
  const dz = ray.direction.z;
  const px = pixelScale.value * minRadiusPx;
  let best = Infinity;
  const n = radius.length;
  for (let i = 0; i < n; i++) {
    const o = i * 6;
    const ax = ends[o]!;
    const ay = ends[o + 1]!;
    const az = ends[o + 2]!;
    const ux = ends[o + 3]! - ax;
    const uy = ends[o + 4]! - ay;
    const uz = ends[o + 5]! - az;
    const wx = ox - ax;
    const wy = oy - ay;
    const wz = oz - az;
    const b = dx * ux + dy * uy + dz * uz;
    const c = ux * ux + uy * uy + uz * uz;
    const d = dx * wx + dy * wy + dz * wz;
    const e = ux * wx + uy * wy + uz * wz;
    const den = c - b * b;
    // closest points of the ray (t) and the piece (s in 0..1)
    let s = den > 1e-9 ? (e - b * d) / den : 0;
    if (s < 0) s = 0;
    else if (s > 1) s = 1;
    let t = s * b - d;
    if (t < 0) t = 0;
    const qx = ax + s * ux;
    const qy = ay + s * uy;
    const qz = az + s * uz;
    const ex = ox + t * dx - qx;
    const ey = oy + t * dy - qy;
    const ez = oz + t * dz - qz;
    const dist = Math.sqrt(ex * ex + ey * ey + ez * ez);
    const tol = Math.max(radius[i]!, t * px);
    const score = dist / tol;
    if (score <= 1 && score < best) {
      best = score;
      out.index = i;
      out.distance = t;
      out.x = qx;
      out.y = qy;
      out.z = qz;
    }
  }
  return best <= 1;
}

/** The point (x y z per item, three coordinates) nearest the ray within its size or on-screen minimum. */
export function pickPoint(
  ray: Ray,
  points: Float32Array,
  size: number,
  minRadiusPx: number,
  out: Hit,
): boolean {
  const o = ray.origin;
  const dir = ray.direction;
  const px = pixelScale.value * minRadiusPx;
  let best = Infinity;
  const n = points.length / 3;
  for (let i = 0; i < n; i++) {
    const wx = points[i * 3]! - o.x;
    const wy = points[i * 3 + 1]! - o.y;
    const wz = points[i * 3 + 2]! - o.z;
    let t = wx * dir.x + wy * dir.y + wz * dir.z;
    if (t < 0) t = 0;
    const ex = wx - t * dir.x;
    const ey = wy - t * dir.y;
    const ez = wz - t * dir.z;
    const dist = Math.sqrt(ex * ex + ey * ey + ez * ez);
    const score = dist / Math.max(size, t * px);
    if (score <= 1 && score < best) {
      best = score;
      out.index = i;
      out.distance = t;
      out.x = points[i * 3]!;
      out.y = points[i * 3 + 1]!;
      out.z = points[i * 3 + 2]!;
    }
  }
  return best <= 1;
}
