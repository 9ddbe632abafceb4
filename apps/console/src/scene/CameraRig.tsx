import { useEffect, useRef } from 'react';
import { useFrame, useThree } from '@react-three/fiber';
import { MapControls } from 'three/examples/jsm/controls/MapControls.js';
import { Vector3, type PerspectiveCamera } from 'three';
import type { NetworkResponse } from '@ct/contracts';
import { onFlyRequest, onOverviewRequest, type FlyRequest } from '../store/view-store';
import { cameraProbe } from '../store/console-probe';

export interface CameraRigProps {
  bounds: NetworkResponse['site']['bounds'];
}

/** Tilt of the overview from looking straight down, radians. */
const OVERVIEW_TILT = (34 * Math.PI) / 180;
/** Share of the view (NDC half-extent) the site may fill. */
const FIT = 0.94;

const _corner = new Vector3();
const _dir = new Vector3();

/** A camera flight: both ends, start time and length. Module-level: no allocation per frame. */
const flight = {
  active: false,
  t0: 0,
  ms: 1,
  fromTarget: new Vector3(),
  fromPos: new Vector3(),
  toTarget: new Vector3(),
  toPos: new Vector3(),
};
const overview = { target: new Vector3(), pos: new Vector3(), distance: 1000 };

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

/**
 * Finds the overview: south of the site looking north and down, as close as fits the whole
 * site. Leaves the camera there and remembers the pose for later flights back.
 */
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
  overview.target.copy(controls.target);
  overview.pos.copy(camera.position);
  overview.distance = hi;
}

/** Smoothstep-like easing: slow start, slow end. */
const ease = (t: number) => (t < 0.5 ? 4 * t * t * t : 1 - (-2 * t + 2) ** 3 / 2);

/**
 * Pan (left drag), rotate (right drag) and zoom to the pointer, rendering only on change; flies
 * the camera to incidents and back to the overview when asked (an eased move of ~1.5 s).
 */
export function CameraRig({ bounds }: CameraRigProps) {
  const camera = useThree((s) => s.camera) as PerspectiveCamera;
  const domElement = useThree((s) => s.gl.domElement);
  const invalidate = useThree((s) => s.invalidate);
  const size = useThree((s) => s.size);
  const controlsRef = useRef<MapControls | null>(null);
  // the last flight asked for, so a view resized right after (a panel opening) can re-frame it
  const lastFly = useRef<{ r: FlyRequest; at: number } | null>(null);
  const flyRef = useRef<((r: FlyRequest) => void) | null>(null);

  useEffect(() => {
    const controls = new MapControls(camera, domElement);
    controlsRef.current = controls;
    controls.enableDamping = false;
    controls.zoomToCursor = true;
    controls.screenSpacePanning = false;
    controls.minDistance = 15;
    controls.maxPolarAngle = (80 * Math.PI) / 180;
    const onChange = () => {
      cameraProbe(controls.target, camera.position);
      invalidate();
    };
    // a person taking the controls ends a flight
    const onStart = () => {
      flight.active = false;
      lastFly.current = null;
    };
    controls.addEventListener('change', onChange);
    controls.addEventListener('start', onStart);
    // the overview is fitted once (and on request): a resize keeps the view the person chose
    camera.aspect = size.width / Math.max(1, size.height);
    fitOverview(camera, controls, bounds);
    cameraProbe(controls.target, camera.position);
    invalidate();

    const fly = (
      tx: number,
      ty: number,
      tz: number,
      px: number,
      py: number,
      pz: number,
      s: number,
    ) => {
      if (s <= 0) {
        controls.target.set(tx, ty, tz);
        camera.position.set(px, py, pz);
        flight.active = false;
        controls.update();
        cameraProbe(controls.target, camera.position);
        invalidate();
        return;
      }
      flight.fromTarget.copy(controls.target);
      flight.fromPos.copy(camera.position);
      flight.toTarget.set(tx, ty, tz);
      flight.toPos.set(px, py, pz);
      flight.t0 = performance.now();
      flight.ms = s * 1000;
      flight.active = true;
      invalidate();
    };
    const stopOverview = onOverviewRequest((s) => {
      lastFly.current = null;
      const t = overview.target;
      const p = overview.pos;
      fly(t.x, t.y, t.z, p.x, p.y, p.z, s);
    });
    const flyTo = (r: FlyRequest) => {
      let distance = r.distance;
      if (r.radius) {
        // the narrower of the two fields of view decides (a side panel makes the view tall)
        const halfV = (camera.fov * Math.PI) / 360;
        const halfH = Math.atan(Math.tan(halfV) * camera.aspect);
        distance = Math.max(distance, r.radius / Math.tan(Math.min(halfV, halfH)));
      }
      if (r.tilt === undefined) {
        // keep the direction of view
        _dir.copy(camera.position).sub(controls.target).setLength(distance);
      } else {
        // from the south, `tilt` degrees from straight down
        const a = (r.tilt * Math.PI) / 180;
        _dir.set(0, distance * Math.cos(a), distance * Math.sin(a));
      }
      fly(r.x, r.y, r.z, r.x + _dir.x, r.y + _dir.y, r.z + _dir.z, r.seconds ?? 1.5);
    };
    flyRef.current = flyTo;
    const stopFly = onFlyRequest((r) => {
      lastFly.current = { r, at: performance.now() };
      flyTo(r);
    });
    return () => {
      stopOverview();
      stopFly();
      controls.removeEventListener('change', onChange);
      controls.removeEventListener('start', onStart);
      controls.dispose();
      controlsRef.current = null;
    };
    // size is read at mount only, on purpose (see above)
  }, [camera, domElement, bounds, invalidate]);

  // a view that changes size after a flight (a panel opening) re-frames it for its new shape,
  // unless the person has moved the camera since
  useEffect(() => {
    const last = lastFly.current;
    if (!last || !last.r.radius) return;
    camera.aspect = size.width / Math.max(1, size.height);
    flyRef.current?.({ ...last.r, seconds: 0.8 });
  }, [size.width, size.height, camera]);

  useFrame(() => {
    const controls = controlsRef.current;
    if (!flight.active || !controls) return;
    const t = Math.min(1, (performance.now() - flight.t0) / flight.ms);
    const k = ease(t);
    controls.target.lerpVectors(flight.fromTarget, flight.toTarget, k);
    camera.position.lerpVectors(flight.fromPos, flight.toPos, k);
    controls.update();
    cameraProbe(controls.target, camera.position);
    if (t >= 1) flight.active = false;
    else invalidate();
  });

  return null;
}
