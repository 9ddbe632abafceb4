import { Color, Matrix4, Quaternion, Vector3 } from 'three';

// Scratch objects shared by per-instance loops and frame callbacks, so that neither allocates.
// Use them only within one synchronous function; never keep a reference.
export const _matrix = new Matrix4();
export const _vec = new Vector3();
export const _vec2 = new Vector3();
export const _scale = new Vector3();
export const _quat = new Quaternion();
export const _color = new Color();
export const Y_AXIS = new Vector3(0, 1, 0);
