import { useLayoutEffect, useMemo, useRef } from 'react';
import { useFrame, useThree, type ThreeEvent } from '@react-three/fiber';
import {
  Color,
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
import { displayedColor, segmentPaint } from './segment-paint';
import { PIPE_MIN_RADIUS_PX, PIPE_PICK_RADIUS_PX, pieceMatrix, type PipeLayout } from './layout';
import { _matrix } from './scratch';

export interface PipeNetworkProps {
  data: NetworkData;
  layout: PipeLayout;
}

const _white = new Color(1, 1, 1);
const _hit: Hit = { index: -1, distance: 0, x: 0, y: 0, z: 0 };
const CLICK_MAX_DRAG_PX = 5;

/**
 * The whole pipe network as one InstancedMesh: a low-poly open cylinder per straight piece,
 * coloured from the segment paint store in the frame loop, picked by instanceId ->
 * pieceSegment -> segment.
 */
export function PipeNetwork({ data, layout }: PipeNetworkProps) {
  const ref = useRef<InstancedMesh>(null);
  const invalidate = useThree((s) => s.invalidate);
  const geometry = useMemo(() => new CylinderGeometry(1, 1, 1, 6, 1, true), []);
  const material = useMemo(
    () => withMinPixelSize(new MeshLambertMaterial(), 'radial', PIPE_MIN_RADIUS_PX),
    [],
  );

  useLayoutEffect(() => {
    const mesh = ref.current;
    if (!mesh) return;
    for (let i = 0; i < data.pieceCount; i++) {
      mesh.setMatrixAt(i, pieceMatrix(layout, i, 1, _matrix));
    }
    mesh.instanceMatrix.needsUpdate = true;
    // creates the colour attribute; the frame loop fills it from the paint store
    mesh.setColorAt(0, _white);
    segmentPaint.resize(data.segmentCount);
    segmentPaint.markAll();
    segmentPaint.onDirty(invalidate);
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
    return () => segmentPaint.onDirty(null);
  }, [data, layout, invalidate]);

  // colour changes are applied here, once per frame, whatever their number
  useFrame(() => {
    const mesh = ref.current;
    const attr = mesh?.instanceColor;
    if (!mesh || !attr || !segmentPaint.pending()) return;
    const out = attr.array as Float32Array;
    const { pieceStart, pieceOrder } = data;
    const pieceSegment = data.geometry.pieceSegment;
    segmentPaint.drain(
      (s) => {
        for (let k = pieceStart[s]!; k < pieceStart[s + 1]!; k++) {
          displayedColor(segmentPaint, s, out, pieceOrder[k]! * 3);
        }
      },
      () => {
        for (let i = 0; i < data.pieceCount; i++) {
          displayedColor(segmentPaint, pieceSegment[i]!, out, i * 3);
        }
      },
    );
    attr.needsUpdate = true;
  });

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
