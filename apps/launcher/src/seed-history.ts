import type { PlantMeta } from '@ct/db';
import { generateInspectionHistory, generatePlant, type InspectionHistory } from '@ct/plant';

/**
 * The inspection history of a generated plant: the same seed gives the same plant and the same
 * readings. An imported network has none (its owner imports inspection campaigns).
 */
export function seededHistory(meta: PlantMeta): InspectionHistory | null {
  if (meta.source !== 'generator' || meta.seed === null) return null;
  const size = meta.size === 'small' || meta.size === 'large' ? meta.size : 'default';
  return generateInspectionHistory(generatePlant({ seed: meta.seed, size }), { seed: meta.seed });
}
