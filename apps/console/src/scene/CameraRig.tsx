import { useEffect } from 'react';
import { useThree } from '@react-three/fiber';
import { MapControls } from 'three/examples/jsm/controls/MapControls.js';
import { Vector3, type PerspectiveCamera } from 'three';
import type { NetworkResponse } from '@ct/contracts';
import { onFocusRequest, onOverviewRequest } from '../store/view-store';

export interface CameraRigProps {
  bounds: NetworkResponse['site']['bounds'];
}

/** Tilt of the overview from looking straight down, radians. */
const OVERVIEW_TILT = (34 * Math.PI) / 180;
/** Share of the view (NDC half-extent) the site may fill. */
const FIT = 0.94;

const _corner = new Vector3();

/** Whether all corners of the site, at grade, are inside the view. */
function cornersFit(
  camera: PerspectiveCamera,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
): boolean {
  camera.updateMatrixWorld();
  for (const [x, y] of [
    [x0, y0],
    [x1, y0],
    [x0, y1],
    [x1, y1],
  ] as const) {
    // site (x, y, 0) -> three (x, 0, -y)
    _corner.set(x, 0, -y).project(camera);
    if (Math.abs(_corner.x) > FIT || Math.abs(_corner.y) > FIT || _corner.z > 1) return false;
  }
  return true;
}

/** Places the camera south of the site looking north and down, as close as fits the whole site. */
function fitOverview(
  camera: PerspectiveCamera,
  controls: MapControls,
  bounds: CameraRigProps['bounds'],
) {
  const [x0 = 0, y0 = 0] = bounds.min;
  const [x1 = 1000, y1 = 1000] = bounds.max;
  const size = Math.max(x1 - x0, y1 - y0);
  controls.target.set((x0 + x1) / 2, 0, -(y0 + y1) / 2);
  camera.near = 1;
  camera.far = size * 30;
  camera.updateProjectionMatrix();
  const place = (dist: number) => {
    camera.position.set(
      controls.target.x,
      dist * Math.cos(OVERVIEW_TILT),
      controls.target.z + dist * Math.sin(OVERVIEW_TILT),
    );
    camera.lookAt(controls.target);
  };
  // bisect the distance at which the nearest corners just fit (the near edge looks widest)
  let lo = size * 0.05;
  let hi = size * 10;
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2;
    place(mid);
    if (cornersFit(camera, x0, y0, x1, y1)) hi = mid;
    else lo = mid;
  }
  place(hi);
  camera.near = Math.max(0.5, hi / 5000);
  camera.far = hi * 6;
  camera.updateProjectionMatrix();
  controls.maxDistance = hi * 2.5;
  controls.update();
}

/** Pan (left drag), rotate (right drag) and zoom to the pointer, rendering only on change. */
export function CameraRig({ bounds }: CameraRigProps) {
  const camera = useThree((s) => s.camera) as PerspectiveCamera;
  const domElement = useThree((s) => s.gl.domElement);
  const invalidate = useThree((s) => s.invalidate);
  const size = useThree((s) => s.size);

  useEffect(() => {
    const controls = new MapControls(camera, domElement);
    controls.enableDamping = false;
    controls.zoomToCursor = true;
    controls.screenSpacePanning = false;
    controls.minDistance = 15;
    controls.maxPolarAngle = (80 * Math.PI) / 180;
    const onChange = () => invalidate();
    controls.addEventListener('change', onChange);
    // the overview is fitted once (and on request): a resize keeps the view the person chose
    camera.aspect = size.width / Math.max(1, size.height);
    fitOverview(camera, controls, bounds);
    invalidate();
    const stopListening = onOverviewRequest(() => {
      fitOverview(camera, controls, bounds);
      invalidate();
    });
    const stopFocus = onFocusRequest((x, y, z, distance) => {
      // keep the direction of view, move to the point
      _corner.copy(camera.position).sub(controls.target).setLength(distance);
      controls.target.set(x, y, z);
      camera.position.copy(controls.target).add(_corner);
      controls.update();
      invalidate();
    });
    return () => {
      stopListening();
      stopFocus();
      controls.removeEventListener('change', onChange);
      controls.dispose();
    };
    // size is read at mount only, on purpose (see above)
  }, [camera, domElement, bounds, invalidate]);

  return null;
}
