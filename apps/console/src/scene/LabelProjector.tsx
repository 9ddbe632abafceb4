import { useEffect } from 'react';
import { useFrame, useThree } from '@react-three/fiber';
import { onLabelsChange, pinnedLabels } from '../store/label-registry';
import { _vec } from './scratch';

/** Moves the pinned DOM labels to where their points are on screen, on every rendered frame. */
export function LabelProjector() {
  const invalidate = useThree((s) => s.invalidate);
  useEffect(() => {
    onLabelsChange(() => invalidate());
    invalidate();
    return () => onLabelsChange(null);
  }, [invalidate]);
  useFrame(({ camera, size }) => {
    // the renderer updates the camera's matrices only after the frame callbacks
    camera.updateMatrixWorld();
    for (const l of pinnedLabels) {
      _vec.set(l.x, l.y, l.z).project(camera);
      const visible = _vec.z < 1 && Math.abs(_vec.x) < 1.1 && Math.abs(_vec.y) < 1.1;
      l.el.style.visibility = visible ? 'visible' : 'hidden';
      if (!visible) continue;
      const x = ((_vec.x + 1) / 2) * size.width;
      const y = ((1 - _vec.y) / 2) * size.height;
      l.el.style.transform = `translate(${x.toFixed(1)}px, ${y.toFixed(1)}px) translate(-50%, -50%)`;
    }
  });
  return null;
}
