import { useLayoutEffect, useMemo, useRef } from 'react';
import { useFrame, useThree, type ThreeEvent } from '@react-three/fiber';
import {
  BoxGeometry,
  CylinderGeometry,
  InstancedMesh,
  MeshLambertMaterial,
  OctahedronGeometry,
  Vector3,
  type BufferGeometry,
  type Intersection,
  type Raycaster,
} from 'three';
import type { EquipmentKind, NetworkData } from '../store/network-store';
import { sameTarget, selectionStore, type Target } from '../store/selection-store';
import { EQUIPMENT_STYLE, equipmentCentres, type EquipmentStyle } from './layout';
import { withMinPixelSize } from './min-pixel-material';
import { PALETTE } from './palette';
import { pickPoint, type Hit } from './pickers';
import { _color, _matrix, _quat, _scale, _vec } from './scratch';
import { equipmentHealthStore } from '../store/equipment-health-store';
import { sceneStore } from '../store/scene-store';
import { scaleColor } from './colour-modes';

export interface EquipmentInstancesProps {
  data: NetworkData;
  kind: EquipmentKind;
}

const _hit: Hit = { index: -1, distance: 0, x: 0, y: 0, z: 0 };
const CLICK_MAX_DRAG_PX = 5;

function unitShape(style: EquipmentStyle): BufferGeometry {
  switch (style.shape) {
    case 'box':
      return new BoxGeometry(1, 1, 1);
    case 'cylinder':
      return new CylinderGeometry(0.5, 0.5, 1, 20, 1, false);
    case 'octahedron':
      return new OctahedronGeometry(0.5, 0);
  }
}

/**
 * One InstancedMesh for every piece of equipment of one kind. Under the live-score colouring,
 * pumps and compressors take the colour of their detector score (applied in the frame loop).
 */
export function EquipmentInstances({ data, kind }: EquipmentInstancesProps) {
  const ref = useRef<InstancedMesh>(null);
  const scoresDirty = useRef(true);
  const invalidate = useThree((s) => s.invalidate);
  const style = EQUIPMENT_STYLE[kind];
  const indexes = data.equipmentByKind.get(kind) ?? new Int32Array(0);
  const geometry = useMemo(() => unitShape(style), [style]);
  const material = useMemo(
    () => withMinPixelSize(new MeshLambertMaterial(), 'uniform', style.minRadiusPx),
    [style],
  );
  const centres = useMemo(
    () => equipmentCentres(data, indexes, style.lift),
    [data, indexes, style],
  );

  const rotating = kind === 'pump' || kind === 'compressor';
  // the colour of instance i when neither hovered nor selected, into _color
  const baseColor = (i: number) => {
    const h =
      rotating && sceneStore.getState().colourMode === 'live_score'
        ? equipmentHealthStore.byId.get(data.meta.equipment.id[indexes[i]!] ?? '')
        : undefined;
    return h ? scaleColor('live_score', h.score, _color) : _color.set(PALETTE.equipment[kind]);
  };

  useLayoutEffect(() => {
    if (!rotating) return;
    const mark = () => {
      scoresDirty.current = true;
      invalidate();
    };
    const stops = [sceneStore.subscribe(mark), equipmentHealthStore.subscribe(mark)];
    return () => stops.forEach((f) => f());
  }, [rotating, invalidate]);

  useFrame(() => {
    const mesh = ref.current;
    if (!scoresDirty.current || !mesh || !rotating) return;
    scoresDirty.current = false;
    const { hover, selected } = selectionStore.getState();
    const h = hover?.kind === 'equipment' ? hover.index : -1;
    const sel = selected?.kind === 'equipment' ? selected.index : -1;
    for (let i = 0; i < indexes.length; i++) {
      if (indexes[i] === h || indexes[i] === sel) continue;
      mesh.setColorAt(i, baseColor(i));
    }
    if (mesh.instanceColor) mesh.instanceColor.needsUpdate = true;
  });

  useLayoutEffect(() => {
    const mesh = ref.current;
    if (!mesh) return;
    _quat.identity();
    _scale.set(style.size[0], style.size[1], style.size[2]);
    for (let i = 0; i < indexes.length; i++) {
      _vec.set(centres[i * 3]!, centres[i * 3 + 1]!, centres[i * 3 + 2]!);
      _matrix.compose(_vec, _quat, _scale);
      mesh.setMatrixAt(i, _matrix);
      mesh.setColorAt(i, baseColor(i));
    }
    mesh.instanceMatrix.needsUpdate = true;
    if (mesh.instanceColor) mesh.instanceColor.needsUpdate = true;

    const pickSize = Math.max(style.size[0], style.size[2]) / 2;
    mesh.raycast = (raycaster: Raycaster, intersects: Intersection[]) => {
      if (pickPoint(raycaster.ray, centres, pickSize, style.pickRadiusPx, _hit)) {
        intersects.push({
          distance: _hit.distance,
          point: new Vector3(_hit.x, _hit.y, _hit.z),
          object: mesh,
          instanceId: _hit.index,
        });
      }
    };

    // instance of equipment index e, or -1 when it is of another kind
    const instanceOf = (t: Target | null) =>
      t && t.kind === 'equipment' && data.meta.equipment.kind[t.index] === kind
        ? indexes.indexOf(t.index)
        : -1;
    const paint = (t: Target | null, sel: Target | null, hov: Target | null) => {
      const i = instanceOf(t);
      if (i < 0) return;
      mesh.setColorAt(
        i,
        sameTarget(t, hov)
          ? _color.set(PALETTE.hover)
          : sameTarget(t, sel)
            ? _color.set(PALETTE.selected)
            : baseColor(i),
      );
    };
    let { hover, selected } = selectionStore.getState();
    paint(selected, selected, hover);
    paint(hover, selected, hover);
    invalidate();
    return selectionStore.subscribe(() => {
      const next = selectionStore.getState();
      if (sameTarget(next.hover, hover) && sameTarget(next.selected, selected)) return;
      const old = [hover, selected];
      hover = next.hover;
      selected = next.selected;
      for (const t of old) paint(t, selected, hover);
      paint(selected, selected, hover);
      paint(hover, selected, hover);
      if (mesh.instanceColor) mesh.instanceColor.needsUpdate = true;
      invalidate();
    });
  }, [data, kind, indexes, centres, style, invalidate]);

  const equipmentOf = (e: ThreeEvent<PointerEvent | MouseEvent>): number =>
    e.instanceId === undefined ? -1 : (indexes[e.instanceId] ?? -1);

  if (indexes.length === 0) return null;
  return (
    <instancedMesh
      ref={ref}
      args={[geometry, material, indexes.length]}
      frustumCulled={false}
      onPointerMove={(e) => {
        e.stopPropagation();
        const i = equipmentOf(e);
        selectionStore.setHover(i >= 0 ? { kind: 'equipment', index: i } : null);
      }}
      onPointerOut={() => {
        const h = selectionStore.getState().hover;
        if (h?.kind === 'equipment' && data.meta.equipment.kind[h.index] === kind) {
          selectionStore.setHover(null);
        }
      }}
      onClick={(e) => {
        e.stopPropagation();
        if (e.delta > CLICK_MAX_DRAG_PX) return;
        // select what the tooltip shows
        const hover = selectionStore.getState().hover;
        const i = equipmentOf(e);
        selectionStore.setSelected(hover ?? (i >= 0 ? { kind: 'equipment', index: i } : null));
      }}
    />
  );
}
