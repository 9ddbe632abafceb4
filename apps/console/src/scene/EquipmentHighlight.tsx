import { useLayoutEffect, useMemo, useRef } from 'react';
import { useThree } from '@react-three/fiber';
import { InstancedMesh, MeshBasicMaterial, RingGeometry } from 'three';
import type { NetworkData } from '../store/network-store';
import { selectionStore, type Target } from '../store/selection-store';
import { EQUIPMENT_STYLE, equipmentCentres } from './layout';
import { withMinPixelSize } from './min-pixel-material';
import { PALETTE } from './palette';
import { _color, _matrix, _quat, _scale, _vec } from './scratch';

export interface EquipmentHighlightProps {
  data: NetworkData;
}

/** On-screen minimum radius of the ring, CSS px. */
const RING_MIN_RADIUS_PX = 9;

/**
 * A flat ring around the hovered and the selected machine, drawn on top: a pump is a few
 * pixels at the overview, the ring is not. One small InstancedMesh, hidden when nothing is marked.
 */
export function EquipmentHighlight({ data }: EquipmentHighlightProps) {
  const ref = useRef<InstancedMesh>(null);
  const invalidate = useThree((s) => s.invalidate);
  const geometry = useMemo(() => new RingGeometry(0.78, 1, 40).rotateX(-Math.PI / 2), []);
  const material = useMemo(
    () =>
      withMinPixelSize(
        new MeshBasicMaterial({ depthTest: false, transparent: true, opacity: 0.95 }),
        'uniform',
        RING_MIN_RADIUS_PX,
      ),
    [],
  );
  const centres = useMemo(
    () => equipmentCentres(data, Int32Array.from(data.meta.equipment.id.keys()), 0),
    [data],
  );

  useLayoutEffect(() => {
    const mesh = ref.current;
    if (!mesh) return;
    const update = () => {
      const { hover, selected } = selectionStore.getState();
      let n = 0;
      const add = (t: Target | null, hex: string) => {
        if (!t || t.kind !== 'equipment') return;
        const style = EQUIPMENT_STYLE[data.meta.equipment.kind[t.index] ?? 'pump'];
        const r = 0.8 * Math.max(style.size[0], style.size[2]);
        _vec.set(centres[t.index * 3]!, centres[t.index * 3 + 1]!, centres[t.index * 3 + 2]!);
        _matrix.compose(_vec, _quat.identity(), _scale.set(r, r, r));
        mesh.setMatrixAt(n, _matrix);
        mesh.setColorAt(n, _color.set(hex));
        n++;
      };
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
  }, [data, centres, invalidate]);

  return (
    <instancedMesh
      ref={ref}
      args={[geometry, material, 2]}
      frustumCulled={false}
      renderOrder={11}
      raycast={() => undefined}
    />
  );
}
