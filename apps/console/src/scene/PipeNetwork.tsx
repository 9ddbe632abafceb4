import { useLayoutEffect, useMemo, useRef } from 'react';
import { useFrame, useThree, type ThreeEvent } from '@react-three/fiber';
import {
  CylinderGeometry,
  InstancedBufferAttribute,
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

/** Filter matches are drawn this much wider than the minimum, the rest a little thinner. */
const MATCH_WIDEN = 2.4;
const OTHER_WIDEN = 0.8;
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
  const geometry = useMemo(() => {
    const g = new CylinderGeometry(1, 1, 1, 6, 1, true);
    // per piece: how much wider than the minimum it is drawn (filter matches stand out)
    g.setAttribute(
      'aWiden',
      new InstancedBufferAttribute(new Float32Array(data.pieceCount).fill(1), 1),
    );
    return g;
  }, [data]);
  const material = useMemo(
    () => withMinPixelSize(new MeshLambertMaterial(), 'radial', PIPE_MIN_RADIUS_PX, 'aWiden'),
    [],
  );

  useLayoutEffect(() => {
    const mesh = ref.current;
    if (!mesh) return;
    for (let i = 0; i < data.pieceCount; i++) {
      mesh.setMatrixAt(i, pieceMatrix(layout, i, 1, _matrix));
    }
    mesh.instanceMatrix.needsUpdate = true;
    // one byte per channel (normalized): 10,000 changes a second upload a quarter of floats;
    // the frame loop fills it from the paint store
    mesh.instanceColor = new InstancedBufferAttribute(new Uint8Array(data.pieceCount * 3), 3, true);
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

  // the two repaint passes, made once per network so that the frame callback allocates nothing
  const repaint = useMemo(() => {
    const { pieceStart, pieceOrder } = data;
    const pieceSegment = data.geometry.pieceSegment;
    const p = segmentPaint;
    const target: { out: Uint8Array; widen: Float32Array } = {
      out: new Uint8Array(0),
      widen: new Float32Array(0),
    };
    return {
      target,
      one: (s: number) => {
        for (let k = pieceStart[s]!; k < pieceStart[s + 1]!; k++) {
          displayedColor(p, s, target.out, pieceOrder[k]! * 3);
        }
      },
      all: () => {
        const { out, widen } = target;
        for (let i = 0; i < data.pieceCount; i++) {
          const s = pieceSegment[i]!;
          displayedColor(p, s, out, i * 3);
          widen[i] = !p.filtering ? p.baseWiden : p.match[s] === 1 ? MATCH_WIDEN : OTHER_WIDEN;
        }
        geometry.getAttribute('aWiden').needsUpdate = true;
      },
    };
  }, [data, geometry]);

  // colour changes are applied here, once per frame, whatever their number
  useFrame(() => {
    const mesh = ref.current;
    const attr = mesh?.instanceColor;
    if (!mesh || !attr || !segmentPaint.pending()) return;
    repaint.target.out = attr.array as Uint8Array;
    repaint.target.widen = geometry.getAttribute('aWiden').array as Float32Array;
    segmentPaint.drain(repaint.one, repaint.all);
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
