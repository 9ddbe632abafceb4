import { useLayoutEffect, useMemo, useRef } from 'react';
import { useThree, type ThreeEvent } from '@react-three/fiber';
import {
  CylinderGeometry,
  InstancedMesh,
  MeshLambertMaterial,
  Vector3,
  type Intersection,
  type Raycaster,
} from 'three';
import type { NetworkData } from '../store/network-store';
import { selectionStore } from '../store/selection-store';
import { pickPiece, type Hit } from './pickers';
import { withMinPixelSize } from './min-pixel-material';
import { ageColor } from './palette';
import { PIPE_MIN_RADIUS_PX, PIPE_PICK_RADIUS_PX, pieceMatrix, type PipeLayout } from './layout';
import { _color, _matrix } from './scratch';

export interface PipeNetworkProps {
  data: NetworkData;
  layout: PipeLayout;
}

const _hit: Hit = { index: -1, distance: 0, x: 0, y: 0, z: 0 };
const CLICK_MAX_DRAG_PX = 5;

/**
 * The whole pipe network as one InstancedMesh: a low-poly cylinder per straight piece,
 * coloured by install year, picked by instanceId -> pieceSegment -> segment.
 */
export function PipeNetwork({ data, layout }: PipeNetworkProps) {
  const ref = useRef<InstancedMesh>(null);
  const invalidate = useThree((s) => s.invalidate);
  const geometry = useMemo(() => new CylinderGeometry(1, 1, 1, 6, 1, false), []);
  const material = useMemo(
    () => withMinPixelSize(new MeshLambertMaterial(), 'radial', PIPE_MIN_RADIUS_PX),
    [],
  );

  useLayoutEffect(() => {
    const mesh = ref.current;
    if (!mesh) return;
    const years = data.meta.segments.install_year;
    const pieceSegment = data.geometry.pieceSegment;
    for (let i = 0; i < data.pieceCount; i++) {
      mesh.setMatrixAt(i, pieceMatrix(layout, i, 1, _matrix));
      mesh.setColorAt(i, ageColor(years[pieceSegment[i]!] ?? 2000, _color));
    }
    mesh.instanceMatrix.needsUpdate = true;
    if (mesh.instanceColor) mesh.instanceColor.needsUpdate = true;
    mesh.raycast = (raycaster: Raycaster, intersects: Intersection[]) => {
      if (pickPiece(raycaster.ray, layout.ends, layout.radius, PIPE_PICK_RADIUS_PX, _hit)) {
        intersects.push({
          distance: _hit.distance,
          point: new Vector3(_hit.x, _hit.y, _hit.z),
          object: mesh,
          instanceId: _hit.index,
        });
      }
    };
    invalidate();
  }, [data, layout, invalidate]);

  const segmentOf = (e: ThreeEvent<PointerEvent | MouseEvent>): number =>
    e.instanceId === undefined ? -1 : (data.geometry.pieceSegment[e.instanceId] ?? -1);

  return (
    <instancedMesh
      ref={ref}
      args={[geometry, material, data.pieceCount]}
      frustumCulled={false}
      onPointerMove={(e) => {
        e.stopPropagation();
        const s = segmentOf(e);
        selectionStore.setHover(s >= 0 ? { kind: 'segment', index: s } : null);
      }}
      onPointerOut={() => {
        if (selectionStore.getState().hover?.kind === 'segment') selectionStore.setHover(null);
      }}
      onClick={(e) => {
        e.stopPropagation();
        if (e.delta > CLICK_MAX_DRAG_PX) return;
        // select what the tooltip shows: at the overview, neighbours in a rack are a pixel apart
        const hover = selectionStore.getState().hover;
        const s = segmentOf(e);
        selectionStore.setSelected(hover ?? (s >= 0 ? { kind: 'segment', index: s } : null));
      }}
    />
  );
}
