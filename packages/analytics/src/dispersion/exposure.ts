/**
 * What lies inside threat zones: pipe segments whose centreline enters a footprint and company
 * plots that overlap it. Plane geometry in site metres (x east, y north); z is ignored.
 */
import type { ZoneLevel } from './threat-zones';

/** [x, y] or [x, y, z] in site metres. */
export type SitePoint = readonly [number, number, ...number[]];

export interface ExposureSegment {
  id: string;
  companyId: string;
  path: readonly SitePoint[];
}

export interface ExposurePlot {
  companyId: string;
  polygon: readonly SitePoint[];
}

export interface ExposedInZone {
  level: ZoneLevel;
  /** Segments whose centreline enters the zone, in input order. */
  segmentIds: string[];
  /** Companies whose plot overlaps the zone, in input order, each once. */
  companyIds: string[];
}

interface Box {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

function boxOf(pts: readonly SitePoint[]): Box {
  const b = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
  for (const [x, y] of pts) {
    if (x < b.minX) b.minX = x;
    if (y < b.minY) b.minY = y;
    if (x > b.maxX) b.maxX = x;
    if (y > b.maxY) b.maxY = y;
  }
  return b;
}

const overlaps = (a: Box, b: Box) =>
  a.minX <= b.maxX && b.minX <= a.maxX && a.minY <= b.maxY && b.minY <= a.maxY;

/** Whether (x, y) lies inside the polygon (ring, closed or not), by ray casting. */
export function pointInPolygon(x: number, y: number, ring: readonly SitePoint[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function cross(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}

function segmentsIntersect(a: SitePoint, b: SitePoint, c: SitePoint, d: SitePoint): boolean {
  const d1 = cross(c[0], c[1], d[0], d[1], a[0], a[1]);
  const d2 = cross(c[0], c[1], d[0], d[1], b[0], b[1]);
  const d3 = cross(a[0], a[1], b[0], b[1], c[0], c[1]);
  const d4 = cross(a[0], a[1], b[0], b[1], d[0], d[1]);
  return ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0));
}

/** Whether any edge of polyline `a` crosses any edge of ring `b`. */
function edgesCross(a: readonly SitePoint[], b: readonly SitePoint[]): boolean {
  for (let i = 1; i < a.length; i++)
    for (let j = 0; j < b.length; j++) {
      if (segmentsIntersect(a[i - 1]!, a[i]!, b[j]!, b[(j + 1) % b.length]!)) return true;
    }
  return false;
}

/** Whether a polyline enters the polygon (a vertex inside, or an edge crossing its boundary). */
export function polylineInPolygon(line: readonly SitePoint[], ring: readonly SitePoint[]): boolean {
  return line.some(([x, y]) => pointInPolygon(x, y, ring)) || edgesCross(line, ring);
}

/** Whether two polygons overlap (one holds a vertex of the other, or their edges cross). */
export function polygonsOverlap(a: readonly SitePoint[], b: readonly SitePoint[]): boolean {
  return (
    a.some(([x, y]) => pointInPolygon(x, y, b)) ||
    b.some(([x, y]) => pointInPolygon(x, y, a)) ||
    edgesCross(a, b)
  );
}

/**
 * Per threat zone, the segments and the companies' plots inside it. `source` is the release
 * point in site metres; zone polygons are relative to it (as `computeThreatZones` gives them).
 * Zones nest, so an asset in the red zone is listed under orange and yellow as well.
 */
export function exposedAssets(
  source: readonly [number, number],
  zones: readonly { level: ZoneLevel; polygon: readonly SitePoint[] }[],
  segments: readonly ExposureSegment[],
  plots: readonly ExposurePlot[],
): ExposedInZone[] {
  const segBoxes = segments.map((s) => boxOf(s.path));
  const plotBoxes = plots.map((p) => boxOf(p.polygon));
  return zones.map((z) => {
    const ring: SitePoint[] = z.polygon.map(([x, y]) => [x + source[0], y + source[1]] as const);
    const box = boxOf(ring);
    const segmentIds: string[] = [];
    segments.forEach((s, i) => {
      if (overlaps(box, segBoxes[i]!) && polylineInPolygon(s.path, ring)) segmentIds.push(s.id);
    });
    const companyIds: string[] = [];
    plots.forEach((p, i) => {
      if (companyIds.includes(p.companyId)) return;
      if (overlaps(box, plotBoxes[i]!) && polygonsOverlap(p.polygon, ring))
        companyIds.push(p.companyId);
    });
    return { level: z.level, segmentIds, companyIds };
  });
}
