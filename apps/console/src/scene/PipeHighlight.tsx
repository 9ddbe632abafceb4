import { useLayoutEffect, useMemo, useRef } from 'react';
import { useThree } from '@react-three/fiber';
import { CylinderGeometry, InstancedMesh, MeshBasicMaterial } from 'three';
import type { NetworkData } from '../store/network-store';
import { selectionStore, type Target } from '../store/selection-store';
import { withMinPixelSize } from './min-pixel-material';
import { PALETTE } from './palette';
import { HIGHLIGHT_MIN_RADIUS_PX, pieceMatrix, type PipeLayout } from './layout';
import { _color, _matrix } from './scratch';

export interface PipeHighlightProps {
  data: NetworkData;
  layout: PipeLayout;
}

/** Pieces one highlighted segment may have, at most, times two (hovered and selected). */
const CAPACITY = 128;

/**
 * The hovered and the selected segment drawn again, wider and on top, so that a pipe a pixel
 * wide at the overview is plain to see. One small InstancedMesh, hidden when nothing is marked.
 */
export function PipeHighlight({ data, layout }: PipeHighlightProps) {
  const ref = useRef<InstancedMesh>(null);
  const invalidate = useThree((s) => s.invalidate);
  const geometry = useMemo(() => new CylinderGeometry(1, 1, 1, 6, 1, false), []);
  const material = useMemo(
    () =>
      withMinPixelSize(
        new MeshBasicMaterial({ depthTest: false, transparent: true, opacity: 0.95 }),
        'radial',
        HIGHLIGHT_MIN_RADIUS_PX,
      ),
    [],
  );

  useLayoutEffect(() => {
    const mesh = ref.current;
    if (!mesh) return;
    const update = () => {
      const { hover, selected } = selectionStore.getState();
      let n = 0;
      const add = (t: Target | null, hex: string) => {
        if (!t || t.kind !== 'segment') return;
        _color.set(hex);
        for (
          let k = data.pieceStart[t.index]!;
          k < data.pieceStart[t.index + 1]! && n < CAPACITY;
          k++
        ) {
          mesh.setMatrixAt(n, pieceMatrix(layout, data.pieceOrder[k]!, 1.6, _matrix));
          mesh.setColorAt(n, _color);
          n++;
        }
      };
      // the selected one first, so the hovered one is drawn over it
      add(selected, PALETTE.selected);
      add(hover, PALETTE.hover);
      mesh.count = n;
      mesh.visible = n > 0;
      mesh.instanceMatrix.needsUpdate = true;
      if (mesh.instanceColor) mesh.instanceColor.needsUpdate = true;
      invalidate();
    };
    update();
    return selectionStore.subscribe(update);
  }, [data, layout, invalidate]);

  return (
    <instancedMesh
      ref={ref}
      args={[geometry, material, CAPACITY]}
      frustumCulled={false}
      renderOrder={10}
      raycast={() => undefined}
    />
  );
}
