import type { Vector3 } from 'three';

/**
 * Site metres are x east, y north, z up; three.js is y up. A site point (x, y, z) is drawn at
 * three (x, z, -y): east stays +x, up is +y, north is -z (so the sea, to the south, is toward +z).
 */
export function siteToThree(x: number, y: number, z: number, out: Vector3): Vector3 {
  return out.set(x, z, -y);
}
