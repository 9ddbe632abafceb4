import { useMemo } from 'react';
import {
  BufferGeometry,
  Color,
  Float32BufferAttribute,
  PlaneGeometry,
  Shape,
  ShapeGeometry,
} from 'three';
import { mergeGeometries } from 'three/examples/jsm/utils/BufferGeometryUtils.js';
import type { Company, NetworkResponse } from '@ct/contracts';
import { PALETTE } from './palette';

export interface GroundProps {
  site: NetworkResponse['site'];
  companies: Company[];
}

/** Land and sea reach this far past the site bounds, as a share of the site's size. */
const MARGIN = 0.35;

/** A flat geometry in site x-y laid on the ground (three x-z), every vertex in one colour. */
function flat(g: BufferGeometry, hex: string): BufferGeometry {
  g.rotateX(-Math.PI / 2);
  const c = new Color(hex);
  const n = g.getAttribute('position').count;
  const colors = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) colors.set([c.r, c.g, c.b], i * 3);
  g.setAttribute('color', new Float32BufferAttribute(colors, 3));
  g.deleteAttribute('uv');
  g.deleteAttribute('normal');
  return g;
}

/**
 * The land, the sea south of the coastline and every company's plot as one mesh, and the
 * coastline with the plot outlines as one set of lines: two draw calls for the whole ground.
 * Drawn first and without writing depth, so buried pipes and pumps at grade stay visible.
 */
export function Ground({ site, companies }: GroundProps) {
  const { fill, lines } = useMemo(() => {
    const [x0 = 0, y0 = 0] = site.bounds.min;
    const [x1 = 1000, y1 = 1000] = site.bounds.max;
    const m = MARGIN * Math.max(x1 - x0, y1 - y0);
    const parts: BufferGeometry[] = [];
    const land = new PlaneGeometry(x1 - x0 + 2 * m, y1 - y0 + 2 * m);
    land.translate((x0 + x1) / 2, (y0 + y1) / 2, 0);
    parts.push(flat(land, PALETTE.land));

    const pts: number[] = [];
    const cols: number[] = [];
    const seg = (ax: number, ay: number, bx: number, by: number, c: Color) => {
      // site (x, y) -> three (x, 0, -y)
      pts.push(ax, 0, -ay, bx, 0, -by);
      cols.push(c.r, c.g, c.b, c.r, c.g, c.b);
    };

    const line =
      site.coastline[0] && site.coastline[0][0] > site.coastline.at(-1)![0]
        ? [...site.coastline].reverse()
        : site.coastline;
    if (line.length >= 2) {
      const first = line[0]!;
      const last = line.at(-1)!;
      const shape = new Shape();
      shape.moveTo(x0 - m, y0 - m);
      shape.lineTo(x0 - m, first[1]);
      for (const [x, y] of line) shape.lineTo(x, y);
      shape.lineTo(x1 + m, last[1]);
      shape.lineTo(x1 + m, y0 - m);
      shape.closePath();
      parts.push(flat(new ShapeGeometry(shape), PALETTE.sea));
      const coast = new Color(PALETTE.coastline);
      for (let i = 1; i < line.length; i++)
        seg(line[i - 1]![0], line[i - 1]![1], line[i]![0], line[i]![1], coast);
    }

    const outline = new Color(PALETTE.plotOutline);
    for (const c of companies) {
      if (c.plot.length < 3) continue;
      const s = new Shape();
      c.plot.forEach(([x, y], i) => (i === 0 ? s.moveTo(x, y) : s.lineTo(x, y)));
      s.closePath();
      parts.push(flat(new ShapeGeometry(s), PALETTE.plot));
      for (let i = 0; i < c.plot.length; i++) {
        const [ax, ay] = c.plot[i]!;
        const [bx, by] = c.plot[(i + 1) % c.plot.length]!;
        seg(ax, ay, bx, by, outline);
      }
    }
    const fill = mergeGeometries(parts.map((p) => (p.index ? p.toNonIndexed() : p)));
    const lines = new BufferGeometry();
    lines.setAttribute('position', new Float32BufferAttribute(pts, 3));
    lines.setAttribute('color', new Float32BufferAttribute(cols, 3));
    return { fill, lines };
  }, [site, companies]);

  return (
    <group>
      <mesh geometry={fill} renderOrder={-10} raycast={() => undefined}>
        <meshBasicMaterial vertexColors depthWrite={false} />
      </mesh>
      <lineSegments geometry={lines} renderOrder={-8} raycast={() => undefined}>
        <lineBasicMaterial vertexColors depthWrite={false} />
      </lineSegments>
    </group>
  );
}
