import type { ComponentHealth } from '@ct/contracts';
import { useStatus } from '../store/hooks';
import { formatInt, formatValue } from '../format';

export type StatusFiguresProps = Record<string, never>;

const STATE_MARK: Record<ComponentHealth['state'], string> = {
  online: '✓',
  degraded: '!',
  offline: '✕',
  unknown: '?',
};

/** Data-flow figures and component states from /api/status (polled every 5 s). */
export function StatusFigures() {
  const { status, error } = useStatus();
  const f = status?.flow;
  // figures from an older poll stay on screen, marked as old
  return (
    <div
      className={`figures figures--status${error && status ? ' figures--old' : ''}`}
      title={error && status ? `status not updated: ${error}` : undefined}
    >
      <div className="figure">
        <span className="figure__value">{f ? formatInt(Math.round(f.readings_per_s)) : '—'}</span>
        <span className="figure__label">readings/s</span>
      </div>
      <div className="figure">
        <span className="figure__value">
          {f?.ingest_lag_s === null || f?.ingest_lag_s === undefined
            ? '—'
            : `${formatValue(f.ingest_lag_s)} s`}
        </span>
        <span className="figure__label">ingest lag</span>
      </div>
      <div className="figure">
        <span className="figure__value">
          {f?.dead_letters_total === null || f?.dead_letters_total === undefined
            ? '—'
            : formatInt(f.dead_letters_total)}
        </span>
        <span className="figure__label">dead letters</span>
      </div>
      <ul className="components" aria-label="Components">
        {error && !status && <li className="component component--offline">api ✕</li>}
        {status && status.components.every((c) => c.state === 'online') && (
          <li
            className="component"
            title={status.components.map((c) => `${c.component} ${c.instance}`).join(', ')}
          >
            {status.components.length} components ✓
          </li>
        )}
        {status?.components
          .filter((c) => c.state !== 'online')
          .map((c) => (
            <li
              key={`${c.component}/${c.instance}`}
              className={`component component--${c.state}`}
              title={`${c.instance}: ${c.state}${c.detail ? ` (${c.detail})` : ''}`}
            >
              {c.component} {STATE_MARK[c.state]}
            </li>
          ))}
      </ul>
    </div>
  );
}
