import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { Alert } from '@ct/contracts';
import { alertStore, compareAlerts, leakOf } from '../store/alert-store';
import { PRIORITY, STATE_WORDS, duration, kindLabel } from '../alert-style';
import { clockTime } from '../format';

export interface AlertQueueProps {
  selected: number | null;
  onSelect: (id: number) => void;
}

const STATE_FILTERS = [
  { key: 'unacked', label: 'Unacknowledged', test: (a: Alert) => !a.acked && a.isa_state !== 'F' },
  { key: 'acked', label: 'Acknowledged', test: (a: Alert) => a.acked && a.isa_state !== 'F' },
  { key: 'shelved', label: 'Shelved', test: (a: Alert) => a.isa_state === 'F' },
] as const;
const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;

/** The open alerts, most severe and oldest first, with filters by state, priority and kind. */
export function AlertQueue({ selected, onSelect }: AlertQueueProps) {
  const alerts = useSyncExternalStore(alertStore.subscribe, alertStore.getState);
  const [states, setStates] = useState<Set<string>>(new Set(['unacked', 'acked', 'shelved']));
  const [severities, setSeverities] = useState<Set<string>>(new Set(SEVERITIES));
  const [kind, setKind] = useState('all');
  const [text, setText] = useState('');
  const all = [...alerts.open.values()].sort(compareAlerts);
  const kinds = [...new Set(all.map((a) => a.kind))].sort();
  const q = text.trim().toLowerCase();
  const shown = all.filter(
    (a) =>
      severities.has(a.severity) &&
      STATE_FILTERS.some((f) => states.has(f.key) && f.test(a)) &&
      (kind === 'all' || a.kind === kind) &&
      (!q || `${a.title} ${a.source_id} ${a.company_id}`.toLowerCase().includes(q)),
  );
  const toggle = (set: Set<string>, key: string, update: (s: Set<string>) => void) => {
    const next = new Set(set);
    if (next.has(key)) next.delete(key);
    else next.add(key);
    update(next);
  };
  return (
    <aside className="queue" aria-label="Alert queue" data-testid="alert-queue">
      <h2 className="queue__title">
        Alerts <span className="queue__count">{shown.length}</span>
        {shown.length !== all.length && <span className="muted"> of {all.length} open</span>}
      </h2>
      {alerts.floods
        .filter((f) => f.in_flood)
        .map((f) => (
          <p key={f.area_id} className="queue__flood" role="status" data-testid="queue-flood">
            ⚠ Alarm flood in {f.area_id}
            {f.flood && ` since ${clockTime(f.flood.since)}`}: {f.window_count} new alerts in 10
            min. New low and medium alerts there are counted, not listed one by one; high and
            critical ones still are.
          </p>
        ))}
      <div className="queue__filters">
        <div className="chips" role="group" aria-label="State">
          {STATE_FILTERS.map((f) => (
            <button
              key={f.key}
              type="button"
              className={`chip${states.has(f.key) ? ' chip--on' : ''}`}
              aria-pressed={states.has(f.key)}
              onClick={() => toggle(states, f.key, setStates)}
            >
              {f.label}
            </button>
          ))}
        </div>
        <div className="chips" role="group" aria-label="Priority">
          {SEVERITIES.map((s) => (
            <button
              key={s}
              type="button"
              className={`chip${severities.has(s) ? ' chip--on' : ''}`}
              aria-pressed={severities.has(s)}
              onClick={() => toggle(severities, s, setSeverities)}
            >
              <span style={{ color: PRIORITY[s].hex }} aria-hidden="true">
                {PRIORITY[s].shape}
              </span>{' '}
              {s}
            </button>
          ))}
        </div>
        <div className="queue__row">
          <select value={kind} onChange={(e) => setKind(e.target.value)} aria-label="Kind">
            <option value="all">all kinds</option>
            {kinds.map((k) => (
              <option key={k} value={k}>
                {kindLabel(k)}
              </option>
            ))}
          </select>
          <input
            type="search"
            placeholder="search title, source, owner"
            value={text}
            onChange={(e) => setText(e.target.value)}
            aria-label="Search alerts"
          />
        </div>
      </div>
      {!alerts.received ? (
        <p className="muted">Waiting for the live feed …</p>
      ) : shown.length === 0 ? (
        <p className="muted" data-testid="queue-empty">
          {all.length === 0 ? 'No open alerts. All normal.' : 'No alert matches these filters.'}
        </p>
      ) : (
        <ol className="queue__list">
          {shown.map((a) => (
            <QueueItem key={a.id} a={a} selected={a.id === selected} onSelect={onSelect} />
          ))}
        </ol>
      )}
    </aside>
  );
}

function QueueItem({
  a,
  selected,
  onSelect,
}: {
  a: Alert;
  selected: boolean;
  onSelect: (id: number) => void;
}) {
  const p = PRIORITY[a.severity];
  const leak = leakOf(a);
  return (
    <li>
      <button
        type="button"
        className={`queue-item${selected ? ' queue-item--selected' : ''}${a.acked ? '' : ' queue-item--unacked'}`}
        onClick={() => onSelect(a.id)}
        data-testid="queue-item"
        data-alert-id={a.id}
      >
        <span className="queue-item__prio" style={{ background: p.hex }}>
          <span aria-hidden="true">{p.shape}</span> {p.word}
        </span>
        <span className="queue-item__title">
          {leak ? `Leak · ${leak.substance_name} · ${leak.line_tag}` : a.title}
        </span>
        <span className="queue-item__meta">
          {a.isa_state} {STATE_WORDS[a.isa_state]} · <Age t={a.raised_at} />
          {a.assignee ? ` · ${a.assignee}` : ''}
        </span>
      </button>
    </li>
  );
}

/** Age of an alert, rewritten every second without a React render. */
function Age({ t }: { t: number }) {
  const ref = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    const tick = () => {
      if (ref.current) ref.current.textContent = duration(Date.now() - t);
    };
    tick();
    const timer = setInterval(tick, 1000);
    return () => clearInterval(timer);
  }, [t]);
  return <span ref={ref} />;
}
