import type { Material } from 'three';
import { pixelScale } from './pixel-scale';

/**
 * Makes instances of `material` at least `minRadiusPx` CSS pixels in radius on screen, however
 * far the camera is: 'radial' widens a unit cylinder (axis y) across its axis only, 'uniform'
 * grows the whole instance. The instance's own size is the length of its matrix's x column.
 * Near the camera the instance keeps its true (exaggerated) size. With `widenAttribute`, a
 * per-instance float attribute of that name multiplies the minimum (filter matches stand out).
 */
export function withMinPixelSize<M extends Material>(
  material: M,
  mode: 'radial' | 'uniform',
  minRadiusPx: number,
  widenAttribute?: string,
): M {
  const grow = mode === 'radial' ? 'transformed.xz *= k;' : 'transformed *= k;';
  const widen = widenAttribute ? ` * ${widenAttribute}` : '';
  material.onBeforeCompile = (shader) => {
    shader.uniforms.uPixelScale = pixelScale;
    shader.uniforms.uMinRadiusPx = { value: minRadiusPx };
    shader.vertexShader =
      'uniform float uPixelScale;\nuniform float uMinRadiusPx;\n' +
      (widenAttribute ? `attribute float ${widenAttribute};\n` : '') +
      shader.vertexShader.replace(
        '#include <begin_vertex>',
        `#include <begin_vertex>
#ifdef USE_INSTANCING
{
  float rInst = max(length(instanceMatrix[0].xyz), 1e-6);
  vec4 wp = modelMatrix * instanceMatrix * vec4(transformed, 1.0);
  float minR = distance(wp.xyz, cameraPosition) * uPixelScale * uMinRadiusPx${widen};
  float k = max(1.0, minR / rInst);
  ${grow}
}
#endif`,
      );
  };
  material.customProgramCacheKey = () => `min-px-${mode}-${minRadiusPx}-${widenAttribute ?? ''}`;
  return material;
}
