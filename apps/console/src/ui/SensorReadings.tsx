import type { NetworkData } from '../store/network-store';
import { quantityLabel } from '../format';
import { LiveValue } from './LiveValue';

export interface SensorReadingsProps {
  data: NetworkData;
  /** Sensor indexes into `data.meta.sensors`. */
  sensors: ArrayLike<number>;
  /** Show at most this many; the rest are counted. */
  max?: number;
}

/** Quantity and live value of each sensor, from the network metadata and the live store. */
export function SensorReadings({ data, sensors, max = 8 }: SensorReadingsProps) {
  const s = data.meta.sensors;
  const rows: number[] = [];
  for (let k = 0; k < sensors.length && k < max; k++) rows.push(sensors[k]!);
  if (sensors.length === 0) return <p className="muted">No sensors on this asset.</p>;
  return (
    <table className="readings">
      <tbody>
        {rows.map((i) => (
          <tr key={s.id[i]}>
            <th scope="row">
              {quantityLabel(data.meta.quantities[s.quantity[i]!] ?? '?')}
              <span className="tag">{s.tag[i]}</span>
            </th>
            <td>
              <LiveValue sensorId={s.id[i]!} unit={s.unit[i]!} />
            </td>
          </tr>
        ))}
        {sensors.length > max && (
          <tr>
            <td colSpan={2} className="muted">
              and {sensors.length - max} more
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}
