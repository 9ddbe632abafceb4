import { useEffect } from 'react';
import { addAfterEffect, useFrame, useThree } from '@react-three/fiber';
import type { PerspectiveCamera } from 'three';
import type { NetworkData } from '../store/network-store';
import { attachView, recordFrame } from '../store/console-probe';
import { updatePixelScale } from './pixel-scale';

export interface SceneProbeProps {
  data: NetworkData;
}

/** Keeps the pixel scale current before each frame and reports renderer figures after it. */
export function SceneProbe({ data }: SceneProbeProps) {
  const gl = useThree((s) => s.gl);
  const camera = useThree((s) => s.camera) as PerspectiveCamera;

  useEffect(() => attachView(camera, gl.domElement, data), [camera, gl, data]);
  useEffect(
    () => addAfterEffect(() => recordFrame(gl.info.render.calls, gl.info.render.triangles)),
    [gl],
  );
  useFrame((state) => updatePixelScale(state.camera as PerspectiveCamera, state.size.height));
  return null;
}
