import type { NetworkData } from '../store/network-store';
import { EquipmentInstances } from './EquipmentInstances';

export interface EquipmentLayerProps {
  data: NetworkData;
}

/** One instanced mesh per kind of equipment present (pumps, compressors, valves, tanks). */
export function EquipmentLayer({ data }: EquipmentLayerProps) {
  return (
    <>
      {data.equipmentKinds.map((kind) => (
        <EquipmentInstances key={kind} data={data} kind={kind} />
      ))}
    </>
  );
}
