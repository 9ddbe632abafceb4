import type { NetworkData } from '../store/network-store';
import { SensorReadings } from './SensorReadings';

export interface EquipmentSummaryProps {
  data: NetworkData;
  index: number;
}

/** What the network metadata says about one pump, compressor, valve or tank, with live values. */
export function EquipmentSummary({ data, index }: EquipmentSummaryProps) {
  const m = data.meta;
  const eq = m.equipment;
  const company = m.companies[eq.company[index] ?? -1];
  const line = eq.line[index] ?? -1;
  const sensors = data.equipmentSensors.subarray(
    data.equipmentSensorStart[index],
    data.equipmentSensorStart[index + 1],
  );
  return (
    <div className="summary">
      <div className="summary__title">
        <span className="summary__kind">{eq.kind[index]}</span> {eq.tag[index]}
      </div>
      <dl className="facts">
        <dt>Id</dt>
        <dd>{eq.id[index]}</dd>
        <dt>Company</dt>
        <dd>{company ? `${company.short_name} · ${company.name}` : '—'}</dd>
        <dt>Line</dt>
        <dd>{line >= 0 ? m.lines.tag[line] : '—'}</dd>
        {eq.kind[index] === 'valve' && (
          <>
            <dt>Isolation</dt>
            <dd>{eq.isolation[index] ? 'yes' : 'no'}</dd>
          </>
        )}
      </dl>
      <SensorReadings data={data} sensors={sensors} />
    </div>
  );
}
