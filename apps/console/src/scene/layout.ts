import type { NetworkData, EquipmentKind } from '../store/network-store';
import { siteToThree } from './coords';
import type { Matrix4 } from 'three';
import { Y_AXIS, _quat, _scale, _vec, _vec2 } from './scratch';

/** Drawn pipe radius: true radius times this, but never under PIPE_MIN_RADIUS_M (near view). */
export const PIPE_RADIUS_GAIN = 1.25;
export const PIPE_MIN_RADIUS_M = 0.12;
/** On-screen minimum radius of a pipe, CSS px (the overview), and the pointer's reach. */
export const PIPE_MIN_RADIUS_PX = 1.25;
export const PIPE_PICK_RADIUS_PX = 4;
/** On-screen minimum radius of a hovered or selected pipe, CSS px. */
export const HIGHLIGHT_MIN_RADIUS_PX = 3;

/** Pieces in three coordinates with their drawn radius, for instancing and picking. */
export interface PipeLayout {
  /** x0 y0 z0 x1 y1 z1 per piece, three coordinates. */
  ends: Float32Array;
  radius: Float32Array;
}

export function pipeLayout(data: NetworkData): PipeLayout {
  const { pieces, pieceSegment, radius: segRadius } = data.geometry;
  const n = data.pieceCount;
  const ends = new Float32Array(n * 6);
  const radius = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 2; k++) {
      const o = i * 6 + k * 3;
      siteToThree(pieces[o]!, pieces[o + 1]!, pieces[o + 2]!, _vec);
      ends[o] = _vec.x;
      ends[o + 1] = _vec.y;
      ends[o + 2] = _vec.z;
    }
    const r = segRadius[pieceSegment[i]!] ?? 0.05;
    radius[i] = Math.max(r * PIPE_RADIUS_GAIN, PIPE_MIN_RADIUS_M);
  }
  return { ends, radius };
}

/** The instance matrix of piece `i`: a unit cylinder (axis y) from one end to the other. */
export function pieceMatrix(
  layout: PipeLayout,
  i: number,
  radiusGain: number,
  out: Matrix4,
): Matrix4 {
  const { ends, radius } = layout;
  const o = i * 6;
  _vec2.set(ends[o + 3]! - ends[o]!, ends[o + 4]! - ends[o + 1]!, ends[o + 5]! - ends[o + 2]!);
  const len = _vec2.length();
  if (len > 1e-6) {
    _quat.setFromUnitVectors(Y_AXIS, _vec2.divideScalar(len));
    const r = radius[i]! * radiusGain;
    _scale.set(r, len, r);
  } else {
    _quat.identity();
    _scale.set(0, 0, 0);
  }
  // the unit cylinder is centred on its origin: place it at the piece's midpoint
  _vec.set(
    (ends[o]! + ends[o + 3]!) / 2,
    (ends[o + 1]! + ends[o + 4]!) / 2,
    (ends[o + 2]! + ends[o + 5]!) / 2,
  );
  return out.compose(_vec, _quat, _scale);
}

/** How each kind of equipment is drawn: a unit shape scaled to these metres (x, y up, z). */
export interface EquipmentStyle {
  shape: 'box' | 'cylinder' | 'octahedron';
  size: readonly [number, number, number];
  /** Raise the centre this far above the given position (tanks stand on the ground). */
  lift: number;
  minRadiusPx: number;
  pickRadiusPx: number;
}

export const EQUIPMENT_STYLE: Readonly<Record<EquipmentKind, EquipmentStyle>> = {
  pump: { shape: 'box', size: [5, 3, 3], lift: 1.5, minRadiusPx: 2.2, pickRadiusPx: 6 },
  compressor: { shape: 'box', size: [12, 6, 7], lift: 3, minRadiusPx: 3, pickRadiusPx: 7 },
  valve: { shape: 'octahedron', size: [1.2, 1.2, 1.2], lift: 0, minRadiusPx: 1.1, pickRadiusPx: 4 },
  tank: { shape: 'cylinder', size: [22, 14, 22], lift: 7, minRadiusPx: 3, pickRadiusPx: 6 },
};

/** Centres (three coordinates) of the given equipment, for instancing and picking. */
export function equipmentCentres(
  data: NetworkData,
  indexes: Int32Array,
  lift: number,
): Float32Array {
  const pos = data.geometry.equipment;
  const out = new Float32Array(indexes.length * 3);
  for (let i = 0; i < indexes.length; i++) {
    const e = indexes[i]!;
    siteToThree(pos[e * 3]!, pos[e * 3 + 1]!, pos[e * 3 + 2]!, _vec);
    out[i * 3] = _vec.x;
    out[i * 3 + 1] = _vec.y + lift;
    out[i * 3 + 2] = _vec.z;
  }
  return out;
}
