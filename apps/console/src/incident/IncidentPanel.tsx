import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import type { AlertWithEvents, LeakAlertDetail } from '@ct/contracts';
import { alertStore, leakOf } from '../store/alert-store';
import { fetchAlert } from '../store/alert-api';
import type { NetworkData } from '../store/network-store';
import { requestFly } from '../store/view-store';
import { PRIORITY, STATE_WORDS, ZONE_HEX, duration, kindLabel } from '../alert-style';
import { clockTime, formatValue } from '../format';
import { ActionBar } from './ActionBar';
import { AuditTrail } from './AuditTrail';

export interface IncidentPanelProps {
  id: number;
  data: NetworkData;
  onClose: () => void;
}

/**
 * Everything one alert carries, its lifecycle actions and its audit trail. The alert itself
 * follows the live feed; the audit trail is read again whenever anyone acts on it.
 */
export function IncidentPanel({ id, data, onClose }: IncidentPanelProps) {
  const live = useSyncExternalStore(alertStore.subscribe, () => alertStore.getState().open.get(id));
  const [full, setFull] = useState<AlertWithEvents | null>(null);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(() => {
    fetchAlert(id).then(
      (a) => {
        setFull(a);
        setError(null);
      },
      (err: Error) => setError(err.message),
    );
  }, [id]);

  useEffect(() => {
    setFull(null);
    reload();
    // a colleague's action (or ours) on this alert: read the trail again
    return alertStore.onChange((c) => {
      if (c.alert.id === id) reload();
    });
  }, [id, reload]);

  // the live copy is newer when its version is (a comment keeps the version)
  const a = live && full && live.version > full.version ? { ...full, ...live } : (full ?? live);
  if (!a) {
    return (
      <aside className="incident" aria-label="Incident">
        <p className="muted">{error ?? `Loading alert ${id} …`}</p>
      </aside>
    );
  }
  const p = PRIORITY[a.severity];
  const leak = leakOf(a);
  return (
    <aside className="incident" aria-label="Incident" data-testid="incident-panel">
      <button type="button" className="panel__close" aria-label="Close incident" onClick={onClose}>
        ×
      </button>
      <div className="incident__prio" style={{ background: p.hex }}>
        <span aria-hidden="true">{p.shape}</span> {p.word} · {kindLabel(a.kind)}
      </div>
      <h2 className="incident__title">{a.title}</h2>
      <p className="incident__state" data-testid="incident-state">
        <strong>
          {a.isa_state} · {STATE_WORDS[a.isa_state]}
        </strong>
        {a.assignee && <> · assigned to {a.assignee}</>}
        {a.shelved_until && <> · shelved until {clockTime(a.shelved_until)}</>}
        <span className="muted">
          {' '}
          · raised {clockTime(a.raised_at)} ({duration(Date.now() - a.raised_at)} ago) · version{' '}
          {a.version}
        </span>
      </p>
      {error && <p className="panel__error">{error}</p>}
      <ActionBar alert={a} onDone={reload} />
      {leak ? <LeakFacts leak={leak} data={data} /> : <OtherFacts detail={a.detail} />}
      <AuditTrail events={full?.events ?? []} />
    </aside>
  );
}

const m = (v: number) => `${Math.round(v).toLocaleString('en-GB')} m`;

