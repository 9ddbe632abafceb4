import { useEffect, useState } from 'react';
import type { ConditionDetail } from '@ct/contracts';
import { formatDesign } from '../format';
import { apiFetch } from '../session/session';

export interface SegmentConditionProps {
  segmentId: string;
}

const fmt = (v: number | null | undefined, unit = '', digits = 2) =>
  v === null || v === undefined
    ? '—'
    : `${v.toLocaleString('en-GB', { maximumFractionDigits: digits })}${unit ? ` ${unit}` : ''}`;

/** One segment's condition: governing figures, risk and its drivers, every CML's readings. */
export function SegmentCondition({ segmentId }: SegmentConditionProps) {
  const [d, setD] = useState<ConditionDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const ctl = new AbortController();
    setD(null);
    apiFetch(`/api/condition/segments/${encodeURIComponent(segmentId)}`, { signal: ctl.signal })
      .then(async (res) => {
        if (!res.ok) throw new Error(`condition of ${segmentId}: ${res.status}`);
        setD((await res.json()) as ConditionDetail);
      })
      .catch((err: Error) => !ctl.signal.aborted && setError(err.message));
    return () => ctl.abort();
  }, [segmentId]);
  if (error) return <p className="panel__error">{error}</p>;
  if (!d) return <p className="muted">Loading the condition …</p>;
  const c = d.condition;
  const rt = d.required_thickness;
  return (
    <div data-testid="segment-condition">
      {c ? (
        <dl className="facts facts--panel">
          <dt>Remaining life</dt>
          <dd>
            <strong>
              {c.remaining_life_y === null
                ? 'no measurable corrosion'
                : `${fmt(c.remaining_life_y, 'years', 1)}`}
            </strong>{' '}
            {c.ffs_required && <span className="warning">FFS review required</span>}
          </dd>
          <dt>Wall</dt>
          <dd>
            {fmt(c.t_actual_mm, 'mm')} of {formatDesign(c.wall_mm)} mm nominal (loss{' '}
            {fmt(c.wall_loss_pct, '%', 1)}); required {fmt(c.t_required_mm, 'mm')}
          </dd>
          <dt>Corrosion rate</dt>
          <dd>
            {fmt(c.corrosion_rate_mm_y, 'mm/y', 3)}{' '}
            <span className="muted">
              ({c.rate_basis}; long-term {fmt(c.cr_lt_mm_y, '', 3)}, short-term{' '}
              {fmt(c.cr_st_mm_y, '', 3)})
            </span>
          </dd>
          <dt>Last inspection</dt>
          <dd>{c.last_inspection ?? 'never'}</dd>
          <dt>Next inspection</dt>
          <dd>
            {c.next_inspection} {c.overdue && <strong>(overdue)</strong>}{' '}
            <span className="muted">({c.interval_basis})</span>
          </dd>
          <dt>Risk</dt>
          <dd>
            {c.risk_cell} · {c.risk_level.replace('_', '-')}
          </dd>
        </dl>
      ) : (
        <p className="muted">Not assessed yet.</p>
      )}
      {d.risk && (
        <ul className="exposed small">
          {[...d.risk.probability.drivers, ...d.risk.consequence.drivers].map((x) => (
            <li key={x}>{x}</li>
          ))}
        </ul>
      )}
      <p className="muted small">
        {rt.standard}: t = {fmt(rt.pressure_design_mm, 'mm', 3)} at{' '}
        {fmt(rt.design_pressure_mpa, 'MPa', 2)}, S {fmt(rt.allowable_stress_mpa, 'MPa', 1)};
        retirement {fmt(rt.retirement_mm, 'mm', 2)} ({rt.governed_by})
      </p>
      <h3 className="panel__section">Inspection history ({d.cmls.length} CMLs)</h3>
      <table className="sensor-table" data-testid="inspection-history">
        <thead>
          <tr>
            <th>CML</th>
            <th>Readings (date: mm)</th>
            <th className="num">Rate mm/y</th>
            <th className="num">Life y</th>
          </tr>
        </thead>
        <tbody>
          {d.cmls.map((m) => (
            <tr key={m.cml}>
              <td className="mono">{m.cml}</td>
              <td>
                {m.readings.length === 0
                  ? 'none'
                  : m.readings.map((r) => `${r.date}: ${r.thickness_mm}`).join(' · ')}
              </td>
              <td className="num">{fmt(m.corrosion_rate_mm_y, '', 3)}</td>
              <td className="num">
                {m.remaining_life_y === null ? '∞' : fmt(m.remaining_life_y, '', 1)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
