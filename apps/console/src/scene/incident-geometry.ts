import type { Alert, LeakAlertDetail } from '@ct/contracts';
import { leakOf } from '../store/alert-store';
import { segmentIndex } from '../store/condition-store';
import type { NetworkData } from '../store/network-store';

const equipmentIndexes = new WeakMap<NetworkData, Map<string, number>>();

/** Equipment id -> index in the network. */
export function equipmentIndex(data: NetworkData): Map<string, number> {
  let m = equipmentIndexes.get(data);
  if (!m) {
    m = new Map(data.meta.equipment.id.map((id, i) => [id, i]));
    equipmentIndexes.set(data, m);
  }
  return m;
}

/** The index of a line's longest segment in the network, or undefined. */
function longestSegmentOfLine(lineId: string, data: NetworkData): number | undefined {
  const line = data.meta.lines.id.indexOf(lineId);
  if (line < 0) return undefined;
  const { line: lineOf, length_m } = data.meta.segments;
  let best: number | undefined;
  for (let s = 0; s < lineOf.length; s++) {
    if (lineOf[s] === line && (best === undefined || length_m[s]! > length_m[best]!)) best = s;
  }
  return best;
}

/** Where an alert is, site metres (x east, y north, z up); null when the network cannot say. */
export function alertLocation(a: Alert, data: NetworkData): [number, number, number] | null {
  const leak = leakOf(a);
  if (leak) return leak.position.xyz;
  if (a.source_type === 'equipment') {
    const e = equipmentIndex(data).get(a.source_id);
    if (e === undefined) return null;
    const p = data.geometry.equipment;
    return [p[e * 3]!, p[e * 3 + 1]!, p[e * 3 + 2]!];
  }
  // a segment, or a line (leak alerts are raised on the line): its longest segment
  const s =
    a.source_type === 'line'
      ? longestSegmentOfLine(a.source_id, data)
      : segmentIndex(data).get(a.source_id);
  const piece = s === undefined ? -1 : (data.longestPiece[s] ?? -1);
  if (piece < 0) return null;
  const p = data.geometry.pieces;
  const o = piece * 6;
  return [(p[o]! + p[o + 3]!) / 2, (p[o + 1]! + p[o + 4]!) / 2, (p[o + 2]! + p[o + 5]!) / 2];
}

/**
 * The stretch of the leaking segment where the leak lies (position ± uncertainty), as straight
 * pieces in site metres: x0 y0 z0 x1 y1 z1 each. Empty when the segment is not in the network.
 */
export function leakBand(leak: LeakAlertDetail, data: NetworkData): number[] {
  const s = segmentIndex(data).get(leak.segment_id);
  if (s === undefined) return [];
  const from = leak.position.segment_distance_m - leak.position.uncertainty_m;
  const to = leak.position.segment_distance_m + leak.position.uncertainty_m;
  const p = data.geometry.pieces;
  const out: number[] = [];
  let along = 0;
  for (let k = data.pieceStart[s]!; k < data.pieceStart[s + 1]!; k++) {
    const o = data.pieceOrder[k]! * 6;
    const dx = p[o + 3]! - p[o]!;
    const dy = p[o + 4]! - p[o + 1]!;
    const dz = p[o + 5]! - p[o + 2]!;
    const len = Math.hypot(dx, dy, dz);
    const a = Math.max(from, along);
    const b = Math.min(to, along + len);
    if (b > a && len > 0) {
      const ta = (a - along) / len;
      const tb = (b - along) / len;
      out.push(
        p[o]! + dx * ta,
        p[o + 1]! + dy * ta,
        p[o + 2]! + dz * ta,
        p[o]! + dx * tb,
        p[o + 1]! + dy * tb,
        p[o + 2]! + dz * tb,
      );
    }
    along += len;
  }
  // a band narrower than the drawing: at least a short stub at the estimated point
  if (out.length === 0) {
    const [x, y, z] = leak.position.xyz;
    out.push(x - 1, y, z, x + 1, y, z);
  }
  return out;
}

/** The zone's point farthest from the source (where its label goes), absolute site metres. */
export function zoneTip(
  source: readonly [number, number],
  polygon: readonly (readonly [number, number])[],
): [number, number] {
  let best = 0;
  let tip: [number, number] = [source[0], source[1]];
  for (const [x, y] of polygon) {
    const d = x * x + y * y;
    if (d > best) {
      best = d;
      tip = [source[0] + x, source[1] + y];
    }
  }
  return tip;
}