function LeakFacts({ leak, data }: { leak: LeakAlertDetail; data: NetworkData }) {
  const substance = data.meta.substances.find((s) => s.id === leak.substance_id);
  const tz = leak.threat_zones;
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
      <h3 className="panel__section">Where</h3>
      <dl className="facts facts--panel" data-testid="leak-position">
        <dt>Line</dt>
        <dd>
          {leak.line_tag} <span className="muted">({leak.company_name})</span>
        </dd>
        <dt>Segment</dt>
        <dd className="mono">{leak.segment_id}</dd>
        <dt>Position</dt>
        <dd>
          {m(leak.position.segment_distance_m)} from the segment start ±{' '}
          {m(leak.position.uncertainty_m)}{' '}
          <span className="muted">({leak.position.method.replace(/_/g, ' ')})</span>
        </dd>
        <dt>Along the line</dt>
        <dd>{m(leak.position.line_position_m)} from the inlet</dd>
        <dt>Site point</dt>
        <dd className="mono">{leak.position.xyz.map((v) => Math.round(v)).join(', ')} m</dd>
      </dl>
      <h3 className="panel__section">What and how much</h3>
      <dl className="facts facts--panel">
        <dt>Substance</dt>
        <dd>
          {leak.substance_name}
          {hazards && <span className="muted"> ({hazards})</span>}
        </dd>
        <dt>Rate</dt>
        <dd data-testid="leak-rate">
          {formatValue(leak.rate.m3h)} ± {formatValue(leak.rate.uncertainty_m3h)} m³/h ·{' '}
          {formatValue(leak.rate.kg_s)} kg/s · {formatValue(leak.rate.pct_of_flow)} % of flow
        </dd>
        <dt>Onset</dt>
        <dd>
          {clockTime(leak.onset_t)}{' '}
          <span className="muted">(detected {clockTime(leak.detected_t)})</span>
        </dd>
        <dt>Confidence</dt>
        <dd>{Math.round(leak.confidence * 100)} %</dd>
        {tz && (
          <>
            <dt>Thresholds</dt>
            <dd>
              {tz.zones
                .map((z) => `${z.concern.name} ${formatValue(z.concern.ppm)} ppm`)
                .join(' · ')}
            </dd>
          </>
        )}
      </dl>
      <h3 className="panel__section">Threat zones</h3>
      {!tz ? (
        <p className="muted">No threat zones (no weather report, or no levels of concern).</p>
      ) : (
        <>
          <table className="sensor-table" data-testid="threat-zones">
            <tbody>
              {tz.zones.map((z) => {
                const exposed = leak.exposed.find((e) => e.level === z.level);
                return (
                  <tr key={z.level}>
                    <td>
                      <span className="zone-swatch" style={{ background: ZONE_HEX[z.level] }} />{' '}
                      <strong>{z.level.toUpperCase()}</strong>
                    </td>
                    <td>
                      {z.concern.name} {formatValue(z.concern.ppm)} ppm
                    </td>
                    <td className="num">up to {m(z.max_distance_m)}</td>
                    <td className="num">
                      {exposed
                        ? `${exposed.segment_count} pipes, ${exposed.companies.length} ${exposed.companies.length === 1 ? 'company' : 'companies'}`
                        : ''}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <p className="muted small">
            Wind {formatValue(tz.wind_speed_ms)} m/s from {Math.round(tz.wind_from_deg)}°, stability{' '}
            {tz.stability}, {formatValue(tz.release_kg_s)} kg/s.
            {tz.warnings.map((w) => (
              <span key={w} className="warning">
                {' '}
                ⚠ {w}
              </span>
            ))}
          </p>
        </>
      )}
      <h3 className="panel__section">Isolation valves to close</h3>
      {leak.isolation_valves.length === 0 ? (
        <p className="muted">None known on this line.</p>
      ) : (
        <ul className="valves" data-testid="isolation-valves">
          {leak.isolation_valves.map((v) => (
            <li key={v.equipment_id}>
              <button
                type="button"
                className="link"
                onClick={() =>
                  requestFly({
                    x: v.position[0],
                    y: v.position[2],
                    z: -v.position[1],
                    distance: 250,
                    tilt: 40,
                  })
                }
              >
                {v.tag}
              </button>{' '}
              {v.side} · {m(v.distance_m)} from the leak
            </li>
          ))}
        </ul>
      )}
      <h3 className="panel__section">Owner</h3>
      <p>
        {leak.company_name}
        {leak.owner_contact ? ` · ${leak.owner_contact}` : ' · no emergency contact on record'}
      </p>
      <h3 className="panel__section">Inside the zones</h3>
      {leak.exposed.length === 0 ? (
        <p className="muted">Nothing recorded.</p>
      ) : (
        <ul className="exposed">
          {leak.exposed.map((e) => (
            <li key={e.level}>
              <strong>{e.level.toUpperCase()}</strong>: {e.segment_count} other pipes
              {e.companies.length > 0 && `; ${e.companies.map((c) => c.name).join(', ')}`}
            </li>
          ))}
        </ul>
      )}
      {(leak.evidence.length > 0 || leak.degraded.length > 0) && (
        <>
          <h3 className="panel__section">Evidence</h3>
          <ul className="exposed">
            {leak.evidence.map((e) => (
              <li key={e.method}>
                <strong>{e.method.replace(/_/g, ' ')}</strong> ({clockTime(e.t)}): {e.summary}
              </li>
            ))}
            {leak.degraded.map((d) => (
              <li key={d} className="warning">
                ⚠ {d}
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}

function OtherFacts({ detail }: { detail: Record<string, unknown> }) {
  const entries = Object.entries(detail).filter(
    ([, v]) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean',
  );
  if (entries.length === 0) return null;
  return (
    <>
      <h3 className="panel__section">Detail</h3>
      <dl className="facts facts--panel">
        {entries.map(([k, v]) => (
          <div key={k} className="facts__pair">
            <dt>{k.replace(/_/g, ' ')}</dt>
            <dd>{typeof v === 'number' ? formatValue(v) : String(v)}</dd>
          </div>
        ))}
      </dl>
    </>
  );
}
