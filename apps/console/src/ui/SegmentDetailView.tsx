import type { SegmentDetail } from '@ct/contracts';
import type { NetworkData } from '../store/network-store';
import { formatDesign } from '../format';
import { SensorTable } from './SensorTable';

export interface SegmentDetailViewProps {
  data: NetworkData;
  detail: SegmentDetail;
}

/** Design data of one pipe segment and its sensors (GET /api/segments/:id). */
export function SegmentDetailView({ data, detail: d }: SegmentDetailViewProps) {
  const substance = data.meta.substances.find((s) => s.id === d.substance_id);
  const hazards = substance
    ? [
        substance.toxic && 'toxic',
        substance.flammable && 'flammable',
        substance.dense_gas && 'dense gas',
      ]
        .filter(Boolean)
        .join(', ')
    : '';
  return (
    <>
      <h2 className="panel__title">
        <span className="summary__kind">Segment</span> {d.id}
      </h2>
      <p className="panel__subtitle">
        {d.line_tag} · {d.line_name} · {d.company_name}
      </p>
      <dl className="facts facts--panel">
        <dt>Substance</dt>
        <dd>
          {substance?.name ?? d.substance_id}
          {hazards && <span className="muted"> ({hazards})</span>}
        </dd>
        <dt>Outside diameter</dt>
        <dd>{formatDesign(d.diameter_mm)} mm</dd>
        <dt>Wall</dt>
        <dd>
          {formatDesign(d.wall_mm)} mm{' '}
          <span className="muted">
            (corrosion allowance {formatDesign(d.corrosion_allowance_mm)} mm)
          </span>
        </dd>
        <dt>Material</dt>
        <dd>{d.material.replace(/_/g, ' ')}</dd>
        <dt>Design pressure</dt>
        <dd>{formatDesign(d.design_pressure_kpa)} kPa</dd>
        <dt>Design temperature</dt>
        <dd>{formatDesign(d.design_temp_c)} °C</dd>
        <dt>Piping class</dt>
        <dd>{d.piping_class}</dd>
        <dt>Installed</dt>
        <dd>{d.install_year}</dd>
        <dt>Length</dt>
        <dd>
          {formatDesign(d.length_m)} m <span className="muted">({d.placement})</span>
        </dd>
        <dt>Nodes</dt>
        <dd className="mono">
          {d.from_node_id} → {d.to_node_id}
        </dd>
        <dt>Area</dt>
        <dd>{d.area_id}</dd>
      </dl>
      <h3 className="panel__section">Sensors ({d.sensors.length})</h3>
      <SensorTable sensors={d.sensors} />
    </>
  );
}
