/**
 * The binary form of the pipe network that the browser draws directly (GET
 * /api/network/geometry). Every straight piece of every segment's centreline is one instance;
 * typed arrays are laid out so the browser wraps them without copying.
 *
 * Layout, little-endian, every block starting on a 4-byte boundary:
 *   header       8 x u32: magic 'CTNG' (0x474e5443), version (1), segmentCount S, pieceCount P,
 *                equipmentCount E, 3 reserved (0)
 *   pieces       f32[P * 6]  x0 y0 z0 x1 y1 z1 per piece, site metres (x east, y north, z up)
 *   pieceSegment u32[P]      index of the piece's segment (order of /api/network `segments`)
 *   radius       f32[S]      outside radius of each segment, metres
 *   equipment    f32[E * 3]  x y z of each piece of equipment (order of /api/network `equipment`)
 */

export const GEOMETRY_MAGIC = 0x474e5443;
export const GEOMETRY_VERSION = 1;
const HEADER_WORDS = 8;

export interface NetworkGeometry {
  segmentCount: number;
  pieceCount: number;
  equipmentCount: number;
  pieces: Float32Array;
  pieceSegment: Uint32Array;
  radius: Float32Array;
  equipment: Float32Array;
}

/** Size in bytes of the encoded geometry. */
export function geometryByteLength(s: number, p: number, e: number): number {
  return 4 * (HEADER_WORDS + p * 6 + p + s + e * 3);
}

/** Packs geometry into one buffer (see the layout above). */
export function encodeNetworkGeometry(g: NetworkGeometry): ArrayBuffer {
  const { segmentCount: s, pieceCount: p, equipmentCount: e } = g;
  if (g.pieces.length !== p * 6 || g.pieceSegment.length !== p || g.radius.length !== s) {
    throw new Error('network geometry arrays do not match their counts');
  }
  if (g.equipment.length !== e * 3) throw new Error('equipment array does not match its count');
  const buf = new ArrayBuffer(geometryByteLength(s, p, e));
  const header = new Uint32Array(buf, 0, HEADER_WORDS);
  header.set([GEOMETRY_MAGIC, GEOMETRY_VERSION, s, p, e, 0, 0, 0]);
  let o = HEADER_WORDS * 4;
  new Float32Array(buf, o, p * 6).set(g.pieces);
  o += p * 24;
  new Uint32Array(buf, o, p).set(g.pieceSegment);
  o += p * 4;
  new Float32Array(buf, o, s).set(g.radius);
  o += s * 4;
  new Float32Array(buf, o, e * 3).set(g.equipment);
  return buf;
}

/** Views the arrays of an encoded geometry without copying; throws on a foreign buffer. */
export function decodeNetworkGeometry(buf: ArrayBuffer): NetworkGeometry {
  if (buf.byteLength < HEADER_WORDS * 4) throw new Error('network geometry: buffer too short');
  const header = new Uint32Array(buf, 0, HEADER_WORDS);
  if (header[0] !== GEOMETRY_MAGIC) throw new Error('network geometry: bad magic number');
  if (header[1] !== GEOMETRY_VERSION) {
    throw new Error(`network geometry: version ${header[1]} is not ${GEOMETRY_VERSION}`);
  }
  const s = header[2]!;
  const p = header[3]!;
  const e = header[4]!;
  if (buf.byteLength !== geometryByteLength(s, p, e)) {
    throw new Error('network geometry: length does not match the header');
  }
  let o = HEADER_WORDS * 4;
  const pieces = new Float32Array(buf, o, p * 6);
  o += p * 24;
  const pieceSegment = new Uint32Array(buf, o, p);
  o += p * 4;
  const radius = new Float32Array(buf, o, s);
  o += s * 4;
  const equipment = new Float32Array(buf, o, e * 3);
  return {
    segmentCount: s,
    pieceCount: p,
    equipmentCount: e,
    pieces,
    pieceSegment,
    radius,
    equipment,
  };
}
