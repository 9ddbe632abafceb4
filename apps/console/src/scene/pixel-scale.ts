import type { PerspectiveCamera } from 'three';

/**
 * World metres covered by one CSS pixel at one metre from a perspective camera; times the
 * distance gives the size of a pixel there. Shared as a shader uniform (thin pipes keep a
 * minimum width on screen) and by the pickers (the same width is what the pointer can hit).
 */
export const pixelScale = { value: 0.001 };

export function updatePixelScale(camera: PerspectiveCamera, heightPx: number): void {
  pixelScale.value = (2 * Math.tan((camera.fov * Math.PI) / 360)) / Math.max(1, heightPx);
}
