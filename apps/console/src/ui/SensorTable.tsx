import type { SegmentDetail } from '@ct/contracts';
import { formatValue, quantityLabel } from '../format';
import { LiveTime } from './LiveTime';
import { LiveValue } from './LiveValue';

export interface SensorTableProps {
  sensors: SegmentDetail['sensors'];
}

/** Every sensor of an asset: tag, quantity, position along the pipe, live value and its time. */
export function SensorTable({ sensors }: SensorTableProps) {
  if (sensors.length === 0) return <p className="muted">No sensors on this asset.</p>;
  return (
    <table className="sensor-table">
      <thead>
        <tr>
          <th scope="col">Tag</th>
          <th scope="col">Quantity</th>
          <th scope="col" className="num">
            At
          </th>
          <th scope="col" className="num">
            Live value
          </th>
        </tr>
      </thead>
      <tbody>
        {sensors.map((s) => (
          <tr key={s.id}>
            <td className="mono">{s.tag}</td>
            <td>{quantityLabel(s.quantity)}</td>
            <td className="num">{s.position_m === null ? '' : `${formatValue(s.position_m)} m`}</td>
            <td className="num">
              <LiveValue sensorId={s.id} unit={s.unit} fallback={s.latest} />
              <LiveTime sensorId={s.id} fallback={s.latest} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
