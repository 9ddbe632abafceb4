import { useEffect } from 'react';
import { addAfterEffect, addEffect, useFrame, useThree } from '@react-three/fiber';
import type { PerspectiveCamera } from 'three';
import type { NetworkData } from '../store/network-store';
import { attachView, frameBegins, recordFrame } from '../store/console-probe';
import { updatePixelScale } from './pixel-scale';

export interface SceneProbeProps {
  data: NetworkData;
}

/** Keeps the pixel scale current before each frame and reports renderer figures after it. */
export function SceneProbe({ data }: SceneProbeProps) {
  const gl = useThree((s) => s.gl);
  const camera = useThree((s) => s.camera) as PerspectiveCamera;

  useEffect(() => attachView(camera, gl.domElement, data), [camera, gl, data]);
  useEffect(() => {
    const stopBefore = addEffect(frameBegins);
    const stopAfter = addAfterEffect(() =>
      recordFrame(gl.info.render.calls, gl.info.render.triangles),
    );
    return () => {
      stopBefore();
      stopAfter();
    };
  }, [gl]);
  useFrame((state) => updatePixelScale(state.camera as PerspectiveCamera, state.size.height));
  return null;
}
