import { useMemo } from 'react';
import { BufferGeometry, Float32BufferAttribute, PlaneGeometry, Shape, ShapeGeometry } from 'three';
import type { NetworkResponse } from '@ct/contracts';
import { PALETTE } from './palette';

export interface GroundProps {
  site: NetworkResponse['site'];
}

/** Land and sea reach this far past the site bounds, as a share of the site's size. */
const MARGIN = 0.35;

/**
 * The land (site bounds and a margin), the sea south of the coastline and the coastline itself.
 * Drawn first and without writing depth, so that buried pipes and pumps at grade stay visible.
 */
export function Ground({ site }: GroundProps) {
  const { land, sea, coast } = useMemo(() => {
    const [x0 = 0, y0 = 0] = site.bounds.min;
    const [x1 = 1000, y1 = 1000] = site.bounds.max;
    const m = MARGIN * Math.max(x1 - x0, y1 - y0);
    const land = new PlaneGeometry(x1 - x0 + 2 * m, y1 - y0 + 2 * m);
    // plane in site x-y, then laid flat: site (x, y) -> three (x, 0, -y)
    land.translate((x0 + x1) / 2, (y0 + y1) / 2, 0);
    land.rotateX(-Math.PI / 2);

    const line =
      site.coastline[0] && site.coastline[0][0] > site.coastline.at(-1)![0]
        ? [...site.coastline].reverse()
        : site.coastline;
    let sea: ShapeGeometry | null = null;
    let coast: BufferGeometry | null = null;
    if (line.length >= 2) {
      const first = line[0]!;
      const last = line.at(-1)!;
      const south = y0 - m;
      const shape = new Shape();
      shape.moveTo(x0 - m, south);
      shape.lineTo(x0 - m, first[1]);
      for (const [x, y] of line) shape.lineTo(x, y);
      shape.lineTo(x1 + m, last[1]);
      shape.lineTo(x1 + m, south);
      shape.closePath();
      sea = new ShapeGeometry(shape);
      sea.rotateX(-Math.PI / 2);
      const pts: number[] = [];
      for (let i = 1; i < line.length; i++) {
        pts.push(line[i - 1]![0], 0, -line[i - 1]![1], line[i]![0], 0, -line[i]![1]);
      }
      coast = new BufferGeometry();
      coast.setAttribute('position', new Float32BufferAttribute(pts, 3));
    }
    return { land, sea, coast };
  }, [site]);

  return (
    <group>
      <mesh geometry={land} renderOrder={-10}>
        <meshBasicMaterial color={PALETTE.land} depthWrite={false} />
      </mesh>
      {sea && (
        <mesh geometry={sea} renderOrder={-9}>
          <meshBasicMaterial color={PALETTE.sea} depthWrite={false} />
        </mesh>
      )}
      {coast && (
        <lineSegments geometry={coast} renderOrder={-8}>
          <lineBasicMaterial color={PALETTE.coastline} depthWrite={false} />
        </lineSegments>
      )}
    </group>
  );
}
