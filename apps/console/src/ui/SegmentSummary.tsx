import type { NetworkData } from '../store/network-store';
import { formatDiameter, formatInt } from '../format';
import { SensorReadings } from './SensorReadings';

export interface SegmentSummaryProps {
  data: NetworkData;
  index: number;
}

/** What the network metadata says about one segment, with its sensors' live values. */
export function SegmentSummary({ data, index }: SegmentSummaryProps) {
  const m = data.meta;
  const seg = m.segments;
  const line = seg.line[index] ?? -1;
  const company = m.companies[seg.company[index] ?? -1];
  const substance = m.substances[m.lines.substance[line] ?? -1];
  const year = seg.install_year[index] ?? 0;
  const sensors = data.segmentSensors.subarray(
    data.segmentSensorStart[index],
    data.segmentSensorStart[index + 1],
  );
  return (
    <div className="summary">
      <div className="summary__title">
        <span className="summary__kind">Segment</span> {seg.id[index]}
      </div>
      <dl className="facts">
        <dt>Line</dt>
        <dd>
          {m.lines.tag[line] ?? '—'} <span className="muted">{m.lines.name[line]}</span>
        </dd>
        <dt>Company</dt>
        <dd>{company ? `${company.short_name} · ${company.name}` : '—'}</dd>
        <dt>Substance</dt>
        <dd>{substance?.name ?? '—'}</dd>
        <dt>Diameter</dt>
        <dd>{formatDiameter(seg.diameter_mm[index] ?? 0)}</dd>
        <dt>Installed</dt>
        <dd>
          {year} <span className="muted">({new Date().getFullYear() - year} years)</span>
        </dd>
        <dt>Material</dt>
        <dd>
          {(m.materials[seg.material[index] ?? -1] ?? '—').replace(/_/g, ' ')} ·{' '}
          {m.placements[seg.placement[index] ?? -1] ?? '—'} · {formatInt(seg.length_m[index] ?? 0)}{' '}
          m
        </dd>
      </dl>
      <SensorReadings data={data} sensors={sensors} />
    </div>
  );
}
