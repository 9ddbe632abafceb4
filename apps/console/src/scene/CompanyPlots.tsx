import { useMemo } from 'react';
import { BufferGeometry, Float32BufferAttribute, Shape, ShapeGeometry } from 'three';
import type { Company } from '@ct/contracts';
import { PALETTE } from './palette';

export interface CompanyPlotsProps {
  companies: Company[];
}

/** Every company's plot as one flat fill and one set of outlines (two draw calls in all). */
export function CompanyPlots({ companies }: CompanyPlotsProps) {
  const { fill, outline } = useMemo(() => {
    const shapes: Shape[] = [];
    const edges: number[] = [];
    for (const c of companies) {
      if (c.plot.length < 3) continue;
      const s = new Shape();
      c.plot.forEach(([x, y], i) => (i === 0 ? s.moveTo(x, y) : s.lineTo(x, y)));
      s.closePath();
      shapes.push(s);
      for (let i = 0; i < c.plot.length; i++) {
        const [ax, ay] = c.plot[i]!;
        const [bx, by] = c.plot[(i + 1) % c.plot.length]!;
        edges.push(ax, 0, -ay, bx, 0, -by);
      }
    }
    const fill = new ShapeGeometry(shapes);
    fill.rotateX(-Math.PI / 2);
    const outline = new BufferGeometry();
    outline.setAttribute('position', new Float32BufferAttribute(edges, 3));
    return { fill, outline };
  }, [companies]);

  return (
    <group>
      <mesh geometry={fill} renderOrder={-8}>
        <meshBasicMaterial color={PALETTE.plot} depthWrite={false} />
      </mesh>
      <lineSegments geometry={outline} renderOrder={-7}>
        <lineBasicMaterial color={PALETTE.plotOutline} depthWrite={false} />
      </lineSegments>
    </group>
  );
}
