/**
 * What lies near a pipe: the plots of other companies within a distance of its centreline (in
 * plan, site metres). Used as the "neighbours exposed" factor of the consequence.
 */

export interface Plot {
  companyId: string;
  /** Closed outline, flat [x0, y0, x1, y1, ...], site metres. */
  outline: readonly number[];
}

interface PreparedPlot extends Plot {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** Bounding boxes computed once for many queries. */
export function preparePlots(plots: readonly Plot[]): PreparedPlot[] {
  return plots.map((p) => {
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (let i = 0; i + 1 < p.outline.length; i += 2) {
      minX = Math.min(minX, p.outline[i]!);
      maxX = Math.max(maxX, p.outline[i]!);
      minY = Math.min(minY, p.outline[i + 1]!);
      maxY = Math.max(maxY, p.outline[i + 1]!);
    }
    return { ...p, minX, minY, maxX, maxY };
  });
}

function pointSegmentDist2(
  px: number,
  py: number,
  ax: number,
  ay: number,
  bx: number,
  by: number,
): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 > 0 ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2)) : 0;
  const ex = ax + t * dx - px;
  const ey = ay + t * dy - py;
  return ex * ex + ey * ey;
}

function orient(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}

function segmentsCross(
  a: readonly [number, number, number, number],
  b: readonly [number, number, number, number],
): boolean {
  const d1 = orient(b[0], b[1], b[2], b[3], a[0], a[1]);
  const d2 = orient(b[0], b[1], b[2], b[3], a[2], a[3]);
  const d3 = orient(a[0], a[1], a[2], a[3], b[0], b[1]);
  const d4 = orient(a[0], a[1], a[2], a[3], b[2], b[3]);
  return d1 * d2 < 0 && d3 * d4 < 0;
}

function inside(px: number, py: number, outline: readonly number[]): boolean {
  let inPoly = false;
  const n = outline.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = outline[2 * i]!;
    const yi = outline[2 * i + 1]!;
    const xj = outline[2 * j]!;
    const yj = outline[2 * j + 1]!;
    if (yi > py !== yj > py && px < ((xj - xi) * (py - yi)) / (yj - yi) + xi) inPoly = !inPoly;
  }
  return inPoly;
}

/**
 * Companies other than `ownerId` whose plot lies within `distanceM` of the polyline `path`
 * (flat [x0, y0, z0, x1, y1, z1, ...], site metres; z is ignored).
 */
export function companiesNear(
  path: readonly number[],
  ownerId: string,
  plots: readonly PreparedPlot[],
  distanceM: number,
): string[] {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i + 2 < path.length; i += 3) {
    minX = Math.min(minX, path[i]!);
    maxX = Math.max(maxX, path[i]!);
    minY = Math.min(minY, path[i + 1]!);
    maxY = Math.max(maxY, path[i + 1]!);
  }
  const d2 = distanceM * distanceM;
  const out: string[] = [];
  for (const p of plots) {
    if (p.companyId === ownerId) continue;
    if (
      p.minX > maxX + distanceM ||
      p.maxX < minX - distanceM ||
      p.minY > maxY + distanceM ||
      p.maxY < minY - distanceM
    ) {
      continue;
    }
    if (near(path, p.outline, d2)) out.push(p.companyId);
  }
  return out;
}

function near(path: readonly number[], outline: readonly number[], d2: number): boolean {
  const n = outline.length / 2;
  if (path.length >= 3 && inside(path[0]!, path[1]!, outline)) return true;
  for (let i = 0; i + 5 < path.length; i += 3) {
    const a: [number, number, number, number] = [
      path[i]!,
      path[i + 1]!,
      path[i + 3]!,
      path[i + 4]!,
    ];
    for (let k = 0; k < n; k++) {
      const j = (k + 1) % n;
      const b: [number, number, number, number] = [
        outline[2 * k]!,
        outline[2 * k + 1]!,
        outline[2 * j]!,
        outline[2 * j + 1]!,
      ];
      if (
        segmentsCross(a, b) ||
        pointSegmentDist2(a[0], a[1], b[0], b[1], b[2], b[3]) <= d2 ||
        pointSegmentDist2(a[2], a[3], b[0], b[1], b[2], b[3]) <= d2 ||
        pointSegmentDist2(b[0], b[1], a[0], a[1], a[2], a[3]) <= d2 ||
        pointSegmentDist2(b[2], b[3], a[0], a[1], a[2], a[3]) <= d2
      ) {
        return true;
      }
    }
  }
  return false;
}
