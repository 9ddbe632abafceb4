import { useEffect, useMemo, useState } from 'react';
import type { EquipmentHealth } from '@ct/contracts';
import { equipmentHealthStore } from '../store/equipment-health-store';
import { formatValue } from '../format';
import { TimeChart } from './TimeChart';
import { apiFetch } from '../session/session';

export interface EquipmentHealthViewProps {
  equipmentId: string;
}

const SCORE_RANGE: [number, number] = [0, 1];

interface Scores {
  points: { t: number; score: number }[];
}

/** A pump's or compressor's live anomaly score, drivers, zone, health index and RUL, and its score history. */
export function EquipmentHealthView({ equipmentId }: EquipmentHealthViewProps) {
  const [h, setH] = useState<EquipmentHealth | null>(
    () => equipmentHealthStore.byId.get(equipmentId) ?? null,
  );
  const [note, setNote] = useState<string | null>(null);
  const [scores, setScores] = useState<Scores | null>(null);

  useEffect(() => {
    const ctl = new AbortController();
    apiFetch(`/api/equipment/${encodeURIComponent(equipmentId)}/health`, { signal: ctl.signal })
      .then(async (res) => {
        if (res.status === 404) {
          setNote(((await res.json()) as { message: string }).message);
          return;
        }
        if (!res.ok) throw new Error(`health: ${res.status}`);
        setH((await res.json()) as EquipmentHealth);
      })
      .catch((err: Error) => !ctl.signal.aborted && setNote(err.message));
    apiFetch(`/api/equipment/${encodeURIComponent(equipmentId)}/scores`, { signal: ctl.signal })
      .then(async (res) => (res.ok ? setScores((await res.json()) as Scores) : null))
      .catch(() => undefined);
    const stop = equipmentHealthStore.subscribe((items) => {
      const mine = items.find((x) => x.equipment_id === equipmentId);
      if (mine) setH(mine);
    });
    return () => {
      ctl.abort();
      stop();
    };
  }, [equipmentId]);

  const series = useMemo(
    () =>
      scores ? { t: scores.points.map((p) => p.t), v: scores.points.map((p) => p.score) } : null,
    [scores],
  );
  return (
    <div data-testid="equipment-health">
      {h ? (
        <dl className="facts facts--panel">
          <dt>Anomaly score</dt>
          <dd>
            <strong>{formatValue(h.score)}</strong> {h.anomaly ? '(anomalous)' : '(normal)'} ·{' '}
            {h.state} · confidence {Math.round(h.confidence * 100)} %
          </dd>
          <dt>Drivers</dt>
          <dd>
            {h.contributions.length === 0
              ? '—'
              : h.contributions
                  .slice(0, 4)
                  .map(
                    (c) =>
                      `${c.name.replace(/_/g, ' ')} ${c.sigma >= 0 ? '+' : ''}${c.sigma.toFixed(1)}σ`,
                  )
                  .join(', ')}
          </dd>
          <dt>ISO 10816 zone</dt>
          <dd>
            {h.zone ?? '—'}
            {h.vibration_mm_s !== null && ` (${formatValue(h.vibration_mm_s)} mm/s)`}
          </dd>
          <dt>Health index</dt>
          <dd>{h.health_index === null ? '—' : formatValue(h.health_index)}</dd>
          <dt>Remaining useful life</dt>
          <dd>
            {!h.rul ? '—' : h.rul.status === 'estimate' ? h.rul.text : `no trend: ${h.rul.reason}`}
          </dd>
        </dl>
      ) : (
        <p className="muted">{note ?? 'Loading the health …'}</p>
      )}
      {series && series.t.length > 1 && (
        <>
          <h3 className="panel__section">Anomaly score, last 6 hours</h3>
          <TimeChart
            t={series.t}
            value={series.v}
            label="score"
            yRange={SCORE_RANGE}
            height={150}
          />
        </>
      )}
    </div>
  );
}
