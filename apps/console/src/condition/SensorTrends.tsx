import { useEffect, useState } from 'react';
import type { TrendResponse } from '@ct/contracts';
import { formatInt, quantityLabel, unitLabel } from '../format';
import { TimeChart } from './TimeChart';
import { apiFetch } from '../session/session';

export interface SensorTrendsProps {
  sensors: readonly { id: number; tag: string; quantity: string; unit: string }[];
}

const RANGES = [
  { key: '1h', label: '1 h', ms: 3_600_000 },
  { key: '6h', label: '6 h', ms: 6 * 3_600_000 },
  { key: '24h', label: '24 h', ms: 24 * 3_600_000 },
  { key: '7d', label: '7 d', ms: 7 * 86_400_000 },
  { key: '30d', label: '30 d', ms: 30 * 86_400_000 },
] as const;

/** `YYYY-MM-DDThh:mm` in local time, for datetime-local inputs. */
const localInput = (ms: number) => {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
};

/**
 * Trends of an asset's sensors over any range: the api picks raw readings, 1-minute or 1-hour
 * buckets (`resolution=auto`) so the answer stays under 2,000 points; buckets show their envelope.
 */
export function SensorTrends({ sensors }: SensorTrendsProps) {
  const [sensorId, setSensorId] = useState<number | null>(sensors[0]?.id ?? null);
  const [range, setRange] = useState<{ from: number; to: number }>(() => {
    const to = Date.now();
    return { from: to - 3_600_000, to };
  });
  const [trend, setTrend] = useState<TrendResponse | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (sensorId === null) return;
    const ctl = new AbortController();
    setError(null);
    apiFetch(
      `/api/sensors/${sensorId}/trend?from=${Math.round(range.from)}&to=${Math.round(range.to)}`,
      {
        signal: ctl.signal,
      },
    )
      .then(async (res) => {
        if (!res.ok) throw new Error(`trend: ${res.status}`);
        setTrend((await res.json()) as TrendResponse);
      })
      .catch((err: Error) => {
        if (!ctl.signal.aborted) setError(err.message);
      });
    return () => ctl.abort();
  }, [sensorId, range]);

  if (sensors.length === 0) return <p className="muted">No sensors on this asset.</p>;
  const s = sensors.find((x) => x.id === sensorId) ?? sensors[0]!;
  return (
    <div className="trends" data-testid="trends">
      <div className="trends__controls">
        <select
          value={s.id}
          onChange={(e) => setSensorId(Number(e.target.value))}
          aria-label="Sensor"
        >
          {sensors.map((x) => (
            <option key={x.id} value={x.id}>
              {x.tag} · {quantityLabel(x.quantity)}
            </option>
          ))}
        </select>
        {RANGES.map((r) => (
          <button
            key={r.key}
            type="button"
            className="chip"
            onClick={() => {
              const to = Date.now();
              setRange({ from: to - r.ms, to });
            }}
          >
            {r.label}
          </button>
        ))}
      </div>
      <div className="trends__controls">
        <label>
          from{' '}
          <input
            type="datetime-local"
            value={localInput(range.from)}
            onChange={(e) => {
              const v = Date.parse(e.target.value);
              if (v < range.to) setRange({ ...range, from: v });
            }}
          />
        </label>
        <label>
          to{' '}
          <input
            type="datetime-local"
            value={localInput(range.to)}
            onChange={(e) => {
              const v = Date.parse(e.target.value);
              if (v > range.from) setRange({ ...range, to: v });
            }}
          />
        </label>
      </div>
      {error && <p className="panel__error">{error}</p>}
      {trend && trend.sensor_id === s.id && (
        <>
          <p className="muted small" data-testid="trend-resolution">
            {formatInt(trend.t.length)} points · resolution {trend.resolution}
            {trend.truncated ? ' (truncated)' : ''} · {unitLabel(trend.unit)}
          </p>
          {trend.t.length === 0 ? (
            <p className="muted">No readings in this range.</p>
          ) : (
            <TimeChart
              t={trend.t}
              value={trend.avg}
              min={trend.resolution === 'raw' ? null : trend.min}
              max={trend.resolution === 'raw' ? null : trend.max}
              label={`${s.tag} (${unitLabel(trend.unit)})`}
              testId="trend-chart"
            />
          )}
        </>
      )}
    </div>
  );
}
