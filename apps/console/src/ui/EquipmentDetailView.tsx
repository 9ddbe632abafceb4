import type { EquipmentDetail } from '@ct/contracts';
import { formatInt } from '../format';
import { SensorTable } from './SensorTable';

export interface EquipmentDetailViewProps {
  detail: EquipmentDetail;
}

/** Data sheet of one pump, compressor, valve or tank and its sensors (GET /api/equipment/:id). */
export function EquipmentDetailView({ detail: d }: EquipmentDetailViewProps) {
  return (
    <>
      <h2 className="panel__title">
        <span className="summary__kind">{d.kind}</span> {d.tag}
      </h2>
      <p className="panel__subtitle">
        {d.name} · {d.company_name}
      </p>
      <dl className="facts facts--panel">
        <dt>Id</dt>
        <dd className="mono">{d.id}</dd>
        {d.line_id && (
          <>
            <dt>Line</dt>
            <dd className="mono">{d.line_id}</dd>
          </>
        )}
        {d.rated_kw !== null && (
          <>
            <dt>Rated power</dt>
            <dd>{formatInt(d.rated_kw)} kW</dd>
          </>
        )}
        {d.speed_rpm !== null && (
          <>
            <dt>Speed</dt>
            <dd>{formatInt(d.speed_rpm)} rpm</dd>
          </>
        )}
        {d.machine_group !== null && (
          <>
            <dt>Machine group</dt>
            <dd>{d.machine_group}</dd>
          </>
        )}
        {d.foundation && (
          <>
            <dt>Foundation</dt>
            <dd>{d.foundation}</dd>
          </>
        )}
        {d.capacity_m3 !== null && (
          <>
            <dt>Capacity</dt>
            <dd>{formatInt(d.capacity_m3)} m³</dd>
          </>
        )}
        {d.isolation !== null && (
          <>
            <dt>Isolation valve</dt>
            <dd>{d.isolation ? 'yes' : 'no'}</dd>
          </>
        )}
        <dt>Area</dt>
        <dd>{d.area_id}</dd>
      </dl>
      <h3 className="panel__section">Sensors ({d.sensors.length})</h3>
      <SensorTable sensors={d.sensors} />
    </>
  );
}
