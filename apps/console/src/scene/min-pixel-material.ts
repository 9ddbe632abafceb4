import type { Material } from 'three';
import { pixelScale } from './pixel-scale';

/**
 * Makes instances of `material` at least `minRadiusPx` CSS pixels in radius on screen, however
 * far the camera is: 'radial' widens a unit cylinder (axis y) across its axis only, 'uniform'
 * grows the whole instance. The instance's own size is the length of its matrix's x column.
 * Near the camera the instance keeps its true (exaggerated) size.
 */
export function withMinPixelSize<M extends Material>(
  material: M,
  mode: 'radial' | 'uniform',
  minRadiusPx: number,
): M {
  const grow = mode === 'radial' ? 'transformed.xz *= k;' : 'transformed *= k;';
  material.onBeforeCompile = (shader) => {
    shader.uniforms.uPixelScale = pixelScale;
    shader.uniforms.uMinRadiusPx = { value: minRadiusPx };
    shader.vertexShader =
      'uniform float uPixelScale;\nuniform float uMinRadiusPx;\n' +
      shader.vertexShader.replace(
        '#include <begin_vertex>',
        `#include <begin_vertex>
#ifdef USE_INSTANCING
{
  float rInst = max(length(instanceMatrix[0].xyz), 1e-6);
  vec4 wp = modelMatrix * instanceMatrix * vec4(transformed, 1.0);
  float minR = distance(wp.xyz, cameraPosition) * uPixelScale * uMinRadiusPx;
  float k = max(1.0, minR / rInst);
  ${grow}
}
#endif`,
      );
  };
  material.customProgramCacheKey = () => `min-px-${mode}-${minRadiusPx}`;
  return material;
}
